"""Errors and messages in the interface's language: by the error's reason, else by its kind; names and
titles from files and users escaped, so they show as text."""

from __future__ import annotations

from assistant.errors import (
    AssistantError,
    ConfigError,
    IndexMismatchError,
    IndexNotBuiltError,
    ModelError,
    ModelNotFoundError,
)
from ui.render import esc
from ui.texts import TEXTS, say


def why(exc: AssistantError, lang: str, **extra: object) -> str:
    """The error in the interface's language: by its reason, else by its kind."""
    return _by_reason(exc, lang, **extra) or _by_kind(exc, lang)


def explain(exc: AssistantError, lang: str, **extra: object) -> str:
    """:func:`why`, and, when the error has no reason of its own, the engine's words folded under it."""
    return _by_reason(exc, lang, **extra) or _by_kind(exc, lang) + technical(exc, lang)


def _by_reason(exc: AssistantError, lang: str, **extra: object) -> str | None:
    """The error worded from its reason, or None when the interface has no words for that reason."""
    if exc.reason in TEXTS[lang]:  # a question the engine refuses, a busy index
        return tell(exc.reason, lang, **exc.details)
    if f"why_{exc.reason}" in TEXTS[lang] and "name" in exc.details:  # a file the engine refuses
        return tell(f"why_{exc.reason}", lang, **{"title": exc.details["name"], **exc.details, **extra})
    return None


def _by_kind(exc: AssistantError, lang: str) -> str:
    return say(next((key for kind, key in _KINDS if isinstance(exc, kind)), "error"), lang)


# The errors the interface words by their kind, most specific first.
_KINDS: list[tuple[type[AssistantError], str]] = [
    (IndexNotBuiltError, "error_index"),
    (IndexMismatchError, "error_index_mismatch"),
    (ModelNotFoundError, "error_model_missing"),
    (ModelError, "error_model"),
    (ConfigError, "error_config"),
]


def tell(key: str, lang: str, **values: object) -> str:
    """:func:`say` for the page, which renders HTML: names and titles from files and users are escaped,
    so they show as text and never run."""
    return say(key, lang, **{k: esc(v) if isinstance(v, str) else v for k, v in values.items()})


def technical(exc: AssistantError, lang: str) -> str:
    """The engine's own words (in English, for whoever fixes it), folded away under the message."""
    return f"<details><summary>{say('technical_detail', lang)}</summary>{esc(str(exc))}</details>"
