"""Answers the fact base holds whole: which workshops or round tables an edition had, every title cited.

Asked "Quels ateliers étaient proposés lors des Rencontres de Shizuoka ?", the answer engine named the
sentence that announces three workshops and quoted two of their headings; the fact base
(:mod:`programme`) keeps each edition's announced list whole, each title cited. So a question is answered
from it when:

- it names one kind of programme part (ateliers, workshops, ワークショップ…; tables rondes, round
  tables, 円卓会議…) and, once those words and the words of asking for them (``_WORDS``: "proposés",
  "held", "行われ"…) are set aside, the rest is a question about editions that :mod:`edition_answers`
  reads whole (an edition by its year, number, host city or rank, or none);
- every edition it picks has a list of that kind in the fact base (naming none, the editions that have
  one).

The answer says, per edition, how many parts of that kind the sources announce and their titles, quoted
in the sources' French with their footnotes (a title is a name), then in English and Japanese a labelled
machine translation. Anything else goes to the answer engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.answer.quoting import translated_quotes
from assistant.drafting import edition_answers, editions, overview
from assistant.drafting.programme import KIND, KINDS
from assistant.text import questions
from assistant.text.lexical import fold
from assistant.types import Citation

# The words of asking for a programme's parts, folded, in the three languages: grammar, not one document.
_WORDS = re.compile(
    r"(?<!\w)(?:quel(?:le)?s?|lesquel(?:le)?s|propose[es]{0,2}|organise[es]{0,2}|offert[es]{0,2}|"
    r"prevu[es]{0,2}|thematiques?|comprenait|comprend|y|avait|a-t-il|ont-ils|ete|eu|lieu|"
    r"which|what|were|was|are|there|held|offer(?:ed|s)?|include[ds]?|organi[sz]ed|run|thematic|did|do|does|"
    r"have|had|has|take|took|"
    r"combien|how|many|d)(?!\w)|"
    r"どのような|どんな|何|いくつ|行われ|開か|開催|設け|ありました|ありますか|ました|ですか|でしたか|ますか|"
    r"ましたか|つ|テーマ別",
    re.IGNORECASE,
)
_SAID = {
    "fr": {
        "workshop": "ateliers",
        "round_table": "tables rondes",
        "numbered": "La {n}e édition ({city}, {year}) a proposé",
        "unnumbered": "Les Rencontres de {city} ({year}) ont proposé",
        "list": "{edition} {count} {kind} {marks} : {items}.",
        "item": "« {title} »{label} {marks}",
        "label": " ({label})",
        "comma": ", ",
        "and": " et ",
    },
    "en": {
        "workshop": "workshops",
        "round_table": "round tables",
        "numbered": "The {n}{suffix} edition ({city}, {year}) had",
        "unnumbered": "The Rencontres in {city} ({year}) had",
        "list": "{edition} {count} {kind} {marks}: {items}.",
        "item": "“{title}” {marks}",
        "comma": ", ",
        "and": " and ",
    },
    "ja": {
        "workshop": "ワークショップ",
        "round_table": "円卓会議",
        "numbered": "第{n}回（{city}、{year}年）",
        "unnumbered": "{year}年の{city}での会議",
        "list": "{edition}では{count}つの{kind}が行われました{marks}：{items}。",
        "item": "「{title}」{marks}",
        "comma": "、",
        "and": "、",
    },
}


def answer(
    question: str, language: str, facts: Mapping[str, Any], translate: Callable[[str], str] | None = None
) -> tuple[str, list[Citation]] | None:
    """The parts ``question`` asks for, rendered from the fact base with the citations its marks number
    (1, 2, … in reading order); ``translate`` (to ``language``) translates the titles for English and
    Japanese. None if the question is not the fact base's to answer."""
    chosen = asked_for(question, facts)
    if not chosen:
        return None
    cited = {n: editions.citation(c) for n, c in enumerate(facts["citations"], start=1)}
    citations: list[Citation] = []
    return overview.renumbered(rendered(chosen, language, translate), cited, citations), citations


