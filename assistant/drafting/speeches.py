"""Speech drafts grounded in the sources, every factual sentence footnoted.

The outline of each occasion is written by people (``speech_data/outlines.json``), not invented by the
model. Its parts are of three kinds:

- *said* parts (greeting, opening, the bridge from the Rencontres to the subject, the closing wish,
  thanks) are written out in each language and assert nothing: a part
  that names a number, a date, a name or a place (``checking.claims``) is refused when the outline loads;
- *rendered* parts (the Rencontres, the commitments) are the speaker's sentences, rendered from the fact
  base by templates (:mod:`speech_facts`), each fact footnoted; a commitment is quoted;
- *asked* parts (the speaker's subject; the others when there is no fact base) are questions put to the
  evidence-first engine, one at a time, so the small model stays grounded and fast. The model names
  the sentences that answer and writes; its reply is checked as an answer is, but the speech says the
  named sentences themselves, quoted and footnoted, after the part's said lead-in ("Sur ce sujet, nos
  sources rapportent ceci :"), said once. A speech is read out in public: the small model's
  paraphrases passed the checks with a wrong relation in them ("held for four years" from "the first
  meetings in four years"), so its words are not used. A question the sources do not answer is listed
  as a gap, never filled in. Questions are asked in French, the sources' language, whatever the
  speech's; the subject has up to four planned and more asked only while the speech is still short of
  its length. Quotes (or, in English or Japanese, their translations) fill at most ``QUOTED_SHARE`` of
  it: a speech of quotes under lead-ins is what its first readers rewrote whole.

Footnotes are numbered across the whole speech. A sentence is said once, and one holding a web address
or a © credit is not said at all (it cannot be read out; the quote sheet has the documents' links).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Protocol

from assistant.answer.checking import claims
from assistant.answer.quoting import quoted_text
from assistant.drafting import overview, purposes, speech_facts, speech_quotes
from assistant.errors import AssistantError
from assistant.models.embeddings import Embedder, cosine
from assistant.text.chunking import introduces
from assistant.text.inputs import has_letters_or_digits, typed_line
from assistant.text.language import message
from assistant.types import Answer, Citation

OCCASIONS = ("welcome", "council", "signing", "closing")
TONES = ("formal", "warm")
SAID = ("greeting", "opening", "bridge", "wish", "thanks", "lead")
MAX_POINTS = 4
# Of the length asked for, at most, in the sources' words (quoted, or their translation): a quarter of a
# speech 15 % shorter than asked. The rest is the speaker's own sentences.
QUOTED_SHARE = 0.25 * 0.85
# No question is put to the engine after this many seconds of drafting: a question takes 6 to 15 s on
# two cores, and in Japanese its quotes' translations up to 30 s more (a withheld one is tried again
# through English); a speech is ready within a minute.
ASKING_SECONDS = 20.0
# Nor is a further quote translated to fill the length after this many: one Japanese translation takes up
# to 15 s (tried again through English), and the speech is ready within a minute.
FILLING_SECONDS = 42.0
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|「[^」]*」")
ANSWER_WORDS = 45  # about what one checked answer holds; sets how many points a length asks for

SpeechProgress = Callable[[int, int, str], None]  # (parts done, parts in all, the part's title)


class Answers(Protocol):
    def answer(self, question: str, *, quote_only: bool = False) -> Answer: ...

    def translate(self, text: str, language: str) -> str: ...

    @property
    def embedder(self) -> Embedder: ...  # the index's: which commitment is nearest the purpose


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
    data = json.loads(
        (resources.files("assistant.drafting") / "speech_data" / "outlines.json").read_text(encoding="utf-8")
    )
    for lang in ("fr", "en", "ja"):
        said = data[lang]["said"]
        for text in [t for part in SAID for t in said[part].values()]:
            found = claims(text)
            if found:
                raise SpeechError(f"The outline's {lang} text {text!r} asserts {found}: said parts state no fact.")
    return data


def draft_speech(
    assistant: Answers,
    request: SpeechRequest,
    progress: SpeechProgress | None = None,
    *,
    facts: Mapping[str, Any] | None = None,
    seconds: float = ASKING_SECONDS,
) -> Speech:
    """Draft a speech: each said part as written, each asked part answered and checked by the engine.

    Given the fact base (``Assistant.known_facts``: its checked rows, commitments and their citations), the
    part on the Rencontres says their editions in sentences rendered from the rows, and the part on
    commitments says which edition's declaration lists them, then one of them quoted, each footnoted,
    instead of asking the engine. Quotes fill at most ``QUOTED_SHARE`` of the length asked for, and no
    question is asked after ``seconds`` of drafting.

    Long: the parts in the outline's order share one length budget, then the spare questions and the
    room left at the end; splitting them would pass the budget around as state."""
    started = time.perf_counter()
    request = checked(request)
    language = request.language
    data = outlines()
    texts = data[language]
    rate = data["rates"][request.language]
    unit = rate["unit"]
    leads = texts["said"]["lead"]  # one per asked part, said before its first quotes only
    lead_length = max(speech_quotes.length(lead, unit) for lead in leads.values())
    parts, spare = _parts(data["occasions"][request.occasion], data, request, rate)
    said_length = sum(speech_quotes.length(_said(texts, part, request), unit) for part, q in parts if q is None)
    # Each asked part says the quotes that fit in its share of what is left of the length asked for (its
    # first quote always), so a part that says less leaves more to the next. In English or Japanese a
    # quote is sized as its translation will be: at first 2.5 characters a French word in Japanese, then
    # as the speech's translations so far measure; a translation withheld (``translated_quote``) is not
    # read and takes no room. Room left at the end goes to the quotes the engine chose that had none:
    # the speech ends near the length asked for when the sources hold enough.
    wanted = request.minutes * rate["per_minute"]
    left = max(0.0, wanted - said_length)
    asked = sum(1 for _, q in parts if q is not None)
    steps = len(parts) + len(spare)
    voice = speech_quotes.Voice(assistant, request.language, unit)
    drafted: list[Section | _Quoted | _Rendered] = []
    gaps: list[str] = []
    pledged = (
        speech_facts.pledged(facts, texts["facts"], language, near=_near(assistant, request.purpose))
        if facts and any(p == "commitment" for p, _ in parts)
        else None
    )
    # What quotes may still fill, the commitment's quote set aside: the rest is the speaker's sentences.
    quotable = QUOTED_SHARE * wanted - (voice.size(pledged.items[0].quote) if pledged else 0.0)
    sizes: list[float] = []  # of the quotes offered so far: once even the shortest has no room, none is asked

    def full() -> bool:
        """Whether asking more would only cost time: the quotes fill their share, or time is up."""
        late = time.perf_counter() - started > seconds
        return late or quotable <= 0 or quotable < min(sizes, default=0.0)

    def ask(part: str, question: _Question, share: float) -> _Quoted | None:
        """The part's quotes that fit ``share`` (translated), or None when the sources do not answer."""
        nonlocal left, quotable
        answer = assistant.answer(question.asked, quote_only=True)
        if answer.refused or not answer.citations:
            return None
        taken = [c for d in drafted if isinstance(d, _Quoted) for c in d.said] + (pledged.items if pledged else [])
        offered = speech_quotes.new_quotes(answer, taken)  # a commitment quoted later is not said before
        sizes.extend(voice.size(c.quote) for c in offered)
        said = speech_quotes.within(offered, share - lead_length, voice.size, limit=quotable)
        if said:
            spoken = voice.say(said)
            said = [c for c in said if voice.readable(c)]  # a translation withheld: not said, not shown
            left = max(0.0, left - (lead_length if said else 0) - spoken)
            quotable -= spoken
        return _Quoted(part, texts["titles"][part], answer.mode, question.shown, offered, said)

    for done, (part, question) in enumerate(parts):
        title = texts["titles"][part]
        if progress:
            progress(done, steps, title)
        if question is None:
            if part != "bridge" or any(d.part == "context" for d in drafted):  # a bridge from what was said
                drafted.append(Section(part, title, _said(texts, part, request), "said"))
            continue
        rendered = None
        if part == "context" and facts and facts.get("rows"):
            rendered = [_Rendered(part, title, *speech_facts.context(facts, texts["facts"], language))]
        elif part == "commitment" and pledged:
            for item in pledged.items[:2]:  # in English or Japanese, the next if a translation is withheld
                spoken = voice.say([item])
                if voice.readable(item):
                    left -= spoken
                    rendered = [
                        _Rendered(part, title, pledged.lead, pledged.citations),
                        _Quoted(part, title, "quoted", "", [item], [item]),
                    ]
                    break
        if rendered:
            drafted += rendered
            left = max(0.0, left - speech_quotes.length(rendered[0].text, unit))
            worded = _QUOTED.findall(rendered[0].text)  # a theme, in the sources' words
            quotable -= sum(speech_quotes.length(q, unit) for q in worded)
            asked -= 1
            continue
        share, asked = left / max(asked, 1), asked - 1
        if full():
            continue
        quoted = ask(part, question, share)
        if quoted is None:
            gaps.append(question.shown)
        elif quoted.said:  # else only what the speech says already, or nothing that can be said aloud
            drafted.append(quoted)
    # Still more than a tenth short (parts the sources left unanswered, translations withheld): the
    # subject's further questions, said after its last point, while the outline has some.
    for done, question in enumerate(spare, start=len(parts)):
        if left <= wanted / 10 or full():
            break
        if progress:
            progress(done, steps, texts["titles"]["points"])
        quoted = ask("points", question, left)
        if quoted is not None and quoted.said:
            drafted.insert(_after_points(drafted), quoted)
    subject = next((q.shown for p, q in parts if p == "points" and q), None)
    if subject and not any(d.part == "points" for d in drafted):  # the speaker's to write; the draft says so
        gaps = [texts["subject_gap"].format(purpose=request.purpose), *(g for g in gaps if g != subject)]
    answered = [d for d in drafted if isinstance(d, _Quoted)]
    said = {speech_quotes.said_as(c) for d in answered for c in d.said}
    filled_by = started + seconds * FILLING_SECONDS / ASKING_SECONDS  # as the asking time is scaled
    for part, c in [(d, c) for d in answered for c in d.offered]:  # a quote two parts were offered: said once
        if time.perf_counter() > filled_by:
            break
        if speech_quotes.said_as(c) in said or introduces(c.quote) or voice.size(c.quote) > min(left, quotable):
            continue
        spoken = voice.say([c])
        if not voice.readable(c):
            continue
        left, quotable = max(0.0, left - spoken), quotable - spoken
        part.said.append(c)
        said.add(speech_quotes.said_as(c))
    if progress:
        progress(steps, steps, "")
    sections, citations = _numbered(drafted, leads, voice)
    length = sum(speech_quotes.length(read_aloud(s.text, request.language), unit) for s in sections)
    return Speech(request, sections, citations, tuple(gaps), length, unit, rate["per_minute"])


