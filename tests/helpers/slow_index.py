"""Index a corpus slowly, so a test can kill the process part-way: slow_index.py CORPUS INDEX.

Prints "embedded DONE TOTAL" after each batch, so the test kills at a known stage, not after a delay."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.config import Settings
from assistant.indexing import build_index, open_store
from tests.fakes import FakeEmbedder


class SlowEmbedder(FakeEmbedder):
    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> list[list[float]]:
        time.sleep(0.15)
        return super().embed_documents(texts, titles=titles)


if __name__ == "__main__":
    settings = Settings(
        _env_file=None,
        corpus_dir=Path(sys.argv[1]),
        index_dir=Path(sys.argv[2]),
        embedding_model="fake-embedder",
        chunk_size=150,
        embedding_batch_size=1,
    )
    embedder = SlowEmbedder()
    report = build_index(
        settings,
        embedder,
        open_store(settings, embedder),
        progress=lambda done, total: print(f"embedded {done} {total}", flush=True),
    )
    print(report.summary(), flush=True)
