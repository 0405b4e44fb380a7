"""An onboarding brief (as :func:`assistant.drafting.briefs.brief` returns it) as Markdown, Word and a chart."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.drafting import overview
from assistant.drafting.briefs import words
from assistant.export.speech import footnote_marks as _notes
from assistant.export.speech import reference

COLUMNS = ("edition", "year", "dates", "city", "theme", "participants", "sources")
_WORDS = {
    "fr": {
        "sheet": "Sources citées",
        "warning": "Chaque fait renvoie à sa source (notes) ; les traductions automatiques sont signalées.",
    },
    "en": {
        "sheet": "Sources cited",
        "warning": "Every fact points to its source (notes); machine translations are labelled as such.",
    },
    "ja": {"sheet": "引用した資料", "warning": "各事実には出典の注があります。機械翻訳はその旨を明記しています。"},
}


def timeline_rows(brief: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The timeline as a table: localised headers, then one row of text per edition ([n] for sources)."""
    said = words()[brief["language"]]
    headers = [said["columns"][c] for c in COLUMNS]
    rows = []
    for r in brief["timeline"]:
        cells = [r.get(c) for c in COLUMNS[:-1]]
        if r.get("edition") is None and r.get("rank"):  # numbered by the years, not by a source: "(3)"
            cells[0] = f"({r['rank']})"
        if r.get("theme_translated"):  # the French title, then its labelled machine translation
            cells[COLUMNS.index("theme")] += said["facts"]["themes_note"].format(r["theme_translated"])
        cells.append("".join(f"[{n}]" for n in r["citations"]))
        if overview.differing(r):
            cells[-1] += " ⚠"
        rows.append(["" if v is None else str(v) for v in cells])
    return headers, rows


def differences(brief: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The timeline's differences between sources, then what else is good to know of its editions (the
    year one was first planned for), each said once."""
    differ = [c["text"] for r in brief["timeline"] for c in overview.differing(r)]
    noted = [c["text"] for r in brief["timeline"] for c in r["conflicts"] if c["field"] == overview.PLANNED]
    return list(dict.fromkeys(differ)), list(dict.fromkeys(noted))


def rank_note(brief: Mapping[str, Any]) -> str | None:
    """What "(3)" in the table's first column means, if a row is numbered so."""
    ranked = any(r.get("edition") is None and r.get("rank") for r in brief["timeline"])
    return words()[brief["language"]]["rank_note"] if ranked else None


