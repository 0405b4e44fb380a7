"""The Gradio app: cited chat, sources panel, documents page, feedback. Thin: the engine is `assistant`,
what it does is `ui.handlers`, what it shows is `ui.render`, every string is in `ui.texts`.

`build_app(assistant)` returns the Blocks; `launch_options()` the CSS and script it needs (pass them to
`launch`); `main()` launches on loopback by default (never `share=True`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant
from assistant.speeches import OCCASIONS, TONES, outlines
from ui.handlers import Handlers
from ui.texts import LANGUAGES, TEXTS

STARTERS = [
    "Quelles villes ont accueilli les Rencontres depuis 2008 ?",
    "Quels sont les trois engagements de la Déclaration d'Aix-en-Provence ?",
    "What hydrogen projects did Auvergne-Rhône-Alpes present in Shizuoka?",
    "2024年の会議のテーマは何でしたか？",
]

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")

# The chat's copy link copies the answer's clean text (kept in a hidden span beside it), not its HTML.
_COPY_SCRIPT = """
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a.copy-clean");
  if (!link) return;
  event.preventDefault();
  const source = link.parentElement.querySelector(".copy-source");
  if (!source) return;
  window.__copied = source.textContent;  // what was copied, for the browser test
  try { await navigator.clipboard.writeText(source.textContent); } catch (e) { /* no clipboard: nothing to do */ }
  link.textContent = link.dataset.done || link.textContent;
});
"""

# Gradio words its own parts (the upload box, its buttons) in the browser's language, and tells a user
# the app is busy in English whatever the language. `rencontresInterface(lang)` is run when the page
# loads and when the interface language changes: the page's lang attribute, Gradio's own translations
# (its `changeLocale`, from the module the page already loaded), and the busy message, in `lang`.
_LANGUAGE_SCRIPT = """
const rencontresBusy = %s;
const gradioBusy = "This application is currently busy";
function rencontresReword(root) {  // a text node, or an element and the text under it
  const lang = document.documentElement.lang in rencontresBusy ? document.documentElement.lang : "fr";
  const reword = (node) => { if (node.data.trim().startsWith(gradioBusy)) node.data = rencontresBusy[lang]; };
  if (root.nodeType === Node.TEXT_NODE) return reword(root);
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) reword(node);
}
new MutationObserver((changes) => {
  for (const change of changes) {
    const nodes = change.type === "characterData" ? [change.target] : change.addedNodes;
    for (const node of nodes) rencontresReword(node);
  }
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
window.rencontresInterface = async (lang) => {
  document.documentElement.lang = lang;
  const core = performance.getEntriesByType("resource").map((e) => e.name).find((n) => /\\/core-[^/]*\\.js$/.test(n));
  if (core) {
    try { (await import(core)).changeLocale?.(lang); } catch (e) { /* another Gradio: its own words stay */ }
    await new Promise((done) => setTimeout(done, 500));  // the language's words load, then the box is redrawn
  }
  document.documentElement.dataset.gradioLocale = lang;  // applied (the browser test waits for it)
  return lang;
};
"""

HEAD = (
    "<script>"
    + _COPY_SCRIPT
    + _LANGUAGE_SCRIPT % json.dumps({k: v["queue_full"] for k, v in TEXTS.items()})
    + "</script>"
)

# Every component whose wording follows the interface language: its key in ui.texts (and in
# build_app's table of components), and the property that carries it.
_WORDED = [
    ("title", "value"),
    ("placeholder", "placeholder"),
    ("send", "value"),
    ("new", "value"),
    ("filters", "label"),
    ("docs", "label"),
    ("editions", "label"),
    ("chat_tab", "label"),
    ("docs_tab", "label"),
    ("comment", "placeholder"),
    ("send_comment", "value"),
    ("upload", "label"),
    ("add", "value"),
    ("delete_choice", "label"),
    ("delete", "value"),
    ("confirm_delete", "value"),
    ("cancel", "value"),
    ("sources", "value"),
    ("conversation", "label"),
    ("interface", "label"),
    ("examples", "label"),
    ("edit_box", "label"),
    ("edit_choice", "label"),
    ("edit_title", "label"),
    ("edit_date", "label"),
    ("edit_edition", "label"),
    ("save", "value"),
    ("export", "label"),
    ("speech_tab", "label"),
    ("brief_tab", "label"),
    ("brief_language", "label"),
    ("brief_build", "value"),
    ("brief_md", "label"),
    ("brief_docx", "label"),
    ("speech_purpose", "label"),
    ("speech_occasion", "label"),
    ("speech_audience", "label"),
    ("speech_minutes", "label"),
    ("speech_tone", "label"),
    ("speech_language", "label"),
    ("speech_write", "value"),
    ("speech_md", "label"),
    ("speech_docx", "label"),
]


def launch_options() -> dict[str, Any]:
    return {"css": CSS, "head": HEAD, "theme": gr.themes.Soft()}


def build_app(assistant: Assistant, *, feedback: FeedbackStore | None = None) -> gr.Blocks:
    settings = assistant.settings
    handlers = Handlers(assistant, feedback or FeedbackStore(settings.data_dir / "feedback.sqlite3"))
    t = TEXTS["fr"]
    c: dict[str, Any] = {}  # the worded components, by their key in ui.texts
    with gr.Blocks(title="Rencontres franco-japonaises — assistant") as app:
        turns = gr.State([])
        # The conversation survives a reload in the same browser (localStorage, encrypted with a key
        # this server process draws at start): the latest turns, up to a size the browser keeps.
        kept = gr.BrowserState({}, storage_key="rencontres-conversation")
        with gr.Row(elem_id="header"):
            c["title"] = gr.Markdown(t["title"], elem_id="title")
            c["interface"] = ui_lang = gr.Radio(
                [(name, code) for code, name in LANGUAGES.items()],
                value="fr",
                label=t["interface"],
                scale=0,
                min_width=260,
                elem_id="ui-lang",
            )
        with gr.Tabs():
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
                        c["export"] = export = gr.DownloadButton(
                            t["export"], size="sm", visible=False, elem_id="export"
                        )
                    with gr.Accordion(t["filters"], open=False) as filters_box:
                        c["filters"] = filters_box
                        c["docs"] = doc_filter = gr.Dropdown([], multiselect=True, label=t["docs"])
                        c["editions"] = edition_filter = gr.CheckboxGroup([], label=t["editions"])
                    with gr.Row():
                        c["comment"] = comment = gr.Textbox(placeholder=t["comment"], show_label=False, scale=4)
                        c["send_comment"] = send_comment = gr.Button(t["send_comment"], size="sm", scale=1)
                    feedback_note = gr.Markdown()
            with gr.Tab(t["speech_tab"], id="speech") as speech_tab:
                c["speech_tab"] = speech_tab
                with gr.Row(elem_id="speech-row"):
                    with gr.Column(scale=2, min_width=300):
                        c["speech_purpose"] = purpose = gr.Textbox(
                            label=t["speech_purpose"], lines=3, max_lines=6, elem_id="speech-purpose"
                        )
                        c["speech_occasion"] = occasion = gr.Dropdown(
                            _occasions("fr"), value="welcome", label=t["speech_occasion"]
                        )
                        c["speech_audience"] = audience = gr.Textbox(label=t["speech_audience"])
                        c["speech_minutes"] = minutes = gr.Slider(1, 10, value=3, step=0.5, label=t["speech_minutes"])
                        c["speech_tone"] = tone = gr.Radio(_tones("fr"), value="formal", label=t["speech_tone"])
                        c["speech_language"] = speech_lang = gr.Radio(
                            [(name, code) for code, name in LANGUAGES.items()], value="fr", label=t["speech_language"]
                        )
                        c["speech_write"] = write = gr.Button(
                            t["speech_write"], variant="primary", elem_id="speech-write"
                        )
                        with gr.Row():
                            c["speech_md"] = speech_md = gr.DownloadButton(t["speech_md"], visible=False, size="sm")
                            c["speech_docx"] = speech_docx = gr.DownloadButton(
                                t["speech_docx"], visible=False, size="sm", elem_id="speech-docx"
                            )
                    with gr.Column(scale=3, min_width=320):
                        speech_view = gr.HTML(f"<p>{t['speech_empty']}</p>", elem_id="speech")
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
            with gr.Tab(t["docs_tab"], id="documents") as docs_tab:
                c["docs_tab"] = docs_tab
                table = gr.Dataframe([], headers=_headers("fr"), interactive=False, elem_id="documents")
                with gr.Group(visible=settings.uploads_enabled):
                    c["upload"] = files = gr.File(label=t["upload"], file_count="multiple", elem_id="upload")
                    c["add"] = add = gr.Button(t["add"], variant="primary", elem_id="add")
                    with gr.Row():
                        c["delete_choice"] = to_delete = gr.Dropdown(  # starts empty: a deliberate choice
                            [], value=None, label=t["delete_choice"], scale=4, elem_id="delete-choice"
                        )
                        c["delete"] = delete = gr.Button(t["delete"], variant="stop", scale=1, elem_id="delete")
                    with gr.Row(visible=False, elem_id="confirm-row") as confirm_row:
                        c["confirm_delete"] = confirm = gr.Button(
                            t["confirm_delete"], variant="stop", elem_id="confirm"
                        )
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

        ask_inputs = [question, chatbot, turns, doc_filter, edition_filter, ui_lang]
        for trigger in (send.click, question.submit):
            trigger(
                handlers.respond,
                ask_inputs,
                [chatbot, sources, turns, question],
                concurrency_limit=1,
                concurrency_id="model",
                api_visibility="private",
            ).then(handlers.keep, [turns], [kept], api_visibility="private").then(
                handlers.export, [turns, ui_lang], [export], api_visibility="private"
            )
        new.click(handlers.new_conversation, None, [chatbot, sources, turns, question], api_visibility="private").then(
            handlers.keep, [turns], [kept], api_visibility="private"
        ).then(handlers.export, [turns, ui_lang], [export], api_visibility="private")
        app.load(handlers.restore, [kept], [chatbot, sources, turns], api_visibility="private").then(
            handlers.export, [turns, ui_lang], [export], api_visibility="private"
        )
        chatbot.like(handlers.like, [turns, ui_lang], [feedback_note], api_visibility="private")
        send_comment.click(
            handlers.comment, [comment, turns, ui_lang], [feedback_note, comment], api_visibility="private"
        )

        def refresh(lang: str = "fr") -> tuple[Any, ...]:
            """Every list of documents, read from the index now (not at start-up)."""
            choices = handlers.document_choices()
            return (
                _table(handlers, lang),
                gr.update(choices=choices),
                gr.update(choices=choices, value=None),  # nothing left selected for deletion
                gr.update(choices=handlers.edition_choices()),
                gr.update(choices=choices),
            )

        lists = [table, doc_filter, to_delete, edition_filter, to_edit]
        app.load(refresh, [ui_lang], lists, api_visibility="private")
        add.click(
            handlers.add, [files, ui_lang], [doc_status, files], concurrency_limit=1, api_visibility="private"
        ).then(refresh, [ui_lang], lists, api_visibility="private")

        def ask_to_confirm(doc_id: str | None, lang: str) -> tuple[str, Any]:
            text, ask = handlers.confirm_remove(doc_id, lang)
            return text, gr.update(visible=ask)

        delete.click(ask_to_confirm, [to_delete, ui_lang], [doc_status, confirm_row], api_visibility="private")
        cancel.click(
            lambda lang: (TEXTS[lang]["kept"], gr.update(visible=False)),
            [ui_lang],
            [doc_status, confirm_row],
            api_visibility="private",
        )
        confirm.click(lambda: gr.update(visible=False), None, [confirm_row], api_visibility="private").then(
            handlers.remove, [to_delete, ui_lang], [doc_status], concurrency_limit=1, api_visibility="private"
        ).then(refresh, [ui_lang], lists, api_visibility="private")

        to_edit.change(handlers.details_of, [to_edit], [edit_title, edit_date, edit_edition], api_visibility="private")
        save.click(
            handlers.edit,
            [to_edit, edit_title, edit_date, edit_edition, ui_lang],
            [doc_status],
            concurrency_limit=1,
            api_visibility="private",
        ).then(refresh, [ui_lang], lists, api_visibility="private")

        write.click(
            handlers.speech,
            [purpose, occasion, audience, minutes, tone, speech_lang, ui_lang],
            [speech_view, speech_md, speech_docx],
            concurrency_limit=1,
            concurrency_id="model",
            api_visibility="private",
        )

        build.click(
            handlers.brief,
            [brief_lang, ui_lang],
            [brief_view, brief_chart, brief_md, brief_docx],
            concurrency_limit=1,
            concurrency_id="model",
            api_visibility="private",
        )

        worded = [c[key] for key, _ in _WORDED]

        def switch(lang: str, turns_so_far: list[dict[str, Any]] | None = None) -> list[Any]:
            """Every component's wording in ``lang``, and the answers shown so far relabelled."""
            x = TEXTS[lang]
            updates: list[Any] = [gr.update(**{prop: x[key]}) for key, prop in _WORDED]  # type: ignore[arg-type]
            choices = [gr.update(choices=_occasions(lang)), gr.update(choices=_tones(lang))]
            return [*updates, _table(handlers, lang), *handlers.relabel(turns_so_far or [], lang), *choices]

        ui_lang.change(
            switch,
            [ui_lang, turns],
            [*worded, table, chatbot, sources, turns, occasion, tone],
            api_visibility="private",
            show_progress="hidden",
        ).then(handlers.keep, [turns], [kept], api_visibility="private")
        # Gradio's own words and the page's lang attribute follow (see HEAD): in the browser only.
        to_language = "(lang) => window.rencontresInterface && window.rencontresInterface(lang)"
        # Gradio words the upload box once, when it is drawn: after a switch it is drawn again, in the new
        # language. Not on page load: the box is not drawn until its tab opens, and a redraw then could
        # drop a file being added.
        app.load(None, [ui_lang], None, js=to_language, api_visibility="private")
        ui_lang.change(None, [ui_lang], None, js=to_language, api_visibility="private").then(
            lambda: gr.update(visible=False), None, files, api_visibility="private", show_progress="hidden"
        ).then(lambda: gr.update(visible=True), None, files, api_visibility="private", show_progress="hidden")

        # The named API endpoint: a question in, the `assistant ask --json` object out. It shares the
        # chat's queue: one generation at a time on this CPU.
        gr.api(handlers.ask_api, api_name="ask", concurrency_limit=1, concurrency_id="model")
    return app


def _occasions(lang: str) -> list[tuple[str, str]]:
    names = outlines()[lang]["names"]
    return [(names[o], o) for o in OCCASIONS]


def _tones(lang: str) -> list[tuple[str, str]]:
    return [(TEXTS[lang][f"tone_{t}"], t) for t in TONES]


def _table(handlers: Handlers, lang: str) -> dict[str, Any]:
    """The documents table with its headers in ``lang`` (headers given with the data: an update of the
    headers alone is not shown)."""
    return {"data": handlers.documents_table(), "headers": _headers(lang)}


def _headers(lang: str) -> list[str]:
    x = TEXTS[lang]
    return [x[k] for k in ("col_title", "col_publisher", "col_date", "col_chunks", "col_indexed", "col_file", "col_id")]


def launch(settings: Settings, *, host: str = "127.0.0.1", port: int = 7860) -> None:
    assistant = Assistant(settings)
    assistant.warm_up()
    serve(assistant, host=host, port=port)


def serve(assistant: Assistant, *, host: str, port: int, block: bool = True) -> gr.Blocks:
    """The app on ``host:port``, behind the login of ``ui_users`` if set (every page, file route and API
    call then asks for it); ``block=False`` returns the running app (tests)."""
    app = build_app(assistant)
    app.queue(default_concurrency_limit=4, max_size=assistant.settings.ui_queue_size)
    auth = _users(assistant.settings.ui_users)
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        show_error=True,
        prevent_thread_lock=not block,
        quiet=not block,
        **launch_options(),
    )
    return app


def _users(spec: str | None) -> list[tuple[str, str]] | None:
    if not spec:
        return None
    pairs = [entry.split(":", 1) for entry in spec.split(",") if ":" in entry]
    return [(user.strip(), password) for user, password in pairs] or None
