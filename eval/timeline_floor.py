"""Which dated sentences the brief's timeline reads (``timeline.windows``), on sentences it was not
designed on: ``eval/timeline_sentences.jsonl`` (24, written before the floor was measured on them) and
``eval/timeline_sentences2.jsonl`` (16, written before the series-name rule was built), labelled by hand:
does the sentence state an edition of the Rencontres?

python -m eval.timeline_floor
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings
from assistant.drafting import editions, timeline
from assistant.models.embeddings import cosine
from assistant.pipeline import Assistant
from assistant.types import Chunk

SETS = [Path(__file__).with_name(name) for name in ("timeline_sentences.jsonl", "timeline_sentences2.jsonl")]


def main() -> int:
    settings = Settings()
    embedder = Assistant(settings).embedder
    query = embedder.embed_query(editions.QUESTION)

    def similarity(texts: list[str]) -> list[float]:
        return [cosine(query, v) for v in embedder.embed_documents(texts)]

    for path in SETS:
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        chunks = [Chunk(f"s{i}", f"d{i}", 0, len(it["text"]), it["text"]) for i, it in enumerate(items)]
        scores = similarity([c.text for c in chunks])
        print(f"\n{path.name}")
        for name, series in (("floor alone", ""), ("floor or series name", editions.SERIES)):
            read = {
                w.sentence.chunk_id
                for w in timeline.windows(
                    chunks, similarity, floor=settings.timeline_floor, limit=editions.TIMELINE_WINDOWS, series=series
                )
            }
            by_edition = [c.chunk_id in read for c, it in zip(chunks, items, strict=True) if it["edition"]]
            others = [c.chunk_id in read for c, it in zip(chunks, items, strict=True) if not it["edition"]]
            read_editions = f"editions read {sum(by_edition)} of {len(by_edition)}"
            print(f"  {name:22} {read_editions}, others read {sum(others)} of {len(others)}")
        for c, it, score in sorted(zip(chunks, items, scores, strict=True), key=lambda p: -p[2]):
            print(f"  {score:6.3f} {'edition' if it['edition'] else 'other  '} {c.text[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
