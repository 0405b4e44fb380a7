"""The assistant beside the LangChain baseline, on the same questions, models and machine, in one run.

Each system answers in a process of its own (``--system``), so that each one's peak memory is its own:
the assistant with its engine, the baseline as the usual LangChain "stuff" chain over a Chroma store of
the same documents and the same models (``eval.answers.run_baseline``). Both are scored the same way
(``eval.answers.score``). Printed per language: right, wrong shown, refused, first token and total p50
and p95, peak memory, and the ratios; drawn as two PNG files. The floor beside them is the time this
machine needs to read the prompts at all: the prompt tokens of each question ÷ the prompt evaluation
speed measured at the start (the llama.cpp state kept between calls makes the real time lower for the
system prompt, so the floor is an upper bound of the reading time, not a lower bound of the answer's).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.models.generation import ChatModel, LlamaCppChatModel, Messages, OutputFormat, complete
from assistant.pipeline import Assistant
from eval.answers import run_assistant, run_baseline, score
from eval.gold import GoldItem, load_gold

SYSTEMS = ("assistant", "baseline")
LANGUAGES = ("fr", "en", "ja")


class CountingChatModel:
    """A chat model that counts the prompt tokens it is sent (llama.cpp's tokenizer, the messages' text)."""

    def __init__(self, model: ChatModel) -> None:
        self._model = model
        self.calls: list[int] = []  # the prompt tokens of each call

    @property
    def model_id(self) -> str:
        return self._model.model_id

    def stream(
        self,
        messages: Messages,
        *,
        max_tokens: int,
        temperature: float = 0.0,
        output: OutputFormat | None = None,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        self.calls.append(prompt_tokens(self._model, messages))
        yield from self._model.stream(
            messages, max_tokens=max_tokens, temperature=temperature, output=output, timeout_s=timeout_s
        )


def prompt_tokens(model: ChatModel, messages: Messages) -> int:
    if not isinstance(model, LlamaCppChatModel):
        return 0
    return model.count_tokens("\n".join(m["content"] for m in messages))


def prompt_speed(model: ChatModel) -> float | None:
    """Prompt tokens read per second by this machine: a prompt the model has never seen, answered with
    one token."""
    if not isinstance(model, LlamaCppChatModel):
        return None
    passage = " ".join(f"Passage {i} : la coopération décentralisée relie des collectivités." for i in range(60))
    messages = [{"role": "user", "content": f"{time.time()} {passage}"}]
    started = time.perf_counter()
    complete(model, messages, max_tokens=1)
    return prompt_tokens(model, messages) / (time.perf_counter() - started)


def run_system(system: str, items: Sequence[GoldItem], out: Path) -> None:
    """Answer ``items`` with one system, in this process, and write the per-question records."""
    settings = Settings()
    loader = Assistant(settings)
    if loader.chat_model is None:
        raise SystemExit(f"The bench needs the chat model: {loader.chat_problem}")
    counting = CountingChatModel(loader.chat_model)
    assistant = Assistant(settings, chat_model=counting)
    assistant.warm_up()
    speed = prompt_speed(loader.chat_model)
    records = []
    if system == "assistant":
        for item in items:
            before = len(counting.calls)
            records += run_assistant(assistant, [item], settings.corpus_dir)
            records[-1]["prompt_tokens"] = sum(counting.calls[before:])
    else:  # one store for all questions, one call per question
        records = run_baseline(assistant, items)
        for record, tokens in zip(records, counting.calls, strict=True):
            record["prompt_tokens"] = tokens
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"records": records, "peak_rss_mb": round(peak), "prompt_tokens_per_s": speed}))


def compare(items: Sequence[GoldItem], runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per system and language: the answer counts, latencies, floor; and the ratios."""
    table: dict[str, Any] = {}
    for system, run in runs.items():
        records = run["records"]
        scored = score(items, records, cited=system == "assistant")
        speed = run["prompt_tokens_per_s"]
        rows = {}
        for lang in (*LANGUAGES, "all"):
            mine = [(i, r) for i, r in zip(items, records, strict=True) if lang in ("all", i.lang)]
            counts = scored if lang == "all" else scored["by_language"][lang]
            first = [r["first_token"] / 1000 for _, r in mine]
            total = [r["total"] / 1000 for _, r in mine]
            floor = [r["prompt_tokens"] / speed for _, r in mine] if speed else []
            rows[lang] = {
                "n": len(mine),
                "right": counts["right"],
                "wrong": counts["wrong"],
                "refused": counts["refused"],
                "first_p50": _pct(first, 0.5),
                "first_p95": _pct(first, 0.95),
                "total_p50": _pct(total, 0.5),
                "total_p95": _pct(total, 0.95),
                "floor_p50": _pct(floor, 0.5) if floor else None,
            }
        table[system] = {
            "languages": rows,
            "peak_rss_mb": run["peak_rss_mb"],
            "prompt_tokens_per_s": speed,
            "first_token_s": [r["first_token"] / 1000 for r in records],
            "total_s": [r["total"] / 1000 for r in records],
        }
    table["assistant"]["stages_p50_s"] = stages(runs["assistant"]["records"])
    a, b = table["assistant"]["languages"]["all"], table["baseline"]["languages"]["all"]
    table["ratios"] = {
        "right": _ratio(a["right"], b["right"]),
        "wrong": _ratio(a["wrong"], b["wrong"]),
        "first_p50": _ratio(a["first_p50"], b["first_p50"]),
        "total_p50": _ratio(a["total_p50"], b["total_p50"]),
        "peak_rss": _ratio(table["assistant"]["peak_rss_mb"], table["baseline"]["peak_rss_mb"]),
    }
    return table


