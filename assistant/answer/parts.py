"""Questions that ask several things, answered part by part.

"Which city took over after Aix-en-Provence and what is it known for regarding the SDGs?" asks two
things; answered at once, the small model answers one, or none, and the checks refuse what is left
half done. A question is cut where a second question starts: after « et » / "and" followed by a
question word, each side a clause of its own ("Quand et où … ?" is one question), or after a question
mark followed by more (Japanese asks two things as two sentences: "…参加しましたか？日本の自治体の数は？").

Each part is answered as a question of its own, the parts before it and their answers as its
conversation, so "what is it known for" is read with the city the first part found. The answer is
the parts' answers one after the other, their citations numbered anew; a part the sources do not
answer is named as such. Only if no part is answered is the whole refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from typing import Any

from assistant.text.language import message
from assistant.types import Answer, AnswerEvent, Citation, Final

_QUESTION_WORDS = {
    "fr": r"quel|quelle|quels|quelles|qui|où|ou|quand|comment|combien|pourquoi|lequel|laquelle|lesquels|lesquelles|"
    r"à quel|à quelle|dans quel|dans quelle|en quelle|de quel|de quelle",
    "en": r"what|which|who|whom|whose|where|when|how|why",
}
_JOINS = {
    "fr": re.compile(rf",?\s+et\s+(?=(?:{_QUESTION_WORDS['fr']})\b)", re.IGNORECASE),
    "en": re.compile(rf",?\s+and\s+(?=(?:{_QUESTION_WORDS['en']})\b)", re.IGNORECASE),
}
# Words that link rather than say: prepositions and articles.
_LINKS = r"en|à|au|aux|de|du|des|la|le|les|l|d|un|une|dans|pour|par|sur|in|at|on|of|the|a|an|for|by|to|from"
_ASKS_ONLY = {lang: re.compile(rf"(?:{words}|{_LINKS})", re.IGNORECASE) for lang, words in _QUESTION_WORDS.items()}
_MARK = re.compile(r"\[(\d+)\]")
_QUESTION_MARK = re.compile(r"(?<=[?？])\s*(?=\S)")
_MIN_JAPANESE_CHARS = 5


def split_question(question: str, language: str) -> list[str]:
    """The questions ``question`` asks, in order: itself alone if it asks one thing."""
    parts = [p.strip() for p in _QUESTION_MARK.split(question.strip()) if p.strip()]
    if language in _JOINS:
        parts = [q for p in parts for q in _at_joins(p, language)]
    if len(parts) < 2 or not all(_a_clause(p, language) for p in parts):
        return [question]
    return parts


def _at_joins(text: str, language: str) -> list[str]:
    """``text`` cut before each « et » / "and" that opens a second question, if each side is a clause."""
    pieces = [p.strip() for p in _JOINS[language].split(text)]
    if len(pieces) < 2 or not all(_a_clause(p, language) for p in pieces):
        return [text]  # "Quand et où … ?" stays whole, and the rest of the question with it
    mark = " ?" if text.rstrip().endswith(" ?") else "?" if text.rstrip().endswith("?") else ""
    pieces = [p if p.endswith(("?", "？")) else f"{p}{mark}" for p in pieces]
    return [p[:1].upper() + p[1:] for p in pieces]


def _a_clause(part: str, language: str) -> bool:
    """Whether ``part`` says more than what it asks: "En quelle année" and "où, en 2014 ?" do not."""
    if language == "ja":
        return len("".join(part.split())) >= _MIN_JAPANESE_CHARS
    said = [w for w in re.findall(r"[^\W\d_][\w’'-]*|\d+", part) if not _ASKS_ONLY[language].fullmatch(w)]
    return len(said) >= 2


Ask = Callable[..., Iterator[AnswerEvent]]


def answer_in_parts(
    ask: Ask,
    question: str,
    parts: Sequence[str],
    language: str,
    *,
    history: Sequence[tuple[str, str]],
    generation: Callable[[], str],
    **options: Any,
) -> Iterator[AnswerEvent]:
    """Each part answered by ``ask`` with the parts before it as its conversation; their events passed
    on, then one Final answer (:func:`combined`). If the index ``generation`` read changed meanwhile
    (another process dropped the one read), the parts are asked again, once: one answer, one generation."""
    for _ in range(2):
        read = generation()
        answers: list[Answer] = []
        asked = list(history)
        for part in parts:
            final = yield from _asked(ask, part, asked, options)
            if final.refused and len(asked) > len(history) and final.standalone_question:
                # Read as a follow-up of the parts before and rewritten, then unanswered: a part that
                # names its own subject ("日本で開催された会議はどこですか") may stand alone.
                final = yield from _asked(ask, part, history, options)
            answers.append(final)
            asked.append((part, "" if final.refused else final.text))
        if generation() == read:
            break
    yield Final(combined(question, language, parts, answers))


def _asked(
    ask: Ask, part: str, history: Sequence[tuple[str, str]], options: dict[str, Any]
) -> Generator[AnswerEvent, None, Answer]:
    """``ask``'s events for ``part`` passed on; its Final answer returned."""
    final = None
    for event in ask(part, history=tuple(history), **options):
        if isinstance(event, Final):
            final = event.answer
        else:
            yield event
    assert final is not None, "answer_events ends with a Final event"
    return final


def combined(question: str, language: str, parts: Sequence[str], answers: Sequence[Answer]) -> Answer:
    """One answer of the parts' answers: each part's text with its citations numbered after the parts'
    before it (a source cited twice keeps its number), a part refused said to be unanswered. Refused if
    every part is; quoted if any part is."""
    answered = [a for a in answers if not a.refused]
    timings = {k: v for k, v in answers[0].timings_ms.items() if k == "first_token"}
    timings["total"] = sum(a.timings_ms.get("total", 0.0) for a in answers)
    if not answered:
        return replace(answers[0], question=question, standalone_question=None, timings_ms=timings)
    citations: list[Citation] = []
    texts = []
    for part, answer in zip(parts, answers, strict=True):
        if answer.refused:
            texts.append(message("part_unanswered", language).format(part=part))
            continue
        numbers = {c.n: _number(c, citations) for c in answer.citations}
        texts.append(_MARK.sub(lambda m, numbers=numbers: f"[{numbers.get(int(m[1]), m[1])}]", answer.text))
    passages = {(p.chunk.doc_id, p.chunk.start): p for a in answers for p in a.passages}
    return Answer(
        question=question,
        language=language,
        text="\n\n".join(texts),
        citations=tuple(citations),
        refused=False,
        passages=tuple(passages.values()),
        extractive=any(a.extractive for a in answered),
        dropped_sentences=tuple(s for a in answers for s in a.dropped_sentences),
        notice="; ".join(a.notice for a in answers if a.notice) or None,
        timings_ms=timings,
    )


def _number(citation: Citation, citations: list[Citation]) -> int:
    """The number ``citation`` has in the combined answer: that of the same quote cited before, else the next."""
    for c in citations:
        if (c.doc_id, c.start, c.end) == (citation.doc_id, citation.start, citation.end):
            return c.n
    citations.append(replace(citation, n=len(citations) + 1))
    return len(citations)
