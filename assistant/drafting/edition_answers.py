"""Answers the fact base holds whole: where and when editions were held, which cities hosted them (in a
span of years, before or after one), how many there were, an edition's theme.

Asked of the answer engine, "which cities hosted the Rencontres between 2008 and 2018" came back with the
hosts one passage names, five of six, labelled an answer; the fact base (:mod:`editions`) has every
edition each passage states, merged and cited. So a question is answered from its rows when all it asks
is such a fact:

- it asks where, when, how many, which theme, or nothing else but the editions it names;
- every word it writes is a word of such questions (``_WORDS``, the three languages' grammar of editions,
  not of one document), a function word, or a value the rows hold: a year, an edition's number, a host
  city ("2014", "7e", "第7回", "Takamatsu", "高松" read in Latin letters by :mod:`transliteration`);
- every year, number and city it names is in a row, and no row it selects has two cities, two years or
  two numbers in the sources.

A country the question names ("Which *French* cities…", 日本で) keeps the hosts the gazetteers place in
it (``place_names.country``), if they place every host. Anything else goes to the answer engine: a
question with one more word ("Which cities *in Provence*…") or a value no row holds ("in 2028") is not
the fact base's to answer. The answer is rendered by templates in
the question's language, each edition followed by its row's citations: every name and number it states
was checked against the spans cited.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.drafting import editions, overview
from assistant.text import place_names, questions, transliteration
from assistant.text.lexical import STOPWORDS, fold
from assistant.text.numbers import editions_named, years_named
from assistant.types import Citation

Row = Mapping[str, Any]

# The series' name, removed before the words are read: "Rencontres franco-japonaises", "日仏自治体交流会議".
SERIES = re.compile(
    r"franco[- ]japon\w*|franco[- ]japanese|japan[- ]france|de la coop[ée]ration d[ée]centralis[ée]e|"
    r"(?:of )?decentrali[sz]ed cooperation|日仏[\u3400-\u9fff\u30a0-\u30ff]*",
    re.IGNORECASE,
)
_SINCE = frozenset({"depuis", "since", "以来", "以降"})
_BEFORE = frozenset({"avant", "before", "以前", "前"})
_AFTER = frozenset({"apres", "after", "後"})
_BETWEEN = frozenset({"entre", "between", "間"})
# The first edition, or when the series began: "les premières Rencontres", "when did they start", "始まり".
_FIRST = frozenset(
    {"premiere", "premieres", "premier", "first", "最初", "初", "初回", "始"}
    | {"start", "started", "began", "begin", "begun", "commence", "commencees", "debute", "debuterent"}
)
_NEXT = frozenset({"prochaine", "prochaines", "prochain", "next", "upcoming", "次回", "次"})
_LAST = frozenset({"derniere", "dernieres", "dernier", "last", "latest", "最新", "最後", "直近"})
# The words of questions about editions, folded: the series, holding one, its place, year, number, theme,
# and the relations above.
_WORDS = (
    _SINCE
    | _BEFORE
    | _AFTER
    | _BETWEEN
    | _FIRST
    | _NEXT
    | _LAST
    | frozenset(
        """
    rencontres rencontre edition editions meeting meetings conference conferences
    accueilli accueillie accueillies accueillis accueillir accueille accueillent accueillait
    tenu tenue tenues tenus tenir tient tiendront lieu deroule deroulee deroulees deroules
    organise organisee organisees organises eu eut
    hosted host hosts hosting held hold take took taken place organised organized happen happened
    ville villes city cities hote hotes annee annees year years date dates theme themes title titre
    combien many number nombre times respectivement respectively each
    from until jusqu will
    市 県 町 会議 交流会議 ランコントル 開催 開 都市 年 第 回 何年 何回 回目 テーマ 場所 開催地
    予定 各 何 日程 時期
    """.split()
    )
)
# A country the question names: "Which French cities…", "au Japon", "日本で"; the rows' hosts are placed
# by the gazetteers (``place_names.country``).
_COUNTRIES = {
    "FR": frozenset({"france", "francaise", "francaises", "francais", "french", "フランス"}),
    "JP": frozenset({"japon", "japonaise", "japonaises", "japonais", "japan", "japanese", "日本"}),
}
# "How many" counts editions here only when it asks for editions or times, not years or participants.
_COUNTS_EDITIONS = re.compile(
    r"\bcombien\s+(?:d['’]\s*|de\s+)(?:éditions?|fois|rencontres)\b|"
    r"\bhow\s+many\s+(?:editions?|times|meetings|rencontres|conferences?)\b|何回(?!目)",
    re.IGNORECASE,
)
# "Which edition…", "第何回": the answer is an edition's number.
_ASKS_NUMBER = re.compile(
    r"\b(?:quel(?:le)?s?|which|what)\s+(?:\w+\s+)?(?:édition|edition)s?\b|第何回|何回目", re.IGNORECASE
)
# Questions whose answer is a reason or a manner, never a row: "pourquoi", "why", "なぜ".
_REASON = re.compile(r"\b(pourquoi|comment|why|how)\b(?! (many|much|often))|なぜ|どうして|どのように", re.IGNORECASE)
_COUNTRY_WORDS = frozenset().union(*_COUNTRIES.values())
_LATIN = re.compile(r"[a-z0-9]+")
_JAPANESE = re.compile(r"[\u3400-\u9fff\u30a0-\u30ff]+")  # kanji and katakana; hiragana writes endings
_NUMBERED = re.compile(r"(\d+)(?:e|es|eme|emes|er|re|res|ere|eres|th|st|nd|rd)?")

_SAID = {
    "fr": {
        "numbered": "La {n}{suffix} édition des Rencontres s'est tenue à {city} {when}{theme} {marks}.",
        "unnumbered": "Les Rencontres se sont tenues à {city} {when}{theme} {marks}.",
        "sep": " ",
        "year": "en {year}",
        "dates": "en {year} ({dates})",
        "theme": ", sur le thème « {theme} »",
        "list": "Les sources relatent {n} éditions{span} : {items}.",
        "span": " de {first} à {last}",
        "in_country": {"FR": " en France", "JP": " au Japon"},
        "item": "{city} ({year}) {marks}",
        "comma": ", ",
        "and": " et ",
    },
    "en": {
        "numbered": "The {n}{suffix} edition of the Rencontres was held in {city} {when}{theme} {marks}.",
        "unnumbered": "The Rencontres were held in {city} {when}{theme} {marks}.",
        "sep": " ",
        "year": "in {year}",
        "dates": "on {dates}",
        "theme": ", on the theme “{theme}”",
        "list": "The sources tell of {n} editions{span}: {items}.",
        "span": " from {first} to {last}",
        "in_country": {"FR": " in France", "JP": " in Japan"},
        "item": "{city} ({year}) {marks}",
        "comma": ", ",
        "and": " and ",
    },
    "ja": {
        "numbered": "第{n}回日仏自治体交流会議は{when}に{city}で開催されました{theme}{marks}。",
        "unnumbered": "{when}の日仏自治体交流会議は{city}で開催されました{theme}{marks}。",
        "sep": "",
        "year": "{year}年",
        "dates": "{dates}",
        "theme": "（テーマ：「{theme}」）",
        "list": "資料によると、{span}{n}回開催されています：{items}。",
        "span": "{first}年から{last}年までに",
        "in_country": {"FR": "フランスで", "JP": "日本で"},
        "item": "{city}（{year}年）{marks}",
        "comma": "、",
        "and": "、",
    },
}


@dataclass(frozen=True)
class Asked:
    """What a question about editions names and asks."""

    years: tuple[int, ...]
    numbers: tuple[int, ...]  # editions' numbers
    cities: tuple[str, ...]  # host cities, as the rows write them
    relation: str | None  # "since", "before", "after", "between", "first", "last", "next"
    theme: bool  # asks for the theme
    count: bool  # asks how many
    country: str | None = None  # hosts in this country only ("FR", "JP")


def answer(question: str, language: str, facts: Mapping[str, Any]) -> tuple[str, list[Citation]] | None:
    """The answer to ``question`` rendered from the fact base's rows, with the citations its marks
    number (1, 2, … in reading order); None if the question is not the fact base's to answer."""
    rows = facts["rows"]
    asked = read(question, rows)
    if asked is None:
        return None
    chosen = select(asked, rows)
    if not chosen or any(c["field"] in ("city", "year", "edition") for r in chosen for c in r["conflicts"]):
        return None
    if asked.theme and not all(r["theme"] for r in chosen):
        return None
    if _ASKS_NUMBER.search(question) and not all(r["edition"] for r in chosen):
        return None  # asked which edition, of one the sources give no number
    language = language if language in _SAID else "en"
    said = _SAID[language]
    chosen = overview.in_language(chosen, language)
    named = len(asked.years) + len(asked.numbers) + len(asked.cities)
    several = asked.count or asked.relation not in (None, "first", "last", "next") or len(chosen) > max(named, 1)
    if several and len(chosen) > 1:
        text = _listed(chosen, rows, said, asked.country)
    else:
        text = said["sep"].join(_sentence(r, language, said, theme=asked.theme) for r in chosen)
    cited = {n: editions.citation(c) for n, c in enumerate(facts["citations"], start=1)}
    citations: list[Citation] = []
    return overview.renumbered(text, cited, citations), citations


