"""Hybrid search: dense (Chroma) and BM25 rankings fused by reciprocal rank, with filters."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.errors import QuestionError
from assistant.ingest.catalog import IndexCatalog
from assistant.ingest.store import ChromaStore
from assistant.models.embeddings import Embedder
from assistant.text.numbers import editions_named, years_named
from assistant.types import Passage

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "lexical"]


@dataclass(frozen=True)
class Filters:
    """Limit a search to some documents (id or source path), editions or years."""

    doc_ids: tuple[str, ...] = ()
    editions: tuple[int, ...] = ()
    years: tuple[int, ...] = ()

    def describe(self) -> str:
        """The filters as a user wrote them: "--doc nope.txt --edition 9"."""
        parts = [f"--doc {d}" for d in self.doc_ids] + [f"--edition {e}" for e in self.editions]
        return " ".join(parts + [f"--year {y}" for y in self.years])


def fuse_rankings(
    rankings: Sequence[Sequence[str]], *, rrf_k: int, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Weighted reciprocal rank fusion: list j gives ``weights[j] / (rrf_k + rank)`` to its items."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (rrf_k + rank)
    return scores


class HybridRetriever:
    def __init__(
        self,
        catalog: IndexCatalog,
        store: ChromaStore,
        embedder: Embedder,
        *,
        candidates: int = 30,
        rrf_k: int = 60,
        second_embedder: Embedder | None = None,
        second_weight: float = 1.0,
    ) -> None:
        self.catalog = catalog
        self._store = store
        self._embedder = embedder
        self._candidates = candidates
        self._rrf_k = rrf_k
        self._second = second_embedder
        self._second_weight = second_weight

    def search(
        self,
        query: str,
        *,
        top_k: int,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        query_vector: Sequence[float] | None = None,
    ) -> list[Passage]:
        filters = filters or Filters()
        doc_ids = self.catalog.select_documents(doc_ids=filters.doc_ids, editions=filters.editions, years=filters.years)
        if doc_ids == []:
            raise QuestionError(
                f"No indexed document matches {filters.describe()}: see `assistant docs`.", reason="no_match"
            )
        dense: list[tuple[str, float]] = []
        by_sentence: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            vector = query_vector if query_vector is not None else self._embedder.embed_query(query)
            dense = self._store.query(self.catalog.collection, vector, top_k=self._candidates, doc_ids=doc_ids)
            dense = [(cid, s) for cid, s in dense if cid in self.catalog.chunks]
        if mode == "hybrid":
            by_sentence = self._best_sentence_ranking(vector, doc_ids)
        if mode in ("hybrid", "lexical"):
            allowed = None
            if doc_ids is not None:
                wanted = set(doc_ids)
                allowed = {cid for cid, c in self.catalog.chunks.items() if c.doc_id in wanted}
            lexical = self.catalog.bm25.search(query, top_k=self._candidates, allowed=allowed)

        dense_scores, lexical_scores = dict(dense), dict(lexical)
        for cid, sim in by_sentence:  # a chunk's similarity is that of its best-matching part
            dense_scores[cid] = max(sim, dense_scores.get(cid, -1.0))
        if mode == "dense":
            ranked = sorted(dense_scores.items(), key=lambda kv: -kv[1])
        elif mode == "lexical":
            ranked = sorted(lexical_scores.items(), key=lambda kv: -kv[1])
        else:
            # BM25 counts as much as the share of the query's words the corpus knows: a question in
            # another language than the documents' leaves it little to go on but names and numbers.
            lexical_weight = self.catalog.bm25.coverage(query)
            rankings = [[c for c, _ in dense], [c for c, _ in by_sentence], [c for c, _ in lexical]]
            weights = [1.0, 1.0, lexical_weight]
            # A second embedding model errs on other questions than the first (eval/README.md).
            if self._second is not None and self.catalog.second_collection:
                rankings.append([c for c, _ in self._second_ranking(query, doc_ids)])
                weights.append(self._second_weight)
            # A year or edition the question names favours the documents about it ("les ateliers de
            # 2022" should not be answered from the 2024 report's "Trois ateliers"); a soft vote, not a
            # filter, since a 2022 text also recounts 2014.
            named = self.catalog.select_documents(years=years_named(query), editions=editions_named(query))
            if named and doc_ids is None:
                chosen = set(named)
                order = sorted(dense_scores, key=lambda c: -dense_scores[c])
                rankings.append([c for c in order if self.catalog.chunks[c].doc_id in chosen])
                weights.append(1.0)
            fused = fuse_rankings(rankings, rrf_k=self._rrf_k, weights=weights)
            ranked = sorted(fused.items(), key=lambda kv: (-kv[1], -dense_scores.get(kv[0], -1.0)))
        return [
            self._passage(cid, score, rank, dense_scores.get(cid), lexical_scores.get(cid))
            for rank, (cid, score) in enumerate(ranked[:top_k], start=1)
        ]

    def _best_sentence_ranking(self, vector: Sequence[float], doc_ids: list[str] | None) -> list[tuple[str, float]]:
        """Chunks ranked by their best sentence: finds the one line that answers inside a long chunk."""
        hits = self._store.query(self.catalog.sentence_collection, vector, top_k=self._candidates, doc_ids=doc_ids)
        best: dict[str, float] = {}
        for sid, sim in hits:
            for cid in self.catalog.chunks_of_sentence.get(sid, []):
                best[cid] = max(sim, best.get(cid, -1.0))
        return sorted(best.items(), key=lambda kv: -kv[1])

    def _second_ranking(self, query: str, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        assert self._second is not None and self.catalog.second_collection
        vector = self._second.embed_query(query)
        hits = self._store.query(
            self.catalog.second_collection, vector, top_k=self._candidates, doc_ids=doc_ids, embedder=self._second
        )
        return [(cid, sim) for cid, sim in hits if cid in self.catalog.chunks]

    def passage(self, chunk_id: str, *, rank: int) -> Passage:
        """A chunk as a passage that no ranking found (it is shown beside one that was)."""
        return self._passage(chunk_id, 0.0, rank, None, None)

    def embed_query(self, query: str) -> list[float]:
        return self._embedder.embed_query(query)

    def _passage(self, chunk_id: str, score: float, rank: int, dense: float | None, lexical: float | None) -> Passage:
        chunk = self.catalog.chunks[chunk_id]
        record = self.catalog.documents[chunk.doc_id]
        return Passage(
            chunk=chunk,
            title=record.title,
            source=record.source,
            score=score,
            rank=rank,
            dense_score=dense,
            lexical_score=lexical,
        )
