"""The evidence-first answer: the model names the sentences it uses, then writes; the code checks.

:class:`EvidenceFirstWriter` chains the stages of one answer: the grounded call (``grounding``), the
checks against the named sentences (``checking``), and the outcome: the answer cited sentence by
sentence, the named sentences quoted, or a refusal. ``pipeline.Assistant`` retrieves and builds what
the model is shown, then hands over here.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from assistant.answer import checking, kinds, verifying
from assistant.answer.citations import cite
from assistant.answer.grounding import parse_reply, render_evidence, write_grounded
from assistant.answer.lists import asks_for_list
from assistant.errors import ModelError
from assistant.models.generation import ChatModel, complete
from assistant.prompts import load_prompt
from assistant.text import transliteration
from assistant.text.language import LANGUAGE_NAMES, message, written_in
from assistant.text.questions import CJK, asks_for_number, asks_for_place, asks_for_title
from assistant.types import Answer, AnswerEvent, Candidate, Citation, Evidence, Final, Progress

logger = logging.getLogger(__name__)


class EvidenceFirstWriter:
    """Writes and checks one answer from numbered evidence with a chat model (ModelError propagates)."""

    def __init__(
        self,
        model: ChatModel,
        document_text: Callable[[str], str],
        *,
        max_tokens: int,
        temperature: float,
        evidence_floor: float,
        second_reading: bool,
        quote_unchecked: bool,
    ) -> None:
        self._model = model
        self._document_text = document_text
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._evidence_floor = evidence_floor
        self._second_reading = second_reading
        self._quote_unchecked = quote_unchecked

    def answer_events(
        self,
        base: Answer,
        shown: Sequence[Candidate],
        question: str,
        query_vector: Sequence[float],
        timings: dict[str, float],
        started: float,
        *,
        quote_only: bool = False,
    ) -> Iterator[AnswerEvent]:
        """The model names the sentences it uses, then writes; ``checking`` judges the text against them.

        The outcome is the written answer cited sentence by sentence, the named sentences quoted, or a
        refusal. With ``second_reading``, the model is then asked whether the named sentences give the
        answer at all (``verifying``); a NO refuses. Asked who or which theme, the model says what the
        reply names (``kinds``): a reply of another kind is quoted. A reply in another language than the question's is
        translated, then judged again.
        With ``quote_only``, a reply that passes is shown as the named sentences quoted, never reworded,
        and not translated: a speech or a brief says some of them and translates what it says.

        Nothing the model writes is streamed: the named sentences are (:class:`Evidence`, verbatim
        source text), then the checked answer.

        Long: the stages of one answer in the order they run (write, check, read again, translate,
        cite), each announced by its Progress event.
        """
        yield Progress("generating")
        language = base.language
        messages = grounded_messages(shown, question, language)
        pieces: list[str] = []
        named = False  # the named sentences are shown once, as soon as the answer starts
        for _ in write_grounded(
            self._model, messages, len(shown), max_tokens=self._max_tokens, temperature=self._temperature, pieces=pieces
        ):
            timings.setdefault("first_token", ms(started))
            if not named:
                named = True
                yield self._evidence(parse_reply("".join(pieces), len(shown)).ids, shown)
        reply = parse_reply("".join(pieces), len(shown))
        if not named and reply.ids:  # a JSON reply (OpenAI-compatible servers) is read whole
            yield self._evidence(reply.ids, shown)
        text = reply.text
        if reply.malformed:
            logger.warning("the model's reply had no evidence line: %r", text[:200])
        if reply.invalid_ids:
            logger.warning("the model named sentences it was not shown: %s", reply.invalid_ids)

        # A follow-up is checked on what it asked as well as on its rewriting: "Et en 2016 ?" rewritten
        # without its year still needs 2016 in the evidence.
        asked = question if base.question == question else f"{question} {base.question}"

        def judge(text: str) -> checking.Verdict:
            return checking.check_reply(
                text,
                reply.ids,
                shown,
                question=asked,
                query_vector=query_vector,
                evidence_floor=self._evidence_floor,
                quote_unchecked=self._quote_unchecked,
            )

        yield Progress("checking")
        verdict = judge(text)
        if verdict.mode != "refused" and self._second_reading and not quote_only:
            named = [shown[i - 1].sentence.text for i in verdict.evidence]
            if not verifying.gives_answer(self._model, question, named):
                verdict = checking.Verdict("refused", verdict.evidence, ("the named sentences do not give the answer",))
        if verdict.mode == "answer" and self._second_reading and not quote_only:
            wrong = self._wrong_kind(question, text)
            if wrong:  # asked who, a list of cities; asked the theme, a postponement
                problem = f"the question asks for a {wrong} and the reply names something else"
                verdict = replace(verdict, mode="quoted", problems=(problem,))
        if quote_only and verdict.mode == "answer":
            verdict = replace(verdict, mode="quoted")
        if verdict.mode == "answer" and not written_in(text, language):
            yield Progress("rewording")
            translated = self._translate(text, language)
            if translated:
                text, verdict = translated, judge(translated)
                if verdict.mode == "answer" and not written_in(text, language):
                    verdict = replace(verdict, mode="quoted")
        timings["total"] = ms(started)
        why = "; ".join(verdict.problems) or None
        if verdict.mode == "refused":
            yield Final(refusal(base, timings, started, dropped=(text,), why=why))
            return
        if verdict.mode == "quoted":
            evidence = [shown[i - 1] for i in verdict.evidence]
            if language != "fr" and not quote_only:
                yield Progress("translating")
            quoted = self._quoted(
                base, evidence, timings, started, dropped=(text,), notice=why, translated=not quote_only
            )
            yield Final(quoted)
            return
        cited, citations = self._cite_sentences(text, verdict.evidence, shown)
        if not citations:
            yield Final(refusal(base, timings, started, dropped=(text,)))
            return
        if bare(text):  # "14 [1]": what 14 counts is in its source sentence, shown under it
            cited += "".join(f"\n{quoted_text(c.quote)} [{c.n}]" for c in citations)
        yield Final(replace(base, text=cited, citations=citations, refused=False, timings_ms=timings))

    def _wrong_kind(self, question: str, text: str) -> str | None:
        """The kind the question asks for ("person", "title") if the model says the reply names another;
        a question asking for more than one thing ("who and when") is left to the other checks."""
        wanted = kinds.checked_by_model(question)
        if len(wanted) != 1 or asks_for_number(question) or asks_for_place(question):
            return None
        named = kinds.named_kind(self._model, text)
        return None if kinds.fits(wanted[0], named) else wanted[0]

    @staticmethod
    def _evidence(ids: Sequence[int], shown: Sequence[Candidate]) -> Evidence:
        return Evidence(tuple(shown[i - 1].sentence.text for i in ids if 0 < i <= len(shown)))

    def _cite_sentences(
        self, text: str, evidence: Sequence[int], shown: Sequence[Candidate]
    ) -> tuple[str, tuple[Citation, ...]]:
        """The text with [n] markers: each sentence cites the evidence holding its claims (``checking.attribute``).
        Citations are numbered in order of first use."""
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        out = []
        for sentence, ids in checking.attribute(text, evidence, shown):
            marks = []
            for i in ids:
                if i not in numbers:
                    citation = cite(shown[i - 1], len(citations) + 1, self._document_text)
                    if citation is None:
                        continue
                    numbers[i] = citation.n
                    citations.append(citation)
                marks.append(f"[{numbers[i]}]")
            if marks:
                out.append(f"{sentence} {''.join(marks)}")
        return " ".join(out), tuple(citations)

    def _translate(self, text: str, language: str) -> str:
        return translate(self._model, text, language, max_tokens=self._max_tokens)

    def _quoted(
        self,
        base: Answer,
        evidence: Sequence[Candidate],
        timings: dict[str, float],
        started: float,
        *,
        dropped: Sequence[str] = (),
        notice: str | None = None,
        translated: bool = True,
    ) -> Answer:
        """The named sentences verbatim and cited; for a question in English or Japanese and if
        ``translated``, followed by a machine translation that says it is one (it is not checked)."""
        wanted = translated and base.language != "fr"
        translate = (lambda text: self._translate(text, base.language)) if wanted else None
        return quote_sentences(
            base,
            evidence,
            self._document_text,
            label="quoted",
            timings=timings,
            started=started,
            translate=translate,
            dropped=dropped,
            notice=notice,
        )


def translate(model: ChatModel, text: str, language: str, *, max_tokens: int) -> str:
    """``text`` in ``language`` by the chat model, or "" if it fails (a machine translation, unchecked)."""
    messages = [
        {"role": "user", "content": load_prompt("translate").format(language=LANGUAGE_NAMES[language], text=text)}
    ]
    try:
        return " ".join(complete(model, messages, max_tokens=max_tokens).split())
    except ModelError as exc:
        logger.warning("translation failed: %s", exc)
        return ""


def bare(text: str) -> bool:
    """True if an answer is a bare value ("14.", "Takamatsu", "14団体です。"): a few words, or in Japanese
    a few characters, that say nothing of what they count or name."""
    if CJK.search(text):
        return len("".join(text.split())) <= 12
    return len(text.split()) <= 3


def quoted_text(quote: str) -> str:
    """A source sentence as the answers, speeches and briefs show it: on one line, in guillemets."""
    return f"« {' '.join(quote.split())} »"


def translated_quotes(
    translate: Callable[[str], str],
    quotes: Sequence[str],
    marks: Sequence[int],
    language: str,
    *,
    to_english: Callable[[str], str] | None = None,
) -> str:
    """The quotes machine-translated one at a time (given the list at once, the small model dropped
    lines: three workshop titles of four quotes went untranslated), as a :func:`translation_line`."""
    pairs = [
        (translated_quote(translate, q, language, to_english=to_english), n) for q, n in zip(quotes, marks, strict=True)
    ]
    return translation_line(pairs, language)


def translated_quote(
    translate: Callable[[str], str], quote: str, language: str, *, to_english: Callable[[str], str] | None = None
) -> str:
    """``translate(quote)`` if it states the numbers ``quote`` states (years, dates, counts; in digits,
    words, month names or kanji), no more and no fewer, does not loop, and, in Japanese, names no place,
    person or body that ``quote`` does not (``transliteration``); else "".

    A machine translation is shown labelled as unchecked, but the small model turned "2022" into "2021年",
    a list of years into "the 1st … 6th" (eval/README.md), Nancy into 奈良 and
    « françaises » into ロシア. Names an English translation changes are not caught.

    Given ``to_english`` (for a speech or a brief, not a chat answer: it costs two more model calls), a
    Japanese translation withheld is tried once more through English, each step checked against the
    French quote: the small model translates French into English better than into Japanese (« collectivités
    locales françaises » became ロシアの地域団体 directly, フランス人と日本人のコミュニティ through English).
    """
    translation = _faithful(translate(quote), quote, language)
    if translation or to_english is None or language == "en":
        return translation
    english = _faithful(to_english(quote), quote, "en")
    return _faithful(translate(english), quote, language) if english else ""


def _faithful(translation: str, quote: str, language: str) -> str:
    if checking.numbers(translation) != checking.numbers(quote) or loops(translation):
        return ""
    if language == "ja" and transliteration.lost_names(quote, translation):
        return ""
    return translation


def loops(text: str) -> bool:
    """Whether ``text`` is the small model caught in a loop, cut only by the token limit: a few words
    written five times over in a row ("代表者団体の代表者団体の…" for a photo caption), or a run of 15
    characters (spaces aside) three times anywhere ("文化的交流と相互理解を通じて、さまざまな価値を学び、…" a
    clause of 50 characters, three times). No sentence of the corpus and no faithful translation
    recorded in eval/README.md repeats 15 characters three times."""
    if _STUTTER.search(text):
        return True
    letters = "".join(text.split())
    runs = Counter(letters[i : i + 15] for i in range(len(letters) - 14))
    return any(n >= 3 for n in runs.values())


_STUTTER = re.compile(r"(\S.{1,40}?)\1{4,}")


def quoted_block(
    lead: str,
    quotes: Sequence[str],
    marks: Sequence[int],
    language: str,
    translate: Callable[[str], str] | None,
    *,
    to_english: Callable[[str], str] | None = None,
) -> str:
    """``lead``, then each quote in guillemets with its footnote mark, then (given ``translate``) their
    labelled translation after a blank line: how answers and briefs show the sources' own sentences."""
    quoted = [quoted_text(q) for q in quotes]
    lines = [lead, *(f"{q} [{n}]" for q, n in zip(quoted, marks, strict=True))]
    translated = translated_quotes(translate, quoted, marks, language, to_english=to_english) if translate else ""
    return "\n".join([*lines, "", translated] if translated else lines)


