from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.pipeline import Assistant

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    "question",
    [
        "Quelle ville a accueilli les Rencontres en 2014 ?",
        "Which city hosted the Rencontres in 2014?",
        "2014年にランコントルを開催した都市はどこですか？",
    ],
)
def test_takamatsu_passage_ranks_first_in_three_languages(real_assistant: Assistant, question: str) -> None:
    top = real_assistant.search(question, top_k=5)[0]
    assert "Takamatsu en 2014" in " ".join(top.chunk.text.split())
    assert top.source == "004_cd78130f69351081.txt"


def test_reindexing_an_unchanged_corpus_embeds_nothing(real_assistant: Assistant) -> None:
    report = real_assistant.index()
    assert not report.changed and report.embedded == 0


def test_cli_search_json_points_into_the_shipped_files(real_assistant: Assistant, real_settings: Settings) -> None:
    env = {
        **os.environ,
        "ASSISTANT_INDEX_DIR": str(real_settings.index_dir),
        "ASSISTANT_MODELS_DIR": str(real_settings.models_dir),
        "ASSISTANT_CORPUS_DIR": str(real_settings.corpus_dir),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "search",
            "--json",
            "Quelle ville a accueilli les Rencontres en 2014 ?",
            "What is the Technopôle de l'Arbois?",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        for p in row["passages"]:
            text = (real_settings.corpus_dir / p["source"]).read_text(encoding="utf-8")
            assert text[p["start"] : p["end"]] == p["text"]
    assert "Takamatsu" in rows[0]["passages"][0]["text"]