def split_sections(brief: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sections shown before the timeline (what the Rencontres are) and after it."""
    first = [s for s in brief["sections"] if s["part"] == "about"]
    return first, [s for s in brief["sections"] if s["part"] != "about"]


def timeline_chart(brief: Mapping[str, Any]) -> bytes | None:
    """The editions on a time axis, one labelled dot each, as PNG; None with no timeline."""
    rows = brief["timeline"]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    # A Japanese brief writes Japanese cities in Japanese: a CJK font after the default one, if installed.
    fonts = ["DejaVu Sans", *sorted(f.name for f in font_manager.fontManager.ttflist if f.name.endswith("CJK JP"))[:1]]
    fig, ax = plt.subplots(figsize=(9, 2.0), dpi=110)
    try:
        years = [r["year"] for r in rows]
        ax.hlines(0, min(years) - 1, max(years) + 1, color="#9aa5b1", linewidth=1.5)
        for i, r in enumerate(rows):
            up = 1 if i % 2 == 0 else -1
            color = "#c2410c" if overview.differing(r) else "#1d4ed8"
            ax.plot(r["year"], 0, "o", color=color, markersize=9)
            label = f"{r['city']}\n{r['year']}"
            ax.annotate(
                label,
                (r["year"], 0),
                xytext=(0, 22 * up),
                textcoords="offset points",
                ha="center",
                va="bottom" if up > 0 else "top",
                fontsize=8.5,
                fontfamily=fonts,
            )
        ax.set_ylim(-1, 1)
        ax.set_xlim(min(years) - 1.5, max(years) + 1.5)
        ax.axis("off")
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def brief_markdown(
    brief: Mapping[str, Any], documents: Mapping[str, Mapping[str, Any]], *, chart: str | None = None
) -> str:
    """Markdown with footnotes (``[^n]``); ``chart`` is the path of the timeline image to show, if any."""
    said, w = words()[brief["language"]], _WORDS[brief["language"]]
    t = said["titles"]
    lines = [f"# {brief['title']}", "", f"> {w['warning']}", ""]
    first, then = split_sections(brief)
    for s in first:
        lines += [f"## {s['title']}", "", _notes(s["text"]), ""]
    lines += [f"## {t['timeline']}", ""]
    if chart:
        lines += [f"![{t['timeline']}]({chart})", ""]
    if brief.get("timeline_notice"):
        lines += [brief["timeline_notice"], ""]
    headers, rows = timeline_rows(brief)
    if rows:
        lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(_notes(c).replace("|", "\\|") for c in row) + " |" for row in rows]
        note = rank_note(brief)
        lines += ["", note, ""] if note else [""]
    differ, noted = differences(brief)
    for title, texts in ((said["differ"], differ), (said["noted"], noted)):
        if texts:
            lines += [f"**{title}**", "", *(f"- {_notes(d)}" for d in texts), ""]
    for s in then:
        lines += [f"## {s['title']}", "", _notes(s["text"]), ""]
    if brief["links"]:
        lines += [f"### {said['links']}", ""]
        lines += [f"- <{x['url']}> {_notes(''.join(f'[{n}]' for n in x['citations']))}" for x in brief["links"]]
        lines.append("")
    if brief["faq"]:
        lines += [f"## {t['faq']}", ""]
        for f in brief["faq"]:
            lines += [f"**{f['question']}**", "", _notes(f["text"]), ""]
    if brief["gaps"]:
        lines += [f"## {t['gaps']}", "", *(f"- {g}" for g in brief["gaps"]), ""]
    lines += [f"## {t['next']}", "", *(f"- {q}" for q in brief["next_questions"]), ""]
    lines += [f"[^{c['n']}]: {reference(c, documents)}" for c in brief["citations"]]
    return "\n".join(lines) + "\n"


def write_brief_docx(brief: Mapping[str, Any], documents: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    """A Word document: the brief with [n] markers and the chart, then the cited sources, numbered."""
    from docx import Document as Word
    from docx.shared import Inches

    said, w = words()[brief["language"]], _WORDS[brief["language"]]
    t = said["titles"]
    doc = Word()
    doc.add_heading(brief["title"], level=1)
    doc.add_paragraph().add_run(w["warning"]).italic = True
    first, then = split_sections(brief)
    _docx_sections(doc, first)
    doc.add_heading(t["timeline"], level=2)
    png = timeline_chart(brief)
    if png:
        doc.add_picture(io.BytesIO(png), width=Inches(6.3))
    if brief.get("timeline_notice"):
        doc.add_paragraph(brief["timeline_notice"])
    headers, rows = timeline_rows(brief)
    if rows:
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
        note = rank_note(brief)
        if note:
            doc.add_paragraph(note)
    differ, noted = differences(brief)
    for title, texts in ((said["differ"], differ), (said["noted"], noted)):
        for text in texts:
            doc.add_paragraph(f"{title} : {text}")
    _docx_sections(doc, then)
    if brief["links"]:
        doc.add_heading(said["links"], level=3)
        for x in brief["links"]:
            doc.add_paragraph(f"{x['url']} " + "".join(f"[{n}]" for n in x["citations"]), style="List Bullet")
    if brief["faq"]:
        doc.add_heading(t["faq"], level=2)
        for f in brief["faq"]:
            doc.add_paragraph().add_run(f["question"]).bold = True
            for line in f["text"].splitlines():
                if line.strip():
                    doc.add_paragraph(line)
    if brief["gaps"]:
        doc.add_heading(t["gaps"], level=2)
        for gap in brief["gaps"]:
            doc.add_paragraph(gap, style="List Bullet")
    doc.add_heading(t["next"], level=2)
    for q in brief["next_questions"]:
        doc.add_paragraph(q, style="List Bullet")
    doc.add_heading(w["sheet"], level=2)
    for c in brief["citations"]:
        doc.add_paragraph(f"[{c['n']}] {reference(c, documents, emphasis='', place=True)}")
    doc.save(str(path))


def _docx_sections(doc: Any, sections: list[dict[str, Any]]) -> None:
    for s in sections:
        doc.add_heading(s["title"], level=2)
        for line in s["text"].splitlines():
            if line.strip():
                doc.add_paragraph(line)
