"""The Gradio app: cited chat, sources panel, documents page, feedback. Thin: the engine is `assistant`,
what it does is `ui.handlers`, what it shows is `ui.render`, every string is in `ui.texts`.

`build_app(assistant)` returns the Blocks; `launch_options()` the CSS and script it needs (pass them to
`launch`); `main()` launches on loopback by default (never `share=True`).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from assistant.config import Settings
from assistant.drafting import briefs
from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant
from ui import tabs
from ui.handlers import Handlers
from ui.texts import LANGUAGES, TEXTS

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
            chat = tabs.chat_tab(c, t)
            speech = tabs.speech_tab(c, t)
            brief = tabs.brief_tab(c, t)
            docs = tabs.documents_tab(c, t, settings)
        _wire_chat(app, handlers, chat, turns, kept, ui_lang)
        _wire_documents(app, handlers, docs, chat, ui_lang)
        _wire_drafts(handlers, speech, brief, ui_lang)
        _wire_languages(app, handlers, c, chat, speech, docs, turns, kept, ui_lang)
        # The named API endpoint: a question in, the `assistant ask --json` object out. It shares the
        # chat's queue: one generation at a time on this CPU.
        gr.api(handlers.ask_api, api_name="ask", concurrency_limit=1, concurrency_id="model")
        gr.api(handlers.index_api, api_name="index")
    return app


def _wire_chat(
    app: gr.Blocks, handlers: Handlers, chat: SimpleNamespace, turns: gr.State, kept: gr.BrowserState, ui_lang: Any
) -> None:
    """Questions answered one at a time (the model's queue), the conversation kept and exported, feedback."""
    ask_inputs = [chat.question, chat.chatbot, turns, chat.doc_filter, chat.edition_filter, ui_lang]
    for trigger in (chat.send.click, chat.question.submit):
        trigger(
            handlers.respond,
            ask_inputs,
            [chat.chatbot, chat.sources, turns, chat.question],
            concurrency_limit=1,
            concurrency_id="model",
            api_visibility="private",
        ).then(handlers.keep, [turns], [kept], api_visibility="private").then(
            handlers.export, [turns, ui_lang], [chat.export], api_visibility="private"
        )
    chat.new.click(
        handlers.new_conversation, None, [chat.chatbot, chat.sources, turns, chat.question], api_visibility="private"
    ).then(handlers.keep, [turns], [kept], api_visibility="private").then(
        handlers.export, [turns, ui_lang], [chat.export], api_visibility="private"
    )
    app.load(handlers.restore, [kept], [chat.chatbot, chat.sources, turns], api_visibility="private").then(
        handlers.export, [turns, ui_lang], [chat.export], api_visibility="private"
    )
    chat.chatbot.like(handlers.like, [turns, ui_lang], [chat.feedback_note], api_visibility="private")
    chat.send_comment.click(
        handlers.comment, [chat.comment, turns, ui_lang], [chat.feedback_note, chat.comment], api_visibility="private"
    )


def _wire_documents(
    app: gr.Blocks, handlers: Handlers, docs: SimpleNamespace, chat: SimpleNamespace, ui_lang: Any
) -> None:
    """Adding, removing (after a confirmation) and editing documents; every list of them read anew."""

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

    lists = [docs.table, chat.doc_filter, docs.to_delete, chat.edition_filter, docs.to_edit]
    app.load(refresh, [ui_lang], lists, api_visibility="private")
    docs.add.click(
        handlers.add,
        [docs.files, ui_lang],
        [docs.doc_status, docs.files],
        concurrency_limit=1,
        api_visibility="private",
    ).then(refresh, [ui_lang], lists, api_visibility="private")

    def ask_to_confirm(doc_id: str | None, lang: str) -> tuple[str, Any]:
        text, ask = handlers.confirm_remove(doc_id, lang)
        return text, gr.update(visible=ask)

    docs.delete.click(
        ask_to_confirm, [docs.to_delete, ui_lang], [docs.doc_status, docs.confirm_row], api_visibility="private"
    )
    docs.cancel.click(
        lambda lang: (TEXTS[lang]["kept"], gr.update(visible=False)),
        [ui_lang],
        [docs.doc_status, docs.confirm_row],
        api_visibility="private",
    )
    docs.confirm.click(lambda: gr.update(visible=False), None, [docs.confirm_row], api_visibility="private").then(
        handlers.remove, [docs.to_delete, ui_lang], [docs.doc_status], concurrency_limit=1, api_visibility="private"
    ).then(refresh, [ui_lang], lists, api_visibility="private")
    docs.to_edit.change(
        handlers.details_of,
        [docs.to_edit],
        [docs.edit_title, docs.edit_date, docs.edit_edition],
        api_visibility="private",
    )
    docs.save.click(
        handlers.edit,
        [docs.to_edit, docs.edit_title, docs.edit_date, docs.edit_edition, ui_lang],
        [docs.doc_status],
        concurrency_limit=1,
        api_visibility="private",
    ).then(refresh, [ui_lang], lists, api_visibility="private")


def _wire_drafts(handlers: Handlers, speech: SimpleNamespace, brief: SimpleNamespace, ui_lang: Any) -> None:
    """Speeches and briefs share the model's queue with the chat."""
    speech.write.click(
        handlers.speech,
        [speech.purpose, speech.occasion, speech.audience, speech.minutes, speech.tone, speech.speech_lang, ui_lang],
        [speech.speech_view, speech.speech_md, speech.speech_docx],
        concurrency_limit=1,
        concurrency_id="model",
        api_visibility="private",
    )
    brief.build.click(
        handlers.brief,
        [brief.brief_lang, ui_lang],
        [brief.brief_view, brief.brief_chart, brief.brief_md, brief.brief_docx],
        concurrency_limit=1,
        concurrency_id="model",
        api_visibility="private",
    )


def _wire_languages(
    app: gr.Blocks,
    handlers: Handlers,
    c: dict[str, Any],
    chat: SimpleNamespace,
    speech: SimpleNamespace,
    docs: SimpleNamespace,
    turns: gr.State,
    kept: gr.BrowserState,
    ui_lang: Any,
) -> None:
    """The interface language: every worded component, the answers shown so far, Gradio's own words."""
    worded = [c[key] for key, _ in _WORDED]

    def switch(lang: str, turns_so_far: list[dict[str, Any]] | None = None) -> list[Any]:
        """Every component's wording in ``lang``, and the answers shown so far relabelled."""
        x = TEXTS[lang]
        updates: list[Any] = [gr.update(**{prop: x[key]}) for key, prop in _WORDED]  # type: ignore[arg-type]
        choices = [gr.update(choices=tabs.occasions(lang)), gr.update(choices=tabs.tones(lang))]
        return [*updates, _table(handlers, lang), *handlers.relabel(turns_so_far or [], lang), *choices]

    ui_lang.change(
        switch,
        [ui_lang, turns],
        [*worded, docs.table, chat.chatbot, chat.sources, turns, speech.occasion, speech.tone],
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
        lambda: gr.update(visible=False), None, docs.files, api_visibility="private", show_progress="hidden"
    ).then(lambda: gr.update(visible=True), None, docs.files, api_visibility="private", show_progress="hidden")


def _table(handlers: Handlers, lang: str) -> dict[str, Any]:
    """The documents table with its headers in ``lang`` (headers given with the data: an update of the
    headers alone is not shown)."""
    return {"data": handlers.documents_table(), "headers": tabs.headers(lang)}


def launch(settings: Settings, *, host: str = "127.0.0.1", port: int = 7860) -> None:
    assistant = Assistant(settings)
    assistant.warm_up()
    if settings.prepare_briefs:  # the onboarding tab opens on a brief built meanwhile, not on a click
        threading.Thread(target=briefs.prepare, args=(assistant,), name="briefs", daemon=True).start()
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
