"""The evidence-first answer: the model names the sentences it uses, then writes; the code checks.

:class:`EvidenceFirstWriter` chains the stages of one answer: the grounded call (``grounding``), the
checks against the named sentences (``checking``), and the outcome: the answer cited sentence by
sentence, the named sentences quoted, or a refusal. ``pipeline.Assistant`` retrieves and builds what
the model is shown, then hands over here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from assistant.answer import checking, kinds, verifying
from assistant.answer.citations import cite
from assistant.answer.grounding import parse_reply, render_evidence, write_grounded
from assistant.answer.quoting import ms, quote_sentences, quoted_text, refusal, translate, with_items
from assistant.models.generation import ChatModel
from assistant.prompts import load_prompt
from assistant.text.language import LANGUAGE_NAMES, written_in
from assistant.text.questions import CJK, asks_for_number, asks_for_place
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
        more: Callable[[], Sequence[Candidate]] | None = None,
    ) -> Iterator[AnswerEvent]:
        """The model names the sentences it uses, then writes; ``checking`` judges the text against them.

        The outcome is the written answer cited sentence by sentence, the named sentences quoted, or a
        refusal. With ``second_reading``, the model is then asked whether the named sentences give the
        answer at all (``verifying``); a NO refuses. Asked who or which theme, the model says what the
        reply names (``kinds``): a reply of another kind is quoted. A reply in another language than the question's is
        translated, then judged again. A reply that only restates the question, or whose named
        sentences are all headings (nothing to quote), is asked once more of ``more()``, the closest
        sentences retrieved but not shown: the answer often stood among them.
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
        timings["written"] = ms(started)
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
        timings["checked"] = ms(started)
        if verdict.mode != "refused" and self._second_reading and not quote_only:
            named = [c.sentence.text for c in with_items([shown[i - 1] for i in verdict.evidence], shown)]
            if not verifying.gives_answer(self._model, question, named):
                verdict = checking.Verdict("refused", verdict.evidence, ("the named sentences do not give the answer",))
        if verdict.mode == "answer" and self._second_reading and not quote_only:
            wrong = self._wrong_kind(question, text)
            if wrong:  # asked who, a list of cities; asked the theme, a postponement
                problem = f"the question asks for a {wrong} and the reply names something else"
                verdict = replace(verdict, mode="quoted", problems=(problem,))
        if verdict.mode == "answer":
            named_texts = [shown[i - 1].sentence.text for i in verdict.evidence]
            if kinds.counts_something_else(text, question, named_texts):  # "cinq villes" for "combien de personnes"
                problem = "the evidence counts something else than the question asks"
                verdict = checking.Verdict("refused", verdict.evidence, (problem,))
        timings["read_again"] = ms(started)
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
            final = refusal(base, timings, started, dropped=(text,), why=why)
        elif verdict.mode == "quoted":
            evidence = with_items([shown[i - 1] for i in verdict.evidence], shown)
            if language != "fr" and not quote_only:
                yield Progress("translating")
            final = self._quoted(
                base, evidence, timings, started, dropped=(text,), notice=why, translated=not quote_only
            )
        else:
            final = self._cited(base, text, verdict.evidence, shown, timings, started)
        # Nothing said of what it was shown: it restated the question, or named only headings (no quote).
        unused = verdict.problems == (checking.RESTATED,) or (verdict.mode == "quoted" and final.refused)
        if unused and more is not None and (window := more()):
            yield from self.answer_events(base, window, question, query_vector, timings, started, quote_only=quote_only)
            return
        yield Final(final)

    def _cited(
        self,
        base: Answer,
        text: str,
        evidence: Sequence[int],
        shown: Sequence[Candidate],
        timings: dict[str, float],
        started: float,
    ) -> Answer:
        """The checked text, each sentence cited (``_cite_sentences``); a refusal if no citation holds."""
        cited, citations = self._cite_sentences(text, evidence, shown)
        if not citations:
            return refusal(base, timings, started, dropped=(text,))
        if bare(text):  # "14 [1]": what 14 counts is in its source sentence, shown under it
            cited += "".join(f"\n{quoted_text(c.quote)} [{c.n}]" for c in citations)
        return replace(base, text=cited, citations=citations, refused=False, timings_ms=timings)

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


def bare(text: str) -> bool:
    """True if an answer is a bare value ("14.", "Takamatsu", "14団体です。"): a few words, or in Japanese
    a few characters, that say nothing of what they count or name."""
    if CJK.search(text):
        return len("".join(text.split())) <= 12
    return len(text.split()) <= 3


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
