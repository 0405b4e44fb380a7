"""The speaker's purpose, said in the speaker's voice.

A purpose is typed as a task: « Présenter notre adhésion aux Rencontres au conseil municipal »,
"Presenting our city's membership of the Rencontres to the council", 「日仏自治体交流会議への参加を市議会に
説明する」. Said after « Je souhaite vous parler de ceci : », it was read out twice as a form's field (a
reader's word). When it opens with a verb (closes with one, in Japanese) it is said as what the speaker
does: « Je souhaite aujourd'hui présenter notre adhésion… », "Today I am presenting our city's
membership…", 「本日は、…を市議会に説明するため、…」. Its words are kept as typed, only the first letter
lowered: the purpose is the speaker's own, not a claim to check.

A verb is recognised by its form, not from a list: in French an infinitive (-er, -ir, -re) followed by
an article or a possessive (a noun is not followed by one); in English a gerund or a word other than a
preposition followed by one ("Welcome a delegation"), or "to" and a verb; in Japanese a verb's
dictionary form (a final kana of the u row). Anything else is said as a subject.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.text.lexical import STOPWORDS

# What follows a verb and not a noun: an article, a possessive, a demonstrative (the verb's object).
_FR_OBJECT = r"(?:l['’]|(?:le|la|les|un|une|des|du|notre|nos|votre|vos|leur|leurs|mon|ma|mes|ce|cet|cette|ces)\s)"
_FR_VERB = re.compile(rf"^([A-ZÀ-Ýa-zà-ÿ]+(?:er|ir|re))\s+{_FR_OBJECT}")
_EN_OBJECT = r"(?:the|a|an|our|your|their|my|this|these|that|those|its)\s"
_EN_GERUND = re.compile(rf"^([A-Za-z]+ing)\s+{_EN_OBJECT}")
_EN_TO = re.compile(r"^to\s+([a-z]+)\s", re.IGNORECASE)
_EN_VERB = re.compile(rf"^([A-Za-z]+)\s+{_EN_OBJECT}")  # "Welcome a delegation", "Present our…"
_JA_VERB = re.compile(r"[うくぐすつぬぶむる]$")  # 説明する, 伝える, 祝う


def shape(purpose: str, language: str) -> str | None:
    """ "act" if ``purpose`` opens (in Japanese closes) with a verb said as the speaker's act, "to" if
    it opens with English "to" and a verb; None if it reads as a subject."""
    if language == "fr":
        return "act" if _FR_VERB.match(purpose) else None
    if language == "en":
        if _EN_GERUND.match(purpose):
            return "act"
        verb = _EN_VERB.match(purpose)  # a word before an article is a verb, unless a preposition ("With the…")
        return "to" if _EN_TO.match(purpose) or (verb and verb.group(1).lower() not in STOPWORDS) else None
    return "act" if _JA_VERB.search(purpose) else None


def said(templates: Mapping[str, str | Mapping[str, str]], part: str, typed: str, language: str) -> str | None:
    """The sentence of ``part`` (opening, thanks) that says the purpose ``typed``, by the template of its
    shape (``templates``: one per part, and per shape under "act" and "to"); None if ``part`` says none."""
    typed = typed.strip().rstrip(".。!?！？")
    form = shape(typed, language)
    if form == "to":
        typed = _EN_TO.sub(lambda m: m.group(1) + " ", typed, count=1)
    if language != "ja" and typed[1:2].islower():
        typed = typed[:1].lower() + typed[1:]  # "Présenter…" → "présenter…"
    chosen = templates.get(form) if form else None
    template = (chosen if isinstance(chosen, Mapping) else templates).get(part)
    if not isinstance(template, str):
        return None
    return template.format(purpose=typed)
