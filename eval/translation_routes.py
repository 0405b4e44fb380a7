"""How often a Japanese machine translation of a source sentence passes ``quoting.translated_quote``'s
checks (numbers, loops, names), straight from French and through English, on sentences drawn at random
from the shipped corpus (none chosen by hand). Prints one JSON line a sentence, to read, then the counts.

python -m eval.translation_routes [--seed 22] [--count 24]   # ~20 s a sentence on 2 cores
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from functools import partial

from assistant.answer.quoting import quoted_text, translated_quote
from assistant.config import Settings
from assistant.ingest.loading import load_corpus
from assistant.pipeline import Assistant
from assistant.text.chunking import segment_document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--count", type=int, default=24)
    args = parser.parse_args()
    settings = Settings()
    documents, _ = load_corpus(settings.corpus_dir)
    sentences = sorted(
        {
            " ".join(d.text[u.start : u.end].split())
            for d in documents
            for u in segment_document(d)
            if u.kind == "sentence" and 8 <= len(d.text[u.start : u.end].split()) <= 45
        }
    )
    assistant = Assistant(settings)
    to_japanese = partial(assistant.translate, language="ja")
    to_english = partial(assistant.translate, language="en")
    direct = retried = 0
    sample = random.Random(args.seed).sample(sentences, min(args.count, len(sentences)))
    for sentence in sample:
        quote = quoted_text(sentence)
        started = time.perf_counter()
        first = translated_quote(to_japanese, quote, "ja")
        from_english = partial(_unless, quote, to_japanese)  # the first try's answer is known: not asked again
        second = first or translated_quote(from_english, quote, "ja", to_english=to_english)
        direct, retried = direct + bool(first), retried + bool(second)
        row = {"quote": quote, "direct": first, "through_english": second if not first else None}
        print(json.dumps({**row, "seconds": round(time.perf_counter() - started, 1)}, ensure_ascii=False), flush=True)
    print(f"kept straight from French: {direct} of {len(sample)}; with the retry through English: {retried}")
    return 0


def _unless(quote: str, translate: Callable[[str], str], text: str) -> str:
    return "" if text == quote else translate(text)


if __name__ == "__main__":
    raise SystemExit(main())