def translation_line(translations: Sequence[tuple[str, int]], language: str) -> str:
    """(translation, footnote mark) pairs as one line, under the label that says the translation is not
    checked; "" if none was translated."""
    said = [f"{t} [{n}]" for t, n in translations if t]
    return f"{message('machine_translation', language)} {' '.join(said)}" if said else ""


def grounded_messages(shown: Sequence[Candidate], question: str, language: str) -> list[dict[str, str]]:
    """The grounded prompt: the sentences numbered under their documents' headings, then the question."""
    groups: list[tuple[str, list[str]]] = []
    for c in shown:  # consecutive sentences of one document share its heading
        if not groups or groups[-1][0] != c.heading:
            groups.append((c.heading, []))
        groups[-1][1].append(c.sentence.text)
    return [
        {"role": "system", "content": load_prompt("grounded_system")},
        {
            "role": "user",
            "content": load_prompt("grounded_user").format(
                evidence=render_evidence(groups), question=question, language=LANGUAGE_NAMES[language]
            ),
        },
    ]


def quote_sentences(
    base: Answer,
    sentences: Sequence[Candidate],
    document_text: Callable[[str], str],
    *,
    label: str,
    timings: dict[str, float],
    started: float,
    translate: Callable[[str], str] | None = None,
    dropped: Sequence[str] = (),
    notice: str | None = None,
) -> Answer:
    """Source sentences as the answer, verbatim, in reading order, each cited; under ``label`` (a message
    key: "quoted", "extracts"), then ``translate``'s rendering of them, labelled a machine translation.
    Headings are left out unless :func:`quotable_heading`. A refusal if no quote can be verified at its
    offsets."""
    citations: list[Citation] = []
    sentences = [c for c in sentences if not c.is_heading or quotable_heading(c, base.question)]
    for c in sorted(sentences, key=lambda c: (c.passage.rank, c.sentence.start)):
        citation = cite(c, len(citations) + 1, document_text)
        if citation is not None:
            citations.append(citation)
    if not citations:
        return refusal(base, timings, started, dropped=dropped, why=notice)
    marks = range(1, len(citations) + 1)
    text = quoted_block(message(label, base.language), [c.quote for c in citations], marks, base.language, translate)
    timings.setdefault("first_token", ms(started))
    timings["total"] = ms(started)
    return replace(
        base,
        text=text,
        citations=tuple(citations),
        refused=False,
        extractive=True,
        dropped_sentences=tuple(dropped),
        notice=notice,
        timings_ms=timings,
    )


def quotable_heading(candidate: Candidate, question: str) -> bool:
    """Whether a heading may be quoted: as an item of a list ("Atelier 2 : Une société responsable"
    under "… trois ateliers :"), or as a title of three words or more when the question asks for a list
    or a title. "Conclusion" or "DÉCLARATION FINALE" is what the sentences below it are about, not a
    statement of the sources."""
    if candidate.introduced_by is not None:
        return True
    text = candidate.sentence.text
    long_enough = len("".join(text.split())) >= 6 if CJK.search(text) else len(text.split()) >= 3
    return long_enough and (asks_for_list(question) or asks_for_title(question))


def refusal(
    base: Answer, timings: dict[str, float], started: float, *, dropped: Sequence[str] = (), why: str | None = None
) -> Answer:
    """The refusal in the question's language; ``dropped`` keeps what the model wrote, ``why`` the reason."""
    timings.setdefault("first_token", ms(started))
    timings["total"] = ms(started)
    return replace(
        base,
        text=message("refusal", base.language),
        citations=(),
        refused=True,
        dropped_sentences=tuple(dropped),
        notice=why,
        timings_ms=timings,
    )


def ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading), rounded."""
    return round((time.perf_counter() - started) * 1000, 1)
