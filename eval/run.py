"""`make eval`: retrieval metrics (dense, BM25, hybrid side by side) on the gold set, and a chunk-size sweep.

The held-out questions (eval/heldout.jsonl, see eval/gold.py) are measured too, apart.

python -m eval.run                 # retrieval metrics with the current settings and index
python -m eval.run --answers --no-baseline --questions eval/heldout.jsonl   # answers to the held-out set
python -m eval.run --sweep 300,450,600,800,1000   # rebuild a scratch index per size and compare
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.pipeline import Assistant
from eval.gold import GOLD_FILE, HELDOUT_FILE, GoldItem, evidence_spans, first_hit, load_gold

RESULTS = Path(__file__).with_name("results")
MODES = ("dense", "lexical", "hybrid")


def retrieval_metrics(assistant: Assistant, items: list[GoldItem], *, top_k: int = 5) -> dict[str, dict[str, Any]]:
    """hit@1, hit@5 and MRR per mode over the answerable, single-turn gold questions."""
    scored = [i for i in items if i.answerable and not i.history]
    out: dict[str, dict[str, Any]] = {}
    for mode in MODES:
        ranks: list[int | None] = []
        misses = []
        for item in scored:
            passages = assistant.search(item.question, top_k=top_k, mode=mode)
            rank = first_hit(passages, evidence_spans(item, assistant.catalog))
            ranks.append(rank)
            if rank != 1:
                misses.append(f"{item.id}:{rank}")
        n = max(1, len(ranks))  # a --limit can leave a language with no question
        out[mode] = {
            "n": n,
            "hit@1": sum(r == 1 for r in ranks) / n,
            "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
            "mrr": sum(1 / r for r in ranks if r) / n,
            "not_first": misses,
        }
    return out


def by_language(assistant: Assistant, items: list[GoldItem]) -> dict[str, dict[str, Any]]:
    return {
        lang: retrieval_metrics(assistant, [i for i in items if i.lang == lang])["hybrid"]
        for lang in ("fr", "en", "ja")
    }


def print_retrieval(metrics: dict[str, dict[str, Any]], title: str) -> None:
    print(f"\n{title}")
    print(f"{'method':10} {'n':>3} {'hit@1':>7} {'hit@5':>7} {'MRR':>7}")
    for mode, m in metrics.items():
        print(f"{mode:10} {m['n']:3d} {m['hit@1']:7.3f} {m['hit@5']:7.3f} {m['mrr']:7.3f}")
    for mode, m in metrics.items():
        if m.get("not_first"):
            print(f"  {mode} not ranked first (id:rank): {' '.join(m['not_first'])}")


def sweep(settings: Settings, sizes: list[int], items: list[GoldItem]) -> list[dict[str, Any]]:
    """Build a scratch index per chunk size (same embedder, loaded once) and measure hybrid and both parts."""
    rows = []
    shared = Assistant(settings)
    embedder = shared.embedder
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"sweep-{size}-") as tmp:
            s = settings.model_copy(update={"chunk_size": size, "index_dir": Path(tmp), "chroma_host": None})
            assistant = Assistant(s, embedder=embedder)
            started = time.perf_counter()
            report = assistant.index()
            seconds = time.perf_counter() - started
            metrics = retrieval_metrics(assistant, items)
            rows.append(
                {
                    "chunk_size": size,
                    "chunks": report.chunks,
                    "index_s": round(seconds, 1),
                    **{f"{mode}_{k}": metrics[mode][k] for mode in MODES for k in ("hit@1", "hit@5", "mrr")},
                }
            )
            print(
                f"chunk_size {size}: {report.chunks} chunks, hybrid hit@1 {metrics['hybrid']['hit@1']:.3f} "
                f"hit@5 {metrics['hybrid']['hit@5']:.3f} MRR {metrics['hybrid']['mrr']:.3f}",
                flush=True,
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", help="comma-separated chunk sizes to compare")
    parser.add_argument("--answers", action="store_true", help="also measure answers (see eval/answers.py)")
    parser.add_argument("--no-baseline", action="store_true", help="with --answers, skip the LangChain baseline")
    parser.add_argument("--limit", type=int, default=None, help="only the first N gold questions")
    parser.add_argument("--questions", type=Path, default=GOLD_FILE, help="another question file (eval/heldout.jsonl)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings()
    items = load_gold(args.questions)[: args.limit]
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    n_answerable = sum(i.answerable for i in items)
    print(
        f"{args.questions.name}: {len(items)} questions ({n_answerable} answerable, "
        f"{sum(not i.answerable for i in items)} unanswerable, {sum(bool(i.history) for i in items)} follow-ups)"
    )

    if args.sweep:
        rows = sweep(settings, [int(x) for x in args.sweep.split(",")], items)
        print(f"\n{'size':>5} {'chunks':>6} {'index s':>8}  " + "  ".join(f"{m:>22}" for m in MODES))
        print(f"{'':>5} {'':>6} {'':>8}  " + "  ".join(f"{'hit@1  hit@5    MRR':>22}" for _ in MODES))
        for r in rows:
            cells = "  ".join(f"{r[f'{m}_hit@1']:6.3f} {r[f'{m}_hit@5']:6.3f} {r[f'{m}_mrr']:6.3f}" for m in MODES)
            print(f"{r['chunk_size']:5d} {r['chunks']:6d} {r['index_s']:8.1f}  {cells}")
        (RESULTS / f"sweep-{stamp}.json").write_text(json.dumps(rows, indent=1))
        return 0

    assistant = Assistant(settings)
    metrics = retrieval_metrics(assistant, items)
    print_retrieval(metrics, f"Retrieval (top 5, chunk_size {settings.chunk_size})")
    langs = by_language(assistant, items)
    print(
        "\nhybrid by language: "
        + ", ".join(f"{lang} hit@1 {m['hit@1']:.2f} hit@5 {m['hit@5']:.2f} (n={m['n']})" for lang, m in langs.items())
    )
    result: dict[str, Any] = {"retrieval": metrics, "by_language": langs, "settings": settings.model_dump(mode="json")}
    if args.limit is None and args.questions.resolve() == GOLD_FILE:
        heldout = retrieval_metrics(assistant, load_gold(HELDOUT_FILE))
        print_retrieval(heldout, f"Held-out questions ({HELDOUT_FILE.name}, written after the tuning)")
        result["heldout_retrieval"] = heldout
    if args.answers:
        from eval.answers import answer_metrics, print_answers

        answers = answer_metrics(settings, items, baseline=not args.no_baseline)
        print_answers(answers)
        result["answers"] = answers
    (RESULTS / f"eval-{stamp}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"\nsaved eval/results/eval-{stamp}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
