"""What a question asks for: a date, a count, a place, a person or body, a title; and what a reply must add.

The question words of the three languages are grammar, not the corpus: "combien", "when", "いつ".
"""

from __future__ import annotations

import itertools
import re

from assistant.text.lexical import tokenize

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
# Question words that ask for a date or a count, in the three languages: grammar, not this corpus.
_ASKS_DATE = re.compile(
    r"\b(quand|when)\b|\b(en |à )?quelle(s)? (année|date)|\bquel jour\b|\b(what|which) (year|date|day)\b|"
    r"いつ|何年|何月|何日",
    re.IGNORECASE,
)
_ASKS_COUNT = re.compile(
    r"\b(combien|how many|how much|how long)\b|何(人|回|か国|カ国|番目|パーセント|%|つ|団体|都市|自治体)|いくつ",
    re.IGNORECASE,
)


def asks_for_number(question: str) -> bool:
    """True if the question asks when, how many or how much."""
    return asks_for_date(question) or asks_for_count(question) or asks_for_amount(question)


# An amount of money asked as the question's object: "quel a été le budget", "what was the cost", "いくら".
_ASKS_AMOUNT = re.compile(
    r"\bquel(?:le)?s?\s+(?:(?:a été|est|était|sera|fut)\s+)?(?:le |la |l['’])?(?:budget|coût|montant|prix|tarif)\b|"
    r"\bwhat\s+(?:was|is|were|are|will be)\s+the\s+(?:\w+\s+)?(?:budget|cost|price|fee|amount)s?\b|"
    r"いくら|(?:予算|費用|参加費|料金|金額)は(?:どれ|何円)",
    re.IGNORECASE,
)


def asks_for_amount(question: str) -> bool:
    return _ASKS_AMOUNT.search(question) is not None


def asks_for_date(question: str) -> bool:
    return _ASKS_DATE.search(question) is not None


def asks_for_count(question: str) -> bool:
    return _ASKS_COUNT.search(question) is not None


# "Qui a …", "par qui", "who", "誰": a question that asks for a person or a body. French "qui" counts
# only where it opens the question or a part of it ("… et qui l'a animée ?"), not as a relative pronoun
# ("les villes qui ont accueilli").
_ASKS_PERSON = re.compile(
    r"(?:^|[,;:?]\s*|\bet\s+|\b(?:par|avec|pour|à|de)\s+)qui\b|\bwho(?:m)?\b|誰|だれ|どなた|人物|氏名",
    re.IGNORECASE,
)
# "quel thème", "what theme", "テーマ": a question that asks for a theme or a title.
_ASKS_TITLE = re.compile(r"\b(thèmes?|titre|intitulé|themes?|title)\b|テーマ|題名|タイトル|主題", re.IGNORECASE)


def asks_for_person(question: str) -> bool:
    return _ASKS_PERSON.search(question.strip()) is not None


def asks_for_title(question: str) -> bool:
    return _ASKS_TITLE.search(question) is not None


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
