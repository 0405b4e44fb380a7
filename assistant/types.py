"""The data that flows between stages: frozen, plain, and carrying exact source offsets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` into a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A source document as loaded: ``text`` is what every offset points into.

    ``content`` lists the spans of ``text`` that carry content, in order: web-page chrome and
    extraction debris fall between them and never reach a chunk.
    """

    doc_id: str
    source: str  # path relative to the corpus folder
    title: str
    text: str
    content: tuple[Span, ...]
    sha256: str  # of the file's bytes: what changes when the document changes
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document; ``text == document.text[start:end]`` always holds."""

    chunk_id: str
    doc_id: str
    start: int
    end: int
    text: str
    heading_path: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A chunk found for a query; ``score`` is higher-is-better whatever the method."""

    chunk: Chunk
    title: str
    source: str
    score: float
    rank: int
    dense_score: float | None = None  # cosine similarity in [-1, 1]
    lexical_score: float | None = None  # BM25


@dataclass(frozen=True)
class Citation:
    """A verbatim quote of a source document, at offsets checked against its text."""

    n: int
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    quote: str
    passage: Passage


@dataclass(frozen=True)
class Answer:
    """What the assistant says: text with [n] markers, the citations they point to, and how."""

    question: str
    language: str
    text: str
    citations: tuple[Citation, ...]
    refused: bool
    passages: tuple[Passage, ...] = ()
    extractive: bool = False  # quoted source sentences, no model wrote this
    standalone_question: str | None = None
    dropped_sentences: tuple[str, ...] = ()  # model sentences the sources did not support
    notice: str | None = None  # why the answer is extractive, for instance
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        """ "answer" (written and verified), "quoted" (source sentences shown verbatim) or "refused"."""
        return "refused" if self.refused else "quoted" if self.extractive else "answer"


@dataclass(frozen=True)
class Progress:
    """A stage of answering has started: "loading" (the models), "retrieving", "rewriting", "generating", "checking"."""

    stage: str


@dataclass(frozen=True)
class Evidence:
    """The source sentences the model named, verbatim, as soon as it names them: what its answer will be
    checked against. The answer itself is shown only once checked (:class:`Final`)."""

    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Final:
    """The checked answer, always the last event."""

    answer: Answer


AnswerEvent = Progress | Evidence | Final


@dataclass(frozen=True)
class Candidate:
    """A source sentence the model was shown, with the passage it belongs to."""

    passage: Passage
    sentence: Chunk
    vector: Sequence[float]
    about: str = ""  # what the sentence's document is: title, host city and year
    introduced_by: str | None = None  # for an item of a list: its introduction's sentence id

    @property
    def heading(self) -> str:
        return self.about or self.passage.title

    @property
    def is_heading(self) -> bool:
        """The sentence is a heading of its document ("Conclusion", "Atelier 2 : Société"): what the
        sentences below it are about, not a statement."""
        return bool(self.sentence.metadata.get("heading"))
