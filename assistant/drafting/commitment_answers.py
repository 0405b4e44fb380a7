"""Answers the fact base holds whole: the commitments of a declaration, every item quoted and cited.

Asked "Quels sont les trois engagements pris dans la Déclaration d'Aix-en-Provence ?", the answer engine
named the sub-items of another list in the same document; the fact base (:mod:`commitments`) keeps each
declaration's items, each cited to its span. So a question is answered from it when:

- it asks for commitments (engagements, commitments, pledges, 約束…) and every other word it writes is a
  word of such questions (``_WORDS``, the three languages' grammar, not one document's), a function word,
  or a word of one declaration's title, of its edition's host city, its year or its number;
- it picks out one declaration: the only one the fact base holds, or the one whose year, edition, or
  title and city words it names; a proper noun of a Japanese question must be that declaration's too;
- a count it gives ("les trois engagements") is the number of items kept.

The answer is one sentence rendered in the question's language (which declaration, how many
commitments), then each commitment quoted in the sources' French with its footnote, then, in English and
Japanese, a machine translation that says it is one. Anything else goes to the answer engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.drafting import editions, overview
from assistant.drafting.briefs import LANGUAGES, commitments_text
from assistant.drafting.edition_answers import SERIES, parts_of
from assistant.text import transliteration
from assistant.text.lexical import STOPWORDS, fold
from assistant.text.numbers import editions_named, numbers, words_as_digits, years_named
from assistant.types import Citation

# What a question for commitments says, folded, in the three languages.
_ASKS = re.compile(r"\b(?:engag\w*|commit\w*|pledge\w*|undertak\w*)|約束|公約|誓約|コミットメント|取り組み")
_WORDS = frozenset(
    """
    engagement engagements engage engages engagee engagees engager pris prise prises prend prennent
    comporte comportent contient contiennent enonce enoncent figurent quel quels quelle quelles lesquels
    sont etaient etait est declaration declarations adoptee adoptees adopte signee signees signe finale
    final principaux principales contenu liste
    commitment commitments committed pledge pledges pledged undertaking undertakings made make makes
    contain contains contained state states stated set out list what which were are was
    adopted signed main its
    rencontres rencontre edition meeting conference
    約束 宣言 公約 誓約 コミットメント 取り組み 何 採択 内容 主 最終 掲げ 示 項目 事項 会議 第 回 年 つ
    """.split()
)
_LATIN = re.compile(r"[a-z0-9]+")
_JAPANESE = re.compile(r"[\u3400-\u9fff\u30a0-\u30ff]+")
_NUMBERED = re.compile(r"(\d+)(?:e|es|eme|emes|er|re|th|st|nd|rd)?")


def answer(
    question: str,
    language: str,
    facts: Mapping[str, Any],
    translate: Callable[[str], str] | None = None,
) -> tuple[str, list[Citation]] | None:
    """The commitments ``question`` asks for, rendered from the fact base with the citations its marks
    number (1, 2, … in reading order); ``translate`` (to ``language``) renders the quotes for English and
    Japanese. None if the question is not the fact base's to answer."""
    declaration = asked_for(question, facts.get("commitments") or [], facts.get("rows") or [])
    if declaration is None:
        return None
    language = language if language in LANGUAGES else "en"
    block = commitments_text(declaration, lambda n: n, language, translate if language != "fr" else None)
    cited = {n: editions.citation(c) for n, c in enumerate(facts["citations"], start=1)}
    citations: list[Citation] = []
    return overview.renumbered(block, cited, citations), citations


def asked_for(question: str, declarations: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]) -> Any:
    """The one declaration ``question`` asks the commitments of, if every word of it is a word of such
    questions or names that declaration; else None."""
    text = SERIES.sub(" ", unicodedata.normalize("NFKC", question))
    folded = fold(text)
    if not _ASKS.search(folded) and not _ASKS.search(text):
        return None
    kept = [d for d in declarations if d.get("items") and all(i.get("citations") for i in d["items"])]
    chosen = [d for d in kept if _names_only(text, folded, d, rows)]
    return chosen[0] if len(chosen) == 1 else None


def _names_only(text: str, folded: str, declaration: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> bool:
    """True if every word of the question is a word of questions for commitments or names ``declaration``
    (its title, its edition's city, year or number, its number of items), and every year, edition and
    Japanese proper noun it names is the declaration's."""
    edition, year = declaration.get("edition"), declaration.get("year")
    cities = [r["city"] for r in rows if (edition and r.get("edition") == edition) or (year and r.get("year") == year)]
    named = " ".join([declaration["declaration"], *cities])
    own = {w for w in _LATIN.findall(fold(named)) if w not in STOPWORDS}
    if any(y != year for y in years_named(text)) or any(n != edition for n in editions_named(text)):
        return False
    values = {str(v) for v in (year, edition, len(declaration["items"])) if v}
    if any(n not in values for n in numbers(text)):
        return False  # "the two commitments" of a declaration that has three
    for word in _LATIN.findall(words_as_digits(words_as_digits(folded, "fr"), "en")):  # "trois" is 3
        numbered = _NUMBERED.fullmatch(word)
        if numbered and numbered.group(1) in values:
            continue
        if word not in STOPWORDS and word not in _WORDS and word not in own and not _ASKS.fullmatch(word):
            return False
    nouns = transliteration.proper_nouns(text) if _JAPANESE.search(text) else ()
    if any(not transliteration.named(noun, named) for noun in nouns):
        return False
    for noun in nouns:
        text = text.replace(noun, " ")
    return all(parts_of(run, _WORDS | _KANJI_NUMERALS) is not None for run in _JAPANESE.findall(text))


_KANJI_NUMERALS = frozenset("一二三四五六七八九十")
