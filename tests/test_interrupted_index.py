"""Faults while the corpus changes: kill -9 during indexing and during an addition (the previous index
and corpus stay whole, the next run completes), two indexing runs at once (a lock and a message), and
answers read while another process adds and removes a document (each from one whole generation)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.ingest.catalog import CURRENT, GENERATIONS
from assistant.pipeline import Assistant
from tests.fakes import FakeEmbedder
from tests.helpers import slow_index

ROOT = Path(__file__).parents[1]


def start_indexing(settings: Settings, *action: str) -> subprocess.Popen[str]:
    """Index (or ``add FILE``, ``remove SOURCE``) in another process, slowly: tests/helpers/slow_index.py."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.slow_index", str(settings.corpus_dir), str(settings.index_dir), *action],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def finish_indexing(settings: Settings, *action: str) -> str:
    """The same run, in this process and at full speed: for the runs no test interrupts."""
    assistant = Assistant(slow_index.settings_for(settings.corpus_dir, settings.index_dir), embedder=FakeEmbedder())
    return slow_index.run(assistant, *action)


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


def on_disk(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def long_note(folder: Path, name: str = "note-longue.md") -> Path:
    """A document that takes a few seconds to embed with the slow embedder."""
    path = folder / name
    path.write_text(
        "# Note longue\n\n" + "\n\n".join(f"Paragraphe {j} sur Tsukuba et Grenoble, en 1999." for j in range(30)),
        encoding="utf-8",
    )
    return path


def test_kill_minus_nine_during_an_addition_leaves_corpus_and_index_as_they_were(
    settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    finish_indexing(settings)
    corpus_before, current = on_disk(corpus_dir), (settings.index_dir / CURRENT).read_text(encoding="utf-8")
    proc = start_indexing(settings, "add", str(long_note(tmp_path)))
    wait_for("embedding", proc, settings.index_dir)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (settings.index_dir / CURRENT).read_text(encoding="utf-8") == current
    assert answers_from_the_index(settings)
    out = finish_indexing(settings)  # the next run takes the half-added file back out, then completes
    assert "Traceback" not in out and on_disk(corpus_dir) == corpus_before
    assert "note-longue.md" not in {d["source"] for d in Assistant(settings, embedder=FakeEmbedder()).documents()}
    finish_indexing(settings, "add", str(long_note(tmp_path)))  # and the same file can be added again
    assert "note-longue.md" in {d["source"] for d in Assistant(settings, embedder=FakeEmbedder()).documents()}


def test_a_second_indexing_run_meanwhile_is_refused_with_a_message(settings: Settings, tmp_path: Path) -> None:
    finish_indexing(settings)
    proc = start_indexing(settings, "add", str(long_note(tmp_path)))
    wait_for("embedding", proc, settings.index_dir)
    with pytest.raises(AssistantError, match="Another indexing run is in progress") as refused:
        Assistant(settings, embedder=FakeEmbedder()).index()
    assert refused.value.reason == "busy"
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err  # the first run was not disturbed
    assert "note-longue.md" in {d["source"] for d in Assistant(settings, embedder=FakeEmbedder()).documents()}


def test_answers_read_meanwhile_come_each_from_one_whole_generation(
    settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    finish_indexing(settings)
    reader = Assistant(settings, embedder=FakeEmbedder())
    note = long_note(tmp_path)
    seen, errors = set(), []
    for action in (("add", str(note)), ("remove", "note-longue.md")):
        proc = start_indexing(settings, *action)
        while proc.poll() is None:
            try:
                answer = reader.answer("Où ont eu lieu les Rencontres en 2014 ? Et le jumelage Tsukuba Grenoble ?")
            except Exception as exc:  # any error at all is the failure
                errors.append(repr(exc))
                continue
            catalog = reader.catalog
            seen.add(catalog.generation)
            for c in answer.citations:  # every quote stands in the generation the answer read
                assert catalog.text(c.doc_id)[c.start : c.end] == c.quote
        assert proc.wait() == 0, proc.stderr.read() if proc.stderr else ""
    assert errors == []
    assert len(seen) >= 2  # the reader did follow the new generations as they came


def test_a_generation_replaced_between_the_check_and_the_read_is_read_anew(
    settings: Settings, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process commits a new generation, and drops the old one's collections, after the answer
    checked which generation is current but before it queried the store: the answer reads the new one."""
    finish_indexing(settings)
    reader = Assistant(settings, embedder=FakeEmbedder())
    old = reader.catalog.generation
    writer = Assistant(settings, embedder=FakeEmbedder())
    long_note(corpus_dir)
    query = reader.store.query
    calls = []

    def swap_first(*args: object, **kwargs: object) -> object:
        if not calls:
            writer.index()  # commits a new generation and drops the old one's collections
        calls.append(args[0])
        return query(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader.store, "query", swap_first)
    answer = reader.answer("Le jumelage Tsukuba Grenoble ?")
    assert reader.catalog.generation != old
    assert calls[0] not in reader.catalog.collections()  # the first read went to the dropped collection
    sources = {reader.catalog.documents[p.chunk.doc_id].source for p in answer.passages}
    assert "note-longue.md" in sources  # found only in the new generation
    for c in answer.citations:
        assert reader.catalog.text(c.doc_id)[c.start : c.end] == c.quote


def test_a_store_failure_with_no_new_generation_is_not_hidden(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    finish_indexing(settings)
    reader = Assistant(settings, embedder=FakeEmbedder())
    calls = []

    def broken(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        raise RuntimeError("disk gone")

    monkeypatch.setattr(reader.store, "query", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        reader.answer("Le jumelage Tsukuba Grenoble ?")
    assert len(calls) == 1  # not read twice


def test_a_reader_follows_a_new_generation_even_while_the_old_one_is_still_readable(
    settings: Settings, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The indexer was stopped after its commit, before it dropped the old generation's collections: the
    old one still answers, but the next question reads the one committed."""
    import assistant.ingest.indexing

    finish_indexing(settings)
    reader = Assistant(settings, embedder=FakeEmbedder())
    old = reader.catalog.generation
    long_note(corpus_dir)
    monkeypatch.setattr(assistant.ingest.indexing, "_remove_leftovers", lambda *args: None)
    Assistant(settings, embedder=FakeEmbedder()).index()
    answer = reader.answer("Le jumelage Tsukuba Grenoble ?")
    assert reader.catalog.generation != old
    assert "note-longue.md" in {reader.catalog.documents[p.chunk.doc_id].source for p in answer.passages}
