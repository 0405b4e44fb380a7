"""The onboarding brief: what the Rencontres are, a timeline of their editions, commitments, links, an FAQ.

Every item is cited, as an answer is:

- the sections ("what they are", "commitments", "organisations") are questions of ``brief_data`` put to
  the evidence-first engine, in French whatever the brief's language; the brief says the sentences the
  model chose, verbatim and footnoted, as a speech does (``quote_only``), and in English or Japanese
  their labelled machine translation;
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

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from assistant.answer.citations import citations_json
from assistant.answer.quoting import quoted_block
from assistant.config import Settings
from assistant.drafting import overview, timeline
from assistant.errors import AssistantError
from assistant.ingest.catalog import IndexCatalog
from assistant.models.embeddings import Embedder, cosine
from assistant.models.generation import ChatModel
from assistant.text.language import message
from assistant.text.numbers import URL
from assistant.types import Answer, Chunk, Citation, Passage

logger = logging.getLogger(__name__)

VERSION = 9  # of the brief's shape and rules: a cached brief of another version is rebuilt
LANGUAGES = ("fr", "en", "ja")
TIMELINE_WINDOWS = 40  # at most this many passages are read for the timeline
MAX_LINKS = 12

BriefProgress = Callable[[int, int, str], None]  # (steps done, steps in all, what is being done)


class Sources(Protocol):
    """What a brief needs of the Assistant."""

    settings: Settings

    @property
    def catalog(self) -> IndexCatalog: ...

    @property
    def embedder(self) -> Embedder: ...

    @property
    def chat_model(self) -> ChatModel | None: ...

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
    A failure is logged; the brief is then built on request."""
    for language in languages:
        try:
            brief(sources, language)
        except (AssistantError, OSError) as exc:
            logger.warning("the %s brief was not prepared: %s", language, exc)


def kept_timeline(sources: Sources) -> overview.Timeline | None:
    """The timeline rows of a brief kept for the current generation, and the citations their numbers
    point to (as JSON); None if no brief is kept. A speech says the editions from them."""
    folder = sources.settings.data_dir / "briefs"
    for language in LANGUAGES:
        kept = _kept(folder / f"{sources.catalog.generation}-{language}.json")
        if kept is not None and kept["timeline"]:
            return kept["timeline"], kept["citations"]
    return None


_BUILDING = threading.Lock()


