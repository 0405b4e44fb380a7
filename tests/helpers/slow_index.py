"""Index or change a corpus slowly, so a test can act part-way (kill it, run another, read meanwhile).

    slow_index.py CORPUS INDEX                index the corpus
    slow_index.py CORPUS INDEX add FILE       add FILE to it, as `assistant add` does
    slow_index.py CORPUS INDEX remove SOURCE  remove a document, as `assistant remove` does

Prints "embedded DONE TOTAL" after each batch, so the test acts at a known stage, not after a delay."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.config import Settings
from assistant.pipeline import Assistant
from tests.fakes import FakeEmbedder


class SlowEmbedder(FakeEmbedder):
    def embed_documents(self, texts: Sequence[str], *, titles: Sequence[str] | None = None) -> list[list[float]]:
        time.sleep(0.15)
        return super().embed_documents(texts, titles=titles)


def settings_for(corpus: Path, index: Path) -> Settings:
    return Settings(
        _env_file=None,
        corpus_dir=corpus,
        index_dir=index,
        embedding_model="fake-embedder",
        second_embedding_model="",
        chat_backend="none",
        chunk_size=150,
        embedding_batch_size=1,
    )


def progress(done: int, total: int) -> None:
    print(f"embedded {done} {total}", flush=True)


def run(assistant: Assistant, *action: str) -> str:
    """Index, ``add FILE`` or ``remove SOURCE``; the report's summary."""
    if action and action[0] == "add":
        _, report = assistant.add_documents([Path(action[1])], progress=progress)
    elif action and action[0] == "remove":
        report = assistant.remove_document(action[1])
    else:
        report = assistant.index(progress=progress)
    return report.summary()


if __name__ == "__main__":
    slow = Assistant(settings_for(Path(sys.argv[1]), Path(sys.argv[2])), embedder=SlowEmbedder())
    print(run(slow, *sys.argv[3:]), flush=True)
