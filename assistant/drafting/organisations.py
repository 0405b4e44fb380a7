"""Organisations: who the sources name as organising, supporting or partnering the Rencontres.

A sentence names an organisation in a role when a role's words ("organisé par", "en partenariat avec",
"notre partenaire", "avec le soutien de", "sous l'égide de"; "organised by", "partner", "with the
support of", "under the auspices of"; "主催", "共催", "後援", "協力") stand next to a name: in French or
English the names follow them, each a run of capitalised words with the particles between them ("Cités
Unies France", "Council of Local Authorities for International Relations") or an acronym ("CLAIR");
in Japanese it precedes them, in katakana, kanji or Latin letters ("自治体国際化協会の主催"). Read with
no model, from the index's sentences; each name is cited to the sentence that states its role. They
are part of the fact base (:mod:`editions`), kept per index generation; the brief says them.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from assistant.ingest.catalog import IndexCatalog
from assistant.types import Chunk

_ARTICLE = r"(?:la\s+|le\s+|l['’]\s*|les\s+|the\s+)?"
# The words of roles in the three languages: the grammar of organising, not one document's words.
_ROLE = re.compile(
    r"\b(?:(?:co-?)?organis[ée]e?s?\s+par|en\s+partenariat\s+avec|partenaires?|avec\s+le\s+(?:soutien|concours)\s+"
    r"d(?:e|u|es|['’])|sous\s+l['’]\s*[ée]gide\s+d(?:e|u|es|['’])|soutenue?s?\s+par|"
    r"(?:co-?)?organi[sz]ed\s+by|hosted\s+by|partners?(?:\s+with)?|in\s+partnership\s+with|"
    r"with\s+the\s+support\s+of|supported\s+by|under\s+the\s+auspices\s+of)\s+" + _ARTICLE,
    re.IGNORECASE,
)
_UPPER = r"[A-ZÀ-ÖØ-Þ]"
_WORD = rf"{_UPPER}[\w’'\-]*"
_PARTICLE = r"(?:de|du|des|la|le|of|the|for|on)"
# Between the names of a list: "de A, de la B et C", "of A, the B and C".
_THEN = re.compile(r"\s*(?:,|\bet\b|\band\b|、)\s*(?:(?:et|and)\s+)?(?:de\s+|du\s+|des\s+|d['’]\s*|of\s+)?" + _ARTICLE)
_NAME = re.compile(rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+)*(?:[dl]['’]\s*)?{_WORD})*")
_JAPANESE_ROLE = re.compile(r"([\u30a0-\u30ff\u3400-\u9fffA-Za-z（）()]{3,})(?:の|が)?(?:主催|共催|後援|協力)")
_MAX_NAMES = 12


class Notes(Protocol):
    def span(self, unit: Chunk) -> int: ...


ROLES = ("organiser", "supporter", "partner")


def read(catalog: IndexCatalog, notes: Notes) -> list[dict[str, Any]]:
    """The organisations the sources name in a role, each {"name", "role", "citations": [n]} once (the
    role and citation of the first sentence that names it so), in document order; ``notes`` numbers the
    spans cited."""
    found: dict[str, dict[str, Any]] = {}
    for doc_id in sorted(catalog.documents, key=lambda d: catalog.documents[d].source):
        for unit in catalog.sentences_in(doc_id):
            for name, role in named(unit.text):
                if name.casefold() not in found and len(found) < _MAX_NAMES:
                    found[name.casefold()] = {"name": name, "role": role, "citations": [notes.span(unit)]}
    return list(found.values())


def named(sentence: str) -> list[tuple[str, str]]:
    """The names ``sentence`` gives a role, each with its role (one of :data:`ROLES`; see the module's
    docstring)."""
    text = " ".join(sentence.split())
    names = []
    for role in _ROLE.finditer(text):
        at = role.end()
        while name := _NAME.match(text, at):  # "avec le soutien de A, B et C": each of them
            if len(name.group()) > 2:
                names.append((name.group().rstrip("’'-"), _role(role.group())))
            then = _THEN.match(text, name.end())
            if not then:
                break
            at = then.end()
    names += [(m.group(1).strip("（）()"), _role(m.group(0))) for m in _JAPANESE_ROLE.finditer(text)]
    return list(dict.fromkeys(names))


def _role(words: str) -> str:
    """Which role a role's words say: organising ("organisé par", "主催"), supporting ("avec le soutien
    de", "under the auspices of", "後援"), or being a partner ("partenaire", "協力")."""
    folded = words.casefold()
    if re.search(r"organi|hosted|主催|共催", folded):
        return "organiser"
    if re.search(r"soutien|concours|[ée]gide|soutenu|support|auspices|後援", folded):
        return "supporter"
    return "partner"
