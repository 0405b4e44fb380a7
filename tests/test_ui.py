from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.config import Settings
from assistant.feedback import COLUMNS, FeedbackStore
from assistant.pipeline import Assistant
from tests.fakes import NOT_IN_SOURCES, FakeChatModel, FakeEmbedder, grounded
from ui.app import build_app
from ui.handlers import Handlers
from ui.texts import TEXTS

QUESTION = "Où ont eu lieu les Rencontres en 2014 ?"
NO_BAR = lambda *a, **k: None  # noqa: E731  (a stand-in for gr.Progress)


@pytest.fixture
def handlers(settings: Settings) -> Handlers:
    reply = grounded("Takamatsu", "Les Rencontres ont eu lieu à Takamatsu en 2014.", standalone=QUESTION)
    chat = FakeChatModel([reply])
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=chat)
    assistant.index()
    return Handlers(assistant, FeedbackStore(settings.data_dir / "feedback.sqlite3"))


def last(generator):
    *_, final = generator
    return final


def note(folder: Path, name: str = "note.md", text: str = "# Note sur l'eau\n\nL'eau à Shizuoka.\n") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_ask_streams_then_shows_a_cited_answer_with_its_highlighted_source(handlers: Handlers) -> None:
    steps = list(handlers.respond(QUESTION, [], []))
    assert len(steps) > 2  # progress and draft before the final answer
    chat, sources, turns, box = steps[-1]
    assert chat[-1]["role"] == "assistant" and 'href="#t0-src-1"' in chat[-1]["content"]
    assert 'id="t0-src-1"' in sources and "<mark>" in sources and "Takamatsu" in sources
    assert turns[0]["answer"]["citations"][0]["n"] == 1 and box == ""


def test_each_turn_cites_its_own_sources(handlers: Handlers) -> None:
    chat, _, turns, _ = last(handlers.respond(QUESTION, [], []))
    chat, sources, turns, _ = last(handlers.respond("Et en 2014, où ?", chat, turns))
    first, second = chat[1]["content"], chat[3]["content"]
    assert 'href="#t0-src-1"' in first and 'href="#t1-src-1"' in second
    assert 'id="t0-src-1"' in sources and 'id="t1-src-1"' in sources  # the older target is still there
    assert sources.index('id="turn-1"') < sources.index('id="turn-0"')  # the latest answer first


def test_copy_gives_clean_text_with_its_references(handlers: Handlers) -> None:
    chat, _, _, _ = last(handlers.respond(QUESTION, [], []))
    copied = re.search(r'<span class="copy-source">(.*?)</span>', chat[-1]["content"], re.S)
    assert copied is not None
    text = html.unescape(copied.group(1))
    assert "\n\n" not in copied.group(1)  # a blank line would end the span in the chat's Markdown
    assert "<a" not in text and "&lt;a" not in text and "href" not in text
    assert text.startswith("Les Rencontres ont eu lieu à Takamatsu en 2014. [1]")
    assert re.search(r"\n\[1\] .+ — « .*Takamatsu.* »", text)


def test_refusals_look_different(settings: Settings) -> None:
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel([NOT_IN_SOURCES]))
    assistant.index()
    chat, sources, _, _ = last(
        Handlers(assistant, FeedbackStore(settings.data_dir / "f.db")).respond("Budget ?", [], [])
    )
    assert "Pas de réponse dans les documents" in chat[-1]["content"]
    assert 'class="answer-panel refused"' in sources


def test_a_refusal_under_a_filter_says_where_else_to_look(settings: Settings) -> None:
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel([NOT_IN_SOURCES]))
    assistant.index()
    handlers = Handlers(assistant, FeedbackStore(settings.data_dir / "f.db"))
    other = next(d["doc_id"] for d in assistant.documents() if d["source"] == "ateliers.md")
    _, sources, _, _ = last(handlers.respond(QUESTION, [], [], doc_ids=[other]))
    assert "Rien dans les documents ou éditions choisis" in sources
    _, unfiltered, _, _ = last(handlers.respond(QUESTION, [], []))
    assert "choisis" not in unfiltered


