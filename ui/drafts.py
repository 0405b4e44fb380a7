"""Speech drafts and onboarding briefs, with their downloads."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.drafting.briefs import brief
from assistant.drafting.speeches import SpeechRequest, draft_speech
from assistant.errors import (
    AssistantError,
)
from assistant.export.brief import brief_markdown, timeline_chart, write_brief_docx
from assistant.export.speech import speech_markdown, write_docx
from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant
from ui.errors import explain
from ui.render import (
    brief_html,
    speech_html,
)


class DraftHandlers:
    """What the speech and onboarding tabs do."""

    assistant: Assistant
    feedback: FeedbackStore

    def speech(
        self,
        purpose: str,
        occasion: str,
        audience: str,
        minutes: float | None,
        tone: str,
        language: str,
        ui_lang: str = "fr",
        progress: Callable[..., Any] | None = None,
    ) -> tuple[str, Any, Any]:
        """Draft a speech: (its HTML, the Markdown download, the Word download)."""
        hidden = gr.update(value=None, visible=False)
        # An emptied number box sends None: NaN makes the engine say what a speech's length may be.
        length = float("nan") if minutes is None else float(minutes)
        request = SpeechRequest(purpose or "", occasion, audience or "", length, tone, language)
        bar = progress or gr.Progress()
        try:
            speech = draft_speech(
                self.assistant,
                request,
                progress=lambda d, t, title: bar((d, max(t, 1)), desc=title),
                facts=self.assistant.known_facts(),
            )
        except AssistantError as exc:
            return f"<p>⚠️ {explain(exc, ui_lang)}</p>", hidden, hidden
        documents = {d["doc_id"]: d for d in self.assistant.documents()}
        md, docx = _downloads(
            f"discours-{datetime.now():%Y%m%d-%H%M}",
            {
                ".md": lambda path: path.write_text(speech_markdown(speech, documents), encoding="utf-8"),
                ".docx": lambda path: write_docx(speech, documents, path),
            },
        )
        return speech_html(speech, ui_lang), md, docx

    def brief(
        self, language: str, ui_lang: str = "fr", progress: Callable[..., Any] | None = None
    ) -> tuple[str, Any, Any, Any]:
        """The onboarding brief: (its HTML, the timeline chart, the Markdown download, the Word download)."""
        hidden = gr.update(value=None, visible=False)
        bar = progress or gr.Progress()
        try:
            built = brief(self.assistant, language, progress=lambda d, t, what: bar((d, max(t, 1)), desc=what))
        except AssistantError as exc:
            return f"<p>⚠️ {explain(exc, ui_lang)}</p>", hidden, hidden, hidden
        documents = {d["doc_id"]: d for d in self.assistant.documents()}
        stem = f"accueil-{built['generation']}-{language}"
        png = timeline_chart(built)
        chart_name = f"{stem}.timeline.png" if png else None
        chart, md, docx = _downloads(
            stem,
            {
                ".timeline.png": (lambda path: path.write_bytes(png)) if png else None,
                ".md": lambda path: path.write_text(
                    brief_markdown(built, documents, chart=chart_name), encoding="utf-8"
                ),
                ".docx": lambda path: write_brief_docx(built, documents, path),
            },
        )
        return brief_html(built, ui_lang), chart, md, docx


def _downloads(stem: str, writers: dict[str, Callable[[Path], Any] | None]) -> list[Any]:
    """Files written side by side in a fresh folder, ``stem`` + each suffix, as shown download (or image)
    updates; a suffix without a writer gives a hidden one."""
    folder = Path(tempfile.mkdtemp(prefix="download-"))
    updates = []
    for suffix, write in writers.items():
        if write is None:
            updates.append(gr.update(value=None, visible=False))
            continue
        path = folder / f"{stem}{suffix}"
        write(path)
        updates.append(gr.update(value=str(path), visible=True))
    return updates