def _after_points(drafted: list[Section | _Quoted]) -> int:
    """Where a further point goes: after the last part on the subject, else before the closing parts."""
    points = [i for i, d in enumerate(drafted) if d.part in ("points", "context")]
    return points[-1] + 1 if points else max(0, len(drafted) - 1)


@dataclass
class _Rendered:
    """A part rendered from checked facts: its text with footnote marks [k] that number ``citations``."""

    part: str
    title: str
    text: str
    citations: dict[int, Citation]


@dataclass
class _Quoted:
    """An asked part as drafted: the quotes the engine offered (not said elsewhere), those said."""

    part: str
    title: str
    mode: str
    question: str
    offered: list[Citation]
    said: list[Citation]


def _numbered(
    drafted: list[Section | _Quoted | _Rendered], leads: dict[str, str], voice: speech_quotes.Voice
) -> tuple[tuple[Section, ...], tuple[Citation, ...]]:
    """The sections as said, footnotes numbered in order across the speech, each part's quotes in the
    engine's order after its lead-in (the first time the part is said: "Comme le rappellent nos
    sources" five times over reads as a collage); in English or Japanese their translations, in the
    speech's quotation marks, then one line that says they are machine translations, the French in the
    notes (a reader would read the French aloud)."""
    sections: list[Section] = []
    citations: list[Citation] = []
    led: set[str] = set()
    for d in drafted:
        if isinstance(d, Section):
            sections.append(d)
            continue
        if isinstance(d, _Rendered):  # it says what its quotes are: they need no lead-in
            sections.append(Section(d.part, d.title, overview.renumbered(d.text, d.citations, citations), "rendered"))
            led.add(d.part)
            continue
        said = [replace(c, n=len(citations) + i + 1) for i, c in enumerate(c for c in d.offered if c in d.said)]
        citations += said
        lead = [leads[d.part]] if d.part in leads and d.part not in led else []
        led.add(d.part)
        if voice.language == "fr":
            lines = [*lead, *(f"{quoted_text(c.quote)} [{c.n}]" for c in said)]
        else:  # the translation is read out, labelled once; the French is the note's quote
            translated = [(voice.translations.get((c.doc_id, c.start), ""), c.n) for c in said]
            quoted = [f"{speech_quotes.in_marks(t, voice.language)} [{n}]" for t, n in translated if t]
            lines = [*lead, *quoted, *([message("translated_quotes", voice.language)] if quoted else [])]
        if sections and sections[-1].part == d.part and sections[-1].mode != "said":  # one part, one heading
            sections[-1] = replace(sections[-1], text="\n".join([sections[-1].text, *lines]))
            continue
        sections.append(Section(d.part, d.title, "\n".join(lines), d.mode, d.question))
    return tuple(sections), tuple(citations)


