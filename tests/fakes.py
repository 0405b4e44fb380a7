"""Fakes for unit tests: an embedder with designed geometry and a chat model that replays replies."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from assistant.answer import kinds, verifying
from assistant.errors import ModelError
from assistant.models.generation import OutputFormat

# Each dimension is a concept, triggered by any of its words (French, English, Japanese). Two texts
# are similar exactly when they share concepts, so the right ranking is obvious from the fixture.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "takamatsu": ("takamatsu", "高松"),
    "nancy": ("nancy", "ナンシー"),
    "2014": ("2014",),
    "2008": ("2008",),
    "host": ("accueilli", "hosted", "host", "organisées", "lieu", "開催"),
    "hydrogen": ("hydrogène", "hydrogen", "水素"),
    "workshop": ("atelier", "workshop", "ワークショップ"),
    "shizuoka": ("shizuoka", "静岡"),
    "youth": ("jeunes", "jeunesse", "young", "youth", "若者"),
    "water": ("eau", "water", "水資源"),
}


def concept_vector(text: str) -> list[float]:
    lowered = text.casefold()
    vec = [1.0 if any(w in lowered for w in words) else 0.0 for words in CONCEPTS.values()]
    vec.append(0.05)  # never a zero vector
    norm = math.sqrt(sum(x * x for x in vec))
    return [x / norm for x in vec]


class FakeEmbedder:
    """Counts what it embeds; ``fail_after`` documents, it raises like a crashing model would."""

    def __init__(self, *, fail_after: int | None = None, model_id: str = "fake-embedder") -> None:
        self.documents_embedded = 0
        self.queries_embedded = 0
        self.fail_after = fail_after
        self._model_id = model_id

    @property
    def model_id(self) -> str:
        return self._model_id

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        self.queries_embedded += len(texts)
        return [concept_vector(t) for t in texts]

    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> list[list[float]]:
        if self.fail_after is not None and self.documents_embedded + len(texts) > self.fail_after:
            raise ModelError("fake embedder failure")
        self.documents_embedded += len(texts)
        return [concept_vector(t) for t in texts]


Reply = str | Callable[[list[dict[str, str]]], str]


class FakeChatModel:
    """Replays scripted replies in order (the last one repeats); records the prompts it was given.

    A reply may be a function of the messages, for replies that name what the prompt numbered. The
    second reading (``verifying``: do the named sentences give the answer?) is answered from ``readings``
    instead, in order (the last one repeats), and recorded in ``reading_calls``; what a reply names
    (``kinds``) from ``named``, the same way, recorded in ``kind_calls``.
    """

    def __init__(
        self,
        replies: Sequence[Reply] | None = None,
        *,
        error: Exception | None = None,
        readings: Sequence[str] = ("YES",),
        named: Sequence[str] = ("PERSON",),
    ) -> None:
        self.replies = list(replies or ["Je ne sais pas."])
        self.error = error
        self.readings = list(readings)
        self.reading_calls: list[list[dict[str, str]]] = []
        self.named = list(named)
        self.kind_calls: list[list[dict[str, str]]] = []
        self.calls: list[list[dict[str, str]]] = []
        self.outputs: list[OutputFormat | None] = []  # the reply shape asked for, per call

    @property
    def model_id(self) -> str:
        return "fake-chat"

    def stream(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        output: OutputFormat | None = None,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        if self.error is not None:
            self.calls.append(messages)
            raise self.error
        if output is verifying.OUTPUT:
            self.reading_calls.append(messages)
            yield self.readings[min(len(self.reading_calls) - 1, len(self.readings) - 1)]
            return
        if output is kinds.OUTPUT:
            self.kind_calls.append(messages)
            yield self.named[min(len(self.kind_calls) - 1, len(self.named) - 1)]
            return
        self.calls.append(messages)
        self.outputs.append(output)
        reply = self.replies[min(len(self.calls) - 1, len(self.replies) - 1)]
        if callable(reply):
            reply = reply(messages)
        for i in range(0, len(reply), 7):  # stream in small pieces, as a real model does
            yield reply[i : i + 7]

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int, temperature: float = 0.0) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, temperature=temperature))


def one_document(folder: Path, name: str, text: str) -> Path:
    """``folder`` made a corpus of one document, ``name``, holding ``text``; the folder returned."""
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def sentence_id(messages: list[dict[str, str]], word: str) -> str:
    """The id ("S3") under which the prompt numbered the first sentence holding ``word``."""
    for line in messages[-1]["content"].splitlines():
        if line.startswith("S") and ":" in line and word in line:
            return line.split(":", 1)[0]
    raise AssertionError(f"no numbered sentence holds {word!r}")


def grounded(word: str, answer: str, *, standalone: str = "") -> Callable[[list[dict[str, str]]], str]:
    """A grammar-shaped reply naming the sentence that holds ``word``, or NONE when no sentence shown
    holds it; to a prompt that numbers no sentence (a follow-up's rewriting), ``standalone`` (else
    ``answer``) alone."""

    def reply(messages: list[dict[str, str]]) -> str:
        if "\nS1: " not in messages[-1]["content"]:
            return standalone or answer
        try:
            return f"EVIDENCE: {sentence_id(messages, word)}\nANSWER: {answer}"
        except AssertionError:
            return NOT_IN_SOURCES

    return reply


NOT_IN_SOURCES = "EVIDENCE: NONE\nANSWER: NOT_IN_SOURCES"
