"""Who took part, counted by side, said in English or Japanese.

The fact base keeps an edition's participants in the words of the passage that counts them, in French
(« 14 collectivités japonaises et 22 collectivités françaises »). An English or Japanese brief, speech or
answer says them in its own language: each count with what it counts and its side ("14 Japanese and 22
French local authorities", "日本の自治体14団体とフランスの自治体22団体").

A value is read only if it is nothing but such counts (a number, a noun this module knows, a side)
joined by « et », « , » or « dont »; anything else stays as written, in French, for the text's quotation
marks to show it as the sources' words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.lexical import fold
from assistant.text.numbers import words_as_digits

# What a count counts, folded and singular → English singular, plural; Japanese noun and counter.
_NOUNS = {
    "collectivite": ("local authority", "local authorities", "自治体", "団体"),
    "ville": ("city", "cities", "", "都市"),
    "participant": ("participant", "participants", "参加者", "人"),
    "personne": ("person", "people", "参加者", "人"),
    "delegue": ("delegate", "delegates", "代表", "人"),
    "elu": ("elected official", "elected officials", "議員", "人"),
}
_SIDES = {"japon": ("Japanese", "日本の"), "franc": ("French", "フランスの")}
_QUALIFIERS = r"(?:\s+(?:territoriales?|locales?))?"
_COUNT = re.compile(
    r"(\d+)\s+(" + "|".join(_NOUNS) + r")s?" + _QUALIFIERS + r"\s+(japonais(?:es?)?|francais(?:es?)?)(?![a-z])"
)
_JOINS = re.compile(r"^(?:\s|,|;|\bet\b|\bdes\b|\bdont\b)*$")


@dataclass(frozen=True)
class Count:
    number: int
    noun: str  # a key of _NOUNS
    side: str  # a key of _SIDES


def read(value: str) -> list[Count] | None:
    """The counts ``value`` is made of, in order; None if anything else is written in it."""
    text = fold(words_as_digits(value, "fr"))
    counts, end = [], 0
    for m in _COUNT.finditer(text):
        if not _JOINS.match(text[end : m.start()]):
            return None
        side = "japon" if m.group(3).startswith("japon") else "franc"
        counts.append(Count(int(m.group(1)), m.group(2), side))
        end = m.end()
    if not counts or not _JOINS.match(text[end:].rstrip(".")):
        return None
    return counts


def in_language(value: str, language: str) -> str:
    """``value`` (French) said in ``language`` if :func:`read` reads it; else as written."""
    counts = read(value) if language in ("en", "ja") else None
    if counts is None:
        return value
    if language == "ja":
        return "と".join(f"{_SIDES[c.side][1]}{_NOUNS[c.noun][2]}{c.number}{_NOUNS[c.noun][3]}" for c in counts)
    return _english(counts)


def _english(counts: list[Count]) -> str:
    """ "14 Japanese and 22 French local authorities" when all count one thing; else each said whole."""

    def noun(key: str, one: bool) -> str:
        return _NOUNS[key][0 if one else 1]

    if len({c.noun for c in counts}) == 1:
        items = [f"{c.number} {_SIDES[c.side][0]}" for c in counts]
        return _and(items) + " " + noun(counts[0].noun, len(counts) == 1 and counts[0].number == 1)
    return _and([f"{c.number} {_SIDES[c.side][0]} {noun(c.noun, c.number == 1)}" for c in counts])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
