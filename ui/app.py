"""The Gradio app: cited chat, sources panel, documents page, feedback. Thin: the engine is `assistant`.

`build_app(assistant)` returns the Blocks; the handlers are plain methods of `Handlers`, callable in
tests without a browser. `main()` launches on loopback by default (never `share=True`).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.feedback import FeedbackStore
from assistant.language import message
from assistant.pipeline import Assistant, answer_json
from assistant.retrieval import Filters
from assistant.types import Answer, Draft, Final, Progress

logger = logging.getLogger(__name__)

STARTERS = [
    "Quelles villes ont accueilli les Rencontres depuis 2008 ?",
    "Quels sont les trois engagements de la Déclaration d'Aix-en-Provence ?",
    "What hydrogen projects did Auvergne-Rhône-Alpes present in Shizuoka?",
    "2024年の会議のテーマは何でしたか？",
]

TEXTS = {
    "fr": {
        "title": "## Rencontres franco-japonaises de la coopération décentralisée\n"
        "Posez une question sur les Rencontres (2008–2024) : chaque réponse cite les passages exacts "
        "des documents. En français, en anglais ou en japonais.",
        "placeholder": "Votre question…",
        "send": "Envoyer",
        "new": "Nouvelle conversation",
        "sources": "### Sources",
        "filters": "Filtres",
        "docs": "Documents",
        "editions": "Éditions",
        "chat_tab": "Questions",
        "docs_tab": "Documents",
        "comment": "Un commentaire sur la dernière réponse ?",
        "send_comment": "Envoyer le commentaire",
        "upload": "Ajouter des documents (PDF, DOCX, HTML, Markdown, texte)",
        "add": "Ajouter et indexer",
        "delete": "Supprimer ce document",
        "examples": "Exemples",
        "checking": "vérification dans les sources…",
        "empty_sources": "Les sources citées s'afficheront ici.",
    },
    "en": {
        "title": "## Franco-Japanese meetings on decentralised cooperation\n"
        "Ask about the Rencontres (2008–2024): every answer cites the exact passages of the documents. "
        "In French, English or Japanese.",
        "placeholder": "Your question…",
        "send": "Send",
        "new": "New conversation",
        "sources": "### Sources",
        "filters": "Filters",
        "docs": "Documents",
        "editions": "Editions",
        "chat_tab": "Questions",
        "docs_tab": "Documents",
        "comment": "A comment on the last answer?",
        "send_comment": "Send comment",
        "upload": "Add documents (PDF, DOCX, HTML, Markdown, text)",
        "add": "Add and index",
        "delete": "Delete this document",
        "examples": "Examples",
        "checking": "checking against the sources…",
        "empty_sources": "The cited sources will show here.",
    },
}

STATUS = {
    "answered": {
        "fr": "Réponse vérifiée dans les sources",
        "en": "Answer checked against the sources",
        "ja": "資料で確認済みの回答",
    },
    "refused": {
        "fr": "Pas de réponse dans les documents",
        "en": "Not answered by the documents",
        "ja": "資料に回答がありません",
    },
    "extractive": {
        "fr": "Citation des sources, mot pour mot",
        "en": "Quoted from the sources, word for word",
        "ja": "資料からの原文引用",
    },
}

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _flat(text: str) -> str:
    return " ".join(text.split())


class Handlers:
    """Everything the app does, as plain functions over the engine."""

    def __init__(self, assistant: Assistant, feedback: FeedbackStore) -> None:
        self.assistant = assistant
        self.feedback = feedback

    # --- chat ------------------------------------------------------------------------------------

    def respond(
        self,
        question: str,
        chat: list[dict[str, Any]],
        turns: list[dict[str, Any]],
        doc_ids: list[str] | None = None,
        editions: list[str] | None = None,
        ui_lang: str = "fr",
    ) -> Iterator[tuple[list[dict[str, Any]], str, list[dict[str, Any]], str]]:
        """Stream an answer: yields (chat messages, sources HTML, turns, textbox value)."""
        chat = [*chat, {"role": "user", "content": question}]
        history = [(t["question"], t["answer"]["answer"]) for t in turns]
        filters = Filters(doc_ids=tuple(doc_ids or ()), editions=tuple(int(e) for e in editions or ()))
        draft = ""
        try:
            for event in self.assistant.answer_events(question, history=history, filters=filters):
                if isinstance(event, Progress):
                    draft = ""  # a new stage: a reworded draft replaces the first one
                    yield [*chat, _pending(f"⏳ {event.stage}…")], gr.skip(), turns, ""
                elif isinstance(event, Draft):
                    draft += event.text
                    note = TEXTS[ui_lang]["checking"]
                    yield [*chat, _pending(f"*{_flat(draft)}*\n\n⏳ {note}")], gr.skip(), turns, ""
                elif isinstance(event, Final):
                    answer = event.answer
                    record = {"question": question, "answer": answer_json(answer)}
                    turns = [*turns, record]
                    chat = [*chat, {"role": "assistant", "content": chat_text(answer)}]
                    yield chat, sources_html(answer, self.assistant), turns, ""
        except AssistantError as exc:
            yield [*chat, {"role": "assistant", "content": f"⚠️ {exc}"}], gr.skip(), turns, question

    def new_conversation(self) -> tuple[list[Any], str, list[Any], str]:
        return [], "", [], ""

    def like(self, turns: list[dict[str, Any]], data: gr.LikeData) -> str:
        """Thumbs up/down on an answer, stored with its question and citations."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn_no = index // 2  # messages alternate user, assistant
        if not 0 <= turn_no < len(turns):
            return ""
        rating = 1 if data.liked is True else -1 if data.liked is False else 0
        self._record(turns[turn_no], rating, "")
        return "Merci ! / Thank you!"

    def comment(self, text: str, turns: list[dict[str, Any]]) -> tuple[str, str]:
        if not text.strip() or not turns:
            return "", text
        self._record(turns[-1], 0, text)
        return "Commentaire enregistré. / Comment saved.", ""

    def _record(self, turn: dict[str, Any], rating: int, comment: str) -> None:
        answer = turn["answer"]
        self.feedback.record(
            question=turn["question"],
            answer=answer["answer"],
            rating=rating,
            comment=comment,
            refused=answer["refused"],
            citations=answer["citations"],
        )

    def ask_api(self, question: str) -> dict[str, Any]:
        """The /ask endpoint: the same JSON object as `assistant ask --json`."""
        try:
            return answer_json(self.assistant.answer(question))
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc

    # --- documents -------------------------------------------------------------------------------

    def documents_table(self) -> list[list[Any]]:
        try:
            docs = self.assistant.documents()
        except AssistantError:
            return []
        return [
            [
                d["title"],
                d.get("publisher", ""),
                d.get("date", ""),
                d["chunks"],
                d["indexed_at"],
                d["source"],
                d["doc_id"],
            ]
            for d in docs
        ]

    def document_choices(self) -> list[tuple[str, str]]:
        return [(f"{row[0]} ({row[5]})", row[6]) for row in self.documents_table()]

    def edition_choices(self) -> list[str]:
        try:
            editions = {d.get("edition") for d in self.assistant.documents()}
        except AssistantError:
            return []
        return [str(e) for e in sorted(e for e in editions if isinstance(e, int))]

    def add(self, files: list[Any] | None, progress: gr.Progress | None = None) -> str:
        if not files:
            return "Choisissez au moins un fichier. / Choose at least one file."
        # Gradio keeps each upload under its own file name, in a temporary folder of its own.
        paths = [Path(f if isinstance(f, str) else f.name) for f in files]
        try:
            bar = progress or gr.Progress()
            added, report = self.assistant.add_documents(
                paths, progress=lambda done, total: bar((done, max(total, 1)), desc="Indexation / indexing")
            )
        except AssistantError as exc:
            return f"❌ {exc} — rien n'a été modifié / nothing was changed."
        names = ", ".join(a.title for a in added)
        return f"✅ {names} — {report.summary()}"

    def remove(self, doc_id: str | None) -> str:
        if not doc_id:
            return "Choisissez un document. / Choose a document."
        try:
            report = self.assistant.remove_document(doc_id)
        except AssistantError as exc:
            return f"❌ {exc}"
        return f"✅ {report.summary()}"


