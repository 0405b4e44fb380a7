"""Everything the app does, as plain functions over the engine: callable in tests without a browser.

Every message is in the interface's language (`ui.texts`); lists of documents are read from the index
each time they are shown, so a reload or a second user sees what was added or removed since start-up.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.brief_export import brief_markdown, timeline_chart, write_brief_docx
from assistant.briefs import brief
from assistant.corpus import is_protected, screen_uploads
from assistant.errors import (
    AssistantError,
    ConfigError,
    IndexMismatchError,
    IndexNotBuiltError,
    ModelError,
    ModelNotFoundError,
    QuestionError,
)
from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant, answer_json, validate_question
from assistant.retrieval import Filters
from assistant.speech_export import speech_markdown, write_docx
from assistant.speeches import SpeechRequest, draft_speech
from assistant.types import Answer, Evidence, Final, Progress
from ui.render import (
    brief_html,
    chat_text,
    clean_text,
    conversation_markdown,
    esc,
    flat,
    relabel,
    sources_panel,
    speech_html,
    turn_sources,
)
from ui.texts import TEXTS, index_summary, say

ChatUpdate = tuple[list[dict[str, Any]], Any, list[dict[str, Any]], str]
KEEP_CHARS = 2_000_000  # of conversation kept in the browser, latest turns first


class Handlers:
    def __init__(self, assistant: Assistant, feedback: FeedbackStore) -> None:
        self.assistant = assistant
        self.feedback = feedback

    # --- chat ------------------------------------------------------------------------------------

    def respond(
        self,
        question: str,
        chat: list[dict[str, Any]],
        turns: list[dict[str, Any]],
        doc_ids: list[str] | None = None,
        editions: list[str] | None = None,
        ui_lang: str = "fr",
    ) -> Iterator[ChatUpdate]:
        """Stream an answer: yields (chat messages, sources HTML, turns, textbox value).

        An empty or too long question is not sent: a notice says why and the question stays in its box.
        """
        problem = self._question_problem(question, ui_lang)
        if problem:
            gr.Warning(problem)
            yield chat, gr.skip(), turns, question
            return
        # The chat is rebuilt from the answered turns: an error shown last time leaves it, so message
        # 2n+1 is always turn n's answer (the thumbs rely on it).
        asked = [*chat_of(turns), {"role": "user", "content": esc(question)}]
        history = [(t["question"], t["answer"]["answer"]) for t in turns]
        filters = Filters(doc_ids=tuple(doc_ids or ()), editions=tuple(int(e) for e in editions or ()))
        named = ""  # the sources the model named, shown (as quotes) while its answer is checked
        try:
            for event in self.assistant.answer_events(question, history=history, filters=filters):
                if isinstance(event, Progress):
                    status = f"⏳ {say('stage_' + event.stage, ui_lang)}"
                    yield [*asked, _pending(status + named)], gr.skip(), turns, ""
                elif isinstance(event, Evidence):
                    named = "".join(f"<br><i>« {esc(flat(q))} »</i>" for q in event.quotes)
                    yield [*asked, _pending(f"⏳ {say('stage_checking', ui_lang)}{named}")], gr.skip(), turns, ""
                elif isinstance(event, Final):
                    answer, n = event.answer, len(turns)
                    elsewhere = self._elsewhere(answer, filters) if answer.refused else 0
                    block = turn_sources(answer, n, self.assistant.catalog, ui_lang, elsewhere)
                    record = {
                        "id": uuid.uuid4().hex,
                        "question": question,
                        "answer": answer_json(answer),
                        "sources": block,
                        "shown": chat_text(answer, n, ui_lang),
                        "filters": {"documents": list(filters.doc_ids), "editions": list(filters.editions)},
                    }
                    turns = [*turns, record]
                    chat = chat_of(turns)
                    yield chat, sources_panel([t["sources"] for t in turns]), turns, ""
        except AssistantError as exc:
            message = f"⚠️ {self._explain(exc, ui_lang)}"
            yield [*asked, {"role": "assistant", "content": message}], gr.skip(), turns, question

    def _question_problem(self, question: str, lang: str) -> str:
        """Why the engine would refuse the question as asked, in the interface's language, or ""."""
        try:
            validate_question(question, max_chars=self.assistant.settings.max_question_chars)
        except QuestionError as exc:
            return self._why(exc, lang)
        return ""

    def _elsewhere(self, answer: Answer, filters: Filters) -> int:
        """With a filter on, how many passages for the question lie outside it (0 without a filter). The
        filtered passages are the answer's own: one more search, unfiltered, tells the rest."""
        if not (filters.doc_ids or filters.editions or filters.years):
            return 0
        try:
            everywhere = self.assistant.search(answer.question)
        except AssistantError:
            return 0
        inside = {(p.chunk.doc_id, p.chunk.start) for p in answer.passages}
        return sum((p.chunk.doc_id, p.chunk.start) not in inside for p in everywhere)

    @staticmethod
    def relabel(turns: list[dict[str, Any]], lang: str) -> tuple[list[dict[str, Any]], str, list[dict[str, Any]]]:
        """The chat, sources panel and turns with their interface words in ``lang`` (a language switch)."""
        turns = [{**t, "shown": relabel(t["shown"], lang), "sources": relabel(t["sources"], lang)} for t in turns]
        panel = sources_panel([t["sources"] for t in turns]) if turns else f"<p>{say('empty_sources', lang)}</p>"
        return chat_of(turns), panel, turns

    def new_conversation(self) -> tuple[list[Any], str, list[Any], str]:
        return [], "", [], ""

    # --- the conversation kept in the browser, and exported -----------------------------------------

    @staticmethod
    def keep(turns: list[dict[str, Any]], budget: int = KEEP_CHARS) -> dict[str, Any]:
        """What the browser keeps to show the conversation again after a reload: the latest turns that
        fit in ``budget`` characters (a browser keeps a few megabytes per site)."""
        kept: list[dict[str, Any]] = []
        size = 0
        for turn in reversed(turns):
            size += len(json.dumps(turn, ensure_ascii=False))
            if size > budget:
                break
            kept.insert(0, turn)
        return {"version": 1, "turns": kept}

    @staticmethod
    def restore(saved: dict[str, Any] | None) -> tuple[list[dict[str, Any]], str, list[dict[str, Any]]]:
        """The chat, sources panel and turns a reloaded page shows again (nothing, from anything else)."""
        turns = saved.get("turns") if isinstance(saved, dict) and saved.get("version") == 1 else None
        fields = {"question", "answer", "sources", "shown"}
        if not isinstance(turns, list) or not all(isinstance(t, dict) and fields <= set(t) for t in turns):
            return [], gr.skip(), []
        return chat_of(turns), sources_panel([t["sources"] for t in turns]), turns

    def export(self, turns: list[dict[str, Any]], ui_lang: str = "fr") -> Any:
        """The conversation as a Markdown file to download (the button shows once there is an answer)."""
        if not turns:
            return gr.update(value=None, visible=False)
        now = datetime.now().astimezone()
        text = conversation_markdown(turns, ui_lang, now.strftime("%Y-%m-%d %H:%M %Z"))
        path = Path(tempfile.mkdtemp(prefix="conversation-")) / f"conversation-{now:%Y%m%d-%H%M}.md"
        path.write_text(text, encoding="utf-8")
        return gr.update(value=str(path), visible=True)

    def like(self, turns: list[dict[str, Any]], data: gr.LikeData, ui_lang: str = "fr") -> str:
        """Thumbs up/down on an answer, stored with its question and citations."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn_no = index // 2  # messages alternate user, assistant
        if not 0 <= turn_no < len(turns):
            return ""
        rating = 1 if data.liked is True else -1 if data.liked is False else 0
        self._record(turns[turn_no], rating=rating)
        return say("thanks", ui_lang)

    def comment(self, text: str, turns: list[dict[str, Any]], ui_lang: str = "fr") -> tuple[str, str]:
        """A comment on the latest answer, stored on the same row as its thumbs."""
        if not text.strip() or not turns:
            return "", text
        self._record(turns[-1], comment=text)
        return say("comment_saved", ui_lang), ""

    def _record(self, turn: dict[str, Any], *, rating: int | None = None, comment: str | None = None) -> None:
        answer = turn["answer"]
        self.feedback.record(
            question=turn["question"],
            answer=answer["answer"],
            rating=rating,
            comment=comment,
            refused=answer["refused"],
            citations=answer["citations"],
            filters=turn.get("filters"),
            turn_id=turn.get("id"),
        )

    def ask_api(self, question: str) -> dict[str, Any]:
        """The /ask endpoint: the same JSON object as `assistant ask --json`."""
        try:
            return answer_json(self.assistant.answer(question))
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc

    # --- speeches --------------------------------------------------------------------------------

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
            speech = draft_speech(self.assistant, request, progress=lambda d, t, title: bar((d, max(t, 1)), desc=title))
        except AssistantError as exc:
            return f"<p>⚠️ {self._explain(exc, ui_lang)}</p>", hidden, hidden
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
            return f"<p>⚠️ {self._explain(exc, ui_lang)}</p>", hidden, hidden, hidden
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

    # --- documents -------------------------------------------------------------------------------

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
            except AssistantError as exc:
                lines.append(say("nothing_changed", ui_lang, detail=self._explain(exc, ui_lang)))
                return "\n\n".join(lines), [str(p) for p in paths]
        if problems:
            lines.append(say("not_added", ui_lang))
            lines += [f"- {self._why(p, ui_lang)}" for p in problems]
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
            return say("nothing_changed", ui_lang, detail=self._explain(exc, ui_lang, title=title))
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
            return say("nothing_changed", ui_lang, detail=self._explain(exc, ui_lang, title=record["title"]))
        return tell("saved", ui_lang, title=" ".join(title.split()) or record["title"])

    def _record_of(self, doc_id: str) -> dict[str, Any] | None:
        try:
            return next((d for d in self.assistant.documents() if doc_id in (d["doc_id"], d["source"])), None)
        except AssistantError:
            return None

    @staticmethod
    def _why(exc: AssistantError, lang: str, **extra: object) -> str:
        """The error in the interface's language: by its reason, else by its kind."""
        return _by_reason(exc, lang, **extra) or _by_kind(exc, lang)

    @staticmethod
    def _explain(exc: AssistantError, lang: str, **extra: object) -> str:
        """:meth:`_why`, and, when the error has no reason of its own, the engine's words folded under it."""
        return _by_reason(exc, lang, **extra) or _by_kind(exc, lang) + technical(exc, lang)


