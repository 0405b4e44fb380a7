"""What a question asks for: a date or a count, a place; and what a reply must add to it.

The question words of the three languages are grammar, not the corpus: "combien", "when", "いつ".
"""

from __future__ import annotations

import itertools
import re

from assistant.text.lexical import tokenize

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# Question words that ask for a date or a count, in the three languages: grammar, not this corpus.
_ASKS_NUMBER = re.compile(
    r"\b(combien|quand|how many|how much|how long|when)\b|\b(en )?quelle(s)? (année|date)|"
    r"\b(what|which) year\b|いつ|何(年|人|回|日|か国|カ国|番目|パーセント|%)|いくつ",
    re.IGNORECASE,
)


def asks_for_number(question: str) -> bool:
    """True if the question asks when, how many or how much."""
    return _ASKS_NUMBER.search(question) is not None


# "Où …", "… et où ?", "which city", "どこ": a question (or one of its parts) that asks for a place.
_ASKS_PLACE = re.compile(
    r"(?:^|\bet\s+|\band\s+|,\s*)(?:où|where)\b|\b(?:which|what|in what) (?:city|town|country|region)\b|"
    r"\b(?:quel(?:le)?|dans quel(?:le)?) (?:ville|commune|pays|région)\b|どこ|どの(?:都市|町|国|地域)",
    re.IGNORECASE,
)


def asks_for_place(question: str) -> bool:
    return _ASKS_PLACE.search(question.strip()) is not None


def adds_nothing(text: str, question: str) -> bool:
    """True if the reply says nothing the question does not: no new word, number or Japanese word pair.

    "Le maire actuel de Shizuoka est le maire de Shizuoka." answers nothing, whatever it cites.
    """
    asked = set(tokenize(question))
    if set(tokenize(text)) - asked:
        return False
    return not _pairs(text) - _pairs(question)


def _pairs(text: str) -> set[str]:
    """Pairs of neighbouring kana or kanji: the words of a Japanese text, roughly."""
    return {a + b for a, b in itertools.pairwise(text) if CJK.match(a) and CJK.match(b)}
