"""What a speech says from the fact base (:mod:`editions`), in the speaker's own sentences.

Templates written per language (``speech_data/outlines.json``, "facts") render the checked rows and
commitments; no model writes them, so they state nothing the fact base does not hold, each fact
followed by the footnotes of the spans that state it:

- the Rencontres: the editions in a sentence, the latest with its number and dates, the gap between
  editions when most of them have the same, each edition held later than first planned, and the
  organisations the sources name in a role (:mod:`organisations`); what the sources count of an
  edition's participants, in English or Japanese when :mod:`sides` reads the counts by side, else in a
  French speech only, in the sources' words; in a French speech also the latest theme. A French title
  is not read to an English or Japanese audience, and a machine translation is not said as the
  speaker's own sentence: the small model made « 14 collectivités japonaises » fourteen Japanese
  prefectures (都道府県), every number kept;
- the commitments: which edition's declaration lists them, then one item, quoted (the nearest to the
  speech's purpose; in English or Japanese the nearest of two whose translation is faithful): a
  commitment's wording is what was committed to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.drafting import edition_answers, editions, overview, speech_quotes
from assistant.text import sides
from assistant.types import Citation

SOURCES_LANGUAGE = "fr"
_MARK = re.compile(r"\[(\d+)\]")
_ELIDED = re.compile(r"(\s)de ([AEIOUYÀÂÉÈÊÎÔÛaeiouyàâéèêîôû])")
Rendered = tuple[str, dict[int, Citation]]  # a text with marks [k], and the citations k number


def context(facts: Mapping[str, Any], t: Mapping[str, str], language: str) -> Rendered:
    """The Rencontres as the fact base's rows tell them (see the module's docstring)."""
    originals = sorted(facts["rows"], key=lambda r: r["year"])
    rows = overview.in_language(originals, language)
    cited = facts.get("citations") or []
    worded = language == SOURCES_LANGUAGE  # a value in the sources' words is said in their language only
    text, citations = edition_answers.history_and_latest(rows, cited, t, language, theme=worded)
    sentences = [text]
    gap = overview.usual_gap(rows)
    if gap:  # worked out from the years: cited to the spans that state them
        sentences.append(t["rhythm"].format(gap=gap, marks=overview.marks(overview.placed(rows))))
    sentences += overview.later_than_planned(rows, t)
    for row, original in zip(rows, originals, strict=True):  # counts by side are said in any language
        if row.get("participants") and (worded or sides.read(original["participants"]) is not None):
            marks = overview.marks(overview.stating(row, "participants"))
            values = {"city": row["city"], "year": row["year"], "participants": row["participants"]}
            sentences.append(t["participants"].format(**values, marks=marks))
    # Organisers and supporters; not partners, whose sentence seldom says whose ("notre partenaire" is
    # the publisher's): said by a speaker, it would make them the Rencontres' own.
    named = [o for o in facts.get("organisations") or [] if o.get("role", "partner") != "partner"]
    sentences += overview.in_roles(named, t, lambda o: o["citations"])
    by_number = {c["n"]: c for c in cited}
    text = overview.sentences(list(dict.fromkeys(sentences)), language)
    if language == "fr":  # "de Aix-en-Provence" is said "d'Aix-en-Provence"
        text = _ELIDED.sub(r"\1d'\2", text)
    for n in (int(k) for k in _MARK.findall(text)):
        if n in by_number and n not in citations:
            citations[n] = editions.citation(by_number[n])
    return text, citations


@dataclass(frozen=True)
class Pledge:
    """What a speech says of a declaration's commitments: ``lead`` (which edition's declaration, with
    marks [k] that number ``citations``), then the first of ``items`` (the next if its translation is
    withheld), quoted."""

    lead: str
    citations: dict[int, Citation]
    items: list[Citation]


def pledged(
    facts: Mapping[str, Any], t: Mapping[str, str], language: str, near: Callable[[str], float] | None = None
) -> Pledge | None:
    """The fact base's first declaration that lists a commitment its citations hold: of which edition
    (as its title states the number), in a sentence footnoted to its introduction, and its items without
    their list markers, the nearest to the speech's purpose first (``near``, a similarity), else the
    shortest; None if the fact base holds none."""
    by_number = {c["n"]: c for c in facts.get("citations") or []}
    for declaration in facts.get("commitments") or []:
        cited = [
            editions.citation(by_number[n]) for i in declaration["items"] for n in i["citations"][:1] if n in by_number
        ]
        if not cited:
            continue
        items = sorted(map(speech_quotes.unmarked, cited), key=lambda c: len(c.quote.split()))  # "2. Chaque…"
        if near is not None:  # a city joining hears the commitment to welcome new members, not the shortest
            items.sort(key=lambda c: -near(c.quote))
        intro = [n for n in declaration["introduction"] if n in by_number]
        edition = declaration.get("edition")
        suffix = edition_answers.ordinal_suffix(edition, language) if edition else ""
        template = t["pledged"] if edition else t["pledged_undated"]
        lead = template.format(edition=edition, suffix=suffix, marks=overview.marks(intro))
        return Pledge(lead, {n: editions.citation(by_number[n]) for n in intro}, items)
    return None
