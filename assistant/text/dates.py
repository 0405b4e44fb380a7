"""Dates as the sources write them (« du 3 au 6 octobre 2022 »), said in English or Japanese.

The fact base keeps an edition's dates in the words of the passage that states them, in French. An
English or Japanese brief or answer says them in its own language: a day, or a span of days, of a month,
of a year ("3–6 October 2022", "2022年10月3日～6日"). Only a French date of that shape is read; anything
else ("à l'automne 2022") stays as written.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.text.lexical import fold
from assistant.text.numbers import MONTHS

_DAY = r"(\d{1,2})(?:er|re)?"
_MONTH = r"([a-zéû]+)"
_YEAR = r"(?:\s+(\d{4}))?"
# "du 3 au 6 octobre 2022", "du 30 septembre au 2 octobre 2022", "le 6 octobre 2022", "18-21 novembre".
_SPAN = re.compile(rf"(?:du\s+)?{_DAY}(?:\s+{_MONTH})?{_YEAR}\s*(?:au|-|–)\s*{_DAY}\s+{_MONTH}{_YEAR}")
_ONE = re.compile(rf"(?:le\s+)?{_DAY}\s+{_MONTH}{_YEAR}")


Day = tuple[int, int, int | None]  # day, month, year (None where the text gives none)


def in_language(dates: str, language: str, year: int | None = None) -> str:
    """``dates`` (French) said in ``language``; ``year`` where the dates give none (the edition's)."""
    read = _read(dates) if language in ("en", "ja") else None
    if read is None:
        return dates
    (d1, m1, y1), (d2, m2, y2) = read
    y2 = y2 or year
    y1 = y1 or y2
    if y2 is None:
        return dates
    if language == "ja":
        start = f"{y1}年{m1}月{d1}日"
        if y1 != y2:
            end = f"{y2}年{m2}月{d2}日"
        elif m1 != m2:
            end = f"{m2}月{d2}日"
        else:
            end = f"{d2}日"
        return start if (d1, m1) == (d2, m2) and y1 == y2 else f"{start}～{end}"
    names = _english_months()
    last = f"{d2} {names[m2]} {y2}"
    if (d1, m1, y1) == (d2, m2, y2):
        return last
    if (m1, y1) == (m2, y2):
        return f"{d1}–{last}"
    return f"{d1} {names[m1]}{'' if y1 == y2 else f' {y1}'} – {last}"


def _read(dates: str) -> tuple[Day, Day] | None:
    text = " ".join(dates.split()).lower()
    span = _SPAN.fullmatch(text)
    if span:
        d1, m1, y1, d2, m2, y2 = span.groups()
        last_month = _month(m2)
        first_month = _month(m1) if m1 else last_month
        if first_month is None or last_month is None:
            return None
        last = (int(d2), last_month, int(y2) if y2 else None)
        return (int(d1), first_month, int(y1) if y1 else None), last
    one = _ONE.fullmatch(text)
    if one:
        d, m, y = one.groups()
        month = _month(m)
        if month is None:
            return None
        day = (int(d), month, int(y) if y else None)
        return day, day
    return None


def _month(name: str) -> int | None:
    found = MONTHS.get(fold(name))
    return int(found) if found else None


@cache
def _english_months() -> dict[int, str]:
    from babel.dates import get_month_names

    return {int(k): str(v) for k, v in get_month_names("wide", locale="en").items()}
