"""The side-by-side bench's table, ratios and plots, from recorded answers (no model)."""

from __future__ import annotations

from pathlib import Path

from eval.gold import load_gold
from eval.side_by_side import compare, markdown, plot


def record(text: str, first_ms: float, tokens: int) -> dict:
    return {
        "text": text,
        "mode": "answer",
        "quotes": [],
        "refused": False,
        "citations": [],
        "gold_cited": False,
        "first_token": first_ms,
        "total": first_ms * 2,
        "prompt_tokens": tokens,
        "timings": {"retrieval": 100.0, "first_token": first_ms, "written": first_ms + 500, "total": first_ms * 2},
    }


def test_the_table_says_each_system_per_language_with_ratios_and_the_plots_are_drawn(tmp_path: Path) -> None:
    items = [i for i in load_gold() if i.answerable and not i.history][:6]
    right = [record(" ".join(group[0] for group in i.facts), 1000.0, 500) for i in items]
    wrong = [record("Paris", 4000.0, 1500) for _ in items]
    runs = {
        "assistant": {"records": right, "peak_rss_mb": 3000, "prompt_tokens_per_s": 100.0},
        "baseline": {"records": wrong, "peak_rss_mb": 2000, "prompt_tokens_per_s": 100.0},
    }
    table = compare(items, runs)
    assert table["assistant"]["languages"]["all"]["right"] == 1.0
    assert table["baseline"]["languages"]["all"]["wrong"] == 1.0
    assert table["assistant"]["languages"]["all"]["floor_p50"] == 5.0  # 500 tokens at 100 tokens/s
    assert table["ratios"]["first_p50"] == "0.25" and table["ratios"]["peak_rss"] == "1.50"
    assert table["assistant"]["stages_p50_s"]["prompt evaluation"] == 0.9  # 1000 ms first token - 100 ms retrieval
    text = markdown(table)
    assert "| assistant | all | 6 | 1.00 | 0.00 |" in text and "100 tokens/s" in text
    for path in plot(table, tmp_path):
        assert path.stat().st_size > 1000
