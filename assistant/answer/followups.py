"""Follow-up questions made standalone before retrieval: "Et en 2014 ?" after a question about 2008."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from assistant.errors import ModelError
from assistant.models.generation import ChatModel, complete
from assistant.prompts import load_prompt

logger = logging.getLogger(__name__)


def standalone_question(model: ChatModel | None, question: str, history: Sequence[tuple[str, str]]) -> str:
    """``question`` rewritten by the chat model to stand on its own, or, without a model or when it fails
    or rambles, the previous question followed by this one."""
    fallback = f"{history[-1][0]} {question}"
    if model is None:
        return fallback
    conversation = "\n".join(
        f"User: {q}\nAssistant: {' '.join(a.split())[:300]}" if a else f"User: {q}" for q, a in history[-3:]
    )
    messages = [
        {"role": "system", "content": load_prompt("rewrite_system")},
        {"role": "user", "content": load_prompt("rewrite_user").format(conversation=conversation, question=question)},
    ]
    try:
        text = complete(model, messages, max_tokens=64, temperature=0.0)
    except ModelError as exc:
        logger.warning("could not rewrite the follow-up, using context instead: %s", exc)
        return fallback
    lines = [line.strip().strip('"«»“”') for line in text.strip().splitlines() if line.strip()]
    rewritten = lines[0] if lines else ""
    if not rewritten or len(rewritten) > 3 * len(question) + 200:
        return fallback
    return rewritten
