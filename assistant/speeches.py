"""Speech drafts grounded in the sources, every factual sentence footnoted.

The outline of each occasion is written by people (``speech_data/outlines.json``), not invented by the
model. Its parts are of two kinds:

- *said* parts (greeting, opening, thanks) are written out in each language and assert nothing: a part
  that names a number, a date, a name or a place (``checking.claims``) is refused when the outline loads;
- *asked* parts (the Rencontres, the speaker's subject, commitments) are questions put to the
  evidence-first engine, one at a time, so the small model stays grounded and fast. The model names
  the sentences that answer and writes; its reply is checked as an answer is, but the speech says the
  named sentences themselves, quoted and footnoted, after a said lead-in ("Comme le rappellent nos
  sources :"). A speech is read out in public: the small model's paraphrases passed the checks with a
  wrong relation in them ("held for four years" from "the first meetings in four years"), so its
  words are not used. A question the sources do not answer is listed as a gap, never filled in.

Footnotes are numbered across the whole speech. A sentence is said once, and one holding a web address
is not said at all (it cannot be read out; the quote sheet has the documents' links).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Protocol

from assistant.checking import URL, claims
from assistant.citing import has_words
from assistant.errors import AssistantError
from assistant.language import message
from assistant.types import Answer, Citation

OCCASIONS = ("welcome", "council", "signing", "closing")
TONES = ("formal", "warm")
SAID = ("greeting", "opening", "thanks", "lead")
MAX_POINTS = 4
ANSWER_WORDS = 45  # about what one checked answer holds; sets how many points a length asks for

SpeechProgress = Callable[[int, int, str], None]  # (parts done, parts in all, the part's title)


class Answers(Protocol):
    def answer(self, question: str, *, engine: str | None = None) -> Answer: ...

    def translate(self, text: str, language: str) -> str: ...


@dataclass(frozen=True)
class SpeechRequest:
    purpose: str
    occasion: str = "welcome"
    audience: str = ""
    minutes: float = 3.0
    tone: str = "formal"
    language: str = "fr"


@dataclass(frozen=True)
class Section:
    part: str  # a part of the outline: "greeting", "context", "points"…
    title: str
    text: str  # with [n] footnote markers numbered across the speech
    mode: str  # "said" (states no fact) or "quoted" (the sources' sentences, footnoted)
    question: str | None = None


@dataclass(frozen=True)
class Speech:
    request: SpeechRequest
    sections: tuple[Section, ...]
    citations: tuple[Citation, ...]
    gaps: tuple[str, ...] = ()  # questions of the outline the sources did not answer
    length: int = 0  # in the rate's unit
    unit: str = "words"
    per_minute: int = 130

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)

    @property
    def minutes(self) -> float:
        return round(self.length / self.per_minute, 1)


class SpeechError(AssistantError):
    """A speech cannot be drafted as asked (unknown occasion, tone or language, empty purpose)."""


@cache
def outlines() -> dict[str, Any]:
    """The outlines, checked: every said part of every language asserts nothing checkable."""
    data = json.loads((resources.files("assistant") / "speech_data" / "outlines.json").read_text(encoding="utf-8"))
    for lang in ("fr", "en", "ja"):
        said = data[lang]["said"]
        for text in [t for part in SAID for t in said[part].values()]:
            found = claims(text)
            if found:
                raise SpeechError(f"The outline's {lang} text {text!r} asserts {found}: said parts state no fact.")
    return data


def draft_speech(assistant: Answers, request: SpeechRequest, progress: SpeechProgress | None = None) -> Speech:
    """Draft a speech: each said part as written, each asked part answered and checked by the engine."""
    request = _checked(request)
    data = outlines()
    texts = data[request.language]
    rate = data["rates"][request.language]
    parts = _parts(data["occasions"][request.occasion], texts, request, rate)
    said_length = sum(_length(_said(texts, part, request), rate["unit"]) for part, q in parts if q is None)
    asked = sum(1 for _, q in parts if q is not None)
    # Each asked part says the quotes that fit in its share of the length asked for (its first quote
    # always): the speech ends near the length asked for.
    share = max(0.0, request.minutes * rate["per_minute"] - said_length) / max(asked, 1)
    sections: list[Section] = []
    citations: list[Citation] = []
    gaps: list[str] = []
    for done, (part, question) in enumerate(parts):
        title = texts["titles"][part]
        if progress:
            progress(done, len(parts), title)
        if question is None:
            sections.append(Section(part, title, _said(texts, part, request), "said"))
            continue
        answer = assistant.answer(question, engine="quotes")
        if answer.refused or not answer.citations:
            gaps.append(question)
            continue
        new = _within(_new_quotes(answer, citations), share, rate["unit"])
        if not new:
            continue  # only what the speech says already, or nothing that can be said aloud
        quotes = [f"« {' '.join(c.quote.split())} »" for c in new]
        translated = []
        if request.language != "fr":  # what the speech says of the sentences the engine chose
            said = assistant.translate("\n".join(quotes), request.language)
            translated = [f"{message('machine_translation', request.language)} {said}"] if said else []
        footnoted = [f"{q} [{c.n}]" for q, c in zip(quotes, new, strict=True)]
        text = "\n".join([texts["said"]["lead"][request.tone], *footnoted, *translated])
        citations.extend(new)
        sections.append(Section(part, title, text, answer.mode, question))
    if progress:
        progress(len(parts), len(parts), "")
    length = sum(_length(_spoken(s.text, request.language), rate["unit"]) for s in sections)
    return Speech(request, tuple(sections), tuple(citations), tuple(gaps), length, rate["unit"], rate["per_minute"])


def points_for(minutes: float, per_minute: int, unit: str) -> int:
    """How many points of the subject a speech of ``minutes`` has room for, beside its fixed parts."""
    words = minutes * per_minute / (2.5 if unit == "characters" else 1)  # a Japanese word ≈ 2.5 characters
    return max(1, min(MAX_POINTS, round((words - 3 * ANSWER_WORDS) / ANSWER_WORDS)))


def _checked(request: SpeechRequest) -> SpeechRequest:
    purpose = " ".join(request.purpose.split())
    if not purpose:
        raise SpeechError("The speech needs a purpose: what is it for, what should it say?", reason="empty_purpose")
    if len(purpose) > 500:
        raise SpeechError("The purpose holds 500 characters at most.", reason="long_purpose")
    for value, allowed, what in (
        (request.occasion, OCCASIONS, "occasion"),
        (request.tone, TONES, "tone"),
        (request.language, ("fr", "en", "ja"), "language"),
    ):
        if value not in allowed:
            raise SpeechError(f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}.", reason=f"bad_{what}")
    if not 0.5 <= request.minutes <= 30:
        raise SpeechError("A speech lasts from 0.5 to 30 minutes.", reason="bad_minutes")
    return replace(request, purpose=purpose, audience=request.audience.strip())


def _parts(
    outline: list[str], texts: dict[str, Any], request: SpeechRequest, rate: dict[str, Any]
) -> list[tuple[str, str | None]]:
    """The outline as (part, question to ask or None for a said part), the subject in as many points
    as the length allows at ``rate``."""
    out: list[tuple[str, str | None]] = []
    for part in outline:
        if part in SAID:
            out.append((part, None))
        elif part == "points":
            asked = texts["asked"]["points"][: points_for(request.minutes, rate["per_minute"], rate["unit"])]
            out += [(part, q.format(purpose=request.purpose)) for q in asked]
        else:
            out.append((part, texts["asked"][part]))
    return out


def _said(texts: dict[str, Any], part: str, request: SpeechRequest) -> str:
    said = texts["said"][part]
    return str(said.get(request.occasion) or said[request.tone])


def _within(quotes: list[Citation], share: float, unit: str) -> list[Citation]:
    """The quotes that fit in ``share`` of the speech's length, in order; the first one always. A quote
    is sized as it will be said: in characters, as many as its translation (2.5 a word), not its own."""
    kept: list[Citation] = []
    length = 0.0
    for c in quotes:
        size = _length(c.quote, "words") * (2.5 if unit == "characters" else 1)
        if kept and length + size > share:
            continue
        kept.append(c)
        length += size
    return kept


def _new_quotes(answer: Answer, cited: list[Citation]) -> list[Citation]:
    """The answer's quotes the speech has not said yet and that can be said aloud (words, no web
    address: not a list's "2."), numbered after ``cited``."""
    said = {(c.doc_id, c.start, c.end) for c in cited}
    new: list[Citation] = []
    for c in answer.citations:
        if (c.doc_id, c.start, c.end) in said or URL.search(c.quote) or not has_words(c.quote):
            continue
        said.add((c.doc_id, c.start, c.end))
        new.append(replace(c, n=len(cited) + len(new) + 1))
    return new


def _spoken(text: str, language: str) -> str:
    """What the speaker reads out: in English or Japanese the translation, not the French quotes."""
    if language == "fr":
        return text
    return "\n".join(line for line in text.splitlines() if not line.startswith("«"))


def _length(text: str, unit: str) -> int:
    plain = re.sub(r"\[\d+\]", "", text)
    return len("".join(plain.split())) if unit == "characters" else len(plain.split())