@pytest.mark.parametrize("question", ["   ", "x" * 5000])
def test_an_empty_or_huge_question_adds_no_bubble_and_is_kept(handlers: Handlers, question: str) -> None:
    chat, _, turns, box = last(handlers.respond(question, [{"role": "user", "content": "avant"}], []))
    assert chat == [{"role": "user", "content": "avant"}] and turns == [] and box == question


def test_a_thumb_and_its_comment_are_one_row_with_the_filters(handlers: Handlers) -> None:
    _, _, turns, _ = last(handlers.respond(QUESTION, [], [], editions=["7"]))
    handlers.like(turns, SimpleNamespace(index=1, liked=False))  # type: ignore[arg-type]
    handlers.comment("Il manque la date exacte.", turns)
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in handlers.feedback.rows()]
    assert len(rows) == 1
    row = rows[0]
    assert (row["rating"], row["comment"], row["question"]) == (-1, "Il manque la date exacte.", QUESTION)
    assert json.loads(row["filters"]) == {"documents": [], "editions": [7]} and row["app_version"]
    _, _, turns, _ = last(handlers.respond(QUESTION, [], turns))
    handlers.like(turns, SimpleNamespace(index=3, liked=True))  # type: ignore[arg-type]
    assert [r[COLUMNS.index("rating")] for r in handlers.feedback.rows()] == [-1, 1]  # another answer, another row


def test_good_files_are_added_and_each_bad_one_is_named_and_kept(handlers: Handlers, tmp_path: Path) -> None:
    bad, empty, good = tmp_path / "scan.pdf", note(tmp_path, "vide.txt", ""), note(tmp_path)
    bad.write_bytes(b"%PDF-1.4 broken")
    status, left = handlers.add([str(bad), str(empty), str(good)], progress=NO_BAR)
    assert status.startswith("✅") and "vide.txt : le fichier est vide" in status and "scan.pdf" in status
    assert left == [str(bad), str(empty)]  # the handled file leaves the picker, the failed ones stay
    assert any(row[5] == "note.md" for row in handlers.documents_table())


def test_the_same_document_twice_is_said_to_be_there_already(handlers: Handlers, tmp_path: Path) -> None:
    handlers.add([str(note(tmp_path))], progress=NO_BAR)
    again = note(tmp_path, "copie.md")  # the same text under another name
    status, left = handlers.add([str(again)], ui_lang="en", progress=NO_BAR)
    assert "copie.md: this document is already in the corpus (note.md)" in status and left == [str(again)]
    assert [row[5] for row in handlers.documents_table()].count("note.md") == 1
    assert not any(row[5].startswith("copie") for row in handlers.documents_table())


def test_deleting_asks_first_names_the_document_and_spares_the_shipped_ones(handlers: Handlers, tmp_path: Path) -> None:
    handlers.add([str(note(tmp_path))], progress=NO_BAR)
    ask, confirm = handlers.confirm_remove("note.md", "fr")  # Markdown: the page shows it unescaped
    assert confirm and "Supprimer « Note sur l'eau » (note.md)" in html.unescape(ask)
    assert html.unescape(handlers.remove("note.md")) == "✅ « Note sur l'eau » a été supprimé."
    ask, confirm = handlers.confirm_remove("ateliers.md", "en")
    assert not confirm and "cannot be deleted" in ask
    assert "ateliers.md" in [row[5] for row in handlers.documents_table()]


def test_a_page_load_reads_the_documents_from_the_index(handlers: Handlers, tmp_path: Path) -> None:
    app = build_app(handlers.assistant, feedback=handlers.feedback)
    handlers.assistant.add_documents([note(tmp_path)])  # after start-up, as another user would
    on_load = [f for f in app.fns.values() if getattr(f.fn, "__name__", "") == "refresh"]
    table, doc_filter, to_delete, _, to_edit = on_load[0].fn("fr")
    assert any(row[5] == "note.md" for row in table["data"])
    assert any(value == "note.md" or "note.md" in label for label, value in to_delete["choices"])
    assert doc_filter["choices"] == to_delete["choices"] == to_edit["choices"]


