"""Break the engine's guarantees one at a time and check that the unit suite notices.

Each mutant removes one protection from a copy of the project (the tracked files, as they stand in
the work tree) and runs unit tests there; a mutant the tests survive is a guarantee no test holds.
`make test` runs each mutant against the test named for it (``first``: seconds a mutant);
`make test-all` against the whole unit suite. The work tree itself is never changed.

    python -m tests.mutants                  # each against its own test file
    python -m tests.mutants --whole           # each against the whole unit suite (minutes)
    python -m tests.mutants cite-offsets silent-reply
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    protection: str  # the code that holds the guarantee
    broken: str  # the same code without it
    guarantee: str
    first: str  # the test that catches it (a file or a test of one)


MUTANTS = (
    Mutant(
        "cite-offsets",
        "assistant/answer/citations.py",
        "if document_text(s.doc_id)[s.start : s.end] != s.text or not has_words(s.text):",
        "if not has_words(s.text):",
        "a citation's quote is the document's text at its offsets",
        first="tests/test_citations.py::test_a_quote_is_cited_only_where_it_stands_in_the_document",
    ),
    Mutant(
        "wordless-citation",
        "assistant/answer/citations.py",
        " or not has_words(s.text):",
        ":",
        "no citation quotes a text without a word (a list's '2.')",
        first="tests/test_citations.py::test_a_quote_without_a_word_is_never_cited",
    ),
    Mutant(
        "unverified-evidence-sentence",
        "assistant/answer/answering.py",
        "            if marks:\n                out.append(",
        "            if True:\n                out.append(",
        "a sentence none of whose citations verifies is dropped (evidence-first answers)",
        first="tests/test_evidence_answers.py::test_a_sentence_whose_named_evidence_is_not_at_its_offsets_is_dropped_the_rest_kept",
    ),
    Mutant(
        "silent-reply",
        "assistant/answer/checking.py",
        "return REFUSAL_TOKEN in text or MODEL_REFUSALS.search(text) is not None",
        "return REFUSAL_TOKEN in text",
        "an evidence-first reply that says the sources are silent is a refusal",
        first="tests/test_checking.py::test_no_evidence_or_a_silent_reply_is_refused",
    ),
    Mutant(
        "remove-rollback",
        "assistant/ingest/corpus.py",
        "        path.write_bytes(backup)\n        _restore_metadata(corpus, saved)\n        raise\n",
        "        raise\n",
        "a removal whose re-indexing fails puts the file and its metadata back",
        first="tests/test_corpus.py::test_a_removal_whose_indexing_fails_puts_the_document_back",
    ),
    Mutant(
        "add-rollback",
        "assistant/ingest/corpus.py",
        "        for target in copied:\n            target.unlink(missing_ok=True)\n"
        "        _restore_metadata(corpus, saved)\n",
        "",
        "an addition whose indexing fails takes its copied files and metadata back out",
        first="tests/test_corpus.py::test_an_indexing_failure_rolls_the_upload_back",
    ),
    Mutant(
        "read-only-add",
        "assistant/ingest/corpus.py",
        '    if not settings.uploads_enabled:\n        raise DocumentError(\n            "Adding',
        '    if False:\n        raise DocumentError(\n            "Adding',
        "a site with uploads turned off adds no document, whatever a client sends",
        first="tests/test_corpus.py::test_read_only_sites_refuse_changes",
    ),
    Mutant(
        "read-only-change",
        "assistant/ingest/corpus.py",
        '    if not settings.uploads_enabled:\n        raise DocumentError(\n            f"{verb}',
        '    if False:\n        raise DocumentError(\n            f"{verb}',
        "a site with uploads turned off removes or edits no document, whatever a client sends",
        first="tests/test_corpus.py::test_read_only_sites_refuse_changes",
    ),
    Mutant(
        "login",
        "ui/app.py",
        "        auth=auth,\n",
        "        auth=None,\n",
        "with users set, no page, file route or API call of the app works without logging in",
        first="tests/test_ui_access.py::test_with_login_on_no_route_answers_without_it",
    ),
    Mutant(
        "no-words",
        "assistant/pipeline.py",
        "    if not has_letters_or_digits(cleaned):",
        "    if False:",
        "a question of only emoji or punctuation gets a message, not a search",
        first="tests/test_bad_input.py::test_a_bad_question_gets_a_message_in_every_interface_and_changes_nothing[only emoji]",
    ),
    Mutant(
        "question-controls",
        "assistant/text/inputs.py",
        '" " if unicodedata.category(c)[0] == "C" else c for c in text',
        "c for c in text",
        "control characters and undecodable bytes in what users type are dropped",
        first="tests/test_bad_input.py::test_a_bad_question_gets_a_message_in_every_interface_and_changes_nothing[controls and undecodable bytes]",
    ),
    Mutant(
        "document-controls",
        "assistant/ingest/loading.py",
        "text = document_text(extract(data, path.name))",
        "text = extract(data, path.name)",
        "control characters in a document become spaces (offsets kept; Word exports stay valid)",
        first="tests/test_bad_input.py::test_a_document_full_of_control_characters_keeps_its_offsets_and_exports",
    ),
    Mutant(
        "parser-errors",
        "assistant/ingest/loading.py",
        "    except Exception as exc:  # a parser",
        "    except DocumentError as exc:  # a parser",
        "whatever a file parser raises on a broken file becomes a message naming the file",
        first="tests/test_bad_input.py::test_a_bad_file_is_refused_by_name_in_every_interface_and_changes_nothing[abime.docx]",
    ),
    Mutant(
        "escape-names",
        "ui/errors.py",
        "esc(v) if isinstance(v, str) else v",
        "v",
        "titles and file names in the app's messages show as text, never as markup",
        first="tests/test_bad_input.py::test_html_in_a_document_and_its_title_is_shown_as_text_everywhere_the_app_renders_it",
    ),
    Mutant(
        "escape-question",
        "ui/chat.py",
        '{"role": "user", "content": esc(question)}',
        '{"role": "user", "content": question}',
        "the question shows as text in the chat, never as markup",
        first="tests/test_bad_input.py::test_html_in_a_document_and_its_title_is_shown_as_text_everywhere_the_app_renders_it",
    ),
    Mutant(
        "escape-named-sources",
        "ui/chat.py",
        "esc(flat(q))",
        "flat(q)",
        "the named sources shown while an answer is checked show as text, never as markup",
        first="tests/test_bad_input.py::test_html_in_a_document_and_its_title_is_shown_as_text_everywhere_the_app_renders_it",
    ),
    Mutant(
        "size-limit",
        "assistant/ingest/corpus.py",
        "    if size_mb > settings.max_upload_mb:",
        "    if False:",
        "a file over the size limit is refused, named, before it is read",
        first="tests/test_bad_input.py::test_a_bad_file_is_refused_by_name_in_every_interface_and_changes_nothing[gros.txt]",
    ),
    Mutant(
        "duplicate-content",
        "assistant/ingest/corpus.py",
        "    if twin:",
        "    if False:",
        "the same text under another name is refused as already in the corpus",
        first="tests/test_bad_input.py::test_a_bad_file_is_refused_by_name_in_every_interface_and_changes_nothing[rencontres-copie.txt]",
    ),
    Mutant(
        "binary-content",
        "assistant/ingest/loading.py",
        '    if b"\\x00" in data[:4096]:',
        "    if False:",
        "a program renamed .txt or .html is refused for what it holds, not its suffix",
        first="tests/test_bad_input.py::test_a_bad_file_is_refused_by_name_in_every_interface_and_changes_nothing[programme.txt]",
    ),
    Mutant(
        "encrypted-pdf",
        "assistant/ingest/loading.py",
        "        if reader.is_encrypted:",
        "        if False:",
        "a password-protected PDF is refused with the reason and the fix",
        first="tests/test_bad_input.py::test_a_bad_file_is_refused_by_name_in_every_interface_and_changes_nothing[protege.pdf]",
    ),
    Mutant(
        "undo-interrupted-add",
        "assistant/pipeline.py",
        "        undo_interrupted_add(self.settings.corpus_dir)",
        "        pass",
        "an addition killed midway is taken back out of the corpus by the next run",
        first="tests/test_interrupted_index.py::test_kill_minus_nine_during_an_addition_leaves_corpus_and_index_as_they_were",
    ),
    Mutant(
        "index-lock",
        "assistant/ingest/indexing.py",
        "            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)",
        "            pass",
        "a second indexing run while one runs is refused with a message, never mixed in",
        first="tests/test_interrupted_index.py::test_a_second_indexing_run_meanwhile_is_refused_with_a_message",
    ),
    Mutant(
        "follow-generation",
        "assistant/pipeline.py",
        "        if folder is not None and folder.name != self._retriever.catalog.generation:",
        "        if False:",
        "a running app reads the generation another process has just committed, whole",
        first="tests/test_interrupted_index.py::test_a_reader_follows_a_new_generation_even_while_the_old_one_is_still_readable",
    ),
    Mutant(
        "model-read-timeout",
        "assistant/models/generation.py",
        "                    stream=True,\n                    timeout=limit,\n                    **extra,",
        "                    stream=True,\n                    **extra,",
        "a model server that never answers gives the extracts within the time limit",
        first="tests/test_model_faults.py::test_a_model_server_that_crashes_hangs_or_trickles_gives_the_extracts_in_time[hang-failed]",
    ),
    Mutant(
        "model-total-limit",
        "assistant/models/generation.py",
        "                if time.monotonic() - started > limit:\n"
        '                    raise ModelError(f"The model server took',
        '                if False:\n                    raise ModelError(f"The model server took',
        "a model server too slow to finish gives the extracts within the time limit",
        first="tests/test_model_faults.py::test_a_model_server_that_crashes_hangs_or_trickles_gives_the_extracts_in_time[trickle-more than 1 s]",
    ),
    Mutant(
        "second-reading",
        "assistant/answer/verifying.py",
        "    return read_verdict(reply) is True",
        "    return read_verdict(reply) is not False",
        "a second reading that says neither YES nor NO refuses the answer",
        first="tests/test_verifying.py::test_only_yes_gives_the_answer",
    ),
    Mutant(
        "second-reading-no",
        "assistant/answer/answering.py",
        "            if not verifying.gives_answer(self._model, question, named):",
        "            if False:",
        "a second reading that says NO refuses an answer the checks passed",
        first="tests/test_evidence_answers.py::test_a_second_reading_that_says_no_refuses_an_answer_the_checks_passed",
    ),
    Mutant(
        "wrong-kind",
        "assistant/answer/answering.py",
        "        return None if kinds.fits(wanted[0], named) else wanted[0]",
        "        return None",
        "asked who, a reply naming a place is quoted, not shown as the answer",
        first="tests/test_kinds.py::test_asked_who_a_reply_naming_a_place_is_quoted_and_a_body_answers",
    ),
    Mutant(
        "translation-numbers",
        "assistant/answer/quoting.py",
        "    if _said_numbers(translation) != checking.numbers(quote) or loops(translation):",
        "    if loops(translation):",
        "a machine translation that changes its quote's numbers is not shown",
        first="tests/test_evidence_answers.py::test_a_quote_translation_that_changes_a_number_is_left_out_and_the_others_shown",
    ),
    Mutant(
        "translation-names",
        "assistant/answer/quoting.py",
        '    if language == "ja" and (transliteration.lost_names(quote, translation) or chinese_characters(translation)):',
        "    if False:",
        "a Japanese machine translation naming a place or person its quote does not is not shown",
        first="tests/test_evidence_answers.py::test_a_japanese_quote_translation_naming_another_place_is_left_out",
    ),
    Mutant(
        "queue-bound",
        "ui/app.py",
        "max_size=assistant.settings.ui_queue_size",
        "max_size=None",
        "past the queue's size a user is told at once that the app is busy",
        first="tests/test_load.py::test_past_the_queue_size_users_are_told_the_app_is_busy_at_once[live0]",
    ),
    Mutant(
        "names-listed-side-by-side",
        "assistant/answer/checking.py",
        "    if beside:  #",
        "    if False:  #",
        "a name written only beside the question's in a list of names is no answer about their relation",
        first="tests/test_checking.py::test_a_name_listed_beside_the_questions_is_no_answer_about_how_they_are_related",
    ),
    Mutant(
        "restated-asked-of-the-next-sentences",
        "assistant/retrieval/context.py",
        "        seen: set[str] = {c.sentence.chunk_id for c in besides}",
        "        seen: set[str] = set()",
        "a reply that restates the question is asked again of sentences not shown, not of the same ones",
        first="tests/test_evidence_answers.py::test_a_reply_that_restates_the_question_is_asked_once_more_of_the_sentences_not_shown",
    ),
)


def run(mutant: Mutant, *, whole: bool = False) -> tuple[bool, str, float]:
    """(caught, the first failing test or the survivor's summary, seconds) for one mutant, against its
    own test file or, ``whole``, the whole unit suite."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.name}-") as tmp:
        copy = Path(tmp)
        for name in _project_files():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
        target = copy / mutant.path
        code = target.read_text(encoding="utf-8")
        if code.count(mutant.protection) != 1:
            raise SystemExit(f"{mutant.name}: the protection is not found once in {mutant.path}; update the mutant.")
        target.write_text(code.replace(mutant.protection, mutant.broken), encoding="utf-8")
        tests = _unit_tests(copy, [] if whole else [mutant.first])
    failed = [line for line in tests.stdout.splitlines() if line.startswith("FAILED")]
    summary = failed[0].removeprefix("FAILED ") if failed else tests.stdout.strip().splitlines()[-1]
    return tests.returncode != 0, summary, time.perf_counter() - started


