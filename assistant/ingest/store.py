"""Chroma behind a small interface: collections of chunk vectors, cosine space, similarity out.

The store holds vectors and enough metadata to filter; the chunk texts and offsets live in the
index catalog (see ``indexing``). Chroma's distances are turned into similarities here and nowhere
else: ``similarity = 1 - cosine distance``, higher is better.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.errors import ConfigError, IndexNotBuiltError, StoreUnavailableError
from assistant.models.embeddings import Embedder

logger = logging.getLogger(__name__)

Metadata = Mapping[str, str | int | float | bool]

# The HNSW graph of a collection is approximate. With Chroma's ef_search of 100, a query over 158
# sentence vectors lost its nearest one (cosine 0.62, the next 0.16) in about a third of the
# processes that opened the index; at 400 it was found in every one (eval/README.md). The graph is
# rebuilt when this changes (``indexing.index_params``).
HNSW_CONFIG: dict[str, Any] = {"space": "cosine", "ef_search": 400}
SERVER_TIMEOUT_S = 10.0  # how long a Chroma server may take to answer one call

_T = TypeVar("_T")


def _unavailable(where: str, exc: BaseException) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"The Chroma server at {where} does not answer ({type(exc).__name__}: {exc}). Start it "
        "(`chroma run --path PATH --host HOST --port PORT`), or unset ASSISTANT_CHROMA_HOST to use the "
        "store in the index folder.",
        reason="store_unavailable",
        where=where,
    )


def _served(method: Callable[..., _T]) -> Callable[..., _T]:
    """A store call that, against a server, turns a connection failure or time-out into a clear error."""

    @functools.wraps(method)
    def call(self: ChromaStore, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except httpx.TransportError as exc:
            if not self._where:
                raise
            raise _unavailable(self._where, exc) from exc

    return call


@register_embedding_function
class AssistantEmbeddingFunction(EmbeddingFunction[Documents]):
    """Hands Chroma the assistant's own embedder, so Chroma never falls back to its default model.

    Chroma rebuilds functions from their config; only embedders this process created can be found.
    """

    _live: ClassVar[dict[str, Embedder]] = {}

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._live[embedder.model_id] = embedder

    def __call__(self, input: Documents) -> Embeddings:
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self._embedder.embed_documents(list(input))]

    def embed_query(self, input: Documents) -> Embeddings:
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self._embedder.embed_queries(list(input))]

    @staticmethod
    def name() -> str:
        return "rencontres-assistant"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self._embedder.model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> AssistantEmbeddingFunction:
        embedder = AssistantEmbeddingFunction._live.get(config.get("model_id", ""))
        if embedder is None:
            raise ConfigError(
                f"This collection was embedded with {config.get('model_id')!r}; open it through the assistant."
            )
        return AssistantEmbeddingFunction(embedder)


class ChromaStore:
    """One Chroma client (embedded or server) and the collections of the index's generations."""

    def __init__(self, client: Any, embedder: Embedder) -> None:
        self._client = client
        self._where = ""  # a server's address; "" for the embedded store
        self._embedder = embedder
        self._functions: dict[str, AssistantEmbeddingFunction] = {}
        self._function(embedder)  # registered now, so Chroma can rebuild it from a collection's config

    @classmethod
    def persistent(cls, path: Path, embedder: Embedder) -> ChromaStore:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        return cls(client, embedder)

    @classmethod
    def server(
        cls, host: str, port: int, embedder: Embedder, *, ssl: bool = False, timeout_s: float = SERVER_TIMEOUT_S
    ) -> ChromaStore:
        """A client of the Chroma server at ``host:port``; StoreUnavailableError within ``timeout_s`` if it
        does not answer. Chroma's client waits without limit (its httpx client has no timeout and no
        setting for one), so the server is first asked for its heartbeat here, with a limit, and that
        httpx client is given the same limit for every later call."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        where = f"{'https' if ssl else 'http'}://{host}:{port}"
        try:
            httpx.get(f"{where}/api/v2/heartbeat", timeout=timeout_s).raise_for_status()
            client = chromadb.HttpClient(
                host=host, port=port, ssl=ssl, settings=ChromaSettings(anonymized_telemetry=False)
            )
        except Exception as exc:
            raise _unavailable(where, exc) from exc
        http = getattr(getattr(client, "_server", None), "_session", None)  # chromadb's attribute name
        if isinstance(http, httpx.Client):
            http.timeout = httpx.Timeout(timeout_s)
        store = cls(client, embedder)
        store._where = where
        return store

    def _function(self, embedder: Embedder | None) -> AssistantEmbeddingFunction:
        """The function recorded with a collection: its vectors' model (the main one unless given)."""
        embedder = embedder or self._embedder
        if embedder.model_id not in self._functions:
            self._functions[embedder.model_id] = AssistantEmbeddingFunction(embedder)
        return self._functions[embedder.model_id]

    def _collection(self, name: str, embedder: Embedder | None = None) -> Any:
        return self._client.get_or_create_collection(
            name, configuration={"hnsw": dict(HNSW_CONFIG)}, embedding_function=self._function(embedder)
        )

    @_served
    def collection_names(self) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in self._client.list_collections()]

    @_served
    def drop(self, name: str) -> None:
        if name in self.collection_names():
            self._client.delete_collection(name)

    @_served
    def count(self, name: str) -> int:
        return int(self._collection(name).count())

    @_served
    def add(
        self,
        name: str,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
        documents: Sequence[str],
        *,
        batch_size: int = 256,
        embedder: Embedder | None = None,
    ) -> None:
        collection = self._collection(name, embedder)
        for i in range(0, len(ids), batch_size):
            sl = slice(i, i + batch_size)
            collection.upsert(
                ids=list(ids[sl]),
                embeddings=[list(e) for e in embeddings[sl]],
                metadatas=[dict(m) for m in metadatas[sl]],
                documents=list(documents[sl]),
            )

    @_served
    def embeddings(self, name: str, ids: Sequence[str], *, embedder: Embedder | None = None) -> dict[str, list[float]]:
        """Stored vectors of the given ids that exist in the collection."""
        if not ids or name not in self.collection_names():
            return {}
        got = self._collection(name, embedder).get(ids=list(dict.fromkeys(ids)), include=["embeddings"])
        return {cid: [float(x) for x in vec] for cid, vec in zip(got["ids"], got["embeddings"], strict=True)}

    @_served
    def query(
        self,
        name: str,
        embedding: Sequence[float],
        *,
        top_k: int,
        doc_ids: Sequence[str] | None = None,
        embedder: Embedder | None = None,
    ) -> list[tuple[str, float]]:
        """``(chunk_id, cosine similarity)`` of the nearest chunks, best first."""
        from chromadb.errors import NotFoundError

        try:  # never get_or_create here: a vanished collection would come back empty, and answer nothing
            collection = self._client.get_collection(name, embedding_function=self._function(embedder))
        except NotFoundError as exc:
            raise IndexNotBuiltError(
                f"The vector store has no collection {name!r}: run `assistant index` to rebuild it."
            ) from exc
        total = collection.count()
        if total == 0 or (doc_ids is not None and not doc_ids):
            return []
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            where = {"doc_id": {"$in": list(doc_ids)}}
        result = collection.query(
            query_embeddings=[list(embedding)],
            n_results=min(top_k, total),
            where=where,
            include=["distances"],
        )
        ids, distances = result["ids"][0], result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]