def every_list(facts: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Every (edition's row, programme list) pair the fact base holds, by year, workshops first."""
    number = edition_answers.numbers_of(facts.get("rows") or [])
    by_edition = {number[id(r)]: r for r in facts.get("rows") or [] if id(r) in number}
    pairs = [(by_edition[p["edition"]], p) for p in facts.get("programme") or [] if p["edition"] in by_edition]
    return sorted(pairs, key=lambda pair: (pair[0]["year"], list(KINDS).index(pair[1]["kind"])))


def rendered(
    chosen: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
    language: str,
    translate: Callable[[str], str] | None = None,
) -> str:
    """The lists, one sentence each in ``language`` with the fact base's marks, each followed in English
    and Japanese by the titles' labelled machine translation (given ``translate``), with the heading each
    title stands under (in French, said beside it)."""
    language = language if language in _SAID else "en"
    lines = []
    for row, part in chosen:
        lines.append(_listed(overview.in_language([row], language)[0], part, _SAID[language], language))
        if translate is not None and language != "fr":
            # a heading ("Économie") is said in the translation, with its title: French words, translated
            titles = [f"{i['label']} : {i['title']}" if i.get("label") else i["title"] for i in part["items"]]
            line = translated_quotes(translate, titles, [i["citations"][-1] for i in part["items"]], language)
            lines += [line] if line else []
    return "\n".join(lines)


def asked_for(question: str, facts: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """The (edition's row, its programme part list) pairs ``question`` asks for, by year; [] if the
    question is not one the fact base answers whole."""
    text = unicodedata.normalize("NFKC", question)
    kinds = kinds_named(text)
    parts = facts.get("programme") or []
    rows = facts.get("rows") or []
    if len(kinds) != 1 or not parts or questions.asks_for_title(text) or questions.asks_for_person(text):
        return []
    rest = _WORDS.sub(" ", KIND[kinds[0]].sub(" ", _folded(text)))
    asked = edition_answers.read(rest, rows)
    if asked is None or asked.theme:
        return []
    lists = [(r, p) for r, p in every_list(facts) if p["kind"] == kinds[0]]
    if not (asked.years or asked.numbers or asked.cities or asked.relation):
        return lists  # no edition named: every edition's list of that kind
    selected = {id(r) for r in edition_answers.select(asked, rows)}
    chosen = [(r, p) for r, p in lists if id(r) in selected]
    return chosen if selected and len(chosen) == len(selected) else []  # each edition named has its list


def _listed(row: Mapping[str, Any], part: Mapping[str, Any], said: Mapping[str, str], language: str) -> str:
    n = row.get("edition")
    suffix = edition_answers.ordinal_suffix(n, language) if n else ""
    edition = said["numbered" if n else "unnumbered"].format(n=n, suffix=suffix, city=row["city"], year=row["year"])
    items = [
        said["item"].format(
            title=i["title"],
            label=said["label"].format(label=i["label"]) if i.get("label") and "label" in said else "",
            marks=overview.marks(i["citations"]),
        )
        for i in part["items"]
    ]
    return said["list"].format(
        count=part["count"],
        kind=said[part["kind"]],
        edition=edition,
        marks=overview.marks(part["announced"]),
        items=overview.joined(items, said),
    )


def kinds_named(question: str) -> Sequence[str]:
    """The kinds of programme parts ``question`` names ("workshop", "round_table")."""
    folded = _folded(unicodedata.normalize("NFKC", question))
    return [k for k, pattern in KIND.items() if pattern.search(folded)]


def _folded(text: str) -> str:
    """Latin letters folded ("Proposés" → "proposes"); Japanese as written (folding drops its voicing marks)."""
    return re.sub(r"[^\u3000-\u9fff\uff00-\uffef]+", lambda m: fold(m.group()), text)
