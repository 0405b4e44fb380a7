"""The timeline of the editions the sources mention, each fact checked against its quote.

1. **Where to look.** The sentences that write a year and are about the editions: their cosine to the
   brief's timeline question is at least ``floor``. Each is read with the sentence before it (which
   often names what a "La conférence…" refers to) and the one after (the theme, the participants).
   Then, once editions are known by number, the sentences that name one by its number and write no
   year (``detail_windows``): "Cette septième édition, qui a rassemblé 14 collectivités japonaises…".
2. **Extraction.** The chat model lists the editions a passage mentions as JSON, under a grammar
   (``timeline_system`` prompt).
3. **Verification**, with no trust in the model: the year must be written in the passage, the city
   too (as whole words), and in the same clause (no comma or bracket between them, no other
   year closer to the city); an edition number must be written as an ordinal ("7es", "8th", "第8回"; in a
   passage read for naming an edition by number, "septième" too: :func:`ordinals`);
   dates must be copied from the passage and write a number or a month, a theme copied from between
   quotation marks; participants must be copied, or count as the sentence naming the edition does and be
   shown in its words (the clause that writes the counts); a year first planned must be written in the
   passage.
   What fails is dropped; an edition left without a year and a city is no row, but a passage read for
   naming an edition by number gives the details that follow the number to the one row of that number.
4. **Merge.** Mentions of one (year, city) make one row, cited by each passage. Where sources differ, the
   row keeps every value with its citations and says so (``conflicts``): two cities for a year, two years
   for an edition, two different counts of participants; the year an edition was first planned for, if it
   falls after the edition before was held and before this one was; and a passage that lists the hosts of
   a span of years without naming a host the other sources place in that span.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.drafting import stated
from assistant.errors import ModelError
from assistant.models.generation import ChatModel, OutputFormat, complete
from assistant.prompts import load_prompt
from assistant.text.numbers import numbers
from assistant.types import Chunk

logger = logging.getLogger(__name__)

MAX_MEETINGS = 8  # per passage
VERSION = 5  # of the prompt and the grammar: replies kept from another version are asked again

_FIELDS = ", ".join(
    f'\\"{name}\\": " {kind} "'
    for name, kind in (
        ("year", "year"),
        ("city", "str"),
        ("edition", "num"),
        ("dates", "str"),
        ("theme", "str"),
        ("participants", "str"),
        ("planned", "year"),
    )
)
GRAMMAR = "\n".join(
    [
        f'root ::= "{{\\"meetings\\": [" (item ("," " "? item){{0,{MAX_MEETINGS - 1}}})? "]}}"',
        f'item ::= "{{{_FIELDS}}}"',
        'year ::= "null" | [12] [0-9] [0-9] [0-9]',
        'num ::= "null" | [1-9] [0-9]?',
        'str ::= "null" | "\\"" [^"\\\\\\n]{1,160} "\\""',
    ]
)

_NULLABLE_STRING = {"type": ["string", "null"]}
SCHEMA = {
    "type": "object",
    "properties": {
        "meetings": {
            "type": "array",
            "maxItems": MAX_MEETINGS,
            "items": {
                "type": "object",
                "properties": {
                    "year": {"type": ["integer", "null"]},
                    "city": _NULLABLE_STRING,
                    "edition": {"type": ["integer", "null"]},
                    "dates": _NULLABLE_STRING,
                    "theme": _NULLABLE_STRING,
                    "participants": _NULLABLE_STRING,
                    "planned": {"type": ["integer", "null"]},
                },
                "required": ["year", "city", "edition", "dates", "theme", "participants", "planned"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["meetings"],
    "additionalProperties": False,
}
OUTPUT = OutputFormat(name="timeline", grammar=GRAMMAR, schema=SCHEMA)


@dataclass(frozen=True)
class Window:
    """A sentence that writes a year, read with its neighbours in its document: the sentence before
    often names what "La conférence…" is, the one after often gives the theme or the participants."""

    sentence: Chunk
    before: Chunk | None = None
    after: Chunk | None = None

    @property
    def text(self) -> str:
        return _flat(*self.parts())

    def parts(self) -> list[Chunk]:
        return [c for c in (self.before, self.sentence, self.after) if c is not None]

    def quotes(self, *, across_headings: bool = False) -> list[Chunk]:
        """The spans a fact may be quoted from, shortest first: the sentence alone, then with a neighbour,
        then all three; none that joins a heading to a sentence unless ``across_headings`` (quoted on one
        line, "Rendez-vous à Shizuoka en 2024 Aix-en-Provence, qui…" reads as one sentence), but a
        neighbouring heading alone, which states what it names."""
        b, s, a = self.before, self.sentence, self.after
        alone = [] if across_headings else [[c] for c in (b, a) if _heading(c)]
        spans: list[list[Chunk | None]] = [[s], *alone, [b, s], [s, a], [b, s, a]]
        return [
            _joined([c for c in span if c is not None])
            for span in spans
            if None not in span and (across_headings or len(span) == 1 or not any(_heading(c) for c in span))
        ]


def _heading(unit: Chunk | None) -> bool:
    return unit is not None and bool(unit.metadata.get("heading"))


def _joined(parts: list[Chunk]) -> Chunk:
    """Consecutive units of one document as one unit; its text is theirs joined by single spaces (the
    citation reads the document's own text at the offsets)."""
    first, last = parts[0], parts[-1]
    if len(parts) == 1:
        return first
    chunk_id = "+".join(p.chunk_id for p in parts)
    text = _flat(*parts)
    return Chunk(chunk_id, first.doc_id, first.start, last.end, text, last.heading_path, last.metadata)


def _flat(*parts: Chunk) -> str:
    return " ".join(w for p in parts for w in p.text.split())


@dataclass(frozen=True)
class Mention:
    """One edition as one passage states it, every field checked against the passage."""

    window: Window
    quote: Chunk  # the shortest span of the window that states every kept field
    year: int | None
    city: str | None
    edition: int | None = None
    dates: str | None = None
    theme: str | None = None
    participants: str | None = None
    planned: int | None = None  # the year the passage says the edition was first planned for


@dataclass
class Row:
    """One edition of the timeline: a year and a host city, and every passage that states them."""

    year: int
    city: str
    mentions: list[Mention] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def values(self, name: str) -> list[Any]:
        """The distinct values of a field across the row's mentions, in order of first appearance."""
        seen: dict[Any, Any] = {}
        for m in self.mentions:
            value = getattr(m, name)
            if value is not None:
                seen.setdefault(_same(name, value), value)
        return list(seen.values())

    def stating(self, name: str, value: Any) -> list[Mention]:
        """The mentions that give ``name`` the same value as ``value`` (see :func:`_same`)."""
        key = _same(name, value)
        return [m for m in self.mentions if getattr(m, name) is not None and _same(name, getattr(m, name)) == key]


def _same(name: str, value: Any) -> Any:
    """What two values of a field must share to agree: their words, but for participants their counts
    ("14 collectivités japonaises et 22…" and "des 14 collectivités territoriales japonaises et des 22…")."""
    return numbers(value) if name == "participants" and isinstance(value, str) else stated.key(str(value))


def windows(
    sentences: Sequence[Chunk],
    similarity: Callable[[Sequence[str]], Sequence[float]],
    *,
    floor: float,
    limit: int,
    series: str = "",
) -> list[Window]:
    """The sentences worth reading for the timeline: they write a year, and their ``similarity`` to the
    timeline question is at least ``floor`` or they name the ``series`` (a word, any case); the ``limit``
    closest, in document order.

    The name is read as well as the meaning, as retrieval reads words beside vectors: on dated sentences
    written apart from the shipped corpus, the floor alone kept 6 of 12 that state an edition
    ("Takamatsu a été la ville hôte des cinquièmes Rencontres, en 2014" scored 0.39; eval/README.md)."""
    ordered = sorted(sentences, key=lambda s: (s.doc_id, s.start))
    dated = [i for i, s in enumerate(ordered) if stated.YEAR.search(s.text)]
    if not dated:
        return []
    scores = similarity([" ".join(ordered[i].text.split()) for i in dated])
    score = dict(zip(dated, scores, strict=True))
    named = re.compile(rf"(?<!\w){re.escape(series)}(?!\w)", re.IGNORECASE) if series else None
    kept = sorted(
        (i for i in dated if score[i] >= floor or (named and named.search(ordered[i].text))), key=lambda i: -score[i]
    )
    return [_window(ordered, i) for i in sorted(kept[:limit])]


def _window(ordered: Sequence[Chunk], i: int) -> Window:
    """Sentence ``i`` of ``ordered`` (sorted by document and place) with its neighbours in its document."""
    s = ordered[i]
    before = ordered[i - 1] if i and ordered[i - 1].doc_id == s.doc_id else None
    after = ordered[i + 1] if i + 1 < len(ordered) and ordered[i + 1].doc_id == s.doc_id else None
    return Window(s, before, after)


def detail_windows(sentences: Sequence[Chunk], editions: set[int], read: Sequence[Window]) -> list[Window]:
    """The sentences not yet read that name one of ``editions`` by its number and write no year: what a
    document says of an edition after naming it ("Cette septième édition, qui a rassemblé 14 collectivités
    japonaises…"), read with their neighbours as :func:`windows` does."""
    seen = {w.sentence.chunk_id for w in read}
    ordered = sorted(sentences, key=lambda s: (s.doc_id, s.start))
    return [
        _window(ordered, i)
        for i, s in enumerate(ordered)
        if s.chunk_id not in seen and not stated.YEAR.search(s.text) and stated.ordinals(s.text) & editions
    ]


def ask(
    model: ChatModel, window: Window, *, max_tokens: int = 700, timeout_s: float | None = None
) -> list[dict[str, Any]] | None:
    """The editions the model lists for ``window``, unchecked (see :func:`verify`); None if it fails."""
    messages = [
        {"role": "system", "content": load_prompt("timeline_system")},
        {"role": "user", "content": f"Passage: {window.text}"},
    ]
    try:
        reply = complete(model, messages, max_tokens=max_tokens, output=OUTPUT, timeout_s=timeout_s)
    except ModelError as exc:
        logger.warning("timeline extraction failed on %s: %s", window.sentence.chunk_id, exc)
        return None
    return meetings_of(reply)


def meetings_of(reply: str) -> list[dict[str, Any]]:
    """The meetings of a reply; of a reply cut short (the token limit), the ones it wrote whole: the grammar
    writes each on one ``{…}`` with no brace inside, so the cut one is the last, unclosed."""
    try:
        meetings = json.loads(reply)["meetings"]
    except (ValueError, KeyError, TypeError):
        whole = re.findall(r"\{[^{}]*\}", reply.split("[", 1)[-1])
        meetings = []
        for item in whole:
            try:
                meetings.append(json.loads(item))
            except ValueError:
                continue
        logger.warning(
            "timeline extraction: a reply cut short or malformed, %d meetings kept: %r", len(meetings), reply[:200]
        )
    return [m for m in meetings if isinstance(m, dict)] if isinstance(meetings, list) else []


def read(replies: Sequence[dict[str, Any]], window: Window, *, by_number: bool = False) -> list[Mention]:
    """The editions of the model's reply for ``window``, each checked (see :func:`verify`)."""
    found = []
    for i, raw in enumerate(replies):
        others = [r for j, r in enumerate(replies) if j != i]
        mention = verify(raw, window, others=others, by_number=by_number)
        if mention is not None:
            found.append(mention)
    return found


def verify(
    raw: dict[str, Any], window: Window, *, others: Sequence[dict[str, Any]] = (), by_number: bool = False
) -> Mention | None:
    """The model's edition, keeping only what ``window`` states; None when neither year nor city holds.
    ``others`` are the other editions the model found in the window. The mention quotes the shortest span
    of the window that states all it kept.

    ``by_number``: the window was read for naming an edition by its number (:func:`detail_windows`). Only
    that number, in digits or in words, places the mention; a year or a city is not read from such a
    window (it names the edition by number because its year and city were said elsewhere)."""
    checks = {**stated.CHECKS, "edition": stated.ordinal_written} if by_number else stated.CHECKS
    spans = window.quotes()
    year = city = None
    if by_number:
        if not stated.ordinal_written(raw.get("edition"), window.sentence.text):
            return None
    else:
        values = {k: raw.get(k) for k in ("year", "city") if checks[k](raw.get(k), window.text)}
        year, city = values.get("year"), values.get("city")
        if year is not None and city is not None and not stated.paired(year, city, window.text):
            logger.info("timeline: %s and %s are not stated together in %s", city, year, window.sentence.chunk_id)
            year = None  # the city is named, not its year
        if year is None and city is None:
            return None
    # Details follow what they detail: they are read from the sentence naming the edition, and the next
    # ones until a sentence names another edition of the window (a title in quotation marks above a list
    # of editions is no theme of theirs, and "the 7th…" after "Nancy in 2008." is not Nancy's edition).
    parts = window.parts()
    key, value = ("city", city) if city else ("year", year) if year else ("edition", raw.get("edition"))
    named = next((i for i, p in enumerate(parts) if checks[key](value, p.text)), 0)
    elsewhere = [(k, o.get(k)) for o in others for k in ("year", "city") if o.get(k) not in (None, year, city)]
    reach = [parts[named]]
    for part in parts[named + 1 :]:
        if any(checks[k](v, part.text) for k, v in elsewhere):
            break
        reach.append(part)
    after = _flat(*reach)
    details = {k: raw.get(k) for k in ("edition", "dates", "theme", "participants")}
    values = {k: v for k, v in details.items() if v is not None and v != "" and checks[k](v, after)}
    clause = stated.counting_clause(details["participants"], reach[0].text)
    if "participants" not in values and clause:
        values["participants"] = clause  # the counts the model gave, as the sentence naming the edition words them
    # "initialement prévue en 2020", often in the next sentence
    if stated.year_written(raw.get("planned"), window.text):
        values["planned"] = raw["planned"]  # whether it is a plan of this edition: ``_differences``
    kept = {"year": year, "city": city, **values}

    def states(span: Chunk, fields: dict[str, Any]) -> bool:
        return all(checks[k](v, span.text) for k, v in fields.items() if v is not None)

    quote = next((span for span in spans if states(span, kept)), None)
    if quote is None:  # a detail stated only across a heading is left out, unless the place needs it too
        quote = next((span for span in spans if states(span, {"year": year, "city": city})), None)
        if quote is None:
            quote = next(span for span in window.quotes(across_headings=True) if states(span, kept))
        else:
            values = {k: v for k, v in values.items() if states(quote, {k: v})}
    return Mention(window, quote, year, city, **values)


def rows_of(mentions: Sequence[Mention]) -> list[Row]:
    """The timeline: one row per (year, city), by year, with where the sources differ."""
    rows: dict[tuple[int, str], Row] = {}
    for m in mentions:
        if m.year is not None and m.city is not None:
            rows.setdefault((m.year, stated.key(m.city)), Row(m.year, m.city)).mentions.append(m)
    for m in mentions:  # a year without a city supports the one row of that year, if there is one
        if m.city is None and m.year is not None:
            same = [r for r in rows.values() if r.year == m.year]
            if len(same) == 1:
                same[0].mentions.append(m)
    for m in mentions:  # so does an edition's number written alone ("Cette septième édition, qui…")
        if m.city is None and m.year is None and m.edition is not None:
            same = [r for r in rows.values() if m.edition in r.values("edition")]
            if len(same) == 1:
                same[0].mentions.append(m)
    ordered = sorted(rows.values(), key=lambda r: (r.year, stated.key(r.city)))
    _differences(ordered, mentions)
    return ordered


def _differences(rows: list[Row], mentions: Sequence[Mention]) -> None:
    """Record on each row where the sources disagree, keeping every value with its mentions."""
    by_year: dict[int, list[Row]] = {}
    by_edition: dict[int, list[Row]] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
        for edition in row.values("edition"):
            by_edition.setdefault(edition, []).append(row)
    for row in rows:
        if len(by_year[row.year]) > 1:
            row.conflicts.append(_conflict("city", [(r.city, r.mentions) for r in by_year[row.year]]))
        for edition in row.values("edition"):
            if len(by_edition[edition]) > 1:
                row.conflicts.append(
                    _conflict("year", [(f"{r.year} ({r.city})", r.mentions) for r in by_edition[edition]])
                )
        for name in ("edition", "dates", "participants"):
            values = row.values(name)
            if len(values) > 1 and not (name == "dates" and _nested(values)):
                row.conflicts.append(_conflict(name, [(v, row.stating(name, v)) for v in values]))
    for row in rows:
        # An edition is planned after the one before it was held, for a year before it was held: a year
        # outside that span is another event's (the model gave Shizuoka 2024 a plan of 2008).
        earlier = max((r.year for r in rows if r.year < row.year), default=0)
        planned = [p for p in row.values("planned") if earlier < p < row.year]
        if planned:
            row.conflicts.append(
                _conflict("planned", [(p, [m for m in row.mentions if m.planned == p]) for p in planned])
            )
    for listed, span in _listings(mentions):
        first, last = span
        for row in rows:
            if first <= row.year <= last and not any(stated.key(row.city) == stated.key(m.city or "") for m in listed):
                names = ", ".join(m.city or "" for m in listed)
                row.conflicts.append(
                    {
                        "field": "listed",
                        "values": [{"value": f"{first}–{last}: {names}", "mentions": list(listed)}],
                        "count": len(listed),
                        "span": [first, last],
                    }
                )


def _listings(mentions: Sequence[Mention]) -> list[tuple[list[Mention], tuple[int, int]]]:
    """Passages that name several cities without their years, and the span of years they write:
    "the host cities X, Y and Z, from 2008 to 2018"."""
    by_window: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.year is None and m.city is not None:
            by_window.setdefault(m.window.sentence.chunk_id, []).append(m)
    out = []
    for listed in by_window.values():
        years = sorted({int(y) for y in stated.YEAR.findall(listed[0].window.sentence.text)})
        if len(listed) > 1 and len(years) > 1:
            out.append((listed, (years[0], years[-1])))
    return out


def _conflict(name: str, values: list[tuple[Any, list[Mention]]]) -> dict[str, Any]:
    return {"field": name, "values": [{"value": v, "mentions": ms} for v, ms in values]}


def _nested(values: list[str]) -> bool:
    """Dates that only differ in detail ("du 3 au 6 octobre" and "du 3 au 6 octobre 2022") agree."""
    keys = sorted((stated.key(v) for v in values), key=len)
    return all(k in keys[-1] for k in keys)