def _by_reason(exc: AssistantError, lang: str, **extra: object) -> str | None:
    """The error worded from its reason, or None when the interface has no words for that reason."""
    if exc.reason in TEXTS[lang]:  # a question the engine refuses, a busy index
        return tell(exc.reason, lang, **exc.details)
    if f"why_{exc.reason}" in TEXTS[lang] and "name" in exc.details:  # a file the engine refuses
        return tell(f"why_{exc.reason}", lang, **{"title": exc.details["name"], **exc.details, **extra})
    return None


def _by_kind(exc: AssistantError, lang: str) -> str:
    return say(next((key for kind, key in _KINDS if isinstance(exc, kind)), "error"), lang)


# The errors the interface words by their kind, most specific first.
_KINDS: list[tuple[type[AssistantError], str]] = [
    (IndexNotBuiltError, "error_index"),
    (IndexMismatchError, "error_index_mismatch"),
    (ModelNotFoundError, "error_model_missing"),
    (ModelError, "error_model"),
    (ConfigError, "error_config"),
]


def tell(key: str, lang: str, **values: object) -> str:
    """:func:`say` for the page, which renders HTML: names and titles from files and users are escaped,
    so they show as text and never run."""
    return say(key, lang, **{k: esc(v) if isinstance(v, str) else v for k, v in values.items()})


def technical(exc: AssistantError, lang: str) -> str:
    """The engine's own words (in English, for whoever fixes it), folded away under the message."""
    return f"<details><summary>{say('technical_detail', lang)}</summary>{esc(str(exc))}</details>"


def chat_of(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chat messages of the answered turns: each question, then its answer as it was shown."""
    return [
        m
        for t in turns
        for m in (
            {"role": "user", "content": esc(t["question"])},
            {"role": "assistant", "content": t["shown"]},
        )
    ]


def _pending(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


__all__ = ["Handlers", "clean_text"]


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