@pytest.mark.parametrize("lang", ["fr", "en", "ja"])
def test_switching_the_interface_language_rewords_every_component(handlers: Handlers, lang: str) -> None:
    app = build_app(handlers.assistant, feedback=handlers.feedback)
    switch = next(f.fn for f in app.fns.values() if getattr(f.fn, "__name__", "") == "switch")
    updates = switch(lang)
    words = [v for u in updates if isinstance(u, dict) for k, v in u.items() if k in ("value", "label", "placeholder")]
    assert set(words) >= {TEXTS[lang]["send"], TEXTS[lang]["examples"], TEXTS[lang]["placeholder"]}
    (table,) = [u for u in updates if isinstance(u, dict) and "headers" in u]
    assert table["headers"][0] == TEXTS[lang]["col_title"] and table["data"]


def test_answers_already_shown_are_relabelled_when_the_language_changes(handlers: Handlers) -> None:
    _, _, turns, _ = last(handlers.respond(QUESTION, [], []))
    _, _, turns, _ = last(handlers.respond("Budget ?", [], turns, doc_ids=["ateliers.md"]))  # a filtered refusal
    for lang in ("en", "ja"):
        chat, panel, _ = handlers.relabel(turns, lang)
        shown = " ".join(m["content"] for m in chat) + panel
        for key in ("copy", "copied", "mode_answer", "turn", "open_in_document"):
            assert TEXTS[lang][key] in shown
        for word in ("Copier", "Copié", "retrouvés dans les sources", "Voir dans le document", "Pas de réponse"):
            assert word not in shown
    back = handlers.relabel(handlers.relabel(turns, "ja")[2], "fr")[2]
    assert back == turns  # a round trip changes nothing
    assert "Les Rencontres ont eu lieu à Takamatsu en 2014." in chat[1]["content"]  # answers stay as written


def test_the_three_interface_languages_have_every_string() -> None:
    keys = set(TEXTS["fr"])
    assert {lang: set(texts) ^ keys for lang, texts in TEXTS.items()} == {"fr": set(), "en": set(), "ja": set()}


# Words that are the same in French and English (and names): not a sign of a mixed page.
SHARED = {"Interface", "Conversation", "### Sources", "Documents", "Questions", "Question", "Date", "Passages"}


@pytest.mark.parametrize("lang", ["fr", "en", "ja"])
def test_no_interface_string_is_in_another_language(lang: str) -> None:
    mine = TEXTS[lang]
    for other in set(TEXTS) - {lang}:
        same = {k for k, v in mine.items() if v == TEXTS[other][k] and v not in SHARED}
        assert not same, f"{lang} shows the {other} text for {sorted(same)}"
    if lang == "ja":
        kana = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
        assert [k for k, v in mine.items() if not kana.search(v)] == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_walking_the_app_in_one_language_shows_no_french_chrome(handlers: Handlers, lang: str, tmp_path: Path) -> None:
    """Every message a user can meet, in ``lang``: none is a French string of the interface."""
    # Each French string, or for a template each of its fixed parts long enough to be telling.
    french = {
        part.strip()
        for v in TEXTS["fr"].values()
        if v not in SHARED
        for part in re.split(r"\{[^}]*\}", v)
        if len(part.strip()) >= 8
    }
    seen: list[Any] = list(handlers.respond(QUESTION, [], [], ui_lang=lang))
    with warnings.catch_warnings(record=True) as notices:  # gr.Warning outside a request is a warning
        warnings.simplefilter("always")
        seen.append(list(handlers.respond("  ", [], [], ui_lang=lang)))
    assert notices and all(str(n.message) not in TEXTS["fr"].values() for n in notices)
    seen += [str(n.message) for n in notices]
    seen.append(handlers.add([], ui_lang=lang))
    seen.append(handlers.add([str(note(tmp_path, "vide.txt", "")), str(note(tmp_path))], ui_lang=lang, progress=NO_BAR))
    seen.append(handlers.confirm_remove("note.md", lang))
    seen.append(handlers.confirm_remove("ateliers.md", lang))
    seen.append(handlers.remove(None, lang))
    shown = repr(seen)
    assert [f for f in french if f in shown] == []


