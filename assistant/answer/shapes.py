"""The JSON shapes the assistant prints and serves: `assistant ask --json`, `assistant search --json` and
the app's /ask endpoint."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from assistant.answer.citations import citations_json
from assistant.types import Answer, Passage


def answer_json(answer: Answer) -> dict[str, Any]:
    """The shape `assistant ask --json` prints and the app's /ask endpoint returns."""
    return {
        "question": answer.question,
        "language": answer.language,
        "answer": answer.text,
        "mode": answer.mode,
        "refused": answer.refused,
        "extractive": answer.extractive,
        "citations": citations_json(answer.citations),
        "see_also": [] if not answer.refused else passages_json(answer.passages[:3]),
        "dropped_sentences": list(answer.dropped_sentences),
        "notice": answer.notice,
        "timings_ms": {k: answer.timings_ms.get(k, 0.0) for k in ("retrieval", "first_token", "total")},
    }


def passages_json(passages: Sequence[Passage]) -> list[dict[str, Any]]:
    return [
        {
            "rank": p.rank,
            "doc_id": p.chunk.doc_id,
            "title": p.title,
            "source": p.source,
            "start": p.chunk.start,
            "end": p.chunk.end,
            "text": p.chunk.text,
            "score": round(p.score, 6),
        }
        for p in passages
    ]


def search_json(question: str, passages: Sequence[Passage], started: float) -> dict[str, Any]:
    return {
        "question": question,
        "passages": passages_json(passages),
        "timings_ms": {"total": round((time.perf_counter() - started) * 1000, 1)},
    }
