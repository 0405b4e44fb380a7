"""The onboarding brief: what the Rencontres are, a timeline of their editions, commitments, links, an FAQ.

Every item is cited, as an answer is:

- the commitments are the declarations' listed items, read from the fact base (:mod:`commitments`):
  quoted, since their wording is the commitment, under a sentence that says which declaration;
- the organisations are those the sources name in a role (:mod:`organisations`, from the fact base),
  each footnoted, then the documents' publishers;
- "what they are" opens with a summary rendered from the fact base (how many editions since when, the
  latest, their usual rhythm, how many commitments a declaration lists), then is a question of
  ``brief_data`` put to the evidence-first engine, in French whatever the brief's language; the brief
  says the sentences the model chose, verbatim and footnoted, as a speech does (``quote_only``), and in
  English or Japanese their labelled machine translation;
- the timeline is extracted and checked by :mod:`assistant.drafting.timeline`; where sources differ, the row says so;
- the links are the web addresses the documents write, each cited to its sentence;
- the editions in a few words, their rhythm and the next one are rendered from the timeline's checked
  rows (:mod:`assistant.drafting.overview`), each fact with its row's footnotes;
- the other FAQ questions are answered the same way as the sections, by the sentences the model chose (a
  written answer of the small model said "every year" of a biennial meeting, cited); a question the
  sources do not answer is listed as such, never filled in.

A brief is built once per index generation and language, and kept in ``data_dir/briefs``: adding or
removing a document makes a new generation, so the next brief is rebuilt (only the new passages' timeline
extractions are asked of the model again: they are kept by the text they were read from).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from assistant.answer.citations import citations_json
from assistant.answer.quoting import quoted_block, stands_alone, translated_quote
from assistant.drafting import edition_answers, editions, overview, programme_answers
from assistant.errors import AssistantError
from assistant.ingest.catalog import IndexCatalog
from assistant.text import place_names
from assistant.text.language import message
from assistant.text.numbers import URL
from assistant.types import Answer, Citation

logger = logging.getLogger(__name__)

VERSION = 35  # of the brief's shape and rules: a cached brief of another version is rebuilt
LANGUAGES = ("fr", "en", "ja")
MAX_LINKS = 12

BriefProgress = Callable[[int, int, str], None]  # (steps done, steps in all, what is being done)


class Sources(editions.Sources, Protocol):
    """What a brief needs of the Assistant: what the fact base needs, and answers and translations."""

    @property
    def chat_problem(self) -> str | None: ...

    def answer(self, question: str, *, quote_only: bool = False) -> Answer: ...

    def translate(self, text: str, language: str) -> str: ...


class BriefError(AssistantError):
    """A brief cannot be built as asked (unknown language)."""


@cache
def words() -> dict[str, Any]:
    return json.loads((resources.files("assistant.drafting") / "brief_data" / "brief.json").read_text(encoding="utf-8"))


def brief(sources: Sources, language: str, *, refresh: bool = False, progress: BriefProgress | None = None) -> dict:
    """The brief of the current index generation in ``language``: from the cache, else built and kept.
    One brief is built at a time: a request while :func:`prepare` builds one waits, then reads it."""
    if language not in LANGUAGES:
        raise BriefError(f"Unknown language {language!r}; choose one of {', '.join(LANGUAGES)}.", reason="bad_language")
    catalog = sources.catalog
    folder = sources.settings.data_dir / "briefs"
    path = folder / f"{catalog.generation}-{language}.json"
    kept = None if refresh else _kept(path)
    if kept is not None:
        return kept
    with _BUILDING:
        kept = None if refresh else _kept(path)  # built meanwhile
        return kept if kept is not None else _build_and_keep(sources, language, path, progress)


def prepare(sources: Sources, languages: Sequence[str] = LANGUAGES) -> None:
    """Build the briefs of the current generation that are not kept yet, one language after the other:
    the app calls this in the background when it starts, so that the onboarding tab is ready when opened.
    A failure is logged; the brief is then built on request. The fact base comes first: answers use it."""
    try:
        editions.facts(sources)
    except (AssistantError, OSError) as exc:
        logger.warning("the editions were not read: %s", exc)
    once = _Once(sources)
    for language in languages:
        try:
            brief(once, language)  # type: ignore[arg-type]  # a Sources that answers each question once
        except (AssistantError, OSError) as exc:
            logger.warning("the %s brief was not prepared: %s", language, exc)


class _Once:
    """``sources`` answering each question and translating each text once: the three briefs ask the same
    French questions and translate the same quotes into English (a Japanese translation is tried
    through English)."""

    def __init__(self, sources: Sources) -> None:
        self._sources = sources
        self._answers: dict[tuple[str, bool], Answer] = {}
        self._translations: dict[tuple[str, str], str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sources, name)

    def answer(self, question: str, *, quote_only: bool = False) -> Answer:
        key = (question, quote_only)
        if key not in self._answers:
            self._answers[key] = self._sources.answer(question, quote_only=quote_only)
        return self._answers[key]

    def translate(self, text: str, language: str) -> str:
        key = (text, language)
        if key not in self._translations:
            self._translations[key] = self._sources.translate(text, language)
        return self._translations[key]


_BUILDING = threading.Lock()


def _kept(path: Path) -> dict | None:
    return editions.read_json(path, _STAMP)


# A brief is rendered from the fact base: one kept from another version of either is built again.
_STAMP = f"{VERSION}/{editions.VERSION}"


def _build_and_keep(sources: Sources, language: str, path: Path, progress: BriefProgress | None) -> dict:
    catalog = sources.catalog
    folder = path.parent
    built = build_brief(sources, language, progress=progress, cache_dir=folder)
    if not built["complete"]:
        return built  # a passage the model failed on is read again next time: such a brief is not kept
    editions.write_json(path, built)
    for old in folder.glob("*-??.json"):  # briefs of generations that are gone
        if not old.name.startswith(catalog.generation):
            old.unlink(missing_ok=True)
    return built


def build_brief(
    sources: Sources, language: str, *, progress: BriefProgress | None = None, cache_dir: Path | None = None
) -> dict:
    """Build the brief: sections, timeline, links, FAQ, each item cited (see the module's docstring).

    Long: the sections, the timeline and the FAQ share one progress count, one footnote numbering and
    one list of gaps, and are built in the order the reader sees them."""
    started = time.perf_counter()
    said = words()[language]
    catalog = sources.catalog
    notes = Footnotes(catalog)
    steps = 1 + len(said["sections"]) + len(said["faq"])
    done = 0

    def step(what: str) -> None:
        nonlocal done
        if progress:
            progress(done, steps, what)
        done += 1

    gaps: list[str] = []

    def quoted(question: str, asked: str, what: str) -> dict[str, Any] | None:
        """The sources' sentences that answer ``question`` (asked as ``asked``, its French wording),
        footnoted; None (and a gap) if none does."""
        step(what)
        answer = sources.answer(asked, quote_only=True)
        alone = [c for c in answer.citations if stands_alone(c.quote)]  # no heading, no "Il a déclaré…"
        if answer.refused or not alone:
            gaps.append(question)
            return None
        numbers = list(dict.fromkeys(notes.add(c) for c in alone))
        translate = None if language == "fr" else partial(sources.translate, language=language)
        text = quoted_block(  # under the brief's label; in English or Japanese machine-translated, labelled so
            message("quoted", language),
            [notes.citations[n - 1].quote for n in numbers],
            numbers,
            language,
            translate,
            to_english=partial(sources.translate, language="en"),
        )
        return {"question": question, "text": text, "mode": answer.mode, "citations": numbers}

    # Every language's brief asks the French wording of its questions: the sources are French, and
    # asked in English or Japanese the engine found less (eval/README.md). So the
    # three briefs quote the same sentences, each under its own language's label and translation.
    french = words()["fr"]
    sections = [
        {"part": part, "title": said["titles"][part], **found}
        for part, question in said["sections"].items()
        if (found := quoted(question, french["sections"][part], said["titles"][part]))
    ]

    step(said["titles"]["timeline"])

    def reading(read: int, to_read: int) -> None:  # the timeline's passages, while the fact base is built
        if progress:
            progress(done - 1, steps, f"{said['titles']['timeline']} ({read}/{to_read})")

    known = editions.facts(sources, progress=reading)
    cited = [editions.citation(c) for c in known["citations"]]
    ranks = edition_answers.numbers_of(known["rows"])  # an edition's rank by year, where it is proven
    shown = zip(overview.in_language(known["rows"], language), known["rows"], strict=True)
    rows = [_row(r, cited, notes, said, language) | {"rank": ranks.get(id(raw))} for r, raw in shown]
    rows = _themes_translated(rows, sources, language)

    # What the checked rows tell is rendered from them, not asked again: the editions (summary and
    # timeline), their rhythm, the next one.
    pledged = _commitments(known.get("commitments", []), cited, notes, said, language, sources)
    named = _organisations(known.get("organisations", []), cited, notes, said, language, catalog)
    sections[min(1, len(sections)) : min(1, len(sections))] = [
        {"part": "commitments", "title": said["titles"]["commitments"], **pledged},
        {"part": "organisations", "title": said["titles"]["organisations"], **named},
    ]
    _summarised(sections, _summary(rows, known.get("commitments", []), cited, notes, said, language), said)
    facts = overview.render(rows, said, date.today().year)
    if listed := programme_answers.every_list(known):  # each edition's workshops and round tables, by title
        translate = None if language == "fr" else partial(sources.translate, language=language)
        text = programme_answers.rendered(listed, language, translate)
        facts["programme"] = overview.noted(text, lambda n: notes.add(cited[n - 1]))
    faq = [{"question": said["faq_rendered"][part], **facts[part]} for part in said["faq_rendered"] if part in facts]
    faq += [
        found
        for question, asked in zip(said["faq"], french["faq"], strict=True)
        if (found := quoted(question, asked, said["titles"]["faq"]))
    ]
    if progress:
        progress(steps, steps, "")
    notice = None
    if sources.chat_model is None:
        notice = said["no_model"].format(why=sources.chat_problem or "")
    elif known["unread"]:
        notice = said["unread"].format(n=known["unread"])
    elif not rows:
        notice = said["no_timeline"]
    return {
        "version": _STAMP,
        "language": language,
        "generation": catalog.generation,
        "title": said["title"],
        "sections": sections,
        "timeline": rows,
        "timeline_notice": notice,
        "links": _links(catalog, notes),
        "faq": faq,
        "next_questions": list(said["next"]),
        "gaps": gaps,
        "citations": citations_json(notes.citations),
        "built_in_s": round(time.perf_counter() - started, 1),
        "complete": known["complete"],
    }


class Footnotes(editions.Footnotes):
    """The brief's citations, numbered once across the whole brief: a quote cited twice keeps its number."""


def _themes_translated(rows: list[dict[str, Any]], sources: Sources, language: str) -> list[dict[str, Any]]:
    """In English or Japanese, each row's theme (a title, kept in French as the sources write it) with
    its machine translation, if it keeps the title's numbers and places (``translated_quote``), labelled so."""
    if language == "fr":
        return rows
    translate, to_english = partial(sources.translate, language=language), partial(sources.translate, language="en")

    def said(theme: str | None) -> str | None:
        return (translated_quote(translate, theme, language, to_english=to_english) or None) if theme else None

    return [{**r, "theme_translated": said(r["theme"])} for r in rows]


def _row(
    row: Mapping[str, Any], cited: list[Citation], notes: Footnotes, said: dict[str, Any], language: str
) -> dict[str, Any]:
    """A row of the fact base as the brief shows it: its citations numbered as the brief's (``cited`` are
    the fact base's), each conflict said in the brief's language: a difference between sources, or the
    year it was first planned for (``overview.PLANNED``), said as the brief's facts say it."""

    def numbered(ns: list[int]) -> list[int]:
        return sorted({notes.add(cited[n - 1]) for n in ns})

    conflicts = []
    for c in row["conflicts"]:
        values = [{"value": v["value"], "citations": numbered(v["citations"])} for v in c["values"]]
        shown = ", ".join(f"{v['value']} {''.join(f'[{n}]' for n in v['citations'])}" for v in values)
        if c["field"] == overview.PLANNED:
            text = " ".join(
                overview.later_than_planned([{**row, "conflicts": [{**c, "values": values}]}], said["facts"])
            )
        elif c["field"] == "listed":
            first, last = c["span"]
            listed = c["values"][0]["value"].split(": ", 1)[1].split(", ")
            names = said["facts"]["comma"].join(place_names.localized(n, language) for n in listed)
            text = said["conflicts"]["listed"].format(
                count=c["count"], first=first, last=last, names=names, city=row["city"], year=row["year"]
            )
            text += " " + "".join(f"[{n}]" for n in values[0]["citations"])
        else:
            text = said["conflicts"][c["field"]].format(year=row["year"], city=row["city"], values=shown)
        conflicts.append({"field": c["field"], "text": text, "values": values})
    stated_by = {name: numbered(ns) for name, ns in row.get("stated_by", {}).items()}
    return {**row, "citations": numbered(row["citations"]), "stated_by": stated_by, "conflicts": conflicts}


def _commitments(
    pledged: list[dict[str, Any]],
    cited: list[Citation],
    notes: Footnotes,
    said: dict[str, Any],
    language: str,
    sources: Sources,
) -> dict[str, Any]:
    """The declarations' commitments (``commitments``, from the fact base): which declaration, how many,
    then each item in the sources' words, footnoted; in English or Japanese with its labelled machine
    translation. Their wording is what a commitment is, so they are quoted, not rewritten."""
    if not pledged:
        return {"text": said["facts"]["no_commitments"], "citations": [], "mode": "rendered"}
    numbers: list[int] = []

    def numbered(n: int) -> int:
        numbers.append(notes.add(cited[n - 1]))
        return numbers[-1]

    translate = None if language == "fr" else partial(sources.translate, language=language)
    to_english = None if language == "fr" else partial(sources.translate, language="en")
    blocks = [commitments_text(d, numbered, language, translate, to_english=to_english) for d in pledged]
    return {"text": "\n\n".join(blocks), "citations": list(dict.fromkeys(numbers)), "mode": "rendered"}


def commitments_text(
    declaration: dict[str, Any],
    numbered: Callable[[int], int],
    language: str,
    translate: Callable[[str], str] | None,
    *,
    to_english: Callable[[str], str] | None = None,
) -> str:
    """A declaration of the fact base and its commitments: which declaration and how many, then each item
    in the sources' words with its footnote; given ``translate``, their labelled machine translation.
    ``numbered`` turns a fact base citation number into the text's. What briefs and answers say."""
    intro = [numbered(n) for n in declaration["introduction"]]
    marks = [numbered(n) for item in declaration["items"] for n in item["citations"][:1]]
    quotes = [item["text"] for item in declaration["items"]]
    lead = words()[language]["facts"]["commitments"].format(
        declaration=declaration["declaration"],
        year=declaration.get("year") or "",
        marks=overview.marks(intro),
        n=len(quotes),
    )
    return quoted_block(lead, quotes, marks, language, translate, to_english=to_english)


def _summary(
    rows: list[dict[str, Any]],
    pledged: list[dict[str, Any]],
    cited: list[Citation],
    notes: Footnotes,
    said: dict[str, Any],
    language: str,
) -> dict[str, Any] | None:
    """The Rencontres in a few sentences rendered from the fact base: how many editions since when and
    the latest, their usual rhythm, how many commitments a declaration lists; None without editions."""
    if not rows:
        return None
    t = said["facts"]
    years = sorted({r["year"] for r in rows})
    latest = max(rows, key=lambda r: r["year"])
    # How many editions since the first, the latest, how often: every row's spans, the years they state.
    placed = overview.placed(rows)
    latest_said = {"city": latest["city"], "year": latest["year"], "marks": overview.marks(placed)}
    sentences = [t["summary"].format(n=len(years), first=years[0], **latest_said)]
    numbers = list(placed)
    gap = overview.usual_gap(rows)
    if gap:
        sentences.append(t["summary_rhythm"].format(gap=gap, marks=overview.marks(placed)))
    for declaration in [d for d in pledged if d.get("edition") and d.get("items")][:1]:
        listed = [notes.add(cited[n - 1]) for item in declaration["items"] for n in item["citations"][:1]]
        edition = declaration["edition"]
        suffix = edition_answers.ordinal_suffix(edition, language)
        n, listed_marks = len(declaration["items"]), overview.marks(listed)
        sentences.append(t["summary_commitments"].format(edition=edition, suffix=suffix, n=n, marks=listed_marks))
        numbers += listed
    return {"text": overview.sentences(sentences, language), "citations": numbers}


def _summarised(sections: list[dict[str, Any]], summary: dict[str, Any] | None, said: dict[str, Any]) -> None:
    """The summary first in the section on what the Rencontres are, before the sentences the engine chose."""
    if summary is None:
        return
    about = next((s for s in sections if s["part"] == "about"), None)
    if about is None:
        sections.insert(0, {"part": "about", "title": said["titles"]["about"], "mode": "rendered", **summary})
        return
    about["text"] = f"{summary['text']}\n\n{about['text']}"
    about["citations"] = list(dict.fromkeys([*summary["citations"], *about["citations"]]))


def _organisations(
    named: list[dict[str, Any]],
    cited: list[Citation],
    notes: Footnotes,
    said: dict[str, Any],
    language: str,
    catalog: IndexCatalog,
) -> dict[str, Any]:
    """The organisations the sources name in a role (``named``, from the fact base), each footnoted to
    the sentence that names it so; then who publishes the documents gathered (their descriptions)."""
    t = said["facts"]
    numbers: list[int] = []

    def marked(organisation: dict[str, Any]) -> list[int]:
        found = [notes.add(cited[n - 1]) for n in organisation["citations"]]
        numbers.extend(found)
        return found

    sentences = overview.in_roles(named, t, marked) or [t["organisations_none"]]
    records = sorted(catalog.documents.values(), key=lambda r: r.source)
    publishers = list(dict.fromkeys(str(r.metadata["publisher"]) for r in records if r.metadata.get("publisher")))
    if publishers:
        sentences.append(t["publishers"].format(items=overview.joined(publishers, t)))
    return {"text": overview.sentences(sentences, language), "citations": numbers, "mode": "rendered"}


def _links(catalog: IndexCatalog, notes: Footnotes) -> list[dict[str, Any]]:
    """The web addresses the documents write, each cited to the sentence that holds it."""
    links: dict[str, int] = {}
    for sentence in sorted(catalog.sentences.values(), key=lambda s: (s.doc_id, s.start)):
        for url in URL.findall(sentence.text):  # URL ends before trailing punctuation
            if url not in links and len(links) < MAX_LINKS:
                links[url] = notes.span(sentence)
    return [{"url": url, "citations": [n]} for url, n in links.items()]
