"""The Assistant: the one place where stages are chained. Components are built on first use."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from assistant.config import Settings
from assistant.embeddings import Embedder, SentenceTransformerEmbedder
from assistant.errors import QuestionError
from assistant.indexing import IndexCatalog, IndexReport, Progress, build_index, open_store
from assistant.models import resolve_embedding_model
from assistant.retrieval import Filters, HybridRetriever, Mode
from assistant.store import ChromaStore
from assistant.types import Passage

logger = logging.getLogger(__name__)


def validate_question(question: str, *, max_chars: int) -> str:
    """The question, stripped; QuestionError if it is empty or too long."""
    cleaned = " ".join(question.split())
    if not cleaned:
        raise QuestionError("The question is empty: type a question about the Rencontres.")
    if len(cleaned) > max_chars:
        raise QuestionError(f"The question is {len(cleaned)} characters long; the limit is {max_chars}. Shorten it.")
    return cleaned


class Assistant:
    """Search and answer over the indexed corpus.

    Pass components to replace the real ones (tests pass fakes); any left out is built from the
    settings the first time it is needed, so constructing an Assistant loads nothing.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        store: ChromaStore | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._store = store
        self._retriever: HybridRetriever | None = None

    # --- components ------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = SentenceTransformerEmbedder(
                resolve_embedding_model(self.settings),
                model_id=self.settings.embedding_model,
                batch_size=self.settings.embedding_batch_size,
                threads=self.settings.embedding_threads,
            )
        return self._embedder

    @property
    def store(self) -> ChromaStore:
        if self._store is None:
            self._store = open_store(self.settings, self.embedder)
        return self._store

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            catalog = IndexCatalog.load(self.settings.index_dir)
            self._retriever = HybridRetriever(
                catalog,
                self.store,
                self.embedder,
                candidates=self.settings.candidates,
                rrf_k=self.settings.rrf_k,
            )
        return self._retriever

    @property
    def catalog(self) -> IndexCatalog:
        return self.retriever.catalog

    def warm_up(self) -> None:
        """Load the index and the embedding model now rather than on the first question."""
        self.embedder.embed_query("warm-up")
        _ = self.retriever

    # --- operations ------------------------------------------------------------------------------

    def index(self, *, rebuild: bool = False, progress: Progress | None = None) -> IndexReport:
        report = build_index(self.settings, self.embedder, self.store, rebuild=rebuild, progress=progress)
        self._retriever = None  # the next search reads the new generation
        return report

    def search(
        self,
        question: str,
        *,
        top_k: int | None = None,
        filters: Filters | None = None,
        mode: Mode | None = None,
    ) -> list[Passage]:
        query = validate_question(question, max_chars=self.settings.max_question_chars)
        return self.retriever.search(
            query, top_k=top_k or self.settings.top_k, filters=filters, mode=mode or self.settings.retrieval_mode
        )

    def documents(self) -> list[dict[str, Any]]:
        """The indexed documents, as `assistant docs --json` lists them."""
        return [
            {
                "doc_id": r.doc_id,
                "title": r.title,
                "source": r.source,
                "chunks": r.chunks,
                "indexed_at": r.indexed_at,
                "sha256": r.sha256,
                **r.metadata,
            }
            for r in sorted(self.catalog.documents.values(), key=lambda r: r.source)
        ]


def passages_json(passages: Sequence[Passage]) -> list[dict[str, Any]]:
    return [
        {
            "rank": p.rank,
            "doc_id": p.chunk.doc_id,
            "title": p.title,
            "source": p.source,
            "start": p.chunk.start,
            "end": p.chunk.end,
            "text": p.chunk.text,
            "score": round(p.score, 6),
        }
        for p in passages
    ]


def search_json(question: str, passages: Sequence[Passage], started: float) -> dict[str, Any]:
    return {
        "question": question,
        "passages": passages_json(passages),
        "timings_ms": {"total": round((time.perf_counter() - started) * 1000, 1)},
    }