def points_for(minutes: float, per_minute: int, unit: str) -> int:
    """How many points of the subject a speech of ``minutes`` has room for, beside its fixed parts."""
    words = minutes * per_minute / (2.5 if unit == "characters" else 1)  # a Japanese word ≈ 2.5 characters
    return max(1, min(MAX_POINTS, round((words - 3 * ANSWER_WORDS) / ANSWER_WORDS)))


def checked(request: SpeechRequest) -> SpeechRequest:
    """``request`` with its typed lines cleaned; SpeechError says what is wrong with it."""
    purpose, audience = typed_line(request.purpose), typed_line(request.audience)
    if not has_letters_or_digits(purpose):
        raise SpeechError("The speech needs a purpose: what is it for, what should it say?", reason="empty_purpose")
    if len(purpose) > 500:
        raise SpeechError("The purpose holds 500 characters at most.", reason="long_purpose")
    if len(audience) > 300:
        raise SpeechError("The audience holds 300 characters at most.", reason="long_audience")
    for value, allowed, what in (
        (request.occasion, OCCASIONS, "occasion"),
        (request.tone, TONES, "tone"),
        (request.language, ("fr", "en", "ja"), "language"),
    ):
        if value not in allowed:
            raise SpeechError(f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}.", reason=f"bad_{what}")
    if not 0.5 <= request.minutes <= 30:
        raise SpeechError("A speech lasts from 0.5 to 30 minutes.", reason="bad_minutes")
    return replace(request, purpose=purpose, audience=audience)


