"""kill -9 an indexing run at several moments: the previous index stays usable, the next run completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.pipeline import Assistant
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).parents[1]


def start_indexing(settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.slow_index", str(settings.corpus_dir), str(settings.index_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def finish_indexing(settings: Settings) -> str:
    proc = start_indexing(settings)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out


def answers_from_the_index(settings: Settings) -> bool:
    passages = Assistant(settings, embedder=FakeEmbedder()).search("Takamatsu 2014", top_k=3)
    return any("Takamatsu" in p.chunk.text for p in passages)


@pytest.mark.parametrize("delay", [0.8, 2.0, 3.5])
def test_kill_minus_nine_leaves_the_previous_index_usable(settings: Settings, corpus_dir: Path, delay: float) -> None:
    finish_indexing(settings)
    assert answers_from_the_index(settings)
    # A change that takes a while to embed, then a kill part-way.
    for i in range(6):
        (corpus_dir / f"ajout-{i}.md").write_text(
            f"# Ajout {i}\n\n" + " ".join(f"Phrase {i}.{j} sur l'eau et les jeunes." for j in range(8)) + "\n",
            encoding="utf-8",
        )
    proc = start_indexing(settings)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert answers_from_the_index(settings)  # old or new generation, but whole
    out = finish_indexing(settings)
    assert "Indexed:" in out or "up to date" in out
    sources = {d["source"] for d in Assistant(settings, embedder=FakeEmbedder()).documents()}
    assert {f"ajout-{i}.md" for i in range(6)} <= sources
    assert answers_from_the_index(settings)