def _unit_tests(copy: Path, paths: list[str]) -> subprocess.CompletedProcess[str]:
    """The unit tests (or those of ``paths``) run in the mutated copy, stopping at the first failure."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, "-m", "not integration and not browser", *paths],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )


def _project_files() -> list[str]:
    """The tracked files; outside a git checkout, the source folders and the files beside them."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode == 0 and listed.stdout:
        names = listed.stdout.decode().split("\0")
    else:
        top = ["assistant", "ui", "eval", "tests", "corpus"]
        names = [p.relative_to(ROOT).as_posix() for d in top for p in (ROOT / d).rglob("*")]
        names += [p.name for p in ROOT.iterdir() if p.is_file()]
    return [n for n in names if n and (ROOT / n).is_file() and "__pycache__" not in n]


def main(args: list[str]) -> int:
    whole = "--whole" in args
    names = [a for a in args if not a.startswith("--")]
    chosen = [m for m in MUTANTS if not names or m.name in names]
    survived = 0
    for mutant in chosen:
        caught, summary, seconds = run(mutant, whole=whole)
        survived += not caught
        print(f"{'caught  ' if caught else 'SURVIVED'} {mutant.name:<29} {seconds:5.0f}s  {mutant.guarantee}")
        print(f"         {summary}", flush=True)
    print(f"{len(chosen) - survived} of {len(chosen)} broken guarantees caught by the unit tests")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
