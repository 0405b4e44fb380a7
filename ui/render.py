"""HTML for the chat and the sources panel. Everything from documents or users is escaped.

Each turn's markers point into that turn's own sources (`#t2-src-1`), so [1] of an earlier answer
opens the earlier answer's source. A chat message carries its clean text for the copy button: the
answer without markup, then its numbered references (title, quote).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

from assistant.answer.citations import citations_json
from assistant.drafting.briefs import words as brief_words
from assistant.drafting.speeches import Speech
from assistant.export.brief import differences, rank_note, split_sections, timeline_rows
from assistant.export.speech import WORDS, length_line
from assistant.ingest.catalog import IndexCatalog
from assistant.types import Answer
from ui.texts import say


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def label(key: str, lang: str, **values: object) -> str:
    """An interface word inside rendered HTML, marked so :func:`relabel` can say it in another language."""
    data = f" data-v='{esc(json.dumps(values))}'" if values else ""
    return f'<span data-t="{key}"{data}>{esc(say(key, lang, **values))}</span>'


_LABEL = re.compile(r"<span data-t=\"(\w+)\"(?: data-v='([^']*)')?>.*?</span>", re.S)
_COPIED = re.compile(r'data-done="[^"]*"')


def relabel(markup: str, lang: str) -> str:
    """Rendered HTML with its interface words in ``lang``; the answers and quotes stay as they are."""
    markup = _LABEL.sub(lambda m: label(m[1], lang, **(json.loads(html.unescape(m[2])) if m[2] else {})), markup)
    return _COPIED.sub(f'data-done="{esc(say("copied", lang))}"', markup)


def flat(text: str) -> str:
    return " ".join(text.split())


def _marker_links(text: str, anchor: str) -> str:
    """[n] markers as links to ``#{anchor}-src-n``: a turn's sources ("t2"), a speech's ("sp"), a brief's ("br")."""
    return re.sub(r"\[(\d+)\]", rf'<a class="cite" href="#{anchor}-src-\1">[\1]</a>', text)


def _quote_sheet(citations: Sequence[dict], anchor: str) -> str:
    """Numbered sources (citations as JSON), each the target of its [n] links."""
    items = "".join(
        f'<li id="{anchor}-src-{c["n"]}">[{c["n"]}] « {esc(flat(c["quote"]))} » — <i>{esc(c["title"])}</i>, '
        f"{esc(c['source'])} {c['start']}–{c['end']}</li>"
        for c in citations
    )
    return f'<ol class="quote-sheet">{items}</ol>'


def clean_text(answer: Answer) -> str:
    """What the copy button copies: the answer as plain text, then its references."""
    lines = [answer.text.strip()]
    if answer.citations:
        lines.append("")
        lines += [f"[{c.n}] {c.title} — « {flat(c.quote)} »" for c in answer.citations]
    return "\n".join(lines)


def chat_text(answer: Answer, turn: int, lang: str) -> str:
    """The answer as the chat shows it: escaped, markers clickable, its status (in the interface's
    language ``lang``) when not a checked answer, and a copy link that copies :func:`clean_text`."""
    body = _marker_links(esc(answer.text), f"t{turn}").replace("\n", "<br>")
    if answer.mode != "answer":
        icon = "ⓘ" if answer.mode == "refused" else "❝"
        body = f"{icon} <b>{label('mode_' + answer.mode, lang)}</b><br>{body}"
    # Newlines as character references: a blank line would end the span in the chat's Markdown.
    copy = (
        f'<span class="copy-source">{esc(clean_text(answer)).replace(chr(10), "&#10;")}</span>'
        f'<a class="copy-clean" href="#" data-done="{esc(say("copied", lang))}">{label("copy", lang)}</a>'
    )
    return f"{body}<br>{copy}"


