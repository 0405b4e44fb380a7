"""The grounded writer: numbered evidence in, "evidence ids + text" out, under a grammar.

The model is shown numbered source sentences (``S1 … Sn``) and must first name the ones it uses,
then write: ``EVIDENCE: S2 S5`` on one line, ``ANSWER: …`` on the next. llama.cpp enforces the shape
with a GBNF grammar whose ids are exactly the ones shown; an OpenAI-compatible server gets the same
contract as a JSON schema. Either reply parses with :func:`parse_reply`. What the model names is a
claim like any other: ``checking`` verifies the text against it.

Answers, speech points and brief items all go through :func:`write_grounded`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.models.generation import ChatModel, Messages, OutputFormat

NONE = "NONE"
_HEADER = re.compile(r"EVIDENCE\s*:\s*(?P<ids>[^\n]*)\n+\s*ANSWER\s*:\s*", re.IGNORECASE)
_ID = re.compile(r"\bS(\d+)\b")


@dataclass(frozen=True)
class Reply:
    """What the model said, parsed: the ids it named (1-based, shown ones only) and its text."""

    ids: tuple[int, ...]
    text: str
    none: bool = False  # it named no evidence (NONE)
    malformed: bool = False  # the reply did not have the expected shape
    invalid_ids: tuple[int, ...] = ()  # named but never shown: dropped


def output_format(n: int) -> OutputFormat:
    """The reply's shape for ``n`` numbered sentences: a GBNF grammar and the same as a JSON schema."""
    ids = " | ".join(f'"S{i}"' for i in range(n, 0, -1)) or '"S1"'  # longest first: "S12" before "S1"
    grammar = "\n".join(
        [
            'root ::= "EVIDENCE:" evidence "\\nANSWER: " answer',
            f'evidence ::= (" " id)+ | " {NONE}"',
            f"id ::= {ids}",
            "answer ::= [^\\n]+",
        ]
    )
    schema = {
        "type": "object",
        "properties": {
            "evidence": {"type": "array", "items": {"type": "string", "enum": [f"S{i}" for i in range(1, n + 1)]}},
            "answer": {"type": "string"},
        },
        "required": ["evidence", "answer"],
        "additionalProperties": False,
    }
    return OutputFormat(name="grounded_answer", grammar=grammar, schema=schema)


def parse_reply(reply: str, n: int) -> Reply:
    """Parse either shape (text with EVIDENCE/ANSWER lines, or the JSON object); never raises.

    Ids outside ``1..n`` are dropped and reported; a reply of neither shape is ``malformed`` and keeps
    its text, so that the checks can still judge it (they will find no evidence for it).
    """
    stripped = reply.strip()
    data = json_object(stripped)
    if data is not None and isinstance(data.get("answer"), str):
        named = " ".join(str(x) for x in data.get("evidence") or [])
        return _reply(named, data["answer"], n)
    m = _HEADER.search(reply)
    if m is None:
        return Reply(ids=(), text=stripped, malformed=True)
    return _reply(m.group("ids"), reply[m.end() :], n)


def json_object(reply: str) -> dict[str, Any] | None:
    """The reply as a JSON object (what an OpenAI-compatible server sends for a schema), or None."""
    if not reply.strip().startswith("{"):
        return None
    try:
        data = json.loads(reply)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _reply(named: str, text: str, n: int) -> Reply:
    numbers = [int(x) for x in _ID.findall(named)]
    valid = tuple(dict.fromkeys(i for i in numbers if 1 <= i <= n))
    invalid = tuple(dict.fromkeys(i for i in numbers if not 1 <= i <= n))
    return Reply(
        ids=valid,
        text=" ".join(text.split()),
        none=not numbers and NONE in named.upper(),
        invalid_ids=invalid,
    )


def render_evidence(groups: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Numbered sentences under the heading of what their document is, numbered across groups.

    ``groups`` is ``[(heading, [sentence, …]), …]`` in the order shown.
    """
    lines, i = [], 0
    for heading, sentences in groups:
        lines.append(f"[{heading}]")
        for sentence in sentences:
            i += 1
            lines.append(f"S{i}: {' '.join(sentence.split())}")
    return "\n".join(lines)


def write_grounded(
    model: ChatModel, messages: Messages, n: int, *, max_tokens: int, temperature: float, pieces: list[str]
) -> Iterator[str]:
    """Stream the model's reply under the evidence format; yield only the text after ``ANSWER:``.

    Every raw piece is appended to ``pieces`` (the caller parses the whole with :func:`parse_reply`).
    A JSON reply (OpenAI-compatible servers) is not shown as it streams: its text is known at the end.
    """
    raw, start = "", -1  # start: where the answer begins in ``raw``, once the header has come
    shown = 0
    for piece in model.stream(messages, max_tokens=max_tokens, temperature=temperature, output=output_format(n)):
        pieces.append(piece)
        raw += piece
        if start < 0:
            m = _HEADER.search(raw)
            if m is None:
                continue
            start = m.end()
        if len(raw) - start > shown:
            yield raw[start + shown :]
            shown = len(raw) - start
