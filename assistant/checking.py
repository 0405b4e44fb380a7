"""Verify a grounded reply against the evidence the model named: answer, quoted or refused.

The model named its evidence (``grounding``); the code now checks the text against those sentences,
not against sentences it must guess. The rules are the same in every language:

1. The reply named evidence, and does not say the sources are silent.
2. What the question fixes (a year, an edition number, a Latin-script name) stands in the evidence or
   in what its document is (title, host city, year): "the 9th Rencontres in 2026" is not answered by
   a sentence about 2024.
3. The evidence is about the question: its closest sentence is at least ``evidence_floor`` (cosine)
   from the question.
4. Each number, web address and Latin-script name of the text stands in the evidence, the question or
   the documents' descriptions. Numbers are compared as values: "quatorze", "fourteen" and "14" are one
   number (text2num reads French and English number words).

A reply that fails 1–3 is refused. When a claim fails 4 but stands in another sentence that was shown,
the model named too little: that sentence joins the evidence. A claim that stands in no sentence shown
was made up: the reply is *quoted* (the evidence it named, verbatim, instead of its text) when that
evidence is at least ``quote_floor`` from the question, and refused otherwise.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.citing import REFUSAL_TOKEN, Candidate, split_answer
from assistant.lexical import STOPWORDS, fold

Mode = Literal["answer", "quoted", "refused"]

_URL = re.compile(r"https?://[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]]")
_DIGITS = re.compile(r"\d+")
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿĀ-ɏḀ-ỿ"
_CAPITALISED = rf"[A-ZÀ-ÖØ-ÞĀĒĪŌŪŒŠŽ][{_LATIN}0-9’'\-]*[{_LATIN}0-9]"
_NAME = re.compile(rf"{_CAPITALISED}(?:\s+(?:(?:de|du|des|la|le|l’|l'|d’|d')\s*)?{_CAPITALISED})*")
_SENTENCE_START = re.compile(r"(?:^|[.!?。！？:;]\s+|\n)\s*[«\"“(]?\s*$")
_EDITION = re.compile(r"(\d+)\s*(?:e|es|ème|èmes|eme|th|st|nd|rd)\b|第\s*(\d+)\s*回", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# The model saying the sources are silent, in the three languages (it writes this instead of NONE).
_SILENT = re.compile(
    r"ne (contiennent|précisent|mentionnent|donnent|disent|fournissent|permettent) pas|pas d'information|"
    r"aucune information|ne sait pas|je ne sais pas|do(es)? not (contain|mention|specify|say|provide|state)|"
    r"no information|not (mentioned|specified|provided|stated)|i don't know|"
    r"情報(は|が)(ありません|ない)|記載(は|が)?(ありません|されていません)|わかりません|分かりません",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """How a reply fares: its mode, the evidence to cite (ids into the numbered sentences), and why."""

    mode: Mode
    evidence: tuple[int, ...]  # 1-based ids into the sentences shown
    problems: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = field(default=())  # claims found in no evidence


def check_reply(
    text: str,
    ids: Sequence[int],
    shown: Sequence[Candidate],
    *,
    question: str,
    query_vector: Sequence[float],
    evidence_floor: float,
    quote_floor: float,
) -> Verdict:
    """Judge a reply (``text``, naming ``ids``) against the ``shown`` sentences; see the module doc."""
    chosen = [i for i in ids if 1 <= i <= len(shown)]
    if not chosen:
        return Verdict("refused", (), ("no evidence named",))
    if not text.strip() or says_silent(text):
        return Verdict("refused", tuple(chosen), ("the reply says the sources are silent",))
    evidence = [shown[i - 1] for i in chosen]
    described = " ".join(dict.fromkeys(c.heading for c in evidence))
    missing = fixed_by(question) - _values(" ".join(c.sentence.text for c in evidence) + " " + described)
    if missing:
        return Verdict("refused", tuple(chosen), (f"the evidence does not hold {', '.join(sorted(missing))}",))
    relevance = max(cosine(query_vector, c.vector) for c in evidence)
    if relevance < evidence_floor:
        return Verdict("refused", tuple(chosen), ("the evidence is not about the question",))

    context = " ".join([question, described, *(c.heading for c in shown)])
    unsupported = [c for c in claims(text) if not supported(c, _text(evidence) + " " + context)]
    if not unsupported:
        return Verdict("answer", tuple(chosen))
    # A claim another shown sentence holds: the model named too little; cite that sentence as well.
    extra = list(chosen)
    invented = []
    for claim in unsupported:
        holders = [i for i, c in enumerate(shown, start=1) if supported(claim, c.sentence.text)]
        if holders:
            extra.extend(h for h in holders[:1] if h not in extra)
        else:
            invented.append(claim)
    if not invented:
        return Verdict("answer", tuple(sorted(extra)))
    # Made up. Asked something the sources do not hold, the model invents the answer (a mayor, a
    # date) beside loosely related evidence; asked something they hold, it garbles a right sentence.
    # Only evidence close to the question is worth quoting.
    mode: Mode = "quoted" if relevance >= quote_floor else "refused"
    return Verdict(mode, tuple(chosen), (f"not in the sources: {', '.join(invented)}",), tuple(invented))


def says_silent(text: str) -> bool:
    """True if the text says the sources do not hold the answer (or is the refusal token)."""
    return REFUSAL_TOKEN in text or _SILENT.search(text) is not None


def fixed_by(question: str) -> set[str]:
    """What a question pins down: the years and edition numbers it names, as values ("2026", "#9")."""
    values = {m for m in _YEAR.findall(question)}
    values |= {f"#{int(a or b)}" for a, b in _EDITION.findall(question)}
    return values


def _values(text: str) -> set[str]:
    """The years and edition numbers a text states, in the same form as :func:`fixed_by`.

    An edition of the evidence counts as "#7" whether it writes "7es", "septième" or "7th".
    """
    text = _normalise(text)
    return set(_YEAR.findall(text)) | {f"#{int(a or b)}" for a, b in _EDITION.findall(text)}


def claims(text: str) -> list[str]:
    """What a text asserts that can be checked word for word: web addresses, numbers, Latin-script names.

    A name is a run of capitalised words ("Zero Emission Valley", "Technopôle de l'Arbois"). A single
    capitalised word is no name when it is a function word, when the text also writes it in lower
    case, or when it is a common sentence opener at the start of a sentence ("During", "Selon").
    """
    found = _URL.findall(text)
    plain = _normalise(_URL.sub(" ", text))
    found += sorted(numbers(plain), key=int)
    lowered = {fold(w) for w in re.findall(rf"\b[a-zà-ÿ][{_LATIN}’'\-]*", plain)}
    for m in _NAME.finditer(plain):
        name = _trim(m.group())
        if " " not in name:
            folded = fold(name)
            opening = _SENTENCE_START.search(plain[: m.start()]) is not None
            if folded in STOPWORDS or folded in lowered or len(name) < 2 or (opening and folded in _OPENERS):
                continue
        found.append(name)
    return list(dict.fromkeys(found))


# Words of the two Latin-script languages that open sentences; generic grammar, not this corpus.
_OPENERS = frozenset(
    fold(w)
    for w in """
    during according after before since following both each all several many most some finally also however
    moreover then thus therefore although because while only yes no between there here participant
    lors durant pendant parmi ainsi enfin ensuite puis plusieurs chaque tous toutes depuis avant après selon
    grâce afin mais donc cependant toutefois néanmoins également aussi environ cela ceci oui non
    """.split()
)


def _trim(name: str) -> str:
    """A name without the function words that open it: "Les Rencontres" -> "Rencontres"."""
    words = name.split()
    while len(words) > 1 and fold(words[0]) in STOPWORDS:
        words.pop(0)
    return " ".join(words)


def numbers(text: str) -> set[str]:
    """The numbers of a text as digit strings: digits, and French or English number words."""
    text = _normalise(_URL.sub(" ", text))
    found = {str(int(d)) for d in _DIGITS.findall(text)}
    for lang in ("fr", "en"):
        # "un", "une", "one" are articles as often as numbers: a word read as 1 is no claim.
        found |= {str(int(d)) for d in _DIGITS.findall(_alpha2digit(text, lang)) if int(d) != 1}
    return found


def _alpha2digit(text: str, lang: str) -> str:
    from text_to_num import alpha2digit

    try:
        return str(alpha2digit(text, lang, threshold=1))
    except (ValueError, TypeError):  # the parser refuses some inputs: then no number words are read
        return text


def supported(claim: str, text: str) -> bool:
    """True if ``text`` states ``claim``: the same address, the same number, or every word of the name."""
    if _URL.fullmatch(claim):
        return claim in _URL.findall(text)
    if claim.isdigit():
        return claim in numbers(text)
    have = set(re.findall(r"\w+", fold(_normalise(text))))
    wanted = [w for w in re.findall(r"\w+", fold(claim)) if w not in STOPWORDS or len(w) > 3]
    return bool(wanted) and all(w in have for w in wanted)


def _text(evidence: Sequence[Candidate]) -> str:
    return " ".join(c.sentence.text for c in evidence)


def _normalise(text: str) -> str:
    """Full-width digits and letters as ASCII (NFKC), so that "２０２４" is 2024."""
    return unicodedata.normalize("NFKC", text)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def attribute(text: str, evidence: Sequence[int], shown: Sequence[Candidate]) -> list[tuple[str, tuple[int, ...]]]:
    """Each sentence of ``text`` with the evidence ids it rests on: those holding its claims, or, for a
    sentence with no checkable claim, all of ``evidence``."""
    out = []
    for sentence in split_answer(text):
        own = claims(sentence)
        holders = tuple(i for i in evidence if any(supported(c, shown[i - 1].sentence.text) for c in own))
        out.append((sentence, holders or tuple(evidence)))
    return out