def turn_sources(answer: Answer, turn: int, catalog: IndexCatalog, lang: str, elsewhere: int = 0) -> str:
    """One turn's block of the sources panel: status, each cited quote in its passage, the rest folded.
    ``elsewhere``: passages outside the filters the question was asked under, when it was refused."""
    parts = [
        f'<section class="turn-sources" id="turn-{turn}">'
        f'<div class="turn-question">{label("turn", lang)} {turn + 1} — {esc(answer.question)}</div>'
        f'<div class="answer-panel {answer.mode}" data-question="{esc(answer.question)}">'
        f'<div class="status">{label("mode_" + answer.mode, lang)}</div>'
        f'<div class="answer-text">{_marker_links(esc(answer.text), f"t{turn}").replace(chr(10), "<br>")}</div>'
    ]
    if elsewhere:
        parts.append(f'<div class="meta">{label("filtered_refusal", lang, n=elsewhere)}</div>')
    if answer.notice:
        parts.append(f'<div class="meta">{esc(answer.notice)}</div>')
    if answer.dropped_sentences:
        parts.append(f'<div class="dropped">{label("dropped", lang, n=len(answer.dropped_sentences))}</div>')
    parts.append("</div>")
    for c in answer.citations:
        record = catalog.documents.get(c.doc_id)
        meta = (
            ", ".join(str(x) for x in (record.metadata.get("publisher"), record.metadata.get("date")) if x)
            if record
            else ""
        )
        full = catalog.text(c.doc_id)
        passage = c.passage.chunk
        before = full[passage.start : c.start] if passage.start <= c.start else ""
        after = full[c.end : passage.end] if c.end <= passage.end else ""
        anchor = f"t{turn}-doc-{c.n}"
        parts.append(
            f'<div class="source" id="t{turn}-src-{c.n}"><div><b>[{c.n}] {esc(c.title)}</b></div>'
            f'<div class="meta">{esc(meta)} · {esc(c.source)} · {c.start}–{c.end}</div>'
            f"<blockquote>…{esc(flat(before)[-300:])} <mark>{esc(flat(c.quote))}</mark> "
            f"{esc(flat(after)[:300])}…</blockquote>"
            f'<a href="#{anchor}">{label("open_in_document", lang)}</a>'
            f'<details><summary>{esc(c.title)}</summary><div class="doc-view">{esc(full[: c.start])}'
            f'<mark id="{anchor}">{esc(full[c.start : c.end])}</mark>{esc(full[c.end :])}</div></details></div>'
        )
    cited = {(c.doc_id, c.passage.chunk.start) for c in answer.citations}
    others = [p for p in answer.passages if (p.chunk.doc_id, p.chunk.start) not in cited]
    if others:
        heading = label("see_also" if answer.refused else "other_passages", lang)
        items = "".join(
            f"<li><b>{esc(p.title)}</b> ({esc(p.source)} {p.chunk.start}–{p.chunk.end})<br>"
            f"{esc(flat(p.chunk.text)[:280])}…</li>"
            for p in others
        )
        parts.append(
            f"<details{' open' if answer.refused else ''}><summary>{heading} ({len(others)})</summary>"
            f"<ul>{items}</ul></details>"
        )
    parts.append("</section>")
    return "".join(parts)


def sources_panel(blocks: Sequence[str]) -> str:
    """Every turn's sources, the latest first, so an older answer's [n] still has its target."""
    return "".join(reversed(blocks))


def conversation_markdown(turns: Sequence[dict], lang: str, when: str) -> str:
    """A conversation as Markdown to keep or share: each question, its answer and status, then each
    reference with its document, place in the file and the quote itself."""
    lines = [f"# {say('export_title', lang)}", "", f"_{say('export_when', lang, when=when)}_", ""]
    for n, turn in enumerate(turns, start=1):
        answer = turn["answer"]
        lines += [f"## {say('turn', lang)} {n} — {flat(turn['question'])}", ""]
        lines += [f"**{say('mode_' + answer['mode'], lang)}**", "", answer["answer"].strip(), ""]
        for c in answer["citations"]:
            lines.append(f"[{c['n']}] *{c['title']}* ({c['source']}, {c['start']}–{c['end']}) : « {flat(c['quote'])} »")
        if answer["citations"]:
            lines.append("")
    return "\n".join(lines)


