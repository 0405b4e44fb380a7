"""A drafted speech as JSON, Markdown and Word: the text with its footnotes, then the quote sheet.

The quote sheet gives the speaker, for each footnote, the source sentence itself with the document's
title, date, place in the file and link, so every claim can be checked before it is said.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.answer.citations import citations_json
from assistant.answer.quoting import quoted_text
from assistant.drafting.speeches import Speech, outlines
from assistant.text.language import message
from assistant.types import Citation

# Interface words of the exports, per language (the speech itself comes from the outline and the sources).
WORDS = {
    "fr": {
        "draft": "Projet de discours",
        "purpose": "Objet",
        "audience": "Public",
        "length": "Durée estimée : {minutes} min ({length} {unit}, à {rate} {unit} par minute)",
        "words": "mots",
        "characters": "caractères",
        "warning": "Brouillon à relire : chaque phrase factuelle renvoie à sa source (notes) ; "
        "les phrases sans note n'affirment aucun fait.",
        "gaps": "Points que les sources ne couvrent pas (rien n'a été inventé)",
        "sheet": "Fiche des citations",
        "quoted": "cité mot pour mot",
    },
    "en": {
        "draft": "Draft speech",
        "purpose": "Purpose",
        "audience": "Audience",
        "length": "Estimated length: {minutes} min ({length} {unit}, at {rate} {unit} a minute)",
        "words": "words",
        "characters": "characters",
        "warning": "A draft to review: every factual sentence points to its source (notes); "
        "sentences without a note state no fact.",
        "gaps": "Points the sources do not cover (nothing was made up)",
        "sheet": "Quote sheet",
        "quoted": "quoted word for word",
    },
    "ja": {
        "draft": "スピーチ原稿（案）",
        "purpose": "目的",
        "audience": "聴衆",
        "length": "想定時間：約{minutes}分（{length}{unit}、毎分{rate}{unit}で計算）",
        "words": "語",
        "characters": "字",
        "warning": "確認用の下書きです。事実を述べる文にはすべて出典の注があります。注のない文は事実を述べていません。",
        "gaps": "資料に記載のない点（補っていません）",
        "sheet": "引用一覧",
        "quoted": "原文引用",
    },
}


def speech_json(speech: Speech) -> dict[str, Any]:
    """The shape `assistant speech --json` prints."""
    return {
        "text": speech.text,
        "sections": [
            {"title": s.title, "text": s.text, "mode": s.mode, "question": s.question} for s in speech.sections
        ],
        "citations": citations_json(speech.citations),
        "gaps": list(speech.gaps),
        "request": asdict(speech.request),
        "length": {
            "minutes": speech.minutes,
            "count": speech.length,
            "unit": speech.unit,
            "per_minute": speech.per_minute,
        },
    }


def speech_markdown(speech: Speech, documents: Mapping[str, Mapping[str, Any]]) -> str:
    """Markdown with footnotes (``[^n]``) and the quote sheet; ``documents`` maps a doc_id to its metadata."""
    w, r = WORDS[speech.request.language], speech.request
    occasion = outlines()[r.language]["names"][r.occasion]
    lines = [f"# {w['draft']} — {occasion}", "", f"**{w['purpose']}** : {r.purpose}  "]
    if r.audience:
        lines.append(f"**{w['audience']}** : {r.audience}  ")
    lines += [length_line(speech), "", f"> {w['warning']}", ""]
    notice = message("translated_quotes", r.language)  # for the speaker, not to be read out: in italics
    for s in speech.sections:
        text = "\n".join(f"*{line}*" if line == notice else line for line in s.text.splitlines())
        lines += [f"## {s.title}", "", footnote_marks(text), ""]
    if speech.gaps:
        lines += [f"## {w['gaps']}", "", *(f"- {g}" for g in speech.gaps), ""]
    for c in speech.citations:
        lines.append(f"[^{c.n}]: {_reference(c, documents)}")
    return "\n".join(lines) + "\n"


def write_docx(speech: Speech, documents: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    """A Word document: the speech with [n] markers, then the quote sheet as a numbered list (python-docx
    writes no footnotes)."""
    from docx import Document as Word

    w, r = WORDS[speech.request.language], speech.request
    doc = Word()
    doc.add_heading(f"{w['draft']} — {outlines()[r.language]['names'][r.occasion]}", level=1)
    doc.add_paragraph(f"{w['purpose']} : {r.purpose}")
    if r.audience:
        doc.add_paragraph(f"{w['audience']} : {r.audience}")
    doc.add_paragraph(length_line(speech))
    doc.add_paragraph().add_run(w["warning"]).italic = True
    notice = message("translated_quotes", r.language)
    for s in speech.sections:
        doc.add_heading(s.title, level=2)
        for line in s.text.splitlines():
            if line.strip():
                doc.add_paragraph().add_run(line).italic = line == notice  # for the speaker, not read out
    if speech.gaps:
        doc.add_heading(w["gaps"], level=2)
        for gap in speech.gaps:
            doc.add_paragraph(gap, style="List Bullet")
    doc.add_heading(w["sheet"], level=2)
    for c in speech.citations:
        doc.add_paragraph(f"[{c.n}] {_reference(c, documents, emphasis='', place=True)}")
    doc.save(str(path))


def footnote_marks(text: str) -> str:
    """[n] markers as Markdown footnote references [^n]."""
    return re.sub(r"\[(\d+)\]", r"[^\1]", text)


def length_line(speech: Speech, lang: str | None = None) -> str:
    """The estimated length and how it was counted, in ``lang`` (default: the speech's language)."""
    w = WORDS[lang or speech.request.language]
    unit = w[speech.unit]
    return w["length"].format(minutes=speech.minutes, length=speech.length, unit=unit, rate=speech.per_minute)


def _reference(
    c: Citation, documents: Mapping[str, Mapping[str, Any]], *, emphasis: str = "*", place: bool = False
) -> str:
    return reference(citations_json([c])[0], documents, emphasis=emphasis, place=place)


def reference(
    c: Mapping[str, Any], documents: Mapping[str, Mapping[str, Any]], *, emphasis: str = "*", place: bool = False
) -> str:
    """A footnote of a citation (as JSON) as a reader wants it: the quote, then the document's title (in
    Markdown ``emphasis``), publisher, date and link; with ``place``, the file and offsets too (the quote
    sheet, for whoever checks it against the file)."""
    meta = documents.get(c["doc_id"], {})
    at = f"{c['source']} {c['start']}–{c['end']}" if place else None
    where = ", ".join(str(x) for x in (meta.get("publisher"), meta.get("date"), meta.get("url"), at) if x)
    return f"{quoted_text(c['quote'])} — {emphasis}{c['title']}{emphasis}" + (f", {where}" if where else "")