def test_the_api_endpoint_returns_the_cli_json(handlers: Handlers) -> None:
    data = handlers.ask_api(QUESTION)
    assert data["refused"] is False and data["citations"][0]["quote"]


def test_the_app_builds_with_a_named_ask_endpoint(handlers: Handlers) -> None:
    app = build_app(handlers.assistant, feedback=handlers.feedback)
    names = [d.api_name for d in app.fns.values() if getattr(d, "api_name", None)]
    assert "ask" in names


def test_an_upload_says_the_date_and_edition_read_from_it_and_they_can_be_edited(
    handlers: Handlers, tmp_path: Path
) -> None:
    text = "# Bilan des 8es Rencontres\n\nRennes, le 14 octobre 2025.\n\nL'eau à Shizuoka.\n"
    status, _ = handlers.add([str(note(tmp_path, "bilan.md", text))], progress=NO_BAR)
    assert "« Bilan des 8es Rencontres » — date : 2025-10-14 ; édition : 8" in status
    doc_id = next(row[6] for row in handlers.documents_table() if row[5] == "bilan.md")
    assert handlers.details_of(doc_id) == ("Bilan des 8es Rencontres", "2025-10-14", "8")
    assert handlers.edit(doc_id, "Bilan", "2025-13", "8", "en").startswith("❌ “2025-13” is not a date")
    assert handlers.edit(doc_id, "Bilan", "2025", "", "en") == "✅ “Bilan”: title, date and edition saved."
    assert handlers.details_of(doc_id) == ("Bilan", "2025", "")
    shipped = next(row[6] for row in handlers.documents_table() if row[5] == "ateliers.md")
    assert "cannot be edited" in handlers.edit(shipped, "X", "", "", "en")


def test_deleting_an_unknown_document_is_worded_in_the_interface_language(handlers: Handlers) -> None:
    assert handlers.remove("nope.md", "ja") == "❌ nope.md：この名前の資料はありません。 何も変更していません。"


def test_the_app_judges_a_question_as_the_engine_does(handlers: Handlers) -> None:
    padded = QUESTION + " " * 3000  # over the limit as typed, within it once spaces are collapsed
    _, _, turns, _ = last(handlers.respond(padded, [], []))
    assert len(turns) == 1


def test_an_error_shown_last_time_leaves_the_chat_so_thumbs_still_find_their_answer(handlers: Handlers) -> None:
    _, _, turns, _ = last(handlers.respond(QUESTION, [], []))
    chat, _, turns, _ = last(handlers.respond(QUESTION, [], turns, doc_ids=["gone.md"]))  # an error bubble
    assert len(chat) == 4 and chat[-1]["content"].startswith("⚠️")
    chat, _, turns, _ = last(handlers.respond(QUESTION, chat, turns))
    assert len(chat) == 4 and not any(m["content"].startswith("⚠️") for m in chat)
    handlers.like(turns, SimpleNamespace(index=3, liked=True))  # type: ignore[arg-type]
    assert handlers.feedback.rows()[0][COLUMNS.index("turn_id")] == turns[1]["id"]


def test_engine_errors_are_worded_in_the_interface_language_with_the_detail_folded(settings: Settings) -> None:
    unindexed = Handlers(Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel()), None)  # type: ignore[arg-type]
    chat, _, turns, box = last(unindexed.respond(QUESTION, [], [], ui_lang="ja"))
    message = chat[-1]["content"]
    shown, folded = message.split("<details>")
    assert TEXTS["ja"]["error_index"] in shown and "Index not built" not in shown
    assert "技術的な詳細" in folded and "Index not built" in folded
    assert turns == [] and box == QUESTION  # the question stays, to ask again


