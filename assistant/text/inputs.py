"""Text from outside, made safe to use: what users type and what documents hold.

Control characters (a NUL, an escape sequence, a form feed pasted from a PDF) carry no meaning for
the engine, break Word files (python-docx refuses them) and hide text in terminals. They become
spaces, one for one, so a document's offsets stay where they were.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls and DEL, except tab, newline and carriage return (the XML 1.0 set of exclusions).
_DOCUMENT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def document_text(text: str) -> str:
    """``text`` with each control character but tab and line ends turned into a space (same length)."""
    return _DOCUMENT_CONTROLS.sub(" ", text)


def typed_line(text: str) -> str:
    """What a user typed, as one line: every control, format or unassigned character a space, runs of
    space one space, the ends trimmed."""
    visible = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return " ".join(visible.split())


def has_letters_or_digits(text: str) -> bool:
    """True if ``text`` holds a letter or a digit of any script (not only emoji, symbols or punctuation)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)
