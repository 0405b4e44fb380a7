"""What a document says about itself at its head: its date, its year, the edition of the Rencontres it is about.

A document a user adds comes with no metadata; without a year or an edition the app's filters leave it
out. Its first lines usually say them ("Compte rendu, Rennes, 14 octobre 2025", "第8回…"). Only what is
unambiguous is taken: one edition named, one full date first; otherwise nothing, and the user can say it
(`assistant add --date --edition`, the app's Documents tab).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from assistant.text.numbers import editions_named, years_named

HEAD_CHARS = 600  # the title, a subtitle, the first paragraph: where a document dates itself


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations in French and English, lower case, from CLDR ("oct." and "oct").
    Read on first use, not at import: most commands never date a document."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in ("fr", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                names[name.casefold().rstrip(".")] = number
    return names


_DAY = r"(\d{1,2})(?:er|st|nd|rd|th)?"
_RANGE = r"(?:\s*(?:-|–|et|au|and|to)\s*\d{1,2}(?:er|st|nd|rd|th)?)?"  # "12 et 13 mars", "12-13 March"
_YEAR = r"((?:19|20)\d{2})"


@cache
def _patterns() -> tuple[list[tuple[re.Pattern[str], str]], list[tuple[re.Pattern[str], str]]]:
    """The full dates, then the months of a year, each with the order of its groups (d, m, y)."""
    month = "|".join(sorted(map(re.escape, _months()), key=len, reverse=True))
    dates = [
        (re.compile(rf"(?<!\d){_YEAR}-(\d{{2}})-(\d{{2}})(?!\d)"), "ymd"),
        (re.compile(rf"{_YEAR}\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日"), "ymd"),
        (re.compile(rf"(?<!\d){_DAY}{_RANGE}\s+({month})\.?,?\s+{_YEAR}(?!\d)", re.IGNORECASE), "dmy"),
        (re.compile(rf"\b({month})\.?\s+{_DAY}{_RANGE},?\s+{_YEAR}(?!\d)", re.IGNORECASE), "mdy"),
    ]
    months = [
        (re.compile(rf"{_YEAR}\s*年\s*(\d{{1,2}})\s*月"), "ym"),
        (re.compile(rf"\b({month})\.?\s+{_YEAR}(?!\d)", re.IGNORECASE), "my"),
    ]
    return dates, months


@dataclass(frozen=True)
class Details:
    """What can be said of a document: ISO date ("2025-10-14" or "2025-10"), year, edition."""

    date: str | None = None
    year: int | None = None
    edition: int | None = None


def describe(title: str, text: str) -> Details:
    """The date, year and edition that ``title`` and the head of ``text`` state without ambiguity."""
    head = f"{title}\n{text[:HEAD_CHARS]}"
    found = first_date(head)
    editions = editions_named(head)
    years = years_named(title)
    year = int(found[:4]) if found else years[0] if len(years) == 1 else None
    return Details(date=found, year=year, edition=editions[0] if len(editions) == 1 else None)


def first_date(text: str) -> str | None:
    """The earliest full date written in ``text`` (ISO "YYYY-MM-DD"), else its earliest month and year
    ("YYYY-MM"), else None. A range ("12 et 13 mars 2025") gives its first day."""
    dates, months = _patterns()
    for patterns, full in ((dates, True), (months, False)):
        found = []
        for pattern, order in patterns:
            for m in pattern.finditer(text):
                value = _iso(dict(zip(order, m.groups(), strict=True)), full)
                if value:
                    found.append((m.start(), value))
        if found:
            return min(found)[1]
    return None


def _iso(parts: dict[str, str], full: bool) -> str | None:
    month_text = parts["m"]
    month = int(month_text) if month_text.isdigit() else _months().get(month_text.casefold().rstrip("."))
    if month is None:
        return None
    try:
        day = date(int(parts["y"]), month, int(parts["d"]) if full else 1)
    except ValueError:  # "31 février"
        return None
    return day.isoformat() if full else day.isoformat()[:7]


def valid_date(value: str) -> str:
    """``value`` if it is "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real date; else ValueError."""
    value = value.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if m is None:
        raise ValueError(f"{value!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.groups()
    date(int(year), int(month or 1), int(day or 1))  # raises ValueError on 2025-02-30
    return value