@dataclass(frozen=True)
class _Question:
    shown: str  # in the speech's language: a gap is listed so
    asked: str  # in French, the sources' language: asked in English or Japanese the engine found less


def _parts(
    outline: list[str], data: dict[str, Any], request: SpeechRequest, rate: dict[str, Any]
) -> tuple[list[tuple[str, _Question | None]], list[_Question]]:
    """The outline as (part, question to ask or None for a said part), the subject in as many points
    as the length allows at ``rate``; and the subject's questions left over, asked if the speech is short."""
    shown, french = data[request.language]["asked"], data["fr"]["asked"]

    def question(part: str, k: int = 0) -> _Question:
        if part != "points":
            return _Question(shown[part], french[part])
        return _Question(*(q["points"][k].format(purpose=request.purpose) for q in (shown, french)))

    points = [question("points", k) for k in range(len(french["points"]))]
    planned = points_for(request.minutes, rate["per_minute"], rate["unit"])
    out: list[tuple[str, _Question | None]] = []
    for part in outline:
        if part in SAID:
            out.append((part, None))
        elif part == "points":
            out += [(part, q) for q in points[:planned]]
        else:
            out.append((part, question(part)))
    return out, points[planned:]


def _said(texts: dict[str, Any], part: str, request: SpeechRequest) -> str:
    """A said part as written; the opening then says the speaker's purpose, and the close says it again
    before its thanks, in the speaker's voice (:mod:`purposes`; a purpose is no claim to check: it is what
    the speaker came to say)."""
    said = texts["said"][part]
    text = str(said.get(request.occasion) or said[request.tone])
    said_purpose = purposes.said(texts["said"]["purpose"], part, request.purpose, request.language)
    if not said_purpose:
        return text
    space = "" if request.language == "ja" else " "
    return f"{text}{space}{said_purpose}" if part == "opening" else f"{said_purpose}{space}{text}"


def _near(assistant: Answers, purpose: str) -> Callable[[str], float]:
    """A text's similarity to ``purpose`` by the index's embedder (a query's vector against a passage's)."""
    wanted = assistant.embedder.embed_query(purpose)
    return lambda text: cosine(wanted, assistant.embedder.embed_documents([text])[0])


def read_aloud(text: str, language: str) -> str:
    """What the speaker reads out: not the line that says the quotes are machine translations."""
    return "\n".join(line for line in text.splitlines() if line != message("translated_quotes", language))
