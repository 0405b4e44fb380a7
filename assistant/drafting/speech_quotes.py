"""Which of the engine's quotes a speech says: those that fit, an introduction only with what it
introduces, each sentence once, none that cannot be read out."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.text.chunking import introduces
from assistant.text.numbers import URL
from assistant.types import Answer, Citation

# A sentence that opens on a pronoun or a demonstrative speaks of the one before it in its document.
_ANAPHORA = re.compile(
    r"(?:il|elle|ils|elles|ce|cet|cette|ces|celui-ci|celle-ci|ceux-ci|celles-ci|it|he|she|they|this|these|those)\b",
    re.IGNORECASE,
)
_ENDS = re.compile(r"[.!?。！？:：…][\s»”\"'’)）」』]*$")  # how a sentence, or an introduction, ends


def within(
    quotes: list[Citation], share: float, size: Callable[[str], float], *, limit: float = float("inf")
) -> list[Citation]:
    """The quotes that fit in ``share`` of the speech's length, each of ``size``, in order; the first
    one that fits in ``limit`` (what quotes may still fill of the speech) always. An introduction ("… les
    démarches suivantes :") is said with the quote after it, or not at all: a speech announcing a list
    that never comes was the first thing its reader struck out."""
    kept: list[Citation] = []
    length = 0.0
    for unit in units(quotes):
        this = sum(size(c.quote) for c in unit)
        if (kept and length + this > share) or length + this > limit:
            continue
        kept += unit
        length += this
    return kept


def units(quotes: list[Citation]) -> list[list[Citation]]:
    """The quotes one by one, an introduction together with the quote that follows it in its document;
    an introduction with nothing after it is left out."""
    units: list[list[Citation]] = []
    i = 0
    while i < len(quotes):
        c = quotes[i]
        if not introduces(c.quote):
            units.append([c])
        elif i + 1 < len(quotes) and quotes[i + 1].doc_id == c.doc_id and quotes[i + 1].start >= c.end:
            units.append([c, quotes[i + 1]])
            i += 1
        i += 1
    return units


def new_quotes(answer: Answer, taken: list[Citation]) -> list[Citation]:
    """The answer's quotes the speech has not said yet and that can be said aloud: a sentence (it ends as
    one does, or introduces what follows), not a heading, a title or a fragment ("Atelier 3 : Les
    collectivités locales acteurs de l'environnement"), nor one that speaks of the sentence before it
    ("Elle s'efforcera aussi…", "These…"); no web address, no © credit line (a photo's caption). A quote
    holds words: ``citations.cite`` makes no other."""
    said = {said_as(c) for c in taken}
    new: list[Citation] = []
    for c in answer.citations:
        if said_as(c) in said or URL.search(c.quote) or "©" in c.quote or not _ENDS.search(c.quote):
            continue
        if _ANAPHORA.match(c.quote.strip()):  # "Elle s'efforcera aussi…": of what came before, unsaid
            continue
        said.add(said_as(c))
        new.append(c)
    return new


def said_as(c: Citation) -> str:
    """A quote as it sounds: one sentence two documents hold (a declaration and its report) is said once."""
    return " ".join(c.quote.split()).casefold()
