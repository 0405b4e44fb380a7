"""Programmes: the workshops and round tables of an edition, each by its title, cited.

A report announces them with a count ("Trois ateliers thématiques ont été proposés (lire ci-dessous)",
"… trois ateliers de discussions sur les trois thèmes suivants :", "two round tables were held:"), then
gives them as items of one shape: titled ("Atelier 1 : Vers quel modèle économique durable ?"),
numbered ("1. Vers quel modèle…"), or bulleted with a colon ("- Qualité de vie et neutralité carbone :
Les participants…"). A list is kept only whole: as many items as announced, within a few paragraphs of
the announcement, each under the short heading that stands right before it, if each has one
("Environnement"). A part titled alone ("Première table ronde : discussions…", with no count announced)
is not kept: nothing says whether it is all of them.

Read with no model, from the index's sentences; each title cited to the sentence that gives it (from its
heading, where it has one), each list to its announcement. An edition is the one its document's
metadata names. Part of the fact base (:mod:`editions`), kept per index generation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from assistant.ingest.catalog import IndexCatalog
from assistant.text.chunking import announced, introduces, list_marker
from assistant.text.lexical import fold
from assistant.types import Chunk

# The parts of a conference programme, in the three languages (folded): the grammar of programmes.
KINDS = {
    "workshop": r"ateliers?|workshops?|ワークショップ|分科会",
    "round_table": r"tables?[\s-]+rondes?|round[\s-]?tables?|円卓会議|ラウンドテーブル|パネルディスカッション",
}
# Each kind's words as a pattern, whole words in Latin letters (Japanese writes none apart).
KIND = {kind: re.compile(rf"(?<![a-z])(?:{words})(?![a-z])", re.IGNORECASE) for kind, words in KINDS.items()}
_FORWARD = re.compile(r"ci-dessous|ci-apres|suivante?s?\b|below|following|以下|次の", re.IGNORECASE)
_WITHIN = 3000  # characters after an announcement, or an item, in which the next item stands
_TITLE_WORDS = 20  # a title is a line, not a paragraph
_LABEL_WORDS = 5


class Notes(Protocol):
    def span(self, unit: Chunk) -> int: ...


def read(catalog: IndexCatalog, notes: Notes) -> list[dict[str, Any]]:
    """The programmes, each {"edition", "kind", "count", "announced": [n], "items": [{"title", "label",
    "citations": [n]}]}, one per edition and kind, in document order; ``notes`` numbers the spans cited.
    A second document's list of the same titles adds its citations."""
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for doc_id in sorted(catalog.documents, key=lambda d: catalog.documents[d].source):
        record = catalog.documents[doc_id]
        edition = record.metadata.get("edition")  # stated in the document's first lines, or set by a user
        if not isinstance(edition, int):
            continue
        units, text = catalog.sentences_in(doc_id), catalog.text(doc_id)
        for kind in KINDS:
            for programme in _announced(units, text, kind):
                _merge(found, edition, kind, programme, notes)
    return list(found.values())


Item = tuple[str, str | None, Chunk]  # title, label, the span cited (the label's heading with its item)
Found = tuple[Chunk, list[Item]]  # the announcement, its items


def _announced(units: Sequence[Chunk], text: str, kind: str) -> list[Found]:
    """The lists of ``kind`` the document announces and gives whole."""
    out = []
    for k, unit in enumerate(units):
        count = announced(unit.text, about=lambda words, kind=kind: KIND[kind].search(words) is not None)
        if count < 2 or not (introduces(unit.text) or _FORWARD.search(fold(unit.text))):
            continue
        items = _items(units, text, k + 1, count, kind)
        if len(items) == count:
            out.append((unit, items))
    return out


def _items(units: Sequence[Chunk], text: str, first: int, count: int, kind: str) -> list[Item]:
    """Up to ``count`` items of one shape after ``units[first - 1]`` in a document of ``text``."""
    items: list[tuple[str, str | None, Chunk, Chunk]] = []
    shape = None
    end = units[first - 1].end + _WITHIN
    for k in range(first, len(units)):
        unit = units[k]
        if unit.start > end or len(items) == count:
            break
        found = _item(unit.text, kind)
        if found is None or (shape is not None and found[0] != shape):
            continue
        if found[0] == "numbered" and found[2] != str(len(items) + 1):
            continue  # "1.", "2.", "3." in order: another numbered list is not this one
        shape = found[0]
        items.append((found[1], _label(units[k - 1], unit), units[k - 1], unit))
        end = unit.end + _WITHIN  # the next item within a few paragraphs of this one
    labelled = items and all(label for _, label, _, _ in items)  # a heading before every item, or none
    return [
        (title, label, _span(text, heading, unit)) if labelled else (title, None, unit)
        for title, label, heading, unit in items
    ]


def _span(text: str, first: Chunk, last: Chunk) -> Chunk:
    """The span of a document from ``first`` to ``last``, as one unit to cite."""
    return Chunk(first.chunk_id, first.doc_id, first.start, last.end, text[first.start : last.end], first.heading_path)


def _item(text: str, kind: str) -> tuple[str, str, str] | None:
    """(shape, title, number) of an item line: "Atelier 1 : T" titled, "1. T" numbered, "- T : …" bulleted."""
    line = " ".join(text.split())
    titled = re.match(rf"^(?:{KIND[kind].pattern})\s*(\d+)\s*[:：–-]\s*(.+)$", line, re.IGNORECASE)
    if titled and len(titled.group(2).split()) <= _TITLE_WORDS:
        return "titled", titled.group(2).strip(), titled.group(1)
    marker = list_marker(line)
    if marker is None:
        return None
    rest = line[len(marker) :].strip()
    if marker[:-1].isdigit() and len(rest.split()) <= _TITLE_WORDS:
        return "numbered", rest, marker[:-1]
    bulleted = re.match(r"^(.+?)\s*[:：]", rest)
    if not marker[:-1].isdigit() and bulleted and len(bulleted.group(1).split()) <= _TITLE_WORDS // 2:
        return "bulleted", bulleted.group(1).strip(), ""
    return None


def _label(before: Chunk, item: Chunk) -> str | None:
    """The short heading standing right before an item ("Environnement"), if there is one."""
    heading = before.heading_path[-1] if before.heading_path else None
    words = " ".join(before.text.split())
    if heading != words or len(words.split()) > _LABEL_WORDS or item.start - before.end > 3:
        return None
    return words


def _merge(found: dict[tuple[int, str], dict[str, Any]], edition: int, kind: str, got: Found, notes: Notes) -> None:
    announcement, items = got
    key = (edition, kind)
    kept = found.get(key)
    if kept is None:
        found[key] = {
            "edition": edition,
            "kind": kind,
            "count": len(items),
            "announced": [notes.span(announcement)],
            "items": [{"title": t, "label": label, "citations": [notes.span(unit)]} for t, label, unit in items],
        }
        return
    titles = [_key(i["title"]) for i in kept["items"]]
    if [_key(t) for t, _, _ in items] != titles:
        return  # another list, or the same told otherwise: the first document's is kept
    for item, (_, _, unit) in zip(kept["items"], items, strict=True):
        item["citations"] += [n for n in [notes.span(unit)] if n not in item["citations"]]
    kept["announced"] += [n for n in [notes.span(announcement)] if n not in kept["announced"]]


def _key(title: str) -> str:
    return " ".join(re.findall(r"\w+", fold(title)))