def test_a_filter_that_matches_no_document_says_so(handlers: Handlers) -> None:
    chat, _, _, _ = last(handlers.respond(QUESTION, [], [], doc_ids=["gone.md"], ui_lang="en"))
    assert chat[-1]["content"] == "⚠️ " + TEXTS["en"]["no_match"]


def test_the_conversation_is_kept_for_a_reload_and_exported_as_markdown(handlers: Handlers) -> None:
    chat, _, turns, _ = last(handlers.respond(QUESTION, [], []))
    chat, panel, turns, _ = last(handlers.respond("Et en 2014, où ?", chat, turns))
    kept = json.loads(json.dumps(handlers.keep(turns)))  # what the browser stores is plain JSON
    assert handlers.restore(kept) == (chat, panel, turns)
    latest = handlers.keep(turns, budget=len(json.dumps(turns[-1], ensure_ascii=False)) + 10)
    assert latest["turns"] == turns[-1:]  # too big: the latest turns stay
    assert handlers.restore({"version": 1, "turns": "garbage"})[0] == [] and handlers.restore(None)[2] == []
    exported = handlers.export(turns, "fr")
    text = Path(exported["value"]).read_text(encoding="utf-8")
    assert exported["visible"] and text.startswith("# Conversation")
    assert f"## Question 1 — {QUESTION}" in text and "## Question 2 — Et en 2014, où ?" in text
    assert re.search(r"\[1\] \*Historique des Rencontres\* \(rencontres\.txt, \d+–\d+\) : « .*Takamatsu.* »", text)
    assert handlers.export([], "fr")["visible"] is False


def test_the_speech_tab_drafts_with_clickable_footnotes_and_downloads(settings: Settings) -> None:
    from tests.test_speeches import PURPOSE, reply

    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel([reply]))
    assistant.index()
    handlers = Handlers(assistant, FeedbackStore(settings.data_dir / "f.db"))
    view, md, docx = handlers.speech(PURPOSE, "welcome", "Conseil", 2, "warm", "fr", "en", progress=NO_BAR)
    assert "Chères amies, chers amis" in view and 'href="#sp-src-1"' in view and 'id="sp-src-1"' in view
    assert "Quote sheet" in view and "Fiche des citations" not in view  # the interface's words, the speech's language
    assert Path(md["value"]).read_text(encoding="utf-8").startswith("# Projet de discours")
    assert docx["visible"] and Path(docx["value"]).suffix == ".docx"
    view, md, _ = handlers.speech("  ", "welcome", "", 2, "formal", "fr", "ja", progress=NO_BAR)
    assert TEXTS["ja"]["empty_purpose"] in view and md["visible"] is False


def test_the_onboarding_tab_shows_the_cited_timeline_its_chart_and_downloads(
    settings: Settings, tmp_path: Path
) -> None:
    from tests.test_briefs import HISTORY, ROUND_TABLE, indexed

    corpus = tmp_path / "brief_corpus"
    corpus.mkdir()
    (corpus / "history.txt").write_text(HISTORY, encoding="utf-8")
    (corpus / "round_table.txt").write_text(ROUND_TABLE, encoding="utf-8")
    assistant = indexed(settings, corpus)
    handlers = Handlers(assistant, FeedbackStore(assistant.settings.data_dir / "f.db"))
    view, chart, md, docx = handlers.brief("en", "ja", progress=NO_BAR)
    assert (
        '<table class="timeline"' in view
        and "<td>Takamatsu</td>" in view
        and "it leaves out Takamatsu (2014), which other sources name" in view
    )
    assert re.search(r'<a class="cite" href="#br-src-(\d+)">\[\1\]</a>', view) and 'id="br-src-1"' in view
    assert TEXTS["ja"]["brief_sources"] in view  # the interface's words, the brief's language
    assert Path(chart["value"]).read_bytes().startswith(b"\x89PNG")
    assert Path(md["value"]).read_text(encoding="utf-8").startswith("# The Franco-Japanese")
    assert docx["visible"] and Path(docx["value"]).suffix == ".docx"
    view, *_ = handlers.brief("de", "fr", progress=NO_BAR)
    assert view.startswith("<p>⚠️")