# The stages of an answer, as the marks the engine records (ms since the question came) close them.
STAGES = (
    ("retrieval", "retrieval"),
    ("prompt evaluation", "first_token"),
    ("writing", "written"),
    ("checks", "checked"),
    ("second reading", "read_again"),
    ("translation and citing", "total"),
)


def stages(records: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The median time of each stage, over the answers the model wrote (not those the fact base gave)."""
    written = [r["timings"] for r in records if "written" in r.get("timings", {})]
    out = {}
    for n, (name, mark) in enumerate(STAGES):
        before = STAGES[n - 1][1] if n else None
        spans = [(t.get(mark, 0.0) - (t.get(before, 0.0) if before else 0.0)) / 1000 for t in written if mark in t]
        out[name] = round(_pct(spans, 0.5), 2) if spans else 0.0
    return out


def markdown(table: dict[str, Any]) -> str:
    lines = [
        "| system | language | n | right | wrong | refused | first token p50 / p95 | total p50 / p95 | floor p50 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for system in SYSTEMS:
        for lang, r in table[system]["languages"].items():
            floor = f"{r['floor_p50']:.1f} s" if r["floor_p50"] is not None else "–"
            lines.append(
                f"| {system} | {lang} | {r['n']} | {r['right']:.2f} | {r['wrong']:.2f} | {r['refused']:.2f} | "
                f"{r['first_p50']:.1f} / {r['first_p95']:.1f} s | {r['total_p50']:.1f} / {r['total_p95']:.1f} s | "
                f"{floor} |"
            )
    peaks = ", ".join(f"{s} {table[s]['peak_rss_mb']} MB" for s in SYSTEMS)
    speed = table["assistant"]["prompt_tokens_per_s"]
    ratios = ", ".join(f"{k} {v}" for k, v in table["ratios"].items())
    lines += [
        "",
        f"Peak memory: {peaks}. Prompt evaluation: {speed:.0f} tokens/s." if speed else f"Peak memory: {peaks}.",
        f"Assistant ÷ baseline: {ratios}.",
        "Where the assistant's time goes (median seconds per stage, answers the model wrote): "
        + ", ".join(f"{k} {v:.1f}" for k, v in table["assistant"].get("stages_p50_s", {}).items())
        + ".",
    ]
    return "\n".join(lines)


def plot(table: dict[str, Any], folder: Path) -> list[Path]:
    """bench-latency.png (first token and total, per system) and bench-answers.png (right, wrong, refused
    per language and system)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    latency = folder / "bench-latency.png"
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, key, title in zip(axes, ("first_token_s", "total_s"), ("first token (s)", "total (s)"), strict=True):
        ax.boxplot([table[s][key] for s in SYSTEMS], tick_labels=list(SYSTEMS), orientation="horizontal")
        ax.set_title(title)
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(latency, dpi=110)
    plt.close(fig)

    answers = folder / "bench-answers.png"
    fig, ax = plt.subplots(figsize=(9, 3.6))
    labels, x = [], 0
    for lang in LANGUAGES:
        for system in SYSTEMS:
            r = table[system]["languages"][lang]
            bottom = 0.0
            for key, colour in (("right", "#2e7d32"), ("wrong", "#c62828"), ("refused", "#9e9e9e")):
                ax.bar(x, r[key], bottom=bottom, color=colour, label=key if x == 0 else None)
                bottom += r[key]
            labels.append(f"{lang}\n{system}")
            x += 1
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel("share of answerable questions")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(answers, dpi=110)
    plt.close(fig)
    return [latency, answers]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--system", choices=SYSTEMS, help="answer with one system in this process")
    parser.add_argument("--out", type=Path, help="where --system writes its records")
    parser.add_argument("--limit", type=int, default=0, help="the first N questions only")
    parser.add_argument("--plots", type=Path, default=Path("docs"), help="folder of the PNG files")
    args = parser.parse_args(argv)
    items = [i for i in load_gold() if not i.history]
    items = items[: args.limit] if args.limit else items
    if args.system:
        run_system(args.system, items, args.out)
        return 0
    results = Path(__file__).with_name("results")
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    runs = {}
    for system in SYSTEMS:
        out = results / f"side-{stamp}-{system}.json"
        cmd = [sys.executable, "-m", "eval.side_by_side", "--system", system, "--out", str(out)]
        subprocess.run([*cmd, *(["--limit", str(args.limit)] if args.limit else [])], check=True)
        runs[system] = json.loads(out.read_text())
    table = compare(items, runs)
    print(markdown(table))
    for path in plot(table, args.plots):
        print(f"wrote {path}")
    (results / f"side-{stamp}.json").write_text(json.dumps(table, indent=1))
    return 0


def _pct(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "–"


if __name__ == "__main__":
    raise SystemExit(main())
