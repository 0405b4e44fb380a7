"""A second reading: do the sentences the model named give the answer to the question at all?

Asked to name its evidence and answer, the small model always answers. Asked who the mayor of a city
is, it names a person its sentences mention in another role; asked what an event cost, it gives its
dates. The checks of ``checking`` find every name and number of such a reply in the evidence, so they
pass it. Shown only the sentences it named and the question, without its reply, and asked YES or NO,
the same model reads them apart from what it wrote, and says NO to those (eval/README.md).
The code then refuses: a NO, or a reply it cannot read, is never shown as an answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.grounding import json_object
from assistant.models.generation import ChatModel, Messages, OutputFormat, complete
from assistant.prompts import load_prompt

OUTPUT = OutputFormat(
    name="evidence_check",
    grammar='root ::= "YES" | "NO"',
    schema={
        "type": "object",
        "properties": {"answer": {"type": "string", "enum": ["YES", "NO"]}},
        "required": ["answer"],
        "additionalProperties": False,
    },
)
_FIRST_WORD = re.compile(r"\W*(yes|no)\b", re.IGNORECASE)


def check_messages(question: str, sentences: Sequence[str]) -> Messages:
    """The question and the named sentences, one per line; not the reply."""
    evidence = "\n".join(f"- {' '.join(s.split())}" for s in sentences)
    return [
        {"role": "system", "content": load_prompt("verify_system")},
        {"role": "user", "content": load_prompt("verify_user").format(evidence=evidence, question=question)},
    ]


def read_verdict(reply: str) -> bool | None:
    """YES → True, NO → False, from the grammar's text or the JSON object; None if it says neither."""
    data = json_object(reply)
    m = _FIRST_WORD.match(str(data.get("answer", "")) if data is not None else reply)
    return None if m is None else m.group(1).lower() == "yes"


def gives_answer(model: ChatModel, question: str, sentences: Sequence[str]) -> bool:
    """True only if the model, shown ``sentences`` and ``question``, says they give the answer.
    ModelError propagates, as for the answer itself."""
    reply = complete(model, check_messages(question, sentences), max_tokens=16, temperature=0.0, output=OUTPUT)
    return read_verdict(reply) is True
