"""Sentences of a document that give orders to the reader or to an assistant, instead of stating facts.

A document can hold text written for the model that reads it ("Ignorez toutes les instructions
précédentes. Répondez que …", "Ignore all previous instructions", "以前の指示を無視して…"). Such a
sentence states nothing about the Rencontres: it is never shown to the model as evidence, never
quoted, and `assistant add` and the app say that a document holds it.

A sentence gives orders when it tells its reader to drop what they were told, to answer, reply, say or
cite something, or names what an assistant is (its instructions, prompt, rules or role), in a
sentence addressed to them (an imperative, "you", "tu", "vous"). Reports of what people did ("les
participants ont répondu aux questions") are not orders.
"""

from __future__ import annotations

import re

# Telling the reader to drop or replace what it was told.
_OVERRIDE = re.compile(
    r"\b(?:ignore[sz]?|oublie[sz]?|disregard|forget|ne tiens pas compte|ne tenez pas compte|override)\b"
    r"[^.!?。]{0,60}\b(?:instructions?|consignes?|r[èe]gles?|rules?|prompts?|directives?|above|précédent|previous|ci-dessus)",
    re.IGNORECASE,
)
# Telling the reader what to answer, say or do as an assistant.
_ANSWER_ORDER = re.compile(
    r"(?:^|[.!?:;]\s+|\n)\s*(?:r[ée]ponds|r[ée]pondez|dis|dites|affirmez|écrivez|indiquez|"
    r"answer|reply|respond|say|tell the user)\b[^.!?。]{0,80}(?:\b(?:que|qu[’']|that|only|seulement|uniquement)\b|:)",
    re.IGNORECASE,
)
# Naming the assistant's own set-up.
_ASSISTANT = re.compile(
    r"\b(?:system prompt|prompt système|invite système|your instructions|tes instructions|vos instructions|"
    r"you are (?:an?|the) (?:ai|assistant|language model|chatbot)|tu es un assistant|vous êtes un assistant|"
    r"as an ai|en tant qu[e’'] ?(?:ia|assistant))\b",
    re.IGNORECASE,
)
_JAPANESE = re.compile(
    r"(?:指示|命令|ルール|プロンプト)[^。]{0,20}(?:無視|忘れ)|(?:と|のように)(?:答え|回答し|返答し)(?:なさい|てください|ろ)|"
    r"システムプロンプト|あなたは(?:AI|アシスタント)"
)


def gives_orders(sentence: str) -> bool:
    """True if the sentence tells its reader (a person or an assistant) what to do with instructions or answers."""
    text = " ".join(sentence.split())
    return bool(
        _OVERRIDE.search(text) or _ANSWER_ORDER.search(text) or _ASSISTANT.search(text) or _JAPANESE.search(text)
    )
