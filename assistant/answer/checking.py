"""Verify a grounded reply against the evidence the model named: answer, quoted or refused.

The model named its evidence (``grounding``); the code checks the text against those sentences, not
against sentences it must guess. The rules are the same in every language, in this order:

1. The reply named evidence and does not say the sources are silent.
2. What the question fixes (a year, an edition number) stands in the evidence or in what its document
   is (title, host city, year): "the 9th Rencontres in 2026" is not answered by a sentence about 2024.
3. The evidence is about the question: its closest sentence is at least ``evidence_floor`` (cosine)
   from the question.
4. The reply adds something to the question (a word, a number, a Japanese word), a date when the
   question asks when, a count when it asks how many (``kinds``), and a name when it asks where
   (each part of "combien … et où ?"): a reply without the place is quoted.
5. Each number, web address and Latin-script name of the reply stands in the evidence, the question
   or the documents' descriptions; a proper noun of a Japanese reply, read in Latin letters
   (``transliteration``: 高松 as Takamatsu), must stand there too, and so must each word it writes in
   Latin letters, or the evidence is quoted. Numbers
   are compared as values: "quatorze", "fourteen", "十四" and "14" are one number. A claim that stands
   in another sentence shown brings that sentence into the evidence (the model named too little); a
   claim that stands in none was made up: refused.
6. Asked about a year, a reply naming what the evidence gives to another year took the wrong item of
   a list ("à Nancy en 2008, …, à Takamatsu en 2014"): the evidence is *quoted* instead.
7. Asked which things (not how many), a reply that gives fewer items than its evidence announces
   ("Trois ateliers…", ``lists``) is quoted: the announcing sentence and the items shown with it; so is
   a reply that gives some of the names an evidence sentence lists ("Nancy, Kanazawa" of "à Nancy en
   2008, puis à Kanazawa en 2010, à Chartres en 2012").
8. A name the evidence gives only in a run of bare names beside a name of the question ("Nancy,
   Kanazawa, Chartres, Tours et Kumamoto") is not related to it by that run: asked whom Chartres is
   twinned with, "Kanazawa" is refused.
9. With ``quote_unchecked``, a reply that asserts nothing rule 5 can compare beyond the question's own
   words (no number, address or Latin-script name) is *quoted* too: a paraphrase no check reached
   ("the declaration concluded that mobility should be repensed…") is not shown as fact.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from assistant.answer import kinds, lists
from assistant.answer.citations import MODEL_REFUSALS, REFUSAL_TOKEN, split_answer
from assistant.models.embeddings import cosine
from assistant.text import transliteration
from assistant.text.chunking import introduces
from assistant.text.lexical import STOPWORDS, fold, tokenize
from assistant.text.numbers import MONTHS, URL, editions_named, normalise, numbers, years_named
from assistant.text.questions import CJK, adds_nothing, asks_for_number, asks_for_place
from assistant.types import Candidate

Mode = Literal["answer", "quoted", "refused"]
RESTATED = "the reply only restates the question"

_DIGITS = re.compile(r"\d+")
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿĀ-ɏḀ-ỿ"
_CAPITALISED = rf"[A-ZÀ-ÖØ-ÞĀĒĪŌŪŒŠŽ][{_LATIN}0-9’'\-]*[{_LATIN}0-9]"
_NAME = re.compile(rf"{_CAPITALISED}(?:\s+(?:(?:de|du|des|la|le|l’|l'|d’|d')\s*)?{_CAPITALISED})*")
# Where a sentence starts; the period of an initial or of "M." ends none ("M. Dupont a salué…").
_SENTENCE_START = re.compile(r"(?:^|(?<!\b[A-Z])[.!?。！？:;]\s+|\n)\s*[«\"“(]?\s*$")


@dataclass(frozen=True)
class Verdict:
    """How a reply fares: its mode, the evidence to cite (ids into the numbered sentences), and why."""

    mode: Mode
    evidence: tuple[int, ...]  # 1-based ids into the sentences shown
    problems: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()  # claims found in no evidence


def check_reply(
    text: str,
    ids: Sequence[int],
    shown: Sequence[Candidate],
    *,
    question: str,
    query_vector: Sequence[float],
    evidence_floor: float,
    quote_unchecked: bool = False,
) -> Verdict:
    """Judge a reply (``text``, naming ``ids``) against the ``shown`` sentences; see the module doc."""
    chosen = [i for i in ids if 1 <= i <= len(shown)]
    if not chosen:
        return Verdict("refused", (), ("no evidence named",))
    if not text.strip() or says_silent(text):
        return Verdict("refused", tuple(chosen), ("the reply says the sources are silent",))
    evidence = [shown[i - 1] for i in chosen]
    described = " ".join(dict.fromkeys(c.heading for c in evidence))
    fixed = fixed_by(question)
    missing = fixed - fixed_by(" ".join(c.sentence.text for c in evidence) + " " + described)
    if missing:
        return Verdict("refused", tuple(chosen), (f"the evidence does not hold {', '.join(sorted(missing))}",))
    if max(cosine(query_vector, c.vector) for c in evidence) < evidence_floor:
        return Verdict("refused", tuple(chosen), ("the evidence is not about the question",))

    missing_values = kinds.missing_values(text, question)
    if missing_values:  # "how many" answered with a year, "when" with an edition
        wanted = " and ".join(f"{'an' if v[0] in 'aeiou' else 'a'} {v}" for v in missing_values)
        problem = f"the question asks for {wanted} the reply does not give"
        return Verdict("refused", tuple(chosen), (problem,))
    if adds_nothing(text, question):  # quoting its named sentences instead showed more wrong than right
        return Verdict("refused", tuple(chosen), (RESTATED,))
    if asks_for_place(question) and not names_added(text, question):  # "combien … et où ?" answered in part
        return Verdict("quoted", tuple(chosen), ("the question asks where and the reply names no place",))
    context = " ".join([question, described, *(c.heading for c in shown)])
    made = claims(text)
    unsupported = [c for c in made if not supported(c, _text(evidence) + " " + context)]
    # A claim another shown sentence holds: the model named too little; cite that sentence as well.
    extra = list(chosen)
    invented = []
    for claim in unsupported:
        holders = [i for i, c in enumerate(shown, start=1) if supported(claim, c.sentence.text)]
        if holders:
            extra.extend(h for h in holders[:1] if h not in extra)
        else:
            invented.append(claim)
    if invented:
        # Made up: asked what the sources do not hold, the model invents it (a mayor, a population).
        return Verdict("refused", tuple(chosen), (f"not in the sources: {', '.join(invented)}",), tuple(invented))
    if introduces(text):  # "… selon les sous-thèmes suivants :", and the reply stops
        return Verdict("quoted", tuple(extra), ("the reply announces what it does not give",))
    if lists.asks_for_list(question) and not asks_for_number(question):
        short = lists.cut_short(text, extra, shown, question)
        if short:  # a list cut short is no answer: the sources' own sentences, or nothing
            problem = f"the sources announce {short[0]} items and the reply gives fewer"
            return Verdict("quoted" if short[2] else "refused", short[1], (problem,))
        left_out = lists.names_left_out(text, [shown[i - 1].sentence.text for i in extra], question)
        if left_out:  # "Nancy, Kanazawa, Chartres" from a sentence that lists Takamatsu as well
            return Verdict("quoted", tuple(extra), (f"the reply leaves out {', '.join(left_out)}",))
    names = names_beyond(made, question)
    wrong_item = untied(names, fixed, [_read_with_introduction(shown[i - 1], shown) for i in extra], question)
    if wrong_item:
        # The right sentence, the wrong item of its list: the sentence itself is the answer to show.
        return Verdict(
            "quoted", tuple(chosen), (f"{', '.join(wrong_item)} belongs to another year",), tuple(wrong_item)
        )
    beside = lists.listed_beside(names, question, [shown[i - 1].sentence.text for i in extra])
    if beside:  # "Chartres est jumelée avec Kanazawa" from a list of host cities
        return Verdict("refused", tuple(chosen), (f"the sources name {', '.join(beside)} only in a list of names",))
    # Names a Japanese reply writes in Japanese script, read in Latin letters against the French evidence.
    japanese = [n for n in transliteration.proper_nouns(text) if n not in question] if CJK.search(text) else []
    sources = _text(evidence) + " " + context
    lost = transliteration.lost_names(sources, text) if japanese else []
    lost += foreign_words(text, sources)
    if lost:
        return Verdict("quoted", tuple(chosen), (f"names not in the sources: {', '.join(lost)}",), tuple(lost))
    checked = [c for c in made if not supported(c, question)] + japanese
    if quote_unchecked and not checked:  # nothing claimed beyond the question
        return Verdict("quoted", tuple(chosen), ("the reply states nothing the checks can compare",))
    return Verdict("answer", tuple(sorted(extra)))


def _read_with_introduction(candidate: Candidate, shown: Sequence[Candidate]) -> str:
    """An item of a list read in one clause with its introduction ("… proposé trois ateliers : Atelier
    Kobe"): the year the introduction gives is the item's too."""
    if candidate.introduced_by is None:
        return candidate.sentence.text
    heads = [c.sentence.text for c in shown if c.sentence.chunk_id == candidate.introduced_by]
    return " ".join([*(h.rstrip().rstrip(":：").rstrip() for h in heads[:1]), candidate.sentence.text])


_CLAUSE_BREAK = re.compile(r"[,;:()«»\[\]]|\.\s|\n\s*\n")


def names_beyond(found: Sequence[str], question: str) -> list[str]:
    """The claims of ``found`` that are names (not numbers or addresses) the question does not write."""
    asked = fold(question)
    return [c for c in found if not c.isdigit() and not URL.fullmatch(c) and fold(c) not in asked]


def untied(names: Sequence[str], fixed: set[str], texts: Sequence[str], question: str) -> list[str]:
    """The ``names`` (a reply's, beyond the question: :func:`names_beyond`) that the evidence gives to
    another year than the question's.

    In "à Nancy en 2008, puis …, à Takamatsu en 2014", asked about 2014, a reply naming Nancy took the
    wrong item of the list. Where the question's year stands in a clause that names something, the
    reply must name something of such a clause; and no name of the reply may stand only in clauses
    that hold other years. Otherwise nothing is said.
    """
    years = {int(v) for v in fixed if not v.startswith("#")}
    asked = fold(question)
    if not years or not names:
        return []
    clauses = []
    for text in texts:
        breaks = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
        clauses += [text[a:b] for a, b in itertools.pairwise(breaks)]
    asked_year = [c for c in clauses if set(years_named(c)) & years]
    naming = [c for c in asked_year if any(fold(n.group()) not in asked for n in _NAME.finditer(c))]
    if naming and not any(supported(name, c) for name in names for c in naming):
        return names
    other_year = [c for c in clauses if years_named(c) and c not in asked_year]
    return [
        name
        for name in names
        if any(supported(name, c) for c in other_year)
        and not any(supported(name, c) for c in clauses if c not in other_year)
    ]


_LATIN_WORD = re.compile(rf"[{_LATIN}][{_LATIN}’'\-]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def foreign_words(text: str, sources: str) -> list[str]:
    """The words in Latin letters of a Japanese reply that ``sources`` do not hold: a French name copied
    into Japanese stands in its sources letter for letter; "フェュille" is the model losing its way."""
    if not CJK.search(text):
        return []
    have = set(_ASCII_WORD.findall(fold(normalise(sources))))  # "Valleyは" holds the word "valley"
    found = dict.fromkeys(_LATIN_WORD.findall(normalise(text)))
    return [w for w in found if not set(_ASCII_WORD.findall(fold(w))) <= have]


def names_added(text: str, question: str) -> bool:
    """True if the reply names something the question does not: a Latin-script name, or a proper noun
    UniDic finds in a Japanese reply."""
    asked = fold(question)
    if any(not c.isdigit() and not URL.fullmatch(c) and fold(c) not in asked for c in claims(text)):
        return True
    return bool(CJK.search(text)) and any(n not in question for n in transliteration.proper_nouns(text))


def says_silent(text: str) -> bool:
    """True if the text says the sources do not hold the answer (or is the refusal token)."""
    return REFUSAL_TOKEN in text or MODEL_REFUSALS.search(text) is not None


def fixed_by(text: str) -> set[str]:
    """The years and edition numbers a text names, as values ("2026", "#9"): what a question pins down,
    and what evidence states. Read as retrieval reads them (``years_named``, ``editions_named``), after
    full-width digits are made ASCII ("２０２６年")."""
    text = normalise(text)
    return {str(y) for y in years_named(text)} | {f"#{e}" for e in editions_named(text)}


def claims(text: str) -> list[str]:
    """What a text asserts that can be checked word for word: web addresses, numbers, Latin-script names.

    A name is a run of capitalised words ("Zero Emission Valley", "Technopôle de l'Arbois"). A single
    capitalised word is no name when it is a function word, when the text also writes it in lower
    case, or when it is a common sentence opener at the start of a sentence ("During", "Selon").
    """
    found = URL.findall(text)
    plain = normalise(URL.sub(" ", text))
    found += sorted(numbers(plain), key=int)
    lowered = {fold(w) for w in re.findall(rf"\b[a-zà-ÿ][{_LATIN}’'\-]*", plain)}
    for m in _NAME.finditer(plain):
        name = _trim(m.group())
        at = m.start() + m.group().rindex(name)
        if " " not in name:
            folded = fold(name)
            opening = _SENTENCE_START.search(plain[:at]) is not None
            if folded in STOPWORDS or folded in lowered or len(name) < 2 or (opening and folded in _OPENERS):
                continue
            if folded in MONTHS:  # a month is a number, checked as one
                continue
            if opening and len(_sentence_at(plain, at).split()) > 3:
                # A capitalised first word of a longer sentence is as often a plain word as a name; a bare
                # answer ("Nancy.") is checked, and the rest of a longer sentence carries its claims.
                continue
        found.append(name)
    return list(dict.fromkeys(found))


# Words of the two Latin-script languages that open sentences; generic grammar, not this corpus.
_OPENERS = frozenset(
    fold(w)
    for w in """
    during according after before since following both each all several many most some finally also however
    moreover then thus therefore although because while only yes no between there here participant
    once twice never always often
    lors durant pendant parmi ainsi enfin ensuite puis plusieurs chaque tous toutes depuis avant après selon
    grâce afin mais donc cependant toutefois néanmoins également aussi environ cela ceci oui non
    """.split()
)


def _sentence_at(text: str, start: int) -> str:
    end = re.search(r"[.!?。！？\n]", text[start:])
    return text[start : start + end.start()] if end else text[start:]


def _trim(name: str) -> str:
    """A name without the function words that open it: "Les Rencontres" -> "Rencontres"."""
    words = name.split()
    while len(words) > 1 and fold(words[0]) in STOPWORDS:
        words.pop(0)
    return " ".join(words)


def supported(claim: str, text: str) -> bool:
    """True if ``text`` states ``claim``: the same address, the same number, or every word of the name."""
    if URL.fullmatch(claim):
        return claim in URL.findall(text)
    if claim.isdigit():
        return claim in numbers(text)
    have = _words(text)
    wanted = [w for w in _WORD.findall(fold(claim)) if w not in STOPWORDS or len(w) > 3]
    return bool(wanted) and all(w in have or _cognate(w, have) for w in wanted)


# A word in one script: "Valleyはどの" is the word "valley", then Japanese.
_WORD = re.compile(r"[a-z0-9\u00c0-\u024f]+|[^\W_a-z0-9\u00c0-\u024f]+")


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(fold(normalise(text))))


def _cognate(word: str, have: frozenset[str]) -> bool:
    """A name's word spelled another way in the sources' language: "Japan" for "Japon", "Japanese" for
    "japonaises". The same consonants in the same order (a plural s aside), words of five letters or
    more; "Kanagawa" is not "Kanazawa"."""
    if len(word) < 5:
        return False
    skeleton = _consonants(word)
    return len(skeleton) >= 3 and any(len(w) >= 5 and _consonants(w) == skeleton for w in have)


def _consonants(word: str) -> str:
    return re.sub(r"[aeiouy]", "", word).rstrip("s")


def _text(evidence: Sequence[Candidate]) -> str:
    return " ".join(c.sentence.text for c in evidence)


def attribute(text: str, evidence: Sequence[int], shown: Sequence[Candidate]) -> list[tuple[str, tuple[int, ...]]]:
    """Each sentence of ``text`` with the evidence ids it rests on: the fewest that hold its claims, the
    one holding most first (a sentence holding none of what another cited one does not is not cited: a
    date and a city stated in one sentence sent the reader to three more that named the city). A sentence
    with no checkable claim rests on the fewest holding its content words, else on what the answer's other
    sentences cite, else on all of ``evidence``."""
    texts = {i: shown[i - 1].sentence.text for i in evidence}
    words = {i: set(tokenize(t)) for i, t in texts.items()}
    cited = []
    for sentence in split_answer(text):
        own = claims(sentence)
        if own:
            held = {i: {c for c in own if supported(c, t)} for i, t in texts.items()}
        else:
            content = {w for w in tokenize(sentence) if w not in STOPWORDS and len(w) > 2}
            held = {i: content & w for i, w in words.items()}
        cited.append((sentence, _cover(held, evidence)))
    others = tuple(sorted({i for _, ids in cited for i in ids}))
    return [(sentence, ids or others or tuple(evidence)) for sentence, ids in cited]


def _cover(held: dict[int, set[str]], evidence: Sequence[int]) -> tuple[int, ...]:
    """The ids of ``evidence`` to cite, given what each one ``held`` of a sentence: greedily, the one holding
    most of what is not yet held (the first named on a tie), until none holds more; in the order named."""
    chosen: list[int] = []
    left = set().union(*held.values())
    while left:
        best = max(evidence, key=lambda i: len(held[i] & left))
        chosen.append(best)
        left -= held[best]
    return tuple(i for i in evidence if i in chosen)
