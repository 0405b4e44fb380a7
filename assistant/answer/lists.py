"""Lists: sentences that announce a number of items, and answers that give fewer items than announced.

Asked which workshops a meeting had, the model names "Trois ateliers thématiques ont été proposés…"
and answers with that sentence, or with two of the three: a list cut short, shown as if complete. A
question that asks *which* things (not *how many*), answered from a sentence that announces a count
of them, must give that many items; otherwise the sentences are quoted (the announcing sentence and
the items the model was shown with it) or, with nothing more to quote, the answer is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.text.chunking import announced
from assistant.text.language import detect_language
from assistant.text.lexical import fold, tokenize
from assistant.text.questions import CJK
from assistant.types import Candidate

# Questions that ask for several things by name, in the three languages: grammar, not this corpus.
_ASKS_LIST = re.compile(
    r"\b(?:quel(?:le)?s|lesquel(?:le)?s|which|what)\s+(?:\w+\s+)?\w{3,}s\b|\blist\b|\bénumér|\bname the\b|"
    r"すべて|全て|それぞれ|一覧|どのような.{0,8}(?:が|を)(?:ありました|行われ|開催)",
    re.IGNORECASE,
)
# What separates the items of a list in an answer.
_ITEM_BREAK = re.compile(r"[,;、，・\n]|\s(?:et|and|ainsi que|puis)\s|、|と(?=[^\s])")


def asks_for_list(question: str) -> bool:
    """True if the question asks which things (in the plural) rather than one thing or a count."""
    return _ASKS_LIST.search(question) is not None


def items_given(text: str, announcing: str = "") -> int:
    """How many items an answer gives: its parts between commas, "et", "and", "、" and line breaks, but
    those that only repeat the ``announcing`` sentence ("Trois ateliers ont été proposés, visant à …"
    restates the announcement, whatever its commas)."""
    said = set(tokenize(announcing))
    count = 0
    for part in _ITEM_BREAK.split(text):
        words = set(tokenize(part))
        if words - said or (not words and CJK.search(part)):  # Japanese parts cannot be compared: counted
            count += 1
    return count


def cut_short(
    text: str, chosen: Sequence[int], shown: Sequence[Candidate], question: str = ""
) -> tuple[int, tuple[int, ...], bool] | None:
    """For an answer to a list question: (items announced, the ids to quote instead, whether they hold
    the items) when the named evidence announces more items than ``text`` gives; None when the list is
    whole or none is announced. The ids are the named sentences and the items shown under an announcing
    one; they hold the items if there are such items, or if an announcing sentence gives them itself
    ("… quatre engagements : a, b, c et d."). A French ``question`` is answered only by counts of what
    it names: asked which values two countries share, "les 17 Objectifs de développement durable" of
    another sentence announces no list of values (in English or Japanese the words cannot be compared)."""
    about = _names_a_word_of(question) if question and detect_language(question) == "fr" else None
    counts = {i: announced(shown[i - 1].sentence.text, about) for i in chosen}
    announcing = [i for i, n in counts.items() if n > 0]
    if not announcing:
        return None
    expected = max(counts.values())
    if items_given(text, " ".join(shown[i - 1].sentence.text for i in announcing)) >= expected:
        return None
    heads = {shown[i - 1].sentence.chunk_id for i in announcing}
    items = [i for i, c in enumerate(shown, start=1) if c.introduced_by in heads]
    whole = bool(items) or any(holds_items(shown[i - 1].sentence.text, counts[i]) for i in announcing)
    return expected, tuple(sorted({*chosen, *items})), whole


def _names_a_word_of(question: str) -> Callable[[str], bool]:
    asked = {w[:5] for w in tokenize(question)}  # "valeurs" and "valeur" share their first letters
    return lambda counted: any(w[:5] in asked for w in tokenize(counted) if not w.isdigit())


def holds_items(sentence: str, count: int) -> bool:
    """True if a sentence that announces ``count`` items gives them after its colon."""
    _, colon, after = sentence.partition(":")
    return bool(colon) and items_given(after) >= count


# A capitalised word, with its hyphenated parts ("Aix-en-Provence"), after the first word of its sentence.
_BARE = r"[A-ZÀ-ÖØ-Þ][\w’'\-]*\w"  # a capitalised word
_NAME = re.compile(rf"(?<=[\s(«“\"'’]){_BARE}")


def names_left_out(text: str, evidence: Sequence[str], question: str) -> list[str]:
    """For a list question: the names of an evidence sentence that lists names, some of them in the reply,
    that the reply leaves out. "Nancy, Kanazawa, Chartres, Tours, Kumamoto" from "à Nancy en 2008, puis à
    Kanazawa en 2010, …, à Takamatsu en 2014, …" leaves out Takamatsu: a list cut short with no count to
    say so. A sentence lists names when it writes three or more, apart from those the question writes,
    with commas between them; the reply must give two of them for its list to be read as taken from it."""
    asked = fold(question)
    given = {fold(n) for n in _NAME.findall(" " + text)}
    for sentence in evidence:
        if sentence.count(",") < 2:
            continue
        names = [n for n in dict.fromkeys(_NAME.findall(sentence)) if fold(n) not in asked]
        if len(names) < 3:
            continue
        kept = [n for n in names if fold(n) in given]
        if len(kept) >= 2 and len(kept) < len(names):
            return [n for n in names if fold(n) not in given]
    return []


# A run of three or more bare names: "Nancy, Kanazawa, Chartres, Tours et Kumamoto".
_RUN = re.compile(rf"{_BARE}(?:\s*,\s*{_BARE})+\s*,?\s+(?:et|and|ou|or)\s+{_BARE}")


def listed_beside(names: Sequence[str], question: str, evidence: Sequence[str]) -> list[str]:
    """``names`` (the reply's, beyond the question's words) if every evidence sentence that writes one of
    them with a name of the question writes the two only side by side in a run of bare names; else [].

    Asked which Japanese city Chartres is twinned with, "Kanazawa", from « …les villes hôtes précédentes,
    Nancy, Kanazawa, Chartres, Tours et Kumamoto… »: two names in one list say nothing of how they are
    related. A sentence that writes the two otherwise ("Chartres, jumelée avec Sakurai") may relate them."""
    asked = {fold(n) for n in _NAME.findall(" " + question)}

    def words(text: str) -> set[str]:
        return {fold(w) for w in re.findall(_BARE, text)}

    def beside(name: str) -> bool:
        together = False
        for sentence in evidence:
            written = words(sentence)
            if name not in written or not written & asked:
                continue
            together = True
            in_a_run = any(name in run and run & asked for run in map(words, _RUN.findall(sentence)))
            if not in_a_run or ({name} | asked) & words(_RUN.sub(" ", sentence)):
                return False  # written together outside a run: the sentence may relate them
        return together

    return list(names) if names and asked and all(beside(fold(n)) for n in names) else []
