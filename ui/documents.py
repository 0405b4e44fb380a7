"""The documents page: the table, additions, removals and edits, each said in the interface's language."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.drafting import briefs
from assistant.errors import (
    AssistantError,
)
from assistant.feedback import FeedbackStore
from assistant.ingest.corpus import is_protected, screen_uploads
from assistant.pipeline import Assistant
from ui.errors import explain, tell, why
from ui.texts import index_summary, say


class DocumentHandlers:
    """What the documents tab does."""

    assistant: Assistant
    feedback: FeedbackStore

    def documents_table(self) -> list[list[Any]]:
        try:
            docs = self.assistant.documents()
        except AssistantError:
            return []
        return [
            [
                d["title"],
                d.get("publisher", ""),
                d.get("date", ""),
                d["chunks"],
                d["indexed_at"],
                d["source"],
                d["doc_id"],
            ]
            for d in docs
        ]

    def document_choices(self) -> list[tuple[str, str]]:
        return [(f"{row[0]} ({row[5]})", row[6]) for row in self.documents_table()]

    def edition_choices(self) -> list[str]:
        try:
            editions = {d.get("edition") for d in self.assistant.documents()}
        except AssistantError:
            return []
        return [str(e) for e in sorted(e for e in editions if isinstance(e, int))]

    def add(
        self, files: list[Any] | None, ui_lang: str = "fr", progress: Callable[..., Any] | None = None
    ) -> tuple[str, list[str]]:
        """Add the good files of a batch; name each bad one. Returns (status, files left in the picker):
        only the files that failed stay, so the next upload is not blocked by them."""
        if not files:
            return say("choose_files", ui_lang), []
        # Gradio keeps each upload under its own file name, in a temporary folder of its own.
        paths = [Path(f if isinstance(f, str) else f.name) for f in files]
        good, problems = screen_uploads(self.assistant.settings, paths)
        lines = []
        if good:
            try:
                bar = progress or gr.Progress()
                added, report = self.assistant.add_documents(
                    good, progress=lambda done, total: bar((done, max(total, 1)), desc="⏳")
                )
                lines.append(tell("added", ui_lang, names=", ".join(a.title for a in added)))
                unknown = say("unknown", ui_lang)
                lines += [
                    "- "
                    + tell(
                        "added_details", ui_lang, title=a.title, date=a.date or unknown, edition=a.edition or unknown
                    )
                    for a in added
                ]
                lines += [tell("added_orders", ui_lang, title=a.title, n=a.orders) for a in added if a.orders]
                lines.append(say("edit_hint", ui_lang))
                lines.append(index_summary(report, ui_lang))
                self._read_editions()
            except AssistantError as exc:
                lines.append(say("nothing_changed", ui_lang, detail=explain(exc, ui_lang)))
                return "\n\n".join(lines), [str(p) for p in paths]
        if problems:
            lines.append(say("not_added", ui_lang))
            lines += [f"- {why(p, ui_lang)}" for p in problems]
        failed = {p.details.get("name") for p in problems}
        return "\n\n".join(lines), [str(p) for p in paths if p.name in failed]

    def confirm_remove(self, doc_id: str | None, ui_lang: str = "fr") -> tuple[str, bool]:
        """The question to confirm before deleting, naming the document (or why it cannot be deleted),
        and whether to show the confirm buttons."""
        if not doc_id:
            return say("choose_document", ui_lang), False
        record = self._record_of(doc_id)
        if record is None:
            return say("choose_document", ui_lang), False
        if is_protected(self.assistant.settings, record.get("kind")):
            return tell("why_protected", ui_lang, title=record["title"]), False
        return tell("confirm", ui_lang, title=record["title"], source=record["source"]), True

    def remove(self, doc_id: str | None, ui_lang: str = "fr") -> str:
        if not doc_id:
            return say("choose_document", ui_lang)
        record = self._record_of(doc_id)
        title = record["title"] if record else doc_id
        try:
            self.assistant.remove_document(doc_id)
        except AssistantError as exc:
            return say("nothing_changed", ui_lang, detail=explain(exc, ui_lang, title=title))
        self._read_editions()
        return tell("removed", ui_lang, title=title)

    def details_of(self, doc_id: str | None) -> tuple[str, str, str]:
        """The title, date and edition the edit form starts from."""
        record = self._record_of(doc_id) if doc_id else None
        if record is None:
            return "", "", ""
        edition = record.get("edition")
        return record["title"], record.get("date") or "", str(edition) if edition else ""

    def edit(self, doc_id: str | None, title: str, date: str, edition: str, ui_lang: str = "fr") -> str:
        """Save a document's title, date and edition (an empty date or edition clears it), then re-index."""
        record = self._record_of(doc_id) if doc_id else None
        if record is None:
            return say("choose_document", ui_lang)
        changes = {"title": title, "date": date.strip(), "edition": edition.strip()}
        try:
            self.assistant.update_document(record["doc_id"], changes)
        except AssistantError as exc:
            if exc.reason == "protected":
                return tell("why_protected_edit", ui_lang, title=record["title"])
            return say("nothing_changed", ui_lang, detail=explain(exc, ui_lang, title=record["title"]))
        self._read_editions()
        return tell("saved", ui_lang, title=" ".join(title.split()) or record["title"])

    def _read_editions(self) -> None:
        """Build the new generation's fact base in the background (the model reads only the new
        passages about the editions): answers use it as soon as it is kept."""
        if self.assistant.settings.prepare_briefs:
            threading.Thread(target=briefs.prepare, args=(self.assistant, ()), name="editions", daemon=True).start()

    def _record_of(self, doc_id: str) -> dict[str, Any] | None:
        try:
            return next((d for d in self.assistant.documents() if doc_id in (d["doc_id"], d["source"])), None)
        except AssistantError:
            return None
