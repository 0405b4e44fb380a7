"""The exceptions the engine raises; each message says what went wrong and what to do."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: entry points turn these into a message and exit code 2, never a traceback.

    ``reason`` names the case for interfaces that word it themselves (the app, in three languages);
    ``details`` holds what that wording needs (a file name, a limit, a length)."""

    def __init__(self, message: str, *, reason: str = "", **details: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


class ConfigError(AssistantError):
    """A setting is missing or has a value that cannot work."""


class ModelNotFoundError(AssistantError):
    """A model's files are not where the settings say."""


class ModelFetchError(AssistantError):
    """A model could not be downloaded or failed its checksum."""


class ModelError(AssistantError):
    """A model failed while running (crash, time-out, server error)."""


class IndexNotBuiltError(AssistantError):
    """No usable index exists yet."""


class StoreUnavailableError(AssistantError):
    """The Chroma server the settings name does not answer (down, unreachable, or hung)."""


class IndexMismatchError(AssistantError):
    """The index was built with other settings than the ones in force."""


class DocumentError(AssistantError):
    """A document cannot be read: unsupported type, corrupt file, no text, too large. Its reasons:
    "unsupported", "too_large", "empty", "no_text", "duplicate", "protected", "unknown_document",
    "uploads_off", "unreadable" (the default)."""

    def __init__(self, message: str, *, reason: str = "unreadable", **details: object) -> None:
        super().__init__(message, reason=reason, **details)


class QuestionError(AssistantError):
    """A question cannot be answered as asked: empty ("empty_question"), too long ("long_question"), or
    filtered to no document."""
