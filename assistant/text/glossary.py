"""The sources' recurring terms and their established English forms, for machine translation.

The small model translates the French sources word by word: « coopération décentralisée » became
"Central Cooperation", « collectivités » "collectivities", « durable » "durable". An English translation
prompt names the forms of the terms its text holds: the vocabulary of decentralised cooperation between
French and Japanese local authorities, which every document of the domain uses, not one document's words.

Not for Japanese: told the Japanese forms (自治体, 分科会, 持続可能な…), the model answered with the term
list itself or one term for a whole sentence, and a blind reader preferred the translations made without
it 9 times to 6 (eval/README.md); a Japanese prompt says that a « collectivité » is 自治体, and names
the few terms of :data:`JAPANESE` its text holds (« Société » came back 会社, a company).
"""

from __future__ import annotations

import re

from assistant.text.lexical import fold

# French (folded, as a pattern) → English. The longer terms first: they are looked for first.
TERMS: tuple[tuple[str, str], ...] = (
    (
        r"rencontres franco-japonaises de la cooperation decentralisee",
        "Franco-Japanese Decentralised Cooperation Meetings",
    ),
    (r"cooperation decentralisee", "decentralised cooperation"),
    (r"objectifs de developpement durable|\bodd\b", "Sustainable Development Goals"),
    (r"developpement durable", "sustainable development"),
    (r"collectivites? (?:territoriales?|locales?)|collectivites?", "local authorities"),
    (r"franco-japonais(?:es?)?", "Franco-Japanese"),
    (r"tables? rondes?", "round table"),
    (r"ateliers?", "workshop"),
    (r"villes? jumelees?|jumelage", "twinning"),
    (r"neutralite carbone", "carbon neutrality"),
    (r"\bdurables?\b", "sustainable"),
    (r"\binclusi(?:f|fs|ve|ves)\b", "inclusive"),
    (r"\bdeclaration\b", "declaration"),
    # « des politiques locales » are policies; « partis politiques », an adjective after its noun, are not.
    (r"(?:(?<=\bdes )|(?<=\bles )|(?<=\bnos )|(?<=\bses )|(?<=\bde )|(?<=\baux )|(?<=\bces ))politiques\b", "policies"),
    # « Une société responsable » is a society; a company is « société anonyme, d'économie mixte, … ».
    (r"\bsocietes?\b(?!\s+(?:anonyme|civile|cooperative|publique|privee|d['’]|de\b|du\b|des\b))", "society"),
)
_COMPILED = tuple((re.compile(pattern), english) for pattern, english in TERMS)
# English form → (French word, Japanese form), for the terms a Japanese translation got wrong untold.
JAPANESE = {"society": ("société", "社会")}


def terms(text: str) -> list[tuple[str, str]]:
    """The (French words as ``text`` writes them, their English form) of the terms ``text`` holds, each
    once."""
    folded = fold(text)  # same length as ``text`` for French (accents dropped, nothing else)
    found: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, english in _COMPILED:
        for m in pattern.finditer(folded):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue  # inside a longer term already named
            taken.append(m.span())
            written = text[m.start() : m.end()] if len(folded) == len(text) else m.group()
            if english not in {e for _, e in found}:  # « collectivité » and « collectivités »: once
                found.append((written, english))
    return found


def japanese_terms(text: str) -> list[tuple[str, str, str]]:
    """(French word, English form, Japanese form) of the terms of :data:`JAPANESE` that ``text`` holds."""
    held = [said for _, said in terms(text) if said in JAPANESE]
    return [(JAPANESE[said][0], said, JAPANESE[said][1]) for said in held]
