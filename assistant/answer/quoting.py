"""How the sources' own sentences are shown: quoted verbatim and cited, with a machine translation that
says it is one and is left out where it changes a number or a name; and the refusal.

Answers, speeches and briefs quote through here.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.answer import checking
from assistant.answer.citations import cite
from assistant.answer.lists import asks_for_list
from assistant.errors import ModelError
from assistant.models.generation import ChatModel, complete
from assistant.prompts import load_prompt
from assistant.text import glossary, place_names, transliteration
from assistant.text.chunking import introduces
from assistant.text.language import LANGUAGE_NAMES, chinese_characters, message
from assistant.text.questions import CJK, asks_for_title
from assistant.types import Answer, Candidate, Citation

logger = logging.getLogger(__name__)


# A shorter text is a title or a heading: told a term of several words, the model answered with the term
# (« Les collectivités locales acteurs de l'environnement »: "Local authorities"); one-word terms it uses.
_SENTENCE_WORDS = 8


def translate(model: ChatModel, text: str, language: str, *, max_tokens: int) -> str:
    """``text`` in ``language`` by the chat model, or "" if it fails (a machine translation, unchecked),
    in English told the established forms of the domain's terms the text holds (:mod:`glossary`)."""
    if language == "en":
        found = glossary.terms(text)
        if len(text.split()) < _SENTENCE_WORDS:
            found = [(french, said) for french, said in found if len(french.split()) == 1]
        named = "; ".join(f"« {french} » → {said}" for french, said in found)
        terms = f" Translate these terms so: {named}." if named else ""
    else:
        terms = " A French « collectivité » is a local authority (in Japanese: 自治体)."
        for french, said, japanese in glossary.japanese_terms(text):
            terms += f" A French « {french} » here is a {said} (in Japanese: {japanese})."
    prompt = load_prompt("translate").format(language=LANGUAGE_NAMES[language], terms=terms, text=text)
    messages = [{"role": "user", "content": prompt}]
    try:
        return " ".join(complete(model, messages, max_tokens=max_tokens).split())
    except ModelError as exc:
        logger.warning("translation failed: %s", exc)
        return ""


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
    if _said_numbers(translation) != checking.numbers(quote) or loops(translation):
        return ""
    if language == "ja" and (transliteration.lost_names(quote, translation) or chinese_characters(translation)):
        return ""
    if not all(place_names.written(place, translation) for place in place_names.places_at(quote)):
        return ""  # "tenues à Aix-en-Provence" translated "held as French and Japanese authorities"
    return translation


# "Both", 両 ("les deux pays": "both countries", 両国) say two in a translation.
_BOTH = re.compile(r"\bboth\b|両(?=[\u3400-\u9fff])", re.IGNORECASE)


def _said_numbers(translation: str) -> frozenset[str]:
    """The numbers a translation states, "both" and 両 read as 2."""
    return checking.numbers(translation) | ({"2"} if _BOTH.search(translation) else set())


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


# A sentence that opens on a pronoun or a demonstrative speaks of the one before it in its document; one
# that opens on "nous", "je", "we" speaks for its own authors, and said by another it speaks for them.
_ANAPHORA = re.compile(
    r"(?:il|elle|ils|elles|ce|cet|cette|ces|celui-ci|celle-ci|ceux-ci|celles-ci|it|he|she|they|this|these|those|"
    r"nous|je|j['’]|we|i)\b|私たち|我々",
    re.IGNORECASE,
)
_ENDS = re.compile(r"[.!?。！？:：…][\s»”\"'’)）」』]*$")  # how a sentence, or an introduction, ends


def stands_alone(quote: str) -> bool:
    """Whether a source sentence can be quoted on its own, away from its neighbours: it ends as a
    sentence does (or introduces what follows it), so it is not a heading, a title or a fragment
    ("Atelier 3 : Les collectivités locales acteurs de l'environnement"), and it does not open on a
    pronoun or a demonstrative, which speak of the sentence before it ("Il a également déclaré…",
    "Elle s'efforcera aussi…"), nor on the first person, which a speaker would say as their own ("Nous
    déclarons ici les résolutions…"). What speeches say and briefs quote."""
    text = quote.strip()
    return bool(_ENDS.search(text)) and not _ANAPHORA.match(text)


def translation_line(translations: Sequence[tuple[str, int]], language: str) -> str:
    """(translation, footnote mark) pairs as one line, under the label that says the translation is not
    checked; "" if none was translated."""
    said = [f"{t} [{n}]" for t, n in translations if t]
    return f"{message('machine_translation', language)} {' '.join(said)}" if said else ""


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
    Headings are left out unless :func:`quotable_heading`, and an introduction whose items are not among
    ``sentences``. A refusal if no quote can be verified at its offsets."""
    citations: list[Citation] = []
    introduced = {c.introduced_by for c in sentences}
    sentences = [
        c
        for c in sentences
        if (not c.is_heading or quotable_heading(c, base.question))
        # "… suivantes :" without its items; an item that ends with ":" ("- Économie :") is an item
        and not (introduces(c.sentence.text) and c.sentence.chunk_id not in introduced and not c.introduced_by)
    ]
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


def with_items(evidence: Sequence[Candidate], shown: Sequence[Candidate]) -> list[Candidate]:
    """``evidence`` with the list items shown under each announcement it holds, and the announcement of
    each item it holds, in the order they were shown: an introduction quoted without the list it
    announces says nothing, and "- Qualité de vie et neutralité carbone :" alone does not say that it
    is a workshop."""
    named = {c.sentence.chunk_id for c in evidence}
    heads = {c.introduced_by for c in evidence if c.introduced_by}
    more = [
        c
        for c in shown
        if c.sentence.chunk_id not in named and (c.introduced_by in named or c.sentence.chunk_id in heads)
    ]
    order = {c.sentence.chunk_id: k for k, c in enumerate(shown)}
    return sorted([*evidence, *more], key=lambda c: order.get(c.sentence.chunk_id, len(order)))


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
