"""Which of the engine's quotes a speech says, and how they sound: those that fit, an introduction only
with what it introduces, each sentence once, none that cannot be read out; in English or Japanese their
checked machine translation (:class:`Voice`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Protocol

from assistant.answer.quoting import quoted_text, stands_alone, translated_quote
from assistant.text.chunking import introduces, list_marker
from assistant.text.numbers import URL
from assistant.types import Answer, Citation


def within(
    quotes: list[Citation], share: float, size: Callable[[str], float], *, limit: float = float("inf")
) -> list[Citation]:
    """The quotes that fit in ``share`` of the speech's length, each of ``size``, in order; the first
    one that fits in ``limit`` (what quotes may still fill of the speech) always. An introduction ("… les
    démarches suivantes :") is said with the quote after it, or not at all: a speech announcing a list
    that never comes was the first thing its reader struck out."""
    kept: list[Citation] = []
    length = 0.0
    for unit in units(quotes):
        this = sum(size(c.quote) for c in unit)
        if (kept and length + this > share) or length + this > limit:
            continue
        kept += unit
        length += this
    return kept


def units(quotes: list[Citation]) -> list[list[Citation]]:
    """The quotes one by one, an introduction together with the quote that follows it in its document;
    an introduction with nothing after it is left out."""
    units: list[list[Citation]] = []
    i = 0
    while i < len(quotes):
        c = quotes[i]
        if not introduces(c.quote):
            units.append([c])
        elif i + 1 < len(quotes) and quotes[i + 1].doc_id == c.doc_id and quotes[i + 1].start >= c.end:
            units.append([c, quotes[i + 1]])
            i += 1
        i += 1
    return units


def new_quotes(answer: Answer, taken: list[Citation]) -> list[Citation]:
    """The answer's quotes the speech has not said yet and that can be said aloud: a sentence (it ends as
    one does, or introduces what follows), not a heading, a title or a fragment ("Atelier 3 : Les
    collectivités locales acteurs de l'environnement"), nor one that speaks of the sentence before it
    ("Elle s'efforcera aussi…", "These…"); no web address, no © credit line (a photo's caption). A quote
    holds words: ``citations.cite`` makes no other."""
    said = {said_as(c) for c in taken}
    new: list[Citation] = []
    for c in map(unmarked, answer.citations):
        if said_as(c) in said or URL.search(c.quote) or "©" in c.quote or not stands_alone(c.quote):
            continue
        said.add(said_as(c))
        new.append(c)
    return new


def unmarked(c: Citation) -> Citation:
    """A list item as it is said, without its marker ("2. Chaque collectivité…" is read "Chaque
    collectivité…"): the same span from after the marker, still the source's text at its offsets."""
    marker = list_marker(c.quote.lstrip())
    if not marker:
        return c
    cut = c.quote.index(marker) + len(marker)
    cut += len(c.quote[cut:]) - len(c.quote[cut:].lstrip())
    return replace(c, start=c.start + cut, quote=c.quote[cut:])


def said_as(c: Citation) -> str:
    """A quote as it sounds: one sentence two documents hold (a declaration and its report) is said once."""
    return " ".join(c.quote.split()).casefold()


class Translates(Protocol):
    def translate(self, text: str, language: str) -> str: ...


class Voice:
    """What a quote will be when said: in English or Japanese its machine translation, once per quote
    (given a list at once, the small model dropped lines), and how long, in the speech's unit."""

    def __init__(self, assistant: Translates, language: str, unit: str) -> None:
        self._assistant, self.language, self._unit = assistant, language, unit
        self.per_word = 2.5 if unit == "characters" else 1.0  # then as measured on this speech
        self.translations: dict[tuple[str, int], str] = {}
        self._words = self._said = 0

    def readable(self, quote: Citation) -> bool:
        """Whether ``quote`` can be read out: in French as it is, else if its translation was kept."""
        return self.language == "fr" or bool(self.translations.get((quote.doc_id, quote.start)))

    def size(self, quote: str) -> float:
        return length(quote, "words") * self.per_word

    def say(self, quotes: Sequence[Citation]) -> int:
        """Translate ``quotes`` (in English or Japanese) and return how long they are when said."""
        if self.language == "fr":
            return sum(length(c.quote, self._unit) for c in quotes)
        said = 0
        for c in quotes:
            if (c.doc_id, c.start) in self.translations:  # tried once: kept or withheld, not asked again
                said += length(self.translations[(c.doc_id, c.start)], self._unit)
                continue
            translation = translated_quote(
                partial(self._assistant.translate, language=self.language),
                quoted_text(c.quote),
                self.language,
                to_english=partial(self._assistant.translate, language="en"),
            )
            self.translations[(c.doc_id, c.start)] = translation
            if translation:
                said += length(translation, self._unit)
                self._words += length(c.quote, "words")
        self._said += said
        if self._words and self._said:
            self.per_word = self._said / self._words
        return said


def length(text: str, unit: str) -> int:
    """Words, or characters without spaces (Japanese), footnote marks aside."""
    plain = re.sub(r"\[\d+\]", "", text)
    return len("".join(plain.split())) if unit == "characters" else len(plain.split())


_MARKS = {"en": "“{}”", "ja": "「{}」"}


def in_marks(translation: str, language: str) -> str:
    """A quote's translation as a speech in English or Japanese says it: in that language's quotation
    marks, whatever marks the model wrote around it."""
    return _MARKS.get(language, "“{}”").format(translation.strip().strip("«»“”\"'「」『』 ").strip())
