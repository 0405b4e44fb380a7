"""`make eval`: retrieval metrics (dense, BM25, hybrid side by side) on the gold set, and a chunk-size sweep.

The held-out questions (eval/heldout.jsonl, see eval/gold.py) are measured too, apart.

python -m eval.run                 # retrieval metrics with the current settings and index
python -m eval.run --answers       # + answers to the gold, fresh, unseen, added-document, novel and kinds sets
python -m eval.run --answers --sets fresh --baseline   # one set, and the LangChain baseline beside it
python -m eval.run --sweep 300,450,600,800,1000   # rebuild a scratch index per size and compare
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.drafting import editions
from assistant.pipeline import Assistant
from eval.gold import (
    ADDED_DOCUMENTS,
    ADDED_FILE,
    FRESH_FILE,
    GOLD_FILE,
    HELDOUT_FILE,
    KINDS_FILE,
    NEEDS_ADDED,
    NOVEL_FILE,
    UNSEEN_FILE,
    GoldItem,
    evidence_spans,
    first_hit,
    load_gold,
)

SETS = {
    "gold": GOLD_FILE,
    "heldout": HELDOUT_FILE,
    "fresh": FRESH_FILE,
    "unseen": UNSEEN_FILE,
    "added": ADDED_FILE,
    "novel": NOVEL_FILE,
    "kinds": KINDS_FILE,
}

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


def with_added_document(settings: Settings, folder: Path, models: Assistant) -> Settings:
    """Settings over a copy of the corpus and index in ``folder``, with the documents of eval/added/
    added as a user would (`assistant add`): only those are embedded, by ``models``' embedders, and only
    their passages about the editions are read into the fact base."""
    corpus, index, data = folder / "corpus", folder / "index", folder / "data"
    shutil.copytree(settings.corpus_dir, corpus)
    shutil.copytree(settings.index_dir, index)
    replies = settings.data_dir / "facts" / "timeline-replies.json"
    if replies.is_file():
        (data / "facts").mkdir(parents=True)
        shutil.copy(replies, data / "facts")
    scratch = settings.model_copy(
        update={"corpus_dir": corpus, "index_dir": index, "data_dir": data, "chroma_host": None}
    )
    added = Assistant(
        scratch, embedder=models.embedder, second_embedder=models.second_embedder, chat_model=models.chat_model
    )
    added.add_documents(ADDED_DOCUMENTS)
    editions.facts(added)
    return scratch


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", help="comma-separated chunk sizes to compare")
    parser.add_argument("--answers", action="store_true", help="also measure answers (see eval/answers.py)")
    parser.add_argument(
        "--sets", default="gold,fresh,unseen,added,novel,kinds", help=f"question sets for answers: {', '.join(SETS)}"
    )
    parser.add_argument("--baseline", action="store_true", help="with --answers, also the LangChain baseline")
    parser.add_argument("--cache", type=Path, help="keep the model's replies in this file (re-runs cost nothing)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions of each set")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = Settings()
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    result: dict[str, Any] = {"settings": settings.model_dump(mode="json"), "sets": {}}

    if args.sweep:
        items = load_gold(GOLD_FILE)[: args.limit]
        rows = sweep(settings, [int(x) for x in args.sweep.split(",")], items)
        print(f"\n{'size':>5} {'chunks':>6} {'index s':>8}  " + "  ".join(f"{m:>22}" for m in MODES))
        print(f"{'':>5} {'':>6} {'':>8}  " + "  ".join(f"{'hit@1  hit@5    MRR':>22}" for _ in MODES))
        for r in rows:
            cells = "  ".join(f"{r[f'{m}_hit@1']:6.3f} {r[f'{m}_hit@5']:6.3f} {r[f'{m}_mrr']:6.3f}" for m in MODES)
            print(f"{r['chunk_size']:5d} {r['chunks']:6d} {r['index_s']:8.1f}  {cells}")
        (RESULTS / f"sweep-{stamp}.json").write_text(json.dumps(rows, indent=1))
        return 0

    assistant = Assistant(settings)
    for name in ("gold", "heldout", "fresh"):
        items = load_gold(SETS[name])[: args.limit]
        metrics = retrieval_metrics(assistant, items)
        print_retrieval(metrics, f"Retrieval, {name} set ({SETS[name].name}, sha256 {sha256_of(SETS[name])[:12]})")
        result["sets"].setdefault(name, {})["retrieval"] = metrics
        if name == "gold":
            langs = by_language(assistant, items)
            print(
                "hybrid by language: "
                + ", ".join(f"{k} hit@1 {m['hit@1']:.2f} hit@5 {m['hit@5']:.2f}" for k, m in langs.items())
            )
            result["sets"]["gold"]["by_language"] = langs

    if args.answers:
        from eval.answers import CachedChatModel, answer_metrics, print_answers

        chat_model = CachedChatModel(assistant.chat_model, args.cache) if args.cache and assistant.chat_model else None
        for name in [s for s in args.sets.split(",") if s]:
            items = load_gold(SETS[name])[: args.limit]
            digest = sha256_of(SETS[name])
            print(f"\n=== {name} set: {SETS[name].name} (sha256 {digest}), {len(items)} questions", flush=True)
            with contextlib.ExitStack() as stack:
                s = settings
                if SETS[name] in NEEDS_ADDED:
                    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="eval-added-")))
                    s = with_added_document(settings, folder, assistant)
                answers = answer_metrics(s, items, assistant, baseline=args.baseline, chat_model=chat_model)
            print_answers(answers)
            result["sets"].setdefault(name, {}).update({"sha256": digest, "answers": answers})
    (RESULTS / f"eval-{stamp}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"\nsaved eval/results/eval-{stamp}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
