"""The assistant as LangChain parts, for teams that build their own LangChain or LangGraph app.

- :class:`HybridRetriever` is a ``BaseRetriever``: the product's hybrid retrieval (two embedders and
  BM25, fused by rank) over its index, each passage a ``Document`` whose metadata say where it stands
  (title, source, doc_id, start, end, score, rank).
- :func:`checked_answer` is a ``Runnable``: a question (or {"question", "history"}) in, the checked,
  cited answer out, as the JSON of ``assistant ask --json``. Its ``stream`` yields the answer's events as
  they come ({"event": "progress"}, {"event": "evidence"}, then {"event": "answer"}); nothing unchecked
  is in them.

    from assistant.config import Settings
    from assistant.langchain import HybridRetriever, checked_answer
    from assistant.pipeline import Assistant

    assistant = Assistant(Settings())
    retriever = HybridRetriever(assistant=assistant, top_k=4)
    docs = retriever.invoke("Où se sont tenues les Rencontres en 2014 ?")
    reply = checked_answer(assistant).invoke({"question": "Où se sont tenues les Rencontres en 2014 ?"})
    print(reply["answer"], [c["quote"] for c in reply["citations"]])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import ConfigDict

from assistant.answer.shapes import answer_json
from assistant.pipeline import Assistant
from assistant.types import Evidence, Final, Progress

Question = str | Mapping[str, Any]  # "…?" or {"question": "…?", "history": [(question, answer), …]}


class HybridRetriever(BaseRetriever):
    """The assistant's hybrid retrieval as a LangChain retriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant
    top_k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=p.chunk.text,
                metadata={
                    "title": p.title,
                    "source": p.source,
                    "doc_id": p.chunk.doc_id,
                    "start": p.chunk.start,
                    "end": p.chunk.end,
                    "score": p.score,
                    "rank": p.rank,
                },
            )
            for p in self.assistant.search(query, top_k=self.top_k)
        ]


class CheckedAnswer(Runnable[Question, dict[str, Any]]):
    """The checked answer as a Runnable: ``invoke`` returns the ``ask --json`` object; ``stream`` yields
    the events, the last one {"event": "answer", "answer": that object}."""

    def __init__(self, assistant: Assistant) -> None:
        self._assistant = assistant

    def invoke(self, input: Question, config: RunnableConfig | None = None, **kwargs: Any) -> dict[str, Any]:
        for event in self.stream(input, config):
            if event["event"] == "answer":
                return event["answer"]
        raise AssertionError("the answer's events end with the answer")  # pragma: no cover

    def stream(self, input: Question, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[dict[str, Any]]:
        question, history = (input, ()) if isinstance(input, str) else (input["question"], input.get("history", ()))
        for event in self._assistant.answer_events(question, history=[tuple(turn) for turn in history]):
            if isinstance(event, Progress):
                yield {"event": "progress", "stage": event.stage}
            elif isinstance(event, Evidence):
                yield {"event": "evidence", "quotes": list(event.quotes)}
            elif isinstance(event, Final):
                yield {"event": "answer", "answer": answer_json(event.answer)}


def checked_answer(assistant: Assistant) -> CheckedAnswer:
    return CheckedAnswer(assistant)