# "the latest edition", "les premières Rencontres", "前回の会議": an edition named by its rank alone.
_BY_RANK = re.compile(
    r"\b(premieres?|premiers?|dernieres?|derniers?|first|last|latest|most recent)\s+"
    r"(editions?|rencontres?|meetings?)\b"
    r"|(最新|直近|前回|最後|初回|最初|第1回)[^。？?]{0,12}?(回|会議|大会)?"
)

_FIRST_RANK = frozenset({"premiere", "premieres", "premier", "premiers", "first", "初回", "最初", "第1回"})


def anchored(question: str, facts: Mapping[str, Any] | None) -> str:
    """``question`` with the edition it names by rank alone ("la dernière édition") named by its city and
    year, as the fact base gives them: "… lors de la dernière édition ? (Shizuoka, 2024)". Retrieval then
    looks for that edition, and the checks want its year in the evidence. Unchanged if the question names
    a year, a number or a city, or if no row is known."""
    rows = sorted(facts["rows"], key=lambda r: r["year"]) if facts else []
    if not rows or years_named(question) or editions_named(question):
        return question
    m = _BY_RANK.search(fold(unicodedata.normalize("NFKC", question)))
    if m is None or any(_latin_names(question, r["city"]) for r in rows):
        return question
    first = (m.group(1) or m.group(3)) in _FIRST_RANK
    held = [r for r in rows if r["year"] <= date.today().year] or rows
    row = held[0] if first else held[-1]
    return f"{question} ({row['city']}, {row['year']})"


