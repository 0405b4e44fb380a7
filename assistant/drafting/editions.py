"""The editions of the Rencontres as the sources state them: the product's fact base.

Each edition is a row of the timeline (:mod:`assistant.drafting.timeline`): a year and a host city, and
where a passage writes them its number, dates, theme and participants. Every value was checked against
the passage it was read from, every row is cited to the spans that state it, and where the sources
differ the row keeps each value with its own citations. Beside the editions, the commitments the
declarations list, the organisations the sources name in a role and the workshops and round tables of
each edition's programme, each cited. Briefs, speeches and
answers read it.

It is built once per index generation, after ``assistant index`` (or by the first brief that needs it,
never on a question), and kept in ``data_dir/facts/<generation>.json``::

    {"version": 10, "generation": "…", "complete": true,
     "rows": [{"year": 2014, "city": "Takamatsu", "edition": 4, "dates": null, "theme": null,
               "participants": null, "citations": [3],
               "stated_by": {"place": [3], "edition": [], "dates": [], "theme": [], "participants": []},
               "conflicts": [{"field": "city" | "year" | "edition" | "dates" | "participants" | "planned"
                                       | "listed",
                              "values": [{"value": …, "citations": [5]}],
                              "count": 5, "span": [2008, 2018]}]}],       # count and span: "listed" only
     "commitments": [{"declaration": …, "edition": 7, "year": 2022, "introduction": [8],
                      "items": [{"text": …, "citations": [9]}]}],               # :mod:`commitments`
     "organisations": [{"name": "Cités Unies France", "role": "partner", "citations": [4]}],     # :mod:`organisations`
     "programme": [{"edition": 7, "kind": "workshop" | "round_table", "count": 3, "announced": [10],
                    "items": [{"title": …, "label": "Économie" | null, "citations": [11]}]}],  # :mod:`programme`
     "citations": [{"n": 3, "doc_id": …, "start": …, "end": …, "quote": …, …}]}

A row's numbers point into ``citations``: ``citations`` are the spans that state the row (a span inside
another is cited by the larger one), ``stated_by`` the shortest spans that state the year with the city,
and each detail. Only the passages a new generation adds are read by the model
again: its replies are kept by the text they were read from (``timeline-replies.json``). A generation
whose passages the model failed on is not kept, so the next use reads them again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from assistant.answer.citations import citations_json
from assistant.config import Settings
from assistant.drafting import commitments, organisations, programme, timeline
from assistant.ingest.catalog import IndexCatalog
from assistant.models.embeddings import Embedder, cosine
from assistant.models.generation import ChatModel
from assistant.types import Chunk, Citation, Passage

logger = logging.getLogger(__name__)

VERSION = 10  # of the file's shape: a kept file of another version is built again
TIMELINE_WINDOWS = 40  # at most this many passages are read for the timeline
# What the timeline's passages are chosen for: their cosine to this question (bare sentences, see
# ``_windows``), and the series' name that a passage may write instead.
QUESTION = "Où et quand se sont tenues les éditions des Rencontres franco-japonaises de la coopération décentralisée ?"
SERIES = "Rencontres"

Facts = dict[str, Any]  # the kept file, as above
Steps = Callable[[int, int], None]  # (passages read, passages to read)


class Sources(Protocol):
    """What building the fact base needs of the Assistant."""

    settings: Settings

    @property
    def catalog(self) -> IndexCatalog: ...

    @property
    def embedder(self) -> Embedder: ...

    @property
    def chat_model(self) -> ChatModel | None: ...


def kept(settings: Settings, generation: str) -> Facts | None:
    """The fact base of ``generation`` if it was built, else None."""
    return read_json(_path(settings, generation), VERSION)


def read_json(path: Path, version: int | str) -> dict | None:
    """A file this module or the brief keeps, if it is there, readable and of ``version``; else None (and
    it is built again)."""
    if not path.is_file():
        return None
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("%s unreadable: building it again", path)
        return None
    return found if found.get("version") == version else None


def facts(sources: Sources, progress: Steps | None = None) -> Facts:
    """The fact base of the current generation: kept, or built now (one build at a time) and kept if the
    model read every passage."""
    generation = sources.catalog.generation
    found = kept(sources.settings, generation)
    if found is not None:
        return found
    with _BUILDING:
        found = kept(sources.settings, generation)
        if found is not None:
            return found
        built = build(sources, progress)
        if built["complete"]:
            path = _path(sources.settings, generation)
            write_json(path, built)
            for old in path.parent.glob("*.json"):  # the generations that are gone
                if old.name not in (path.name, "timeline-replies.json"):
                    old.unlink(missing_ok=True)
        return built


_BUILDING = threading.Lock()


def build(sources: Sources, progress: Steps | None = None) -> Facts:
    """Read the passages about the editions, check what the model found in each, merge into rows."""
    catalog = sources.catalog
    model = sources.chat_model
    replies = _Replies(sources.settings.data_dir / "facts", model.model_id if model else "")
    windows = _windows(sources)
    todo = len(windows)
    mentions: list[timeline.Mention] = []
    unread = 0
    done = 0

    def read(window: timeline.Window, *, by_number: bool = False) -> None:
        nonlocal unread, done
        if progress:
            progress(done, todo)
        done += 1
        raw = replies.get(window.text)
        if raw is None and model is not None:
            raw = timeline.ask(model, window, timeout_s=sources.settings.brief_timeout_s)
            replies.put(window.text, raw)
            unread += raw is None
        mentions.extend(timeline.read(raw or [], window, by_number=by_number))

    for window in windows:
        read(window)
    # Then what the documents say of the editions found, where they name them by number only.
    editions = {e for row in timeline.rows_of(mentions) for e in row.values("edition")}
    details = timeline.detail_windows(list(catalog.sentences.values()), editions, windows)
    todo += len(details)
    for window in details:
        read(window, by_number=True)
    replies.save()
    if progress:
        progress(todo, todo)
    notes = Footnotes(catalog)
    rows = [_row(r, notes, catalog) for r in timeline.rows_of(mentions)]
    pledged = commitments.read(catalog, notes)
    named = organisations.read(catalog, notes)
    parts = programme.read(catalog, notes)
    return {
        "version": VERSION,
        "generation": catalog.generation,
        "complete": model is not None and not unread,
        "unread": unread,
        "rows": rows,
        "commitments": pledged,
        "organisations": named,
        "programme": parts,
        "citations": citations_json(notes.citations),
    }


class Footnotes:
    """Citations numbered once across a text: a span cited twice keeps its number."""

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


def citation(c: dict[str, Any]) -> Citation:
    """A citation kept as JSON (``citations_json``), as a Citation again."""
    chunk = Chunk(f"{c['doc_id']}:{c['start']}", c["doc_id"], c["start"], c["end"], c["passage"])
    passage = Passage(chunk=chunk, title=c["title"], source=c["source"], score=0.0, rank=0)
    return Citation(c["n"], c["doc_id"], c["title"], c["source"], c["start"], c["end"], c["quote"], passage)


def _row(row: timeline.Row, notes: Footnotes, catalog: IndexCatalog) -> dict[str, Any]:
    """A row as the fact base keeps it; a field the sources give two ways is in ``conflicts``. Each field
    is cited to the spans that state it; of those, to the ones whose documents were not written before
    the edition, where there are such: a declaration of 2022 saying "we meet in 2024 at Shizuoka" only
    announced what the report of 2024 says was held."""

    def one(name: str) -> Any:
        values = row.values(name)
        return values[0] if len(values) == 1 else None

    def spans_stating(needs: tuple[str, ...]) -> list[Chunk]:
        found = [m for m in row.mentions if all(getattr(m, n) is not None for n in needs)]
        reported = [m for m in found if not _written_before(catalog, m.quote.doc_id, row.year)]
        return [m.quote for m in reported or found]

    conflicts = []
    for c in row.conflicts:
        values = [
            {"value": v["value"], "citations": sorted({notes.span(m.quote) for m in v["mentions"]})}
            for v in c["values"]
        ]
        extra = {k: c[k] for k in ("count", "span") if k in c}
        conflicts.append({"field": c["field"], "values": values, **extra})
    return {
        "edition": one("edition"),
        "year": row.year,
        "dates": one("dates"),
        "city": row.city,
        "theme": one("theme"),
        "participants": one("participants"),
        "citations": sorted({notes.span(q) for q in _outermost([m.quote for m in row.mentions])}),
        "stated_by": {
            name: sorted({notes.span(q) for q in _innermost(spans_stating(needs))}) for name, needs in _STATED.items()
        },
        "conflicts": conflicts,
    }


def _written_before(catalog: IndexCatalog, doc_id: str, year: int) -> bool:
    """Whether the document is dated (its metadata's "date", "2022-10") in a year before ``year``."""
    dated = str(catalog.documents[doc_id].metadata.get("date") or "")[:4]
    return dated.isdigit() and int(dated) < year


# What a row's fields are cited to: the passages that state the year with the city, and each detail.
_STATED = {
    "place": ("year", "city"),
    "edition": ("edition",),
    "dates": ("dates",),
    "theme": ("theme",),
    "participants": ("participants",),
}


def _innermost(quotes: list[Chunk]) -> list[Chunk]:
    """The quotes that hold no other of ``quotes``: a field is cited to the shortest span that states it
    (the declaration's sentence on the editions, not the whole paragraph around it)."""
    return [q for q in quotes if not any(o is not q and _inside(o, q) for o in quotes)]


def _inside(inner: Chunk, outer: Chunk) -> bool:
    return (
        inner.doc_id == outer.doc_id
        and outer.start <= inner.start
        and inner.end <= outer.end
        and (inner.start, inner.end) != (outer.start, outer.end)
    )


def _outermost(quotes: list[Chunk]) -> list[Chunk]:
    """The quotes that no other of ``quotes`` holds: a span inside another is cited by the larger one,
    which states all it states and more (a year and city in one sentence, the theme in the next: citing
    the sentence alone left the theme shown with no quote stating it)."""
    return [q for q in quotes if not any(o is not q and _inside(q, o) for o in quotes)]


def _windows(sources: Sources) -> list[timeline.Window]:
    """The passages the timeline reads. Their sentences are embedded here again, bare: the index's
    sentence vectors carry their document's title, which puts the sentences of a document on the
    Rencontres close to the question whatever they say ("prévue en 2020" 0.64, an edition's list 0.68;
    bare, 0.37 and 0.75: eval/README.md)."""
    query = sources.embedder.embed_query(QUESTION)

    def similarity(texts: Sequence[str]) -> list[float]:
        return [cosine(query, v) for v in sources.embedder.embed_documents(list(texts))]

    return timeline.windows(
        list(sources.catalog.sentences.values()),
        similarity,
        floor=sources.settings.timeline_floor,
        limit=TIMELINE_WINDOWS,
        series=SERIES,
    )


def _path(settings: Settings, generation: str) -> Path:
    return settings.data_dir / "facts" / f"{generation}.json"


class _Replies:
    """The model's timeline replies, kept by the passage text they were read from and the model."""

    def __init__(self, folder: Path, model_id: str) -> None:
        self._path = folder / "timeline-replies.json"
        self._model = model_id
        self._replies: dict[str, list[dict[str, Any]]] = {}
        self._changed = False
        if self._path.is_file():
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
        if self._changed:
            write_json(self._path, {self._model: self._replies})


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
