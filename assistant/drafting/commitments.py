"""Commitments: what the declarations of the Rencontres commit their authorities to, item by item.

A declaration writes its commitments as a list under a sentence that announces them ("… avons convenu
de promouvoir les démarches suivantes :", "We commit to the following:", "以下に取り組む："). They are
read from the index's sentences with no model: an introduction (it ends with a colon) that holds a verb
of commitment, then the numbered or bulleted items after it, each item with the sentences of its own
paragraph. Each commitment is cited to its span, its introduction to its own; the declaration is named
by its document's title, edition and year. They are part of the fact base (:mod:`editions`), kept with
the editions per index generation; the brief says them.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from assistant.ingest.catalog import IndexCatalog
from assistant.text.chunking import introduces, is_list_item, list_marker
from assistant.types import Chunk

# Verbs of commitment in the three languages: the grammar of declarations, not one document's words.
_COMMITS = re.compile(
    r"\b(?:convenu|convenons|conviennent|engag\w*|d[ée]cid\w*|r[ée]solu\w*|promouvoir|s'efforcer\w*|"
    r"agreed?|agrees|commit\w*|resolved?|pledge[ds]?|undertake[ns]?)\b|約束|合意|決意|取り組|推進|誓",
    re.IGNORECASE,
)
_ITEMS_WITHIN = 3000  # characters of text after an introduction in which its items stand
_MAX_ITEMS = 12


class Notes(Protocol):
    def span(self, unit: Chunk) -> int: ...


def read(catalog: IndexCatalog, notes: Notes) -> list[dict[str, Any]]:
    """The declarations' commitments, each {"declaration", "edition", "year", "introduction": [n],
    "items": [{"text", "citations": [n]}]}, in document order; ``notes`` numbers the spans cited."""
    found = []
    for doc_id in sorted(catalog.documents, key=lambda d: catalog.documents[d].source):
        record = catalog.documents[doc_id]
        text = catalog.text(doc_id)
        units = catalog.sentences_in(doc_id)
        for k, unit in enumerate(units):
            if not (introduces(unit.text) and _COMMITS.search(unit.text)):
                continue
            items = _items(units[k + 1 :], text)
            if len(items) < 2:
                continue
            found.append(
                {
                    "declaration": record.title,
                    "edition": record.metadata.get("edition"),
                    "year": record.metadata.get("year"),
                    "introduction": [notes.span(unit)],
                    "items": [{"text": _said(item), "citations": [notes.span(item)]} for item in items],
                }
            )
    return found


def _items(after: list[Chunk], text: str) -> list[Chunk]:
    """The list items that follow an introduction, each one span from its marker to the end of its
    paragraph (the sentences after the marker's one, up to a blank line, belong to it); the list ends
    at the first paragraph that is not an item."""
    items: list[Chunk] = []
    start = after[0].start if after else 0
    for unit in after:
        if unit.start - start > _ITEMS_WITHIN or len(items) == _MAX_ITEMS:
            break
        new_paragraph = not items or "\n\n" in text[items[-1].end : unit.start].replace(" ", "")
        if is_list_item(unit.text):
            items.append(unit)
        elif items and not new_paragraph:  # the item's next sentence
            last = items[-1]
            items[-1] = Chunk(last.chunk_id, last.doc_id, last.start, unit.end, text[last.start : unit.end])
        else:
            break
    return items


def _said(item: Chunk) -> str:
    """An item's text on one line, without its list marker."""
    text = " ".join(item.text.split())
    marker = list_marker(text)
    return text[len(marker) :].lstrip() if marker else text
