from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.config import Settings
from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant
from tests.fakes import FakeChatModel, FakeEmbedder
from ui.app import Handlers, build_app


@pytest.fixture
def handlers(settings: Settings) -> Handlers:
    chat = FakeChatModel(["Les Rencontres ont eu lieu à Takamatsu en 2014. [1]"])
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=chat)
    assistant.index()
    return Handlers(assistant, FeedbackStore(settings.data_dir / "feedback.sqlite3"))


def last(generator):
    *_, final = generator
    return final


def test_ask_streams_then_shows_a_cited_answer_with_its_highlighted_source(handlers: Handlers) -> None:
    steps = list(handlers.respond("Où ont eu lieu les Rencontres en 2014 ?", [], []))
    assert len(steps) > 2  # progress and draft before the final answer
    chat, sources, turns, box = steps[-1]
    assert chat[-1]["role"] == "assistant" and 'href="#src-1"' in chat[-1]["content"]
    assert 'id="src-1"' in sources and "<mark>" in sources and "Takamatsu" in sources
    assert turns[0]["answer"]["citations"][0]["n"] == 1 and box == ""


def test_refusals_look_different(settings: Settings) -> None:
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel(["NOT_IN_SOURCES"]))
    assistant.index()
    chat, sources, _, _ = last(
        Handlers(assistant, FeedbackStore(settings.data_dir / "f.db")).respond("Budget ?", [], [])
    )
    assert "Pas de réponse dans les documents" in chat[-1]["content"]
    assert 'class="answer-panel refused"' in sources


def test_an_empty_question_is_shown_as_an_error_and_kept(handlers: Handlers) -> None:
    chat, _, turns, box = last(handlers.respond("   ", [], []))
    assert chat[-1]["content"].startswith("⚠️") and turns == [] and box == "   "


def test_thumbs_and_comments_are_stored(handlers: Handlers) -> None:
    _, _, turns, _ = last(handlers.respond("Où ont eu lieu les Rencontres en 2014 ?", [], []))
    handlers.like(turns, SimpleNamespace(index=1, liked=False))  # type: ignore[arg-type]
    handlers.comment("Il manque la date exacte.", turns)
    rows = handlers.feedback.rows()
    assert [(r[4], r[5]) for r in rows] == [(-1, ""), (0, "Il manque la date exacte.")]


def test_upload_errors_are_reported_and_good_files_listed(handlers: Handlers, tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    assert handlers.add([str(bad)], progress=lambda *a, **k: None).startswith("❌")  # type: ignore[arg-type]
    good = tmp_path / "note.md"
    good.write_text("# Note sur l'eau\n\nL'eau à Shizuoka.\n", encoding="utf-8")
    status = handlers.add([str(good)], progress=lambda *a, **k: None)  # type: ignore[arg-type]
    assert status.startswith("✅") and any(row[5] == "note.md" for row in handlers.documents_table())
    assert handlers.remove("note.md").startswith("✅")


def test_the_api_endpoint_returns_the_cli_json(handlers: Handlers) -> None:
    data = handlers.ask_api("Où ont eu lieu les Rencontres en 2014 ?")
    assert data["refused"] is False and data["citations"][0]["quote"]


def test_the_app_builds_with_a_named_ask_endpoint(handlers: Handlers) -> None:
    app = build_app(handlers.assistant, feedback=handlers.feedback)
    names = [d.api_name for d in app.fns.values() if getattr(d, "api_name", None)]
    assert "ask" in names
