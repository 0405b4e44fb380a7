"""What the command line shows in a terminal: answers with their sources, progress bars, and the
libraries' own output kept quiet."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from assistant.answer.shapes import answer_json
from assistant.drafting import briefs, editions
from assistant.pipeline import Assistant
from assistant.retrieval.search import Filters
from assistant.text.language import message
from assistant.types import Answer, Final, Progress


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


def format_answer(answer: Answer | dict[str, Any]) -> str:
    """An answer (or its `ask --json` object, as the running app returns it) for the terminal: what kind
    it is, the text, then each citation with its quote and place."""
    data = answer if isinstance(answer, dict) else answer_json(answer)
    lines = [f"[{_MODE_LABELS[data['mode']]}]", data["answer"]]
    if data["notice"]:
        lines.append(f"({data['notice']})")
    for c in data["citations"]:
        quote = " ".join(c["quote"].split())
        lines.append(f"  [{c['n']}] {c['title']} — {c['source']} {c['start']}-{c['end']}\n      « {quote} »")
    if data["refused"] and data["see_also"]:
        lines.append(f"  {message('see_also', data['language'])}:")
        for p in data["see_also"]:
            lines.append(f"   - {p['title']} ({p['source']} {p['start']}-{p['end']})")
    return "\n".join(lines)


def read_editions(assistant: Assistant) -> None:
    """Build the fact base of the generation just indexed (``drafting.editions``): only new passages are read."""
    if assistant.chat_model is None:
        print(f"The editions were not read ({assistant.chat_problem}): answers come from passages only.")
        return
    update, close = progress_bar("reading the editions", unit="passage")
    try:
        known = editions.facts(assistant, progress=update)
    finally:
        close()
    if not known["complete"]:
        print(f"The model failed on {known['unread']} passage(s) about the editions: they are read again next time.")
    print(f"{len(known['rows'])} editions in the fact base.")


def prepare_briefs(assistant: Assistant) -> None:
    """The onboarding briefs of the generation just indexed, in the three languages, so that
    `assistant brief` and the app's tab read them at once; a failure is logged, and the brief is then
    built when asked."""
    if assistant.chat_model is None or not assistant.settings.prepare_briefs:
        return
    started = time.perf_counter()
    print("Preparing the onboarding briefs (French, English, Japanese)…", flush=True)
    briefs.prepare(assistant)
    print(f"Briefs ready in {time.perf_counter() - started:.0f} s.")


def loading_models() -> None:
    """Say on stderr that the models load in this process (not the answer's time, nor the speech's)."""
    print("(loading the models: `assistant ui` keeps them loaded)", file=sys.stderr, flush=True)


def answered(assistant: Assistant, question: str, filters: Filters | None) -> dict[str, Any]:
    """The answer as ``ask --json`` prints it; the models' loading, if the question needs them, said on
    stderr: it is not the answer's time."""
    for event in assistant.answer_events(question, filters=filters):
        if isinstance(event, Progress) and event.stage == "loading":
            loading_models()
        elif isinstance(event, Final):
            return answer_json(event.answer)
    raise AssertionError("answer_events ends with a Final event")  # pragma: no cover
