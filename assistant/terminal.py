"""What the command line shows in a terminal: answers with their sources, progress bars, and the
libraries' own output kept quiet."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from assistant.text.language import message
from assistant.types import Answer


def quiet_libraries(*, verbose: bool) -> None:
    """Keep the libraries' own output ("Loading weights" bars, bm25s debug lines) out of the user's
    terminal unless ``--verbose``: they log at levels and through bars of their own."""
    libraries = [
        logging.getLogger(name) for name in ("bm25s", "sentence_transformers", "transformers", "httpx", "chromadb")
    ]
    if verbose:
        for library in libraries:
            library.removeFilter(_warnings_only)
        return
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read by huggingface_hub and transformers
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    for library in libraries:  # a filter, not a level: bm25s sets DEBUG on itself when first imported
        library.addFilter(_warnings_only)


def _warnings_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


def progress_bar(desc: str, unit: str = "chunk") -> tuple[Callable[[int, int], None], Callable[[], None]]:
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)
        bar["bar"].total = total
        bar["bar"].n = done
        bar["bar"].refresh()

    def close() -> None:
        if "bar" in bar:
            bar["bar"].close()

    return update, close


_MODE_LABELS = {
    "answer": "answer: names, numbers and dates found in the quoted sources",
    "quoted": "quoted from the sources",
    "refused": "not in the documents",
}


def format_answer(answer: Answer) -> str:
    """An answer for the terminal: what kind it is, the text, then each citation with its quote and place."""
    lines = [f"[{_MODE_LABELS[answer.mode]}]", answer.text]
    if answer.notice:
        lines.append(f"({answer.notice})")
    for c in answer.citations:
        quote = " ".join(c.quote.split())
        lines.append(f"  [{c.n}] {c.title} — {c.source} {c.start}-{c.end}\n      « {quote} »")
    if answer.refused and answer.passages:
        lines.append(f"  {message('see_also', answer.language)}:")
        for p in answer.passages[:3]:
            lines.append(f"   - {p.title} ({p.source} {p.chunk.start}-{p.chunk.end})")
    return "\n".join(lines)