def speech_html(speech: Speech, lang: str) -> str:
    """A speech draft: its sections with clickable footnotes, the gaps, then the quote sheet; the
    headings in the interface's language ``lang``, worded as the exports word them."""
    words = WORDS[lang]
    parts = [f'<div class="speech"><p class="meta">{esc(length_line(speech, lang))}</p>']
    for s in speech.sections:
        body = _marker_links(esc(s.text), "sp").replace("\n", "<br>")
        parts.append(f'<h4>{esc(s.title)}</h4><p class="speech-{s.mode}">{body}</p>')
    if speech.gaps:
        items = "".join(f"<li>{esc(g)}</li>" for g in speech.gaps)
        parts.append(f"<h4>{esc(words['gaps'])}</h4><ul>{items}</ul>")
    if speech.citations:
        parts.append(f"<h4>{esc(words['sheet'])}</h4>{_quote_sheet(citations_json(speech.citations), 'sp')}")
    return "".join(parts) + "</div>"


def brief_html(brief: dict, lang: str) -> str:
    """An onboarding brief: sections, the timeline table with its differences, links, FAQ, what the
    sources do not answer, next questions, then the numbered sources. [n] opens source n below."""
    said = brief_words()[brief["language"]]
    titles = said["titles"]

    def cited(text: str) -> str:
        return _marker_links(esc(text), "br").replace("\n", "<br>")

    first, then = split_sections(brief)
    parts = [f'<div class="brief"><h3>{esc(brief["title"])}</h3>']
    parts += [f"<h4>{esc(s['title'])}</h4><p>{cited(s['text'])}</p>" for s in first]
    parts.append(f"<h4>{esc(titles['timeline'])}</h4>")
    if brief.get("timeline_notice"):
        parts.append(f"<p>{esc(brief['timeline_notice'])}</p>")
    headers, rows = timeline_rows(brief)
    if rows:
        head = "".join(f"<th>{esc(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{cited(c)}</td>" for c in row) + "</tr>" for row in rows)
        parts.append(f'<table class="timeline" id="timeline"><tr>{head}</tr>{body}</table>')
        note = rank_note(brief)
        if note:
            parts.append(f'<p class="rank-note">{esc(note)}</p>')
    differ, noted = differences(brief)
    if differ:
        items = "".join(f"<li>{cited(d)}</li>" for d in differ)
        parts.append(f'<p class="differ"><b>{esc(said["differ"])}</b></p><ul>{items}</ul>')
    if noted:
        items = "".join(f"<li>{cited(d)}</li>" for d in noted)
        parts.append(f'<p class="noted"><b>{esc(said["noted"])}</b></p><ul>{items}</ul>')
    parts += [f"<h4>{esc(s['title'])}</h4><p>{cited(s['text'])}</p>" for s in then]
    if brief["links"]:
        items = "".join(
            f'<li><a href="{esc(x["url"])}" target="_blank" rel="noopener noreferrer">{esc(x["url"])}</a> '
            f"{cited(''.join(f'[{n}]' for n in x['citations']))}</li>"
            for x in brief["links"]
        )
        parts.append(f"<h4>{esc(said['links'])}</h4><ul>{items}</ul>")
    if brief["faq"]:
        parts.append(f"<h4>{esc(titles['faq'])}</h4>")
        parts += [f"<p><b>{esc(f['question'])}</b><br>{cited(f['text'])}</p>" for f in brief["faq"]]
    for key, items in (("gaps", brief["gaps"]), ("next", brief["next_questions"])):
        if items:
            parts.append(f"<h4>{esc(titles[key])}</h4><ul>{''.join(f'<li>{esc(i)}</li>' for i in items)}</ul>")
    parts.append(f"<h4>{label('brief_sources', lang)}</h4>{_quote_sheet(brief['citations'], 'br')}")
    return "".join(parts) + "</div>"
