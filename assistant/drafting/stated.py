"""What a passage states, field by field: the timeline keeps a value the model gave only where the
passage writes it (a year in digits, a city as whole words, an edition as an ordinal, dates with a
number or a month, a theme between quotation marks, participants that count).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.text.lexical import fold
from assistant.text.numbers import editions_named, numbers, words_as_digits

YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
CLAUSE_BREAK = re.compile(r"[,;:()\[\]]|[.!?。](?:\s|$)")
_QUOTED = re.compile(r"«\s*([^»]+?)\s*»|“([^”]+)”|\"([^\"]+)\"|「([^」]+)」|『([^』]+)』")


def key(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())


def year_written(value: Any, text: str) -> bool:
    return isinstance(value, int) and str(value) in YEAR.findall(text)


def city_written(value: Any, text: str) -> bool:
    """The name is written in ``text``: as whole words where words are spaced ("Tours" is not in "retours"),
    as a run of characters in Japanese."""
    if not isinstance(value, str) or YEAR.search(value) or len(key(value)) < 2:
        return False
    name = key(value)
    if name.isascii():
        return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", key(text)) is not None
    return name in key(text)


def ordinals(text: str) -> set[int]:
    """Edition numbers ``text`` writes as ordinals, in digits ("7es", "8th", "第8回") or in French or
    English words ("Cette septième édition", "the eighth meeting": read by ``text_to_num``)."""
    return {e for t in (text, words_as_digits(text, "fr"), words_as_digits(text, "en")) for e in editions_named(t)}


def edition_written(value: Any, text: str) -> bool:
    """The number is written as an ordinal in digits: a word ("la première table ronde") places no
    edition in a passage read for its year."""
    return isinstance(value, int) and value in editions_named(text)


def ordinal_written(value: Any, text: str) -> bool:
    return isinstance(value, int) and value in ordinals(text)


def copied(value: Any, text: str) -> bool:
    return isinstance(value, str) and len(key(value)) > 3 and key(value) in key(text)


def dates_written(value: Any, text: str) -> bool:
    """Copied, and a date: it writes a number or a month ("sous le thème « … »" copied as dates is not)."""
    return copied(value, text) and bool(numbers(value))


def theme_quoted(value: Any, text: str) -> bool:
    quoted = [key(next(g for g in m.groups() if g)) for m in _QUOTED.finditer(text)]
    return isinstance(value, str) and key(value.strip('«»“”"「」『』 ')) in quoted


def participants_counted(value: Any, text: str) -> bool:
    """Copied, and it counts: a number that is not a year ("créées en 2008" copied as participants is not)."""
    counted = numbers(value) if isinstance(value, str) else frozenset()
    counts = {n for n in counted if not YEAR.fullmatch(n)}
    return copied(value, text) and bool(counts) and counted <= numbers(text)


def counting_clause(value: Any, text: str) -> str | None:
    """The shortest clause of ``text`` that writes every number of ``value`` (none of them a year), as
    ``text`` writes it; None if there is none. The model's participants are often reworded ("14
    collectivités japonaises and 22…" for "… et 22…"): their counts are checked, the words are the source's."""
    counted = numbers(value) if isinstance(value, str) else frozenset()
    if not counted or any(YEAR.fullmatch(n) for n in counted):
        return None
    clauses = [" ".join(c.split()) for c in CLAUSE_BREAK.split(text)]
    holding = [c for c in clauses if c and counted <= numbers(c)]
    return min(holding, key=len) if holding else None


def paired(year: int, city: str, text: str) -> bool:
    """True if ``text`` writes ``city`` and ``year`` in one clause, and no other year of that clause is
    nearer the city."""
    flat = key(text)
    name = key(city)
    place = flat.find(name)
    if place < 0:
        return False
    end = place + len(name)
    near = []
    for m in YEAR.finditer(flat):
        between = flat[m.end() : place] if m.start() < place else flat[end : m.start()]
        if not CLAUSE_BREAK.search(between):
            near.append((len(between), m.group()))
    return bool(near) and min(near)[1] == str(year)


# How each field of the model's reply is checked against the passage (see the module's docstring).
CHECKS: dict[str, Callable[[Any, str], bool]] = {
    "year": year_written,
    "city": city_written,
    "edition": edition_written,
    "dates": dates_written,
    "theme": theme_quoted,
    "participants": participants_counted,
    "planned": year_written,
}
