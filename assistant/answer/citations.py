"""What an answer cites: the source sentences the model was shown, and citations checked at their offsets.

A citation is only ever made by :func:`cite`, which shows it only if its quote is the document's text
at the offsets given. Everything that shows a source (answers, speeches, briefs, exports) goes through it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from assistant.text.chunking import split_sentences
from assistant.types import Candidate, Citation

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
_MARKER = re.compile(r"\s*(?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]|【\d+】)")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-–•*])\s+")


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
