"""The chat: answers streamed and checked, the conversation kept, exported and rated."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer.shapes import answer_json
from assistant.errors import (
    AssistantError,
    QuestionError,
)
from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant, validate_question
from assistant.retrieval.search import Filters
from assistant.types import Answer, Evidence, Final, Progress
from ui.errors import explain, why
from ui.render import (
    chat_text,
    conversation_markdown,
    esc,
    flat,
    relabel,
    sources_panel,
    turn_sources,
)
from ui.texts import say

ChatUpdate = tuple[list[dict[str, Any]], Any, list[dict[str, Any]], str]
KEEP_CHARS = 2_000_000  # of conversation kept in the browser, latest turns first


class ChatHandlers:
    """What the chat tab does."""

    assistant: Assistant
    feedback: FeedbackStore

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
            message = f"⚠️ {explain(exc, ui_lang)}"
            yield [*asked, {"role": "assistant", "content": message}], gr.skip(), turns, question

    def _question_problem(self, question: str, lang: str) -> str:
        """Why the engine would refuse the question as asked, in the interface's language, or ""."""
        try:
            validate_question(question, max_chars=self.assistant.settings.max_question_chars)
        except QuestionError as exc:
            return why(exc, lang)
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

    def index_api(self) -> dict[str, Any]:
        """The /index endpoint: the index folder this app serves (the CLI asks the app only if it is its own)."""
        return {"index_dir": str(self.assistant.settings.index_dir.resolve())}

    def ask_api(self, question: str, history: list[list[str]] | None = None) -> dict[str, Any]:
        """The /ask endpoint: the same JSON object as `assistant ask --json`; ``history`` holds the
        conversation's earlier [question, answer] pairs (`assistant chat` sends them)."""
        try:
            pairs = [(q, a) for q, a in history or []]
            return answer_json(self.assistant.answer(question, history=pairs))
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc


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
