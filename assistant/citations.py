"""What an answer cites: the source sentences the model was shown, and citations checked at their offsets.

A citation is only ever made by :func:`cite`, which shows it only if its quote is the document's text
at the offsets given. Everything that shows a source (answers, speeches, briefs, exports) goes through it.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.chunking import split_sentences
from assistant.types import Chunk, Citation, Passage

logger = logging.getLogger(__name__)

# What the model writes when the sources it was shown do not answer (the prompt asks for it).
REFUSAL_TOKEN = "NOT_IN_SOURCES"
# The model's own words for the same, in the three languages, when it forgets the token.
MODEL_REFUSALS = re.compile(
    r"ne (contiennent|précisent|mentionnent|donnent|disent|fournissent) pas|pas d'information|aucune information|"
    r"ne sait pas|je ne sais pas|do(es)? not (contain|mention|specify|say|provide|state)|no information|"
    r"not (mentioned|specified|provided|stated)|i don't know|"
    r"情報(は|が)(ありません|ない)|記載(は|が)?(ありません|されていません)|わかりません|分かりません",
    re.IGNORECASE,
)
# A web address, without the punctuation that may close the sentence around it.
URL = re.compile(r"https?://[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]]")
_MARKER = re.compile(r"\s*(?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]|【\d+】)")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-–•*])\s+")


@dataclass(frozen=True)
class Candidate:
    """A source sentence the model was shown, with the passage it belongs to."""

    passage: Passage
    sentence: Chunk
    vector: Sequence[float]
    about: str = ""  # what the sentence's document is: title, host city and year
    introduced_by: str | None = None  # for an item of a list: its introduction's sentence id

    @property
    def heading(self) -> str:
        return self.about or self.passage.title


def cite(candidate: Candidate, n: int, document_text: Callable[[str], str]) -> Citation | None:
    """A citation for a source sentence, only if its quote really stands at its offsets and holds a word."""
    s = candidate.sentence
    if document_text(s.doc_id)[s.start : s.end] != s.text or not has_words(s.text):
        logger.warning("citation offsets do not match the source text, or it holds no word; not shown: %s", s.chunk_id)
        return None
    return Citation(
        n=n,
        doc_id=s.doc_id,
        title=candidate.passage.title,
        source=candidate.passage.source,
        start=s.start,
        end=s.end,
        quote=s.text,
        passage=candidate.passage,
    )


def has_words(sentence: str) -> bool:
    """True if a sentence holds a letter: a list's "2." does not."""
    return any(ch.isalpha() for ch in sentence)


def split_answer(text: str) -> list[str]:
    """The answer's sentences without the citation markers and list numbers the model may have written."""
    cleaned = _MARKER.sub("", text).strip()
    return [_LIST_MARK.sub("", cleaned[s.start : s.end]) for s in split_sentences(cleaned)]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def citations_json(citations: Sequence[Citation]) -> list[dict[str, Any]]:
    """Citations as `assistant ask --json` prints them (speeches and briefs too)."""
    return [
        {
            "n": c.n,
            "doc_id": c.doc_id,
            "title": c.title,
            "source": c.source,
            "start": c.start,
            "end": c.end,
            "quote": c.quote,
            "passage": c.passage.chunk.text,
        }
        for c in citations
    ]
