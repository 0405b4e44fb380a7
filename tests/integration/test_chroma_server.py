"""The index on a real Chroma server (`chroma run` on loopback), and what happens when it is gone."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import StoreUnavailableError
from assistant.ingest.store import ChromaStore
from assistant.pipeline import Assistant
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).parents[2]
QUESTIONS = ["Takamatsu 2014", "hydrogène et mobilités", "les jeunes des deux pays"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "chroma run did not start"
            time.sleep(0.1)
    yield port, server
    server.terminate()
    server.wait(timeout=30)


def test_index_and_search_on_a_server_match_the_embedded_store(
    settings: Settings, chroma_server: tuple[int, subprocess.Popen[bytes]]
) -> None:
    port, server = chroma_server
    served = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
    first = Assistant(served, embedder=FakeEmbedder()).index()
    assert first.added and first.embedded > 0
    again = Assistant(served, embedder=FakeEmbedder()).index()
    assert again.embedded == 0 and not again.added  # nothing re-embedded
    local = settings.model_copy(update={"index_dir": settings.index_dir.parent / "local-index"})
    embedded_store = Assistant(local, embedder=FakeEmbedder())
    embedded_store.index()
    on_server = Assistant(served, embedder=FakeEmbedder())
    for question in QUESTIONS:
        assert [p.chunk.chunk_id for p in on_server.search(question, top_k=3)] == [
            p.chunk.chunk_id for p in embedded_store.search(question, top_k=3)
        ]
    server.terminate()
    server.wait(timeout=30)
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match=f"127.0.0.1:{port}"):
        on_server.search("Takamatsu 2014", top_k=3)  # the server went away under a running app
    with pytest.raises(StoreUnavailableError, match="does not answer"):
        Assistant(served, embedder=FakeEmbedder()).search("Takamatsu 2014", top_k=3)
    print(f"\nserver gone: errors after {time.monotonic() - started:.1f} s")


def test_a_server_that_accepts_but_never_answers_is_an_error_not_a_hang() -> None:
    with socket.socket() as silent:  # the kernel accepts connections; nobody ever replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError, match="does not answer"):
            ChromaStore.server("127.0.0.1", silent.getsockname()[1], FakeEmbedder(), timeout_s=1.0)
        assert time.monotonic() - started < 30  # bounded by the limit, whatever the machine


def test_the_cli_says_the_server_is_down_and_exits_2(settings: Settings, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(free_port()),
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
    }
    cli = shutil.which("assistant", path=str(Path(sys.executable).parent))
    done = subprocess.run([str(cli), "index"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "does not answer" in done.stderr + done.stdout


def test_instances_on_one_server_share_an_index_folder_or_use_their_own_prefix(
    settings: Settings, chroma_server: tuple[int, subprocess.Popen[bytes]]
) -> None:
    port, _ = chroma_server
    served = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
    first, second = Assistant(served, embedder=FakeEmbedder()), Assistant(served, embedder=FakeEmbedder())
    first.index()
    assert [p.chunk.chunk_id for p in second.search(QUESTIONS[0], top_k=3)]  # one folder: one index for both
    # Another instance with a folder of its own keeps its collections apart under its own prefix.
    other = served.model_copy(update={"index_dir": settings.index_dir.parent / "other", "collection_prefix": "autre"})
    Assistant(other, embedder=FakeEmbedder()).index()
    assert first.search(QUESTIONS[0], top_k=3) and Assistant(other, embedder=FakeEmbedder()).search(QUESTIONS[0])
