"""The app's four tabs, laid out: each function draws one inside the open Blocks, records its worded
components in ``c`` (by their key in ``ui.texts``) and returns the components the app wires."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.drafting.speeches import OCCASIONS, TONES, outlines
from ui.texts import LANGUAGES, TEXTS

STARTERS = [
    "Quelles villes ont accueilli les Rencontres depuis 2008 ?",
    "Quels sont les trois engagements de la Déclaration d'Aix-en-Provence ?",
    "What hydrogen projects did Auvergne-Rhône-Alpes present in Shizuoka?",
    "2024年の会議のテーマは何でしたか？",
]


def chat_tab(c: dict[str, Any], t: dict[str, str]) -> SimpleNamespace:
    """The chat: the conversation and its sources side by side, examples, filters, feedback."""
    with gr.Tab(t["chat_tab"], id="chat") as chat_tab:
        c["chat_tab"] = chat_tab
        # On a phone the columns stack: the answer, then its sources, then the rest.
        with gr.Row(elem_id="chat-row"):
            with gr.Column(scale=3, min_width=320):
                c["conversation"] = chatbot = gr.Chatbot(
                    height=460,
                    buttons=[],
                    feedback_options=("Like", "Dislike"),
                    elem_id="chat",
                    label=t["conversation"],
                )
                with gr.Row():
                    c["placeholder"] = question = gr.Textbox(
                        placeholder=t["placeholder"], show_label=False, scale=5, elem_id="question", max_lines=4
                    )
                    c["send"] = send = gr.Button(t["send"], variant="primary", scale=1, elem_id="send")
            with gr.Column(scale=2, min_width=300):
                c["sources"] = gr.Markdown(t["sources"])
                sources = gr.HTML(f"<p>{t['empty_sources']}</p>", elem_id="sources")
        with gr.Column(elem_id="chat-tools"):
            c["examples"] = gr.Examples(STARTERS, inputs=[question], label=t["examples"]).dataset
            with gr.Row():
                c["new"] = new = gr.Button(t["new"], size="sm", elem_id="new-conversation")
                c["export"] = export = gr.DownloadButton(t["export"], size="sm", visible=False, elem_id="export")
            with gr.Accordion(t["filters"], open=False) as filters_box:
                c["filters"] = filters_box
                c["docs"] = doc_filter = gr.Dropdown([], multiselect=True, label=t["docs"])
                c["editions"] = edition_filter = gr.CheckboxGroup([], label=t["editions"])
            with gr.Row():
                c["comment"] = comment = gr.Textbox(placeholder=t["comment"], show_label=False, scale=4)
                c["send_comment"] = send_comment = gr.Button(t["send_comment"], size="sm", scale=1)
            feedback_note = gr.Markdown()
    return SimpleNamespace(
        chatbot=chatbot,
        question=question,
        send=send,
        sources=sources,
        new=new,
        export=export,
        doc_filter=doc_filter,
        edition_filter=edition_filter,
        comment=comment,
        send_comment=send_comment,
        feedback_note=feedback_note,
    )


def speech_tab(c: dict[str, Any], t: dict[str, str]) -> SimpleNamespace:
    """The speech tab: what the speech is for, its occasion and length, the draft."""
    with gr.Tab(t["speech_tab"], id="speech") as speech_tab:
        c["speech_tab"] = speech_tab
        with gr.Row(elem_id="speech-row"):
            with gr.Column(scale=2, min_width=300):
                c["speech_purpose"] = purpose = gr.Textbox(
                    label=t["speech_purpose"], lines=3, max_lines=6, elem_id="speech-purpose"
                )
                c["speech_occasion"] = occasion = gr.Dropdown(
                    occasions("fr"), value="welcome", label=t["speech_occasion"]
                )
                c["speech_audience"] = audience = gr.Textbox(label=t["speech_audience"])
                c["speech_minutes"] = minutes = gr.Slider(1, 10, value=3, step=0.5, label=t["speech_minutes"])
                c["speech_tone"] = tone = gr.Radio(tones("fr"), value="formal", label=t["speech_tone"])
                c["speech_language"] = speech_lang = gr.Radio(
                    [(name, code) for code, name in LANGUAGES.items()], value="fr", label=t["speech_language"]
                )
                c["speech_write"] = write = gr.Button(t["speech_write"], variant="primary", elem_id="speech-write")
                with gr.Row():
                    c["speech_md"] = speech_md = gr.DownloadButton(t["speech_md"], visible=False, size="sm")
                    c["speech_docx"] = speech_docx = gr.DownloadButton(
                        t["speech_docx"], visible=False, size="sm", elem_id="speech-docx"
                    )
            with gr.Column(scale=3, min_width=320):
                speech_view = gr.HTML(f"<p>{t['speech_empty']}</p>", elem_id="speech")
    return SimpleNamespace(
        purpose=purpose,
        occasion=occasion,
        audience=audience,
        minutes=minutes,
        tone=tone,
        speech_lang=speech_lang,
        write=write,
        speech_md=speech_md,
        speech_docx=speech_docx,
        speech_view=speech_view,
    )


def brief_tab(c: dict[str, Any], t: dict[str, str]) -> SimpleNamespace:
    """The onboarding tab: the brief, its chart and downloads."""
    with gr.Tab(t["brief_tab"], id="brief") as brief_tab:
        c["brief_tab"] = brief_tab
        with gr.Row():
            c["brief_language"] = brief_lang = gr.Radio(
                [(name, code) for code, name in LANGUAGES.items()], value="fr", label=t["brief_language"]
            )
            c["brief_build"] = build = gr.Button(t["brief_build"], variant="primary", elem_id="brief-build")
        with gr.Row():
            c["brief_md"] = brief_md = gr.DownloadButton(t["brief_md"], visible=False, size="sm")
            c["brief_docx"] = brief_docx = gr.DownloadButton(
                t["brief_docx"], visible=False, size="sm", elem_id="brief-docx"
            )
        brief_chart = gr.Image(visible=False, show_label=False, elem_id="brief-chart", type="filepath")
        brief_view = gr.HTML(f"<p>{t['brief_empty']}</p>", elem_id="brief")
    return SimpleNamespace(
        brief_lang=brief_lang,
        build=build,
        brief_md=brief_md,
        brief_docx=brief_docx,
        brief_chart=brief_chart,
        brief_view=brief_view,
    )


def documents_tab(c: dict[str, Any], t: dict[str, str], settings: Settings) -> SimpleNamespace:
    """The documents tab: the table, uploads, removal with confirmation, edits."""
    with gr.Tab(t["docs_tab"], id="documents") as docs_tab:
        c["docs_tab"] = docs_tab
        table = gr.Dataframe([], headers=headers("fr"), interactive=False, elem_id="documents")
        with gr.Group(visible=settings.uploads_enabled):
            c["upload"] = files = gr.File(label=t["upload"], file_count="multiple", elem_id="upload")
            c["add"] = add = gr.Button(t["add"], variant="primary", elem_id="add")
            with gr.Row():
                c["delete_choice"] = to_delete = gr.Dropdown(  # starts empty: a deliberate choice
                    [], value=None, label=t["delete_choice"], scale=4, elem_id="delete-choice"
                )
                c["delete"] = delete = gr.Button(t["delete"], variant="stop", scale=1, elem_id="delete")
            with gr.Row(visible=False, elem_id="confirm-row") as confirm_row:
                c["confirm_delete"] = confirm = gr.Button(t["confirm_delete"], variant="stop", elem_id="confirm")
                c["cancel"] = cancel = gr.Button(t["cancel"], elem_id="cancel")
            with gr.Accordion(t["edit_box"], open=False, elem_id="edit-box") as edit_box:
                c["edit_box"] = edit_box
                c["edit_choice"] = to_edit = gr.Dropdown([], value=None, label=t["edit_choice"])
                with gr.Row():
                    c["edit_title"] = edit_title = gr.Textbox(label=t["edit_title"], scale=3)
                    c["edit_date"] = edit_date = gr.Textbox(label=t["edit_date"], scale=2)
                    c["edit_edition"] = edit_edition = gr.Textbox(label=t["edit_edition"], scale=1)
                c["save"] = save = gr.Button(t["save"], elem_id="save-details")
        doc_status = gr.Markdown(elem_id="doc-status")
        if not settings.uploads_enabled:
            gr.Markdown(t["uploads_off"])
    return SimpleNamespace(
        table=table,
        files=files,
        add=add,
        to_delete=to_delete,
        delete=delete,
        confirm_row=confirm_row,
        confirm=confirm,
        cancel=cancel,
        to_edit=to_edit,
        edit_title=edit_title,
        edit_date=edit_date,
        edit_edition=edit_edition,
        save=save,
        doc_status=doc_status,
    )


def occasions(lang: str) -> list[tuple[str, str]]:
    names = outlines()[lang]["names"]
    return [(names[o], o) for o in OCCASIONS]


def tones(lang: str) -> list[tuple[str, str]]:
    return [(TEXTS[lang][f"tone_{t}"], t) for t in TONES]


def headers(lang: str) -> list[str]:
    x = TEXTS[lang]
    return [x[k] for k in ("col_title", "col_publisher", "col_date", "col_chunks", "col_indexed", "col_file", "col_id")]
