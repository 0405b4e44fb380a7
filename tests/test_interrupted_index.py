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
from assistant.indexing import CURRENT, GENERATIONS
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


def wait_for(stage: str, proc: subprocess.Popen[str], index_dir: Path) -> None:
    """Return once indexing has reached ``stage``: its generation folder made ("started"), half the
    new text embedded ("embedding"), or all of it, before the generation is stored and committed
    ("embedded"). Fails if the run ends first."""
    deadline = time.monotonic() + 120
    if stage == "started":
        while not list((index_dir / GENERATIONS).glob("*.tmp")):
            assert proc.poll() is None and time.monotonic() < deadline, "indexing ended before it started"
            time.sleep(0.005)
        return
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("embedded "):
            done, total = map(int, line.split()[1:])
            if total and done >= (total if stage == "embedded" else total / 2):
                return
    raise AssertionError(f"indexing ended before the {stage!r} stage")


@pytest.mark.parametrize("stage", ["started", "embedding", "embedded"])
def test_kill_minus_nine_leaves_the_previous_index_usable(settings: Settings, corpus_dir: Path, stage: str) -> None:
    finish_indexing(settings)
    assert answers_from_the_index(settings)
    # A change that takes a while to embed, then a kill part-way.
    for i in range(6):
        (corpus_dir / f"ajout-{i}.md").write_text(
            f"# Ajout {i}\n\n" + " ".join(f"Phrase {i}.{j} sur l'eau et les jeunes." for j in range(8)) + "\n",
            encoding="utf-8",
        )
    current = (settings.index_dir / CURRENT).read_text(encoding="utf-8")
    proc = start_indexing(settings)
    wait_for(stage, proc, settings.index_dir)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if stage != "embedded":  # killed before its commit (once all is embedded, it may just have made it)
        assert (settings.index_dir / CURRENT).read_text(encoding="utf-8") == current
    assert answers_from_the_index(settings)  # old or new generation, but whole
    out = finish_indexing(settings)
    assert "Indexed:" in out or "up to date" in out
    sources = {d["source"] for d in Assistant(settings, embedder=FakeEmbedder()).documents()}
    assert {f"ajout-{i}.md" for i in range(6)} <= sources
    assert answers_from_the_index(settings)
