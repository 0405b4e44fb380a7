"""Numbers as values, whatever writes them: digits, number words (French, English), kanji, month names,
years and edition ordinals. "quatorze", "fourteen", "十四" and "14" are one number; "octobre", "October"
and "10月" one month; "7es", "7th" and "第7回" one edition.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.text.lexical import fold

# A web address, without the punctuation that may close the sentence around it: its digits are no numbers.
URL = re.compile(r"https?://[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]]")
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """Full-width digits and letters as ASCII (NFKC), so that "２０２４" is 2024."""
    return unicodedata.normalize("NFKC", text)


# Month names are numbers ("octobre", "October" and "10月" agree): the calendar, not this corpus.
MONTHS = {
    fold(name): str(month)
    for month, names in enumerate(
        (
            "janvier january",
            "février february",
            "mars march",
            "avril april",
            "mai may",
            "juin june",
            "juillet july",
            "août august",
            "septembre september",
            "octobre october",
            "novembre november",
            "décembre december",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b")


def months_named(text: str) -> list[str]:
    """The month names of a text, folded ("octobre", "october"); English "may" only as "May"."""
    return [m for m in _MONTH.findall(fold(text)) if m != "may" or "May" in text]


@lru_cache(maxsize=4096)
def numbers(text: str) -> frozenset[str]:
    """The numbers of a text as digit strings: digits, month names, and number words (French, English,
    kanji)."""
    text = normalise(URL.sub(" ", text))
    found = {str(int(d)) for d in _DIGITS.findall(text)}
    found |= {MONTHS[m] for m in months_named(text)}
    found |= {str(kanji_value(run)) for run in _KANJI_NUMBER.findall(text) if kanji_value(run) > 1}
    for lang in ("fr", "en"):
        # "un", "une", "one" are articles as often as numbers: a word read as 1 is no claim.
        found |= {str(int(d)) for d in _DIGITS.findall(words_as_digits(text, lang)) if int(d) != 1}
    found |= {_TIMES[w] for w in re.findall(r"\w+", text.lower()) if w in _TIMES}
    return frozenset(found)


# How many times, in one word: English grammar that text2num does not read ("postponed twice").
_TIMES = {"twice": "2", "thrice": "3"}


_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile("[〇一二三四五六七八九十百千]+")


def kanji_value(run: str) -> int:
    """A number written in kanji: "四" 4, "十四" 14, "二十二" 22, "二〇二四" 2024."""
    if not any(c in _KANJI_UNITS for c in run):
        return int("".join(str(_KANJI_DIGITS[c]) for c in run))
    total, digit = 0, 0
    for c in run:
        if c in _KANJI_UNITS:
            total += (digit or 1) * _KANJI_UNITS[c]
            digit = 0
        else:
            digit = _KANJI_DIGITS[c]
    return total + digit


def words_as_digits(text: str, lang: str) -> str:
    """``text`` with its number words in ``lang`` written as digits (ordinals too: "septième" 7ème)."""
    from text_to_num import alpha2digit

    try:
        return str(alpha2digit(text, lang, threshold=1))
    except (ValueError, TypeError):  # the parser refuses some inputs: then no number words are read
        return text


_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?!\d)")
_EDITION = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:e|es|ème|èmes|er|re|res|ère|ères|th|st|nd|rd)\b|第\s*(\d{1,2})\s*回", re.IGNORECASE
)


def years_named(query: str) -> list[int]:
    return sorted({int(y) for y in _YEAR.findall(query)})


def editions_named(query: str) -> list[int]:
    """Edition numbers written as ordinals: "1res", "7es", "7e", "7th", "第7回"."""
    return sorted({int(a or b) for a, b in _EDITION.findall(query)})