def read(question: str, rows: Sequence[Row]) -> Asked | None:
    """What ``question`` names and asks, if every word of it is a word of questions about editions or a
    value the rows hold; None if it asks anything else."""
    if questions.asks_for_person(question) or _REASON.search(question):
        return None
    if questions.asks_for_count(question) and not _COUNTS_EDITIONS.search(question):
        return None  # a count of something else than editions
    text = SERIES.sub(" ", unicodedata.normalize("NFKC", question))
    spelled = _spelled_in_japanese(text, rows)
    cities = tuple(c for c in dict.fromkeys(r["city"] for r in rows) if _latin_names(text, c) or c in spelled.values())
    years = tuple(years_named(text))
    numbers = tuple(editions_named(text))
    words = [w for w in (*_LATIN.findall(fold(text)), *_JAPANESE.findall(text)) if w not in STOPWORDS]
    city_words = {w for c in cities for w in _LATIN.findall(fold(c))}
    known = {str(v) for v in (*years, *numbers)}
    said: set[str] = set()  # the words, a Japanese run cut into its words ("年以降" is 年 and 以降)
    for w in words:
        numbered = _NUMBERED.fullmatch(w)
        if numbered:
            if numbered.group(1) not in known:
                return None
            continue
        parts = [w] if w in city_words else parts_of(w, _WORDS | set(spelled) | _COUNTRY_WORDS)
        if parts is None:
            return None
        said.update(parts)
    countries = [code for code, names in _COUNTRIES.items() if names & said]
    if len(countries) > 1:
        return None  # "French and Japanese cities": every host, asked otherwise
    relation = next(
        (
            name
            for name, marks in (
                ("between", _BETWEEN),
                ("since", _SINCE),
                ("before", _BEFORE),
                ("after", _AFTER),
                ("first", _FIRST),
                ("last", _LAST),
                ("next", _NEXT),
            )
            if marks & said
        ),
        None,
    )
    return Asked(
        years,
        numbers,
        cities,
        relation,
        questions.asks_for_title(question),
        questions.asks_for_count(question),
        countries[0] if countries else None,
    )


