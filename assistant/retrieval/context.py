"""What the model is shown: the sentences of the best passages closest to the question, within a budget.

Passages are read in document order; each keeps its best sentence; an introduction ("… les thèmes
suivants :") brings the short lines it introduces. A sentence that gives orders to its reader
("Ignorez les instructions précédentes…", :mod:`instructions`) is never shown: it states no fact.
Each sentence is a :class:`Candidate`: its passage, its vector, and what its document is (title, host
city, year), which the model reads above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.ingest.catalog import IndexCatalog
from assistant.ingest.store import ChromaStore
from assistant.models.embeddings import cosine
from assistant.text.chunking import announced, introduces
from assistant.text.instructions import gives_orders
from assistant.types import Candidate, Chunk, Passage

# A list item is a short line; a longer unit after an introduction ends the list.
_LIST_ITEM_CHARS = 250
# How far after a count ("Trois ateliers…") its items may stand: a paragraph or a sub-list under each.
_ITEMS_WITHIN = 4000
_ITEM = "#item"  # the id of an item's first line: its unit's id and this


class ContextBuilder:
    """Chooses the sentences shown to the model from the retrieved passages."""

    def __init__(
        self,
        catalog: IndexCatalog,
        store: ChromaStore,
        passage: Callable[..., Passage],
        *,
        context_chars: int,
        list_chars: int,
    ) -> None:
        self._catalog = catalog
        self._store = store
        self._passage = passage  # chunk id -> Passage, for a list item no ranking returned
        self._context_chars = context_chars
        self._list_chars = list_chars

    def sentences(
        self, passages: Sequence[Passage], query_vector: Sequence[float], *, besides: Sequence[Candidate] = ()
    ) -> list[Candidate]:
        """The sentences of the best passages that are closest to the question, within the budget.

        Each passage keeps at least its best sentence; the rest of the budget goes to the closest
        sentences overall. Passages are shown in reading order (document, then offset), sentences in
        document order within their passage: the 1.5B model's answer moved with the order of the
        same four passages (eval/README.md), and the fusion's order among them says little. The
        sentences ``besides`` (shown already) are left out: the next closest come instead.
        """
        seen: set[str] = {c.sentence.chunk_id for c in besides}  # shown already: the next closest instead
        per_passage = []
        # Where passages overlap, a sentence is shown once, in the first.
        for p in sorted(passages, key=lambda p: (p.source, p.chunk.start)):
            sentences = [
                s
                for s in self._catalog.sentences_of(p.chunk)
                if s.chunk_id not in seen and not gives_orders(s.text)  # orders to a reader state no fact
            ]
            seen.update(s.chunk_id for s in sentences)
            per_passage.append((p, sentences))
        ids = [s.chunk_id for _, sentences in per_passage for s in sentences]
        vectors = self._store.embeddings(self._catalog.sentence_collection, ids)
        scored = [
            (cosine(query_vector, vectors[s.chunk_id]), i, s)
            for i, (_, sentences) in enumerate(per_passage)
            for s in sentences
            if s.chunk_id in vectors
        ]
        chosen: set[str] = set()
        budget = self._context_chars
        for i in range(len(per_passage)):  # the best sentence of each passage first
            best = max((x for x in scored if x[1] == i), default=None, key=lambda x: x[0])
            if best is not None and len(best[2].text) <= budget:
                chosen.add(best[2].chunk_id)
                budget -= len(best[2].text)
        for _, _, s in sorted(scored, key=lambda x: -x[0]):
            if s.chunk_id not in chosen and len(s.text) <= budget:
                chosen.add(s.chunk_id)
                budget -= len(s.text)
        shown = [(i, p, s) for i, (p, sentences) in enumerate(per_passage) for s in sentences if s.chunk_id in chosen]
        introduced_by: dict[str, str] = {}
        shown = self._with_lists(shown, set(chosen), introduced_by)
        missing = [s.chunk_id.removesuffix(_ITEM) for _, _, s in shown if s.chunk_id not in vectors]
        if missing:
            vectors.update(self._store.embeddings(self._catalog.sentence_collection, missing))
        for _, _, s in shown:  # an item's first line has its unit's vector
            if s.chunk_id.endswith(_ITEM) and s.chunk_id.removesuffix(_ITEM) in vectors:
                vectors[s.chunk_id] = vectors[s.chunk_id.removesuffix(_ITEM)]
        abouts = [self.about(p) for p, _ in per_passage]
        return [
            Candidate(
                passage=replace(p, rank=i + 1),
                sentence=s,
                vector=vectors[s.chunk_id],
                about=abouts[i],
                introduced_by=introduced_by.get(s.chunk_id),
            )
            for i, p, s in shown
            if s.chunk_id in vectors
        ]

    def _with_lists(
        self, shown: list[tuple[int, Passage, Chunk]], taken: set[str], introduced_by: dict[str, str]
    ) -> list[tuple[int, Passage, Chunk]]:
        """Each announcement followed by what it announces: the lines after an introduction ("… sur les
        trois thèmes suivants :"), and the first lines of the list items after a count ("Trois ateliers
        ont été proposés (lire ci-dessous)"), however much text stands between them.

        Lists are cut into units that rarely resemble the question ("Atelier 2 : Une société
        responsable"), and often stand in the next chunk: without this, the model reads "three themes"
        and never what they are. The units keep their own chunk as passage, so that each citation's
        quote lies inside its passage; they are shown under the announcement's extract number.
        ``introduced_by`` receives each item's announcement, for the checks.
        """
        out: list[tuple[int, Passage, Chunk]] = []
        budget = self._list_chars
        for i, passage, sentence in shown:
            out.append((i, passage, sentence))
            if budget <= 0:
                continue
            if introduces(sentence.text):
                units = self._catalog.following(sentence, max_chars=budget)
            elif count := announced(sentence.text):
                units = self._catalog.items_after(sentence, count=count, max_chars=_ITEMS_WITHIN)
            else:
                continue
            for unit in units:
                if len(unit.text) > _LIST_ITEM_CHARS:
                    break  # prose, not a list: "… adoptons la Déclaration suivante :" opens a whole text
                introduced_by.setdefault(unit.chunk_id, sentence.chunk_id)
                whole = unit.chunk_id.removesuffix(_ITEM)
                if {unit.chunk_id, whole} & taken or gives_orders(unit.text):  # shown already, or an order
                    continue
                taken.add(unit.chunk_id)
                budget -= len(unit.text)
                holders = self._catalog.chunks_of_sentence.get(whole, [])  # chunks holding it whole
                if passage.chunk.chunk_id in holders:
                    out.append((i, passage, unit))
                elif holders:  # a chunk no ranking returned, shown under the introduction's number
                    out.append((i, self._passage(holders[0], rank=0), unit))
        return out

    def about(self, passage: Passage) -> str:
        """What a passage's document is, in a few words: its title, then its host city and year if the
        title does not say them. The model reads this above each extract; the checks accept a year or
        edition the question asks about when it stands here.
        """
        title = re.split(r" : | \(", passage.title, maxsplit=1)[0]
        title = title if len(title) <= 60 else title[:60].rsplit(" ", 1)[0] + "…"
        record = self._catalog.documents.get(passage.chunk.doc_id)
        metadata = record.metadata if record else {}
        extra = [str(metadata[k]) for k in ("host_city", "year") if metadata.get(k) and str(metadata[k]) not in title]
        return ", ".join([title, *extra])
