"""What the timeline's checked rows say, in prose: the editions so far, how often they come, the next one.

The timeline (``timeline``) keeps a year and a host city only where a passage writes them, each cited.
A newcomer reads sentences, not a table: these are rendered from those rows by templates written per
language (``brief.json``, "facts"), each fact followed by its row's footnote marks. No model writes
them, so they say nothing the rows do not hold; where the sources announce no later edition, the text
says so.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from assistant.drafting import editions
from assistant.drafting.organisations import ROLES
from assistant.text import dates, place_names, sides
from assistant.types import Citation

Row = Mapping[str, Any]  # a row of the brief's timeline: year, city, edition, citations, …


def render(rows: Sequence[Row], said: Mapping[str, Any], year_now: int) -> dict[str, dict[str, Any]]:
    """{"rhythm", "next", "participants", "themes"} → {"text", "citations"}, for the parts the rows can
    tell; none without rows (the editions themselves are the brief's summary and timeline). ``said`` is
    the brief's words in one language; ``year_now`` today's year."""
    rows = sorted(rows, key=lambda r: (r["year"], r["city"]))
    if not rows:
        return {}
    t = said["facts"]
    out = {}
    rhythm = _rhythm(rows, t)
    if rhythm:
        out["rhythm"] = rhythm
    out["next"] = _next(rows, t, year_now)
    out["participants"] = _details(rows, t, "participants", "participants")
    out["themes"] = _details(rows, t, "themes", "theme")
    return out


def in_roles(
    named: Sequence[Mapping[str, Any]], t: Mapping[str, Any], marks_of: Callable[[Any], Sequence[int]]
) -> list[str]:
    """One sentence per role the organisations ``named`` have (organiser, supporter, partner: the role
    its sentence gives each), each name with its marks, in ``t["roles"]`` (a form for one, one for more)."""
    said = []
    for role in ROLES:
        items = [f"{o['name']} {marks(marks_of(o))}" for o in named if o.get("role", "partner") == role]
        if items:
            said.append(t["roles"][role]["one" if len(items) == 1 else "many"].format(items=joined(items, t)))
    return said


def in_language(rows: Sequence[Row], language: str) -> list[Row]:
    """The rows as a text in ``language`` says their cities, dates and participants: in Japanese, a
    Japanese city in its own script (:mod:`place_names`, from a gazetteer, not spelled by the model); in
    English or Japanese, dates the sources write in French read as a day and month (:mod:`dates`), and
    participants counted by side in the text's words (:mod:`sides`), or else the sources' French words
    between quotation marks."""
    return [
        {
            **r,
            "city": place_names.localized(r["city"], language),
            "dates": r.get("dates") and dates.in_language(r["dates"], language, r["year"]),
            "participants": r.get("participants") and _participants(r["participants"], language),
        }
        for r in rows
    ]


_QUOTED = {"en": "“{}”", "ja": "「{}」"}


def _participants(value: str, language: str) -> str:
    if language not in _QUOTED or sides.read(value) is not None:
        return sides.in_language(value, language)
    return _QUOTED[language].format(value)


def marks(citations: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in citations)


def joined(items: Sequence[str], t: Mapping[str, Any]) -> str:
    """ "a, b et c" in the brief's language (``t["and"]``, ``t["comma"]``)."""
    if len(items) == 1:
        return items[0]
    return t["comma"].join(items[:-1]) + t["and"] + items[-1]


def place(row: Row) -> list[int]:
    """The footnotes of the spans that state the row's year with its city (all its spans if none is known)."""
    return row.get("stated_by", {}).get("place") or row["citations"]


def stating(row: Row, field: str) -> list[int]:
    """The footnotes of a sentence that says the row's ``field`` with its city and year: the spans that
    state the field ("Cette septième édition a rassemblé…") and those that place the edition."""
    return sorted({*(row.get("stated_by", {}).get(field) or row["citations"]), *place(row)})


def placed(rows: Sequence[Row]) -> list[int]:
    """The footnotes of the spans that state the rows' years with their cities: what a sentence about
    all the editions (how many, how often) is cited to."""
    return sorted({n for r in rows for n in place(r)})


def sentences(said: Sequence[str], language: str) -> str:
    """Sentences as one text: after a space, or none in Japanese."""
    return ("" if language == "ja" else " ").join(said)


def usual_gap(rows: Sequence[Row]) -> int | None:
    """The gap in years between consecutive editions that most of the gaps are, if one is; else None
    ("most often every two years" is said of 2, 2, 2, 4, not of 2, 4)."""
    years = sorted({r["year"] for r in rows})
    gaps = Counter(b - a for a, b in itertools.pairwise(years))
    if not gaps:
        return None
    gap, times = gaps.most_common(1)[0]
    return gap if times > 1 and times > sum(gaps.values()) / 2 else None


def _cited(text: str, rows: Sequence[Row]) -> dict[str, Any]:
    return {"text": text, "citations": sorted({n for r in rows for n in r["citations"]})}


def history(rows: Sequence[Row], t: Mapping[str, Any]) -> dict[str, Any]:
    """The editions since the first, each with its year and footnotes, by ``t``'s "history" and "item"
    templates (a brief's or a speech's)."""
    rows = sorted(rows, key=lambda r: (r["year"], r["city"]))
    items = [t["item"].format(city=r["city"], year=r["year"], marks=marks(place(r))) for r in rows]
    years = sorted({r["year"] for r in rows})
    text = t["history"].format(n=len(years), first=years[0], items=joined(items, t))
    return {"text": text, "citations": placed(rows)}


def _details(rows: Sequence[Row], t: Mapping[str, Any], part: str, field: str) -> dict[str, Any]:
    """The editions whose ``field`` (participants, theme) the sources give, each with its value in the
    passage's words (and its labelled translation, if the row has one) and the footnotes of the spans
    that state it; how many do not say it."""
    given = [r for r in rows if r.get(field)]
    if not given:
        return {"text": t["none"], "citations": []}
    cited = {id(r): stating(r, field) for r in given}

    def note(r: Row) -> str:  # a French value's machine translation, labelled (a theme in an English brief)
        translated = r.get(f"{field}_translated")
        return t[f"{part}_note"].format(translated) if translated and f"{part}_note" in t else ""

    items = [
        t[f"{part}_item"].format(
            city=r["city"], year=r["year"], marks=marks(cited[id(r)]), note=note(r), **{field: r[field]}
        )
        for r in given
    ]
    text = t[part].format(n=len(given), total=len(rows), items=t["sep"].join(items))
    return {"text": text, "citations": sorted({n for r in given for n in cited[id(r)]})}


def _rhythm(rows: Sequence[Row], t: Mapping[str, Any]) -> dict[str, Any] | None:
    """The gaps between consecutive years, said as one gap or as their range (and the usual one, if most
    gaps are one), then each edition held later than first planned."""
    years = sorted({r["year"] for r in rows})
    gaps = [b - a for a, b in itertools.pairwise(years)]
    if not gaps:
        return None
    listed = t["comma"].join(str(y) for y in years)
    if len(set(gaps)) == 1:
        text = t["rhythm_same"].format(gap=gaps[0], years=listed)
    else:
        text = t["rhythm_range"].format(low=min(gaps), high=max(gaps), years=listed)
        common = usual_gap(rows)
        if common:
            text += " " + t["rhythm_common"].format(common=common)
    return _cited(" ".join([text, *later_than_planned(rows, t)]), rows)


# A row's conflict that is no difference between sources: the year the edition was first planned for.
PLANNED = "planned"


def differing(row: Row) -> list[Mapping[str, Any]]:
    """The conflicts of ``row`` on which its sources differ (not the year it was first planned for)."""
    return [c for c in row.get("conflicts", []) if c["field"] != PLANNED]


def later_than_planned(rows: Sequence[Row], t: Mapping[str, Any]) -> list[str]:
    """Each edition held later than first planned (the timeline's "planned" conflicts), by ``t``'s
    "planned" template, with the footnotes of the spans that say so; each once."""
    said = [
        t["planned"].format(city=r["city"], year=r["year"], planned=v["value"], marks=marks(v["citations"]))
        for r in rows
        for c in r.get("conflicts", [])
        if c["field"] == PLANNED
        for v in c["values"]
    ]
    return list(dict.fromkeys(said))


def _next(rows: Sequence[Row], t: Mapping[str, Any], year_now: int) -> dict[str, Any]:
    """The editions whose year has not come, if the sources announce one; else the last one they tell
    of, and that they announce no later one."""
    coming = [r for r in rows if r["year"] >= year_now]
    if coming:
        r = coming[0]
        return _cited(t["next_announced"].format(city=r["city"], year=r["year"], marks=marks(r["citations"])), [r])
    last = rows[-1]
    said = place(last)  # "was held": the spans that report it, not those that announced it
    text = t["next_unknown"].format(city=last["city"], year=last["year"], marks=marks(said))
    return {"text": text, "citations": said}


def history_cited(
    rows: Sequence[Row], cited: Sequence[Mapping[str, Any]], t: Mapping[str, Any]
) -> tuple[str, dict[int, Citation]]:
    """:func:`history` with the citations its marks number, rebuilt from a kept brief's citations (as
    JSON): what a speech says of the editions."""
    said = history(rows, t)
    by_number = {c["n"]: c for c in cited}
    return said["text"], {n: editions.citation(by_number[n]) for n in said["citations"] if n in by_number}


def noted(text: str, number: Callable[[int], int]) -> dict[str, Any]:
    """{"text", "citations"}: ``text`` with each mark [k] (a fact base's) numbered by ``number`` (a
    brief's footnotes), and the numbers it marks."""
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{number(int(m.group(1)))}]", text)
    return {"text": text, "citations": sorted({int(n) for n in re.findall(r"\[(\d+)\]", text)})}


def renumbered(text: str, cited: Mapping[int, Citation], citations: list[Citation]) -> str:
    """``text`` with its marks [k] (numbers of ``cited``) numbered on from ``citations``, which gets each
    citation the first time it is marked: a brief's numbers become a speech's."""
    numbers: dict[int, int] = {}
    for k in (int(m) for m in re.findall(r"\[(\d+)\]", text)):
        if k in cited and k not in numbers:
            numbers[k] = len(citations) + 1
            citations.append(replace(cited[k], n=numbers[k]))
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers[int(m.group(1))]}]" if int(m.group(1)) in numbers else "", text)