def select(asked: Asked, rows: Sequence[Row]) -> list[Row]:
    """The rows ``asked`` is about, by year; [] if a value it names is in no row, or if it asks for one
    country's hosts and a host's country is unknown."""
    rows = sorted(rows, key=lambda r: r["year"])
    if asked.country:
        placed = {id(r): place_names.country(r["city"]) for r in rows}
        if None in placed.values():
            return []
        rows = [r for r in rows if placed[id(r)] == asked.country]
    if any(not any(r["year"] == y for r in rows) for y in asked.years):
        return []
    number = numbers_of(rows)
    if any(n not in number.values() for n in asked.numbers):
        return []
    pivot = [r["year"] for r in rows if r["city"] in asked.cities] or list(asked.years)
    relation = asked.relation
    if relation == "between" and len(asked.years) == 2:
        return [r for r in rows if asked.years[0] <= r["year"] <= asked.years[1]]
    if relation in ("since", "after", "before") and len(pivot) == 1 and not asked.numbers:
        year = pivot[0]
        keep = {
            "since": lambda y: y >= year,
            "after": lambda y: y > year,
            "before": lambda y: y < year,
        }[relation]
        return [r for r in rows if keep(r["year"])]
    if relation == "next" and not (asked.years or asked.numbers or asked.cities):
        return [r for r in rows if r["year"] >= date.today().year][:1]  # announced, not yet held
    if relation not in (None, "first", "last"):
        return []  # a relation the values named do not anchor
    chosen = [
        r
        for r in rows
        if (not asked.years or r["year"] in asked.years)
        and (not asked.numbers or number.get(id(r)) in asked.numbers)
        and (not asked.cities or r["city"] in asked.cities)
    ]
    return chosen[:1] if relation == "first" else chosen[-1:] if relation == "last" else chosen


def history_and_latest(
    rows: Sequence[Row], cited: Sequence[Mapping[str, Any]], t: Mapping[str, Any], language: str, *, theme: bool = True
) -> tuple[str, dict[int, Citation]]:
    """The editions in a sentence (``overview.history_cited``), then the latest one with its dates and
    (if ``theme``) theme where the sources give them, each cited, by ``t["latest"]`` if given (without
    the city and year the list has just said): what a speech says of the Rencontres."""
    text, citations = overview.history_cited(rows, cited, t)
    latest = max(rows, key=lambda r: r["year"])
    theme = theme and bool(latest.get("theme"))
    if not (latest.get("edition") or latest.get("dates") or theme):
        return text, citations  # it would say its city and year again
    said = _SAID[language if language in _SAID else "en"]
    if "latest" in t:  # the list just named its city and year: "La dernière, la 8e, s'est tenue du …"
        said = {**said, "numbered": t["latest"]["numbered"], "unnumbered": t["latest"]["unnumbered"]}
    sentence = _sentence(latest, language, said, theme=theme)
    by_number = {c["n"]: c for c in cited}
    for n in (int(m) for m in re.findall(r"\[(\d+)\]", sentence)):
        if n in by_number:
            citations[n] = editions.citation(by_number[n])
    return f"{text}{said['sep']}{sentence}", citations