def _kept(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("cached brief %s unreadable: rebuilding it", path)
        return None
    return kept if kept.get("version") == VERSION else None


def _build_and_keep(sources: Sources, language: str, path: Path, progress: BriefProgress | None) -> dict:
    catalog = sources.catalog
    folder = path.parent
    built = build_brief(sources, language, progress=progress, cache_dir=folder)
    if not built["complete"]:
        return built  # a passage the model failed on is read again next time: such a brief is not kept
    _write(path, built)
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
    windows = _timeline_windows(sources)
    steps = len(windows) + len(said["sections"]) + len(said["faq"])
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
        if answer.refused or not answer.citations:
            gaps.append(question)
            return None
        taken = notes.take(answer)
        if language != "fr":  # the quotes kept, under the brief's label, machine-translated and labelled so
            taken["text"] = quoted_block(
                message("quoted", language),
                [notes.citations[n - 1].quote for n in taken["citations"]],
                taken["citations"],
                language,
                partial(sources.translate, language=language),
                to_english=partial(sources.translate, language="en"),
            )
        return {"question": question, **taken}

    # Every language's brief asks the French wording of its questions: the sources are French, and
    # asked in English or Japanese the engine found less (eval/README.md). So the
    # three briefs quote the same sentences, each under its own language's label and translation.
    french = words()["fr"]
    sections = [
        {"part": part, "title": said["titles"][part], **found}
        for part, question in said["sections"].items()
        if (found := quoted(question, french["sections"][part], said["titles"][part]))
    ]

    model = sources.chat_model
    replies = _Replies(cache_dir, model.model_id if model else "")
    mentions: list[timeline.Mention] = []
    unread = 0

    def read(window: timeline.Window, *, by_number: bool = False) -> None:
        nonlocal unread
        step(said["titles"]["timeline"])
        raw = replies.get(window.text)
        if raw is None and model is not None:
            raw = timeline.ask(model, window, timeout_s=sources.settings.brief_timeout_s)
            replies.put(window.text, raw)
            unread += raw is None
        mentions.extend(timeline.read(raw or [], window, by_number=by_number))

    for window in windows:
        read(window)
    # Then what the documents say of the editions found, where they name them by number only (a number
    # no row has is left with no row: ``rows_of``).
    editions = {e for row in timeline.rows_of(mentions) for e in row.values("edition")}
    details = timeline.detail_windows(list(catalog.sentences.values()), editions, windows)
    steps += len(details)
    for window in details:
        read(window, by_number=True)
    replies.save()
    rows = [_row(r, notes, said) for r in timeline.rows_of(mentions)]

    # What the checked rows tell is rendered from them, not asked again: the editions in a few words,
    # their rhythm, the next one.
    facts = overview.render(rows, said, date.today().year)
    if "history" in facts:
        sections.append({"part": "history", "title": said["titles"]["history"], **facts["history"]})
    faq = [{"question": said["faq_rendered"][part], **facts[part]} for part in said["faq_rendered"] if part in facts]
    faq += [
        found
        for question, asked in zip(said["faq"], french["faq"], strict=True)
        if (found := quoted(question, asked, said["titles"]["faq"]))
    ]
    if progress:
        progress(steps, steps, "")
    notice = None
    if model is None:
        notice = said["no_model"].format(why=sources.chat_problem or "")
    elif unread:
        notice = said["unread"].format(n=unread)
    elif not rows:
        notice = said["no_timeline"]
    return {
        "version": VERSION,
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
        "complete": model is not None and not unread,
    }


class Footnotes:
    """The brief's citations, numbered once across the whole brief: a quote cited twice keeps its number."""

    def __init__(self, catalog: IndexCatalog) -> None:
        self._catalog = catalog
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def add(self, citation: Citation) -> int:
        key = (citation.doc_id, citation.start, citation.end)
        if key not in self._numbers:
            self.citations.append(replace(citation, n=len(self.citations) + 1))
            self._numbers[key] = len(self.citations)
        return self._numbers[key]

    def span(self, unit: Chunk) -> int:
        """The number of a span of a document, cited verbatim from the document's text."""
        text = self._catalog.text(unit.doc_id)[unit.start : unit.end]
        record = self._catalog.documents[unit.doc_id]
        chunk = Chunk(unit.chunk_id, unit.doc_id, unit.start, unit.end, text, unit.heading_path, unit.metadata)
        passage = Passage(chunk=chunk, title=record.title, source=record.source, score=0.0, rank=0)
        return self.add(Citation(0, unit.doc_id, record.title, record.source, unit.start, unit.end, text, passage))

    def take(self, answer: Answer) -> dict[str, Any]:
        """An answer's text and mode, its [n] markers renumbered to the brief's, and those numbers in the
        order the text cites them."""
        numbers = {c.n: self.add(c) for c in answer.citations}
        text = _MARKER.sub(lambda m: f"[{numbers.get(int(m.group(1)), m.group(1))}]", answer.text)
        return {"text": text, "mode": answer.mode, "citations": list(dict.fromkeys(numbers.values()))}


_MARKER = re.compile(r"\[(\d+)\]")


def _timeline_windows(sources: Sources) -> list[timeline.Window]:
    """The passages the timeline reads. Their sentences are embedded here again, bare: the index's
    sentence vectors carry their document's title, which puts the sentences of a document on the
    Rencontres close to the question whatever they say ("prévue en 2020" 0.64, an edition's list 0.68;
    bare, 0.37 and 0.75: eval/README.md)."""
    query = sources.embedder.embed_query(words()["timeline_question"])

    def similarity(texts: Sequence[str]) -> list[float]:
        return [cosine(query, v) for v in sources.embedder.embed_documents(list(texts))]

    sentences = list(sources.catalog.sentences.values())
    return timeline.windows(
        sentences,
        similarity,
        floor=sources.settings.timeline_floor,
        limit=TIMELINE_WINDOWS,
        series=words()["series_name"],
    )


def _row(row: timeline.Row, notes: Footnotes, said: dict[str, Any]) -> dict[str, Any]:
    """A timeline row as the brief's JSON shows it; a field the sources give two ways is in ``conflicts``."""

    def one(name: str) -> Any:
        values = row.values(name)
        return values[0] if len(values) == 1 else None

    conflicts = []
    for c in row.conflicts:
        values = [
            {"value": v["value"], "citations": sorted({notes.span(m.quote) for m in v["mentions"]})}
            for v in c["values"]
        ]
        shown = ", ".join(f"{v['value']} {''.join(f'[{n}]' for n in v['citations'])}" for v in values)
        if c["field"] == "listed":
            first, last = c["span"]
            names = c["values"][0]["value"].split(": ", 1)[1]
            text = (
                said["conflicts"]["listed"].format(count=c["count"], first=first, last=last, names=names, city=row.city)
                + " "
                + "".join(f"[{n}]" for n in values[0]["citations"])
            )
        else:
            text = said["conflicts"][c["field"]].format(year=row.year, values=shown)
        conflicts.append({"field": c["field"], "text": text, "values": values})
    return {
        "edition": one("edition"),
        "year": row.year,
        "dates": one("dates"),
        "city": row.city,
        "theme": one("theme"),
        "participants": one("participants"),
        "citations": sorted({notes.span(q) for q in _outermost([m.quote for m in row.mentions])}),
        "conflicts": conflicts,
    }


def _outermost(quotes: list[Chunk]) -> list[Chunk]:
    """The quotes that no other of ``quotes`` holds: a span inside another is cited by the larger one,
    which states all it states and more (a year and city in one sentence, the theme in the next: citing
    the sentence alone left the theme shown with no quote stating it)."""
    return [
        q
        for q in quotes
        if not any(
            o is not q
            and o.doc_id == q.doc_id
            and o.start <= q.start
            and q.end <= o.end
            and (o.start, o.end) != (q.start, q.end)
            for o in quotes
        )
    ]


def _links(catalog: IndexCatalog, notes: Footnotes) -> list[dict[str, Any]]:
    """The web addresses the documents write, each cited to the sentence that holds it."""
    links: dict[str, int] = {}
    for sentence in sorted(catalog.sentences.values(), key=lambda s: (s.doc_id, s.start)):
        for url in URL.findall(sentence.text):  # URL ends before trailing punctuation
            if url not in links and len(links) < MAX_LINKS:
                links[url] = notes.span(sentence)
    return [{"url": url, "citations": [n]} for url, n in links.items()]


class _Replies:
    """The model's timeline replies, kept by the passage text they were read from and the model."""

    def __init__(self, folder: Path | None, model_id: str) -> None:
        self._path = folder / "timeline-replies.json" if folder else None
        self._model = model_id
        self._replies: dict[str, list[dict[str, Any]]] = {}
        self._changed = False
        if self._path and self._path.is_file():
            try:
                self._replies = json.loads(self._path.read_text(encoding="utf-8")).get(model_id, {})
            except (OSError, ValueError):
                logger.warning("timeline replies %s unreadable: asking the model again", self._path)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{timeline.VERSION}\n{text}".encode()).hexdigest()[:24]

    def get(self, text: str) -> list[dict[str, Any]] | None:
        return self._replies.get(self._key(text))

    def put(self, text: str, reply: list[dict[str, Any]] | None) -> None:
        if reply is not None:  # a failed call is not kept: it is asked again next time
            self._replies[self._key(text)] = reply
            self._changed = True

    def save(self) -> None:
        if self._path and self._changed:
            _write(self._path, {self._model: self._replies})


def _write(path: Path, data: dict) -> None:
    """Write JSON atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