def _pending(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def _marker_links(text: str) -> str:
    return re.sub(r"\[(\d+)\]", r'<a class="cite" href="#src-\1">[\1]</a>', text)


def chat_text(answer: Answer) -> str:
    """The answer as the chat shows it: escaped, markers clickable, refusals and extracts labelled."""
    body = _marker_links(_esc(answer.text)).replace("\n", "<br>")
    if answer.refused:
        return f"🛈 **{STATUS['refused'][answer.language]}** — {body}"
    if answer.extractive:
        return f"📄 **{STATUS['extractive'][answer.language]}**<br>{body}"
    return body


def sources_html(answer: Answer, assistant: Assistant) -> str:
    """The sources panel: the answer's status, each cited quote in its passage, the rest folded."""
    kind = "refused" if answer.refused else "extractive" if answer.extractive else "answered"
    parts = [
        f'<div class="answer-panel {kind}" data-question="{_esc(answer.question)}">'
        f'<div class="status">{_esc(STATUS[kind][answer.language])}</div>'
        f'<div class="answer-text">{_marker_links(_esc(answer.text)).replace(chr(10), "<br>")}</div>'
    ]
    if answer.notice:
        parts.append(f'<div class="meta">{_esc(answer.notice)}</div>')
    if answer.dropped_sentences:
        parts.append(
            f'<div class="dropped">{len(answer.dropped_sentences)} phrase(s) du modèle écartée(s) : '
            "non étayée(s) par les sources / sentence(s) dropped: not supported by the sources.</div>"
        )
    parts.append("</div>")
    catalog = assistant.catalog
    for c in answer.citations:
        record = catalog.documents.get(c.doc_id)
        meta = (
            ", ".join(str(x) for x in (record.metadata.get("publisher"), record.metadata.get("date")) if x)
            if record
            else ""
        )
        passage = c.passage.chunk
        before = catalog.text(c.doc_id)[passage.start : c.start] if passage.start <= c.start else ""
        after = catalog.text(c.doc_id)[c.end : passage.end] if c.end <= passage.end else ""
        full = catalog.text(c.doc_id)
        parts.append(
            f'<div class="source" id="src-{c.n}"><div><b>[{c.n}] {_esc(c.title)}</b></div>'
            f'<div class="meta">{_esc(meta)} · {_esc(c.source)} · {c.start}–{c.end}</div>'
            f"<blockquote>…{_esc(_flat(before)[-300:])} <mark>{_esc(_flat(c.quote))}</mark> "
            f"{_esc(_flat(after)[:300])}…</blockquote>"
            f'<a href="#doc-{c.n}">Voir dans le document / open in the document ↓</a>'
            f'<details><summary>{_esc(c.title)}</summary><div class="doc-view">{_esc(full[: c.start])}'
            f'<mark id="doc-{c.n}">{_esc(full[c.start : c.end])}</mark>{_esc(full[c.end :])}</div></details></div>'
        )
    cited = {(c.doc_id, c.passage.chunk.start) for c in answer.citations}
    others = [p for p in answer.passages if (p.chunk.doc_id, p.chunk.start) not in cited]
    if others:
        label = message("see_also", answer.language) if answer.refused else "Autres passages consultés / other passages"
        items = "".join(
            f"<li><b>{_esc(p.title)}</b> ({_esc(p.source)} {p.chunk.start}–{p.chunk.end})<br>"
            f"{_esc(_flat(p.chunk.text)[:280])}…</li>"
            for p in others
        )
        parts.append(
            f"<details{' open' if answer.refused else ''}><summary>{_esc(label)} ({len(others)})</summary>"
            f"<ul>{items}</ul></details>"
        )
    return "".join(parts)


def build_app(assistant: Assistant, *, feedback: FeedbackStore | None = None) -> gr.Blocks:
    settings = assistant.settings
    handlers = Handlers(assistant, feedback or FeedbackStore(settings.data_dir / "feedback.sqlite3"))
    t = TEXTS["fr"]
    with gr.Blocks(title="Rencontres franco-japonaises — assistant") as app:
        turns = gr.State([])
        with gr.Row():
            title = gr.Markdown(t["title"])
            ui_lang = gr.Radio(
                [("Français", "fr"), ("English", "en")], value="fr", label="Interface", scale=0, min_width=200
            )
        with gr.Tabs():
            with gr.Tab(t["chat_tab"], id="chat") as chat_tab, gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        height=460,
                        buttons=["copy"],
                        feedback_options=("Like", "Dislike"),
                        elem_id="chat",
                        label="Conversation",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder=t["placeholder"], show_label=False, scale=5, elem_id="question", max_lines=4
                        )
                        send = gr.Button(t["send"], variant="primary", scale=1, elem_id="send")
                    gr.Examples(STARTERS, inputs=[question], label=t["examples"])
                    with gr.Row():
                        new = gr.Button(t["new"], size="sm", elem_id="new-conversation")
                    with gr.Accordion(t["filters"], open=False) as filters_box:
                        doc_filter = gr.Dropdown(handlers.document_choices(), multiselect=True, label=t["docs"])
                        edition_filter = gr.CheckboxGroup(handlers.edition_choices(), label=t["editions"])
                    with gr.Row():
                        comment = gr.Textbox(placeholder=t["comment"], show_label=False, scale=4)
                        send_comment = gr.Button(t["send_comment"], size="sm", scale=1)
                    feedback_note = gr.Markdown()
                with gr.Column(scale=2):
                    gr.Markdown(t["sources"])
                    sources = gr.HTML(f"<p>{t['empty_sources']}</p>", elem_id="sources")
            with gr.Tab(t["docs_tab"], id="documents") as docs_tab:
                table = gr.Dataframe(
                    handlers.documents_table(),
                    interactive=False,
                    elem_id="documents",
                    headers=[
                        "Titre / title",
                        "Éditeur / publisher",
                        "Date",
                        "Passages",
                        "Indexé / indexed",
                        "Fichier / file",
                        "Id",
                    ],
                )
                with gr.Group(visible=settings.uploads_enabled):
                    files = gr.File(
                        label=t["upload"],
                        file_count="multiple",
                        elem_id="upload",
                        file_types=[".pdf", ".docx", ".html", ".htm", ".md", ".txt"],
                    )
                    add = gr.Button(t["add"], variant="primary", elem_id="add")
                    with gr.Row():
                        to_delete = gr.Dropdown(  # starts empty: deleting needs a deliberate choice
                            handlers.document_choices(),
                            value=None,
                            label=t["delete"],
                            scale=4,
                            elem_id="delete-choice",
                        )
                        delete = gr.Button(t["delete"], variant="stop", scale=1, elem_id="delete")
                doc_status = gr.Markdown(elem_id="doc-status")
                if not settings.uploads_enabled:
                    gr.Markdown("Les ajouts sont désactivés sur ce site. / Uploads are turned off on this site.")

        ask_inputs = [question, chatbot, turns, doc_filter, edition_filter, ui_lang]
        ask_outputs = [chatbot, sources, turns, question]
        for trigger in (send.click, question.submit):
            trigger(
                handlers.respond,
                ask_inputs,
                ask_outputs,
                concurrency_limit=1,
                concurrency_id="model",
                api_visibility="private",
            )
        new.click(handlers.new_conversation, None, [chatbot, sources, turns, question], api_visibility="private")
        chatbot.like(handlers.like, [turns], [feedback_note], api_visibility="private")
        send_comment.click(handlers.comment, [comment, turns], [feedback_note, comment], api_visibility="private")

        def refresh() -> tuple[Any, Any, Any, Any]:
            choices = handlers.document_choices()
            return (
                handlers.documents_table(),
                gr.update(choices=choices),
                gr.update(choices=choices, value=None),  # nothing left selected for deletion
                gr.update(choices=handlers.edition_choices()),
            )

        refresh_outputs = [table, doc_filter, to_delete, edition_filter]
        add.click(handlers.add, [files], [doc_status], concurrency_limit=1, api_visibility="private").then(
            refresh, None, refresh_outputs, api_visibility="private"
        )
        delete.click(handlers.remove, [to_delete], [doc_status], concurrency_limit=1, api_visibility="private").then(
            refresh, None, refresh_outputs, api_visibility="private"
        )

        def switch(lang: str) -> list[Any]:
            x = TEXTS[lang]
            return [
                gr.update(value=x["title"]),
                gr.update(placeholder=x["placeholder"]),
                gr.update(value=x["send"]),
                gr.update(value=x["new"]),
                gr.update(label=x["filters"]),
                gr.update(label=x["docs"]),
                gr.update(label=x["editions"]),
                gr.update(label=x["chat_tab"]),
                gr.update(label=x["docs_tab"]),
                gr.update(placeholder=x["comment"]),
                gr.update(value=x["send_comment"]),
                gr.update(label=x["upload"]),
                gr.update(value=x["add"]),
            ]

        ui_lang.change(
            switch,
            [ui_lang],
            [
                title,
                question,
                send,
                new,
                filters_box,
                doc_filter,
                edition_filter,
                chat_tab,
                docs_tab,
                comment,
                send_comment,
                files,
                add,
            ],
            api_visibility="private",
        )

        # The named API endpoint: a question in, the `assistant ask --json` object out. It shares the
        # chat's queue: one generation at a time on this CPU.
        gr.api(handlers.ask_api, api_name="ask", concurrency_limit=1, concurrency_id="model")
    return app


def launch(settings: Settings, *, host: str = "127.0.0.1", port: int = 7860) -> None:
    assistant = Assistant(settings)
    assistant.warm_up()
    app = build_app(assistant)
    app.queue(default_concurrency_limit=4, max_size=32)
    auth = _users(settings.ui_users)
    app.launch(
        server_name=host, server_port=port, auth=auth, share=False, css=CSS, show_error=True, theme=gr.themes.Soft()
    )


def _users(spec: str | None) -> list[tuple[str, str]] | None:
    if not spec:
        return None
    pairs = [entry.split(":", 1) for entry in spec.split(",") if ":" in entry]
    return [(user.strip(), password) for user, password in pairs] or None
