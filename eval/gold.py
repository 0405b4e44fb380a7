"""The gold set: questions, where their answer is in the sources, and the facts an answer must hold."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.ingest.catalog import IndexCatalog
from assistant.types import Passage, Span

GOLD_FILE = Path(__file__).with_name("gold.jsonl")
# Written after retrieval was tuned on the gold set, to see how the tuning carries to new questions.
HELDOUT_FILE = Path(__file__).with_name("heldout.jsonl")
# Written before the evidence-first engine was built, and never tuned on: the set whose numbers say how
# answers carry to new questions. eval/run prints each set's sha256 so a change shows.
FRESH_FILE = Path(__file__).with_name("fresh.jsonl")
# Written before a later change to the engine (the fresh set's failures had been read by then): the
# held-out set for changes made after it. Most of its questions are on a second
# made-up document (eval/added/echanges-jeunes-bretagne-mie.md), the rest on corpus facts no other set asks.
UNSEEN_FILE = Path(__file__).with_name("unseen.jsonl")
# Written before a later change to the engine, on a third made-up document
# (eval/added/atelier-mobilites-albi-2025.html, HTML this time) and one question over two added documents:
# the held-out set for changes made after it.
NOVEL_FILE = Path(__file__).with_name("novel.jsonl")
# Written before the engine became the only one, by someone who had read no other set and no failure:
# at least 10 questions a language, lists and multi-part questions, who / when / how many, follow-ups and
# unanswerable questions, on the shipped corpus. The held-out set for every change since.
KINDS_FILE = Path(__file__).with_name("kinds.jsonl")
# Questions on a document that is not in the shipped corpus (a made-up seminar report): eval/run adds the
# documents of eval/added/ to a scratch copy of the corpus and index first, as a user would with `assistant add`.
ADDED_FILE = Path(__file__).with_name("added.jsonl")
ADDED_DOCUMENTS = sorted((Path(__file__).parent / "added").glob("*.*"))
# Sets answered over the corpus with the added documents.
NEEDS_ADDED = {ADDED_FILE, UNSEEN_FILE, NOVEL_FILE}


class Evidence(BaseModel):
    source: str
    quote: str  # as in the source, whitespace aside


class GoldItem(BaseModel):
    id: str
    lang: Literal["fr", "en", "ja"]
    question: str
    answerable: bool = True
    kind: Literal["single", "multi-doc", "list", "multi-part", "follow-up"] = "single"
    history: list[str] = Field(default_factory=list)  # earlier questions of the same conversation
    evidence: list[Evidence] = Field(default_factory=list)
    facts: list[list[str]] = Field(default_factory=list)  # every group must have one alternative in the answer


def load_gold(path: Path = GOLD_FILE) -> list[GoldItem]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [GoldItem.model_validate_json(line) for line in lines if line.strip()]


def locate(text: str, quote: str) -> Span:
    """Where ``quote`` stands in ``text``, allowing any run of whitespace where the quote has one."""
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    m = re.search(pattern, text)
    if m is None:
        raise ValueError(f"quote not found in source: {quote!r}")
    return Span(m.start(), m.end())


def evidence_spans(item: GoldItem, catalog: IndexCatalog) -> list[tuple[str, Span]]:
    by_source = {r.source: r.doc_id for r in catalog.documents.values()}
    spans = []
    for ev in item.evidence:
        doc_id = by_source[ev.source]
        spans.append((doc_id, locate(catalog.text(doc_id), ev.quote)))
    return spans


def covers(doc_id: str, start: int, end: int, spans: list[tuple[str, Span]], *, share: float = 0.5) -> bool:
    """True if ``[start, end)`` of ``doc_id`` holds at least ``share`` of one evidence span."""
    for ev_doc, span in spans:
        if ev_doc != doc_id:
            continue
        overlap = min(end, span.end) - max(start, span.start)
        if overlap > 0 and overlap >= share * (span.end - span.start):
            return True
    return False


def first_hit(passages: list[Passage], spans: list[tuple[str, Span]]) -> int | None:
    """Rank (from 1) of the first passage that covers the evidence, or None."""
    for i, p in enumerate(passages, start=1):
        if covers(p.chunk.doc_id, p.chunk.start, p.chunk.end, spans):
            return i
    return None
