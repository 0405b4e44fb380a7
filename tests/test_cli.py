from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import Settings


def test_search_before_indexing_says_what_to_do(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "Takamatsu"]) == 2
    err = capsys.readouterr().err
    assert "Index not built" in err and "assistant index" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["ask", "search"])
def test_no_index_is_said_before_any_model_is_loaded(
    env: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    built = []
    monkeypatch.setattr(cli, "build_assistant", lambda s: built.append(s))
    assert cli.main([command, "Où ont eu lieu les Rencontres en 2014 ?"]) == 2
    assert "Index not built" in capsys.readouterr().err and built == []


def test_library_noise_stays_out_unless_verbose(
    env: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS", raising=False)
    cli.main(["docs"])
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1"
    bm25s = logging.getLogger("bm25s")
    bm25s.setLevel(logging.DEBUG)  # what bm25s does to itself when it is first imported, after main began
    with caplog.at_level(logging.DEBUG):
        bm25s.debug("Building index from tokens")
    assert "Building index" not in caplog.text
    monkeypatch.delenv("HF_HUB_DISABLE_PROGRESS_BARS")
    cli.main(["--verbose", "docs"])
    with caplog.at_level(logging.DEBUG):
        bm25s.debug("Building index from tokens")
    assert "HF_HUB_DISABLE_PROGRESS_BARS" not in os.environ and "Building index" in caplog.text


def test_a_missing_second_embedder_says_how_to_get_it(
    env: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_SECOND_EMBEDDING_MODEL", "multilingual-e5-small-q4")
    assert cli.main(["index"]) == 2
    err = capsys.readouterr().err
    assert "multilingual-e5-small-q4" in err and "assistant models fetch" in err and "Traceback" not in err


def test_index_twice_then_search_json(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["index"]) == 0
    assert "2 added" in capsys.readouterr().out
    assert cli.main(["index"]) == 0
    assert "0 chunks embedded" in capsys.readouterr().out

    assert cli.main(["search", "--json", "--top-k", "2", "Takamatsu en 2014", "hydrogène"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["question"] == "Takamatsu en 2014"
    assert set(first) == {"question", "passages", "timings_ms"} and first["timings_ms"]["total"] >= 0
    top = first["passages"][0]
    assert set(top) == {"rank", "doc_id", "title", "source", "start", "end", "text", "score"}
    source_text = (Path(env.corpus_dir) / top["source"]).read_text(encoding="utf-8")
    assert source_text[top["start"] : top["end"]] == top["text"] and "Takamatsu" in top["text"]


def test_docs_json_lists_one_object_per_document(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["index"])
    capsys.readouterr()
    assert cli.main(["docs", "--json"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert sorted(d["source"] for d in docs) == ["ateliers.md", "rencontres.txt"]
    assert all({"doc_id", "title", "chunks", "indexed_at"} <= set(d) for d in docs)


def test_empty_question_is_an_error_not_a_traceback(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["index"])
    assert cli.main(["search", "   "]) == 2
    assert "empty" in capsys.readouterr().err


def test_filters_that_match_no_document_say_so(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["index"])
    capsys.readouterr()
    assert cli.main(["search", "--edition", "9", "Takamatsu"]) == 2
    assert "No indexed document matches --edition 9" in capsys.readouterr().err
    assert cli.main(["ask", "--doc", "nope.txt", "Takamatsu ?"]) == 2
    err = capsys.readouterr().err
    assert "--doc nope.txt" in err and "assistant docs" in err and "Traceback" not in err


def test_top_k_must_be_positive(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["search", "--top-k", "0", "Takamatsu"])
    assert exit_.value.code == 2 and "1 or more" in capsys.readouterr().err


def test_feedback_export_to_a_missing_folder_is_an_error(
    env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli.main(["feedback", "export", "-o", str(tmp_path / "missing" / "f.csv")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err


def test_add_takes_a_title_date_and_edition_and_edit_changes_them(
    env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli.main(["index"])
    note = tmp_path / "note.txt"
    note.write_text("Compte rendu du 3 mars 2024 : l'eau à Shizuoka.", encoding="utf-8")
    assert cli.main(["add", "--title", "Eau à Shizuoka", "--edition", "8", str(note)]) == 0
    assert "Eau à Shizuoka [date 2024-03-03, edition 8]" in capsys.readouterr().out
    assert cli.main(["edit", "note.txt", "--date", "2024-11", "--edition", ""]) == 0
    capsys.readouterr()
    cli.main(["docs", "--json"])
    (doc,) = [d for d in json.loads(capsys.readouterr().out) if d["source"] == "note.txt"]
    assert (doc["title"], doc["date"], doc["year"], doc.get("edition")) == ("Eau à Shizuoka", "2024-11", 2024, None)
    assert cli.main(["edit", "note.txt", "--date", "mars"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert cli.main(["add", "--title", "Deux", str(note), str(note)]) == 2
    assert "one document at a time" in capsys.readouterr().err


def test_speech_prints_json_and_writes_markdown_and_word(
    env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli.main(["index"])
    capsys.readouterr()
    md, docx = tmp_path / "discours.md", tmp_path / "discours.docx"
    purpose = "les ateliers sur l'hydrogène"
    assert cli.main(["speech", "--json", "--minutes", "2", "--md", str(md), "--docx", str(docx), purpose]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"text", "sections", "citations"} and data["request"]["language"] == "fr"
    assert data["sections"][0]["text"].startswith("Mesdames") and data["citations"]
    assert md.read_text(encoding="utf-8").startswith("# Projet de discours") and docx.stat().st_size > 0
    assert cli.main(["speech", "--md", str(tmp_path / "missing" / "d.md"), purpose]) == 2
    assert cli.main(["speech", "--minutes", "90", purpose]) == 2
    assert "0.5 to 30 minutes" in capsys.readouterr().err


def test_a_speech_is_drafted_with_the_models_loaded_its_time_limit_counts_no_loading(
    env: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.main(["index"])
    capsys.readouterr()
    steps: list[str] = []
    monkeypatch.setattr(cli.Assistant, "warm_up", lambda self: steps.append("loaded"))

    def drafted(*args: object, **kwargs: object) -> None:
        steps.append("drafted")
        raise SystemExit

    monkeypatch.setattr(cli, "draft_speech", drafted)
    with pytest.raises(SystemExit):
        cli.main(["speech", "--minutes", "2", "les ateliers"])
    assert steps == ["loaded", "drafted"]
    steps.clear()
    assert cli.main(["speech", "--minutes", "90", "les ateliers"]) == 2 and not steps  # said before loading


def test_brief_without_a_chat_model_says_the_timeline_needs_one_and_still_writes_its_files(
    env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli.main(["index"])
    capsys.readouterr()
    md, docx = tmp_path / "accueil.md", tmp_path / "accueil.docx"
    assert cli.main(["brief", "--json", "--md", str(md), "--docx", str(docx)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["timeline"] == [] and data["timeline_notice"].startswith("Sans modèle de dialogue")
    assert {"sections", "timeline", "faq", "citations", "next_questions"} <= set(data)
    assert md.read_text(encoding="utf-8").startswith("# Les Rencontres") and docx.stat().st_size > 0
    assert cli.main(["brief", "--md", str(tmp_path / "missing" / "b.md")]) == 2
    assert "does not exist" in capsys.readouterr().err
