"""Whether a reply is of the kind its question asks for: a date for when, a count for how many, a person
or a body for who, a theme or a title for which theme.

Names and numbers found in the evidence do not make an answer: asked who spoke for a city, the small
model listed the host cities its sentence named; asked for the theme of an edition, it gave another's
postponement. Both pass every check of ``checking``.

Dates and counts are read by the code (``numbers``): a date is a year, a month or a day; a count is a
number that is not a year. Persons and themes cannot be read off the words, so the model is asked what
the reply names, one word from a fixed list under a grammar (:data:`OUTPUT`). Asked "does the answer
give who?", it said YES to a list of cities; asked what the answer names, it said PLACE: 7 of 11
hand-written cases right against 10 of 11 (``python -m eval.kind_forms``, docs/decisions.md).
"""

from __future__ import annotations

import re

from assistant.models.generation import ChatModel, Messages, OutputFormat, complete
from assistant.prompts import load_prompt
from assistant.text.lexical import fold, tokenize
from assistant.text.numbers import months_named, normalise, numbers, words_as_digits
from assistant.text.questions import asks_for_amount, asks_for_count, asks_for_date, asks_for_person, asks_for_title

NAMED = ("PERSON", "ORGANISATION", "PLACE", "DATE", "NUMBER", "THEME", "EVENT", "OTHER")
OUTPUT = OutputFormat(
    name="named_kind",
    grammar="root ::= " + " | ".join(f'"{k}"' for k in NAMED),
    schema={
        "type": "object",
        "properties": {"kind": {"type": "string", "enum": list(NAMED)}},
        "required": ["kind"],
        "additionalProperties": False,
    },
)
# What the model may say a reply names, for each kind of question it checks.
_FITS = {"person": {"PERSON", "ORGANISATION"}, "title": {"THEME", "OTHER"}}
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_JAPANESE_DATE = re.compile(r"[\d〇一二三四五六七八九十]\s*[年月日]")  # "2022年", "十月", not "毎年"


def missing_values(text: str, question: str) -> list[str]:
    """ "date", "count" and "amount", where the question asks for one and the reply adds none: a date is
    a new number written as a year, a month or a Japanese date; a count a new number that is not a year;
    an amount a number with its currency ("12 000 euros", "5万円"; "les deux collectivités" is none)."""
    text, question = normalise(text), normalise(question)
    added = numbers(text) - numbers(question)
    out = []
    if asks_for_date(question) and not (added and (_YEAR.search(text) or _month_or_day(text))):
        out.append("date")
    if asks_for_count(question) and not added - set(_YEAR.findall(text)):
        out.append("count")
    if asks_for_amount(question) and not _MONEY.search(text):
        out.append("amount")
    return out


_MONEY = re.compile(
    r"\d[\d\s.,]*\s*(?:k|m|millions?|milliards?|万|億)?\s*(?:€|euros?|eur\b|\$|dollars?|yens?|円)|[€$]\s*\d", re.I
)


# "Combien de personnes", "combien d'habitants": what a French question counts.
_COUNTED = re.compile(r"\bcombien\s+(?:de\s+|d['’]\s*)(\w+)", re.IGNORECASE)


def counts_something_else(text: str, question: str, evidence: list[str]) -> bool:
    """True if a French question counts one thing and the evidence writes the reply's count of another:
    asked "combien de personnes", the reply's 5 is "cinq villes" in its sentence; asked "combien
    d'habitants", "12 villages". A count the evidence writes before a word of the question ("14
    collectivités" for "combien de collectivités"), or before no word at all, passes. Only where question
    and evidence share a language: an English "how many authorities" has no French word to compare."""
    asked = _COUNTED.search(question)
    if asked is None or fold(asked.group(1)) == "fois":  # how many times: occurrences, not things
        return False
    words = {w[:5] for w in tokenize(question)}  # "reportée" and "reports" share their first letters
    counts = numbers(normalise(text)) - numbers(normalise(question)) - set(_YEAR.findall(text))
    for n in counts:
        nouns = [
            m.group(1)
            for sentence in evidence
            for m in re.finditer(rf"(?<![\d,.]){n}\s+([a-zà-ÿ]{{3,}})", words_as_digits(sentence, "fr"))
        ]
        if nouns and not any(w[:5] in words for noun in nouns for w in tokenize(noun)):
            return True
    return False


def _month_or_day(text: str) -> bool:
    return bool(_JAPANESE_DATE.search(text) or months_named(text))


def checked_by_model(question: str) -> list[str]:
    """The kinds of ``question`` that :func:`named_kind` checks: "person", "title"."""
    return [k for k, asks in (("person", asks_for_person), ("title", asks_for_title)) if asks(question)]


def kind_messages(text: str) -> Messages:
    return [
        {"role": "system", "content": load_prompt("verify_system")},
        {"role": "user", "content": load_prompt("kind_user").format(answer=" ".join(text.split()))},
    ]


def named_kind(model: ChatModel, text: str) -> str:
    """What the reply mainly names, one of :data:`NAMED`, by the model ("OTHER" if it says none).
    ModelError propagates."""
    reply = complete(model, kind_messages(text), max_tokens=8, temperature=0.0, output=OUTPUT)
    word = re.search("|".join(NAMED), reply.upper())
    return word.group() if word else "OTHER"


def fits(kind: str, named: str) -> bool:
    return named in _FITS[kind]