def numbers_of(rows: Sequence[Row]) -> dict[int, int]:
    """Each row's edition number (by ``id``): the one the sources state, else its rank by year where the
    rank is proven: up to the highest number the sources state, provided every stated number is its row's
    rank (the 7th edition is the 7th row, so none is missing before it). A rank is never said as a
    number: the answer names the edition by its city and year."""
    ranked = sorted(rows, key=lambda r: r["year"])
    stated = {id(r): r["edition"] for r in ranked if r.get("edition")}
    proven = all(r.get("edition") in (None, k) for k, r in enumerate(ranked, start=1))
    highest = max(stated.values(), default=0) if proven else 0
    return {**{id(r): k for k, r in enumerate(ranked, start=1) if k <= highest}, **stated}


def _sentence(row: Row, language: str, said: Mapping[str, str], *, theme: bool) -> str:
    """One edition in a sentence: its number if known, city and year, dates (in French, as the sources
    write them), the theme if asked; cited to the spans that state what it says."""
    n = row.get("edition")
    shown = ["place", *(["edition"] if n else [])]
    when = said["year"].format(year=row["year"])
    if row.get("dates"):  # in the answer's language (``overview.in_language``)
        when = said["dates"].format(year=row["year"], dates=row["dates"])
        shown.append("dates")
    if theme:
        shown.append("theme")
    return said["numbered" if n else "unnumbered"].format(
        n=n,
        suffix=ordinal_suffix(n, language) if n else "",
        city=row["city"],
        year=row["year"],
        when=when,
        theme=said["theme"].format(theme=row["theme"]) if theme else "",
        marks=_marks(row, shown),
    )


def _marks(row: Row, shown: Sequence[str]) -> str:
    """The marks of the spans that state the ``shown`` fields of ``row`` (all its spans if none does)."""
    stated = sorted({n for name in shown for n in row.get("stated_by", {}).get(name, [])}) or row["citations"]
    return overview.marks(stated)


def _listed(chosen: Sequence[Row], rows: Sequence[Row], said: Mapping[str, Any], country: str | None) -> str:
    items = [
        said["item"].format(city=r["city"], year=r["year"], marks=overview.marks(overview.place(r))) for r in chosen
    ]
    joined = overview.joined(items, said)
    whole = len(chosen) == len(rows)
    span = "" if whole else said["span"].format(first=chosen[0]["year"], last=chosen[-1]["year"])
    if country:  # the hosts of one country: "4 editions in France"
        span = said["in_country"][country]
    return said["list"].format(n=len(chosen), span=span, items=joined)


def ordinal_suffix(n: int, language: str) -> str:
    """The ordinal's ending: "1re", "7e"; "1st", "7th"."""
    if language == "fr":
        return "re" if n == 1 else "e"
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _latin_names(text: str, city: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(fold(city))}(?!\w)", fold(text)) is not None


def _spelled_in_japanese(text: str, rows: Sequence[Row]) -> dict[str, str]:
    """The proper nouns of a Japanese ``text`` that spell a host city of ``rows`` ("高松", "ナンシー"),
    read in Latin letters: {noun: city}."""
    if not _JAPANESE.search(text):
        return {}
    nouns = transliteration.proper_nouns(text)
    return {n: r["city"] for n in nouns for r in rows if transliteration.named(n, r["city"])}


def parts_of(word: str, parts: set[str]) -> list[str] | None:
    """``word`` cut into ``parts`` end to end, the longest first, or None if it is not made of them:
    Japanese writes its words without spaces ("回会議" is 回 and 会議, "静岡市" is 静岡 and 市)."""
    cuts: dict[int, list[str]] = {0: []}
    for i in range(1, len(word) + 1):
        starts = [j for j in sorted(cuts) if j < i and word[j:i] in parts]
        if starts:
            cuts[i] = [*cuts[starts[0]], word[starts[0] : i]]
    return cuts.get(len(word))
