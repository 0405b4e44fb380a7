"""`make bench`: how fast the assistant is on this machine, written so the README can quote it.

Measures: embedding throughput (a fresh index of the corpus), search latency, and answer latency
(time to first token, total) over the gold questions, plus the process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.pipeline import Assistant
from eval.gold import load_gold

RESULTS = Path(__file__).with_name("results")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=12, help="how many gold questions to answer (0: none)")
    args = parser.parse_args(argv)
    settings = Settings()
    items = [i for i in load_gold() if not i.history]
    report: dict[str, object] = {"machine": machine(), "date": time.strftime("%Y-%m-%d")}

    shared = Assistant(settings)
    started = time.perf_counter()
    shared.embedder.embed_query("warm-up")
    report["embedding_model_load_s"] = round(time.perf_counter() - started, 1)
    if shared.second_embedder is not None:
        started = time.perf_counter()
        shared.second_embedder.embed_query("warm-up")
        report["second_embedding_model_load_s"] = round(time.perf_counter() - started, 1)

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Assistant(
            settings.model_copy(update={"index_dir": Path(tmp), "chroma_host": None}),
            embedder=shared.embedder,
            second_embedder=shared.second_embedder,
        )
        started = time.perf_counter()
        index = scratch.index()
        seconds = time.perf_counter() - started
        report["index_s"] = round(seconds, 1)
        report["vectors_per_s"] = round(index.embedded / seconds, 2)
        report["chunks"] = index.chunks

    shared.search(items[0].question)  # load the index
    search_ms = []
    for item in items:
        started = time.perf_counter()
        shared.search(item.question)
        search_ms.append((time.perf_counter() - started) * 1000)
    report["search_ms_p50"] = round(_pct(search_ms, 0.5), 1)
    report["search_ms_p95"] = round(_pct(search_ms, 0.95), 1)

    if args.answers:
        started = time.perf_counter()
        shared.warm_up()
        report["chat_model_load_s"] = round(time.perf_counter() - started, 1)
        first, total = [], []
        for item in items[: args.answers]:
            answer = shared.answer(item.question)
            first.append(answer.timings_ms.get("first_token", 0.0) / 1000)
            total.append(answer.timings_ms.get("total", 0.0) / 1000)
        report.update(
            {
                "answers": len(total),
                "first_token_s_p50": round(statistics.median(first), 2),
                "first_token_s_p95": round(_pct(first, 0.95), 2),
                "total_s_p50": round(statistics.median(total), 2),
                "total_s_p95": round(_pct(total, 0.95), 2),
            }
        )
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    width = max(len(k) for k in report)
    for key, value in report.items():
        print(f"{key:{width}}  {value}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"saved {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
