"""The `assistant` command: parse, call the engine, print. AssistantError -> message + exit 2."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from assistant import terminal
from assistant.answer.shapes import search_json
from assistant.config import Settings
from assistant.drafting.speeches import OCCASIONS, TONES, SpeechRequest, checked, draft_speech
from assistant.errors import AssistantError, ConfigError, IndexNotBuiltError
from assistant.ingest.catalog import current_generation
from assistant.models.manifest import check_model, fetch_model, load_manifest
from assistant.pipeline import Assistant
from assistant.remote import running_app
from assistant.retrieval.search import Filters
from assistant.terminal import answered, format_answer, prepare_briefs, progress_bar, quiet_libraries, read_editions
from assistant.text.language import detect_language
from assistant.types import Evidence, Final, Progress

logger = logging.getLogger("assistant")

EXIT_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    quiet_libraries(verbose=args.verbose)
    try:
        settings = Settings()
        return int(args.handler(args, settings) or 0)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def require_index(settings: Settings) -> None:
    """Fail at once when there is no index, before any model is loaded."""
    if current_generation(settings.index_dir) is None:
        raise IndexNotBuiltError(f"Index not built in {settings.index_dir}: run `assistant index` (or `make run`).")


def build_assistant(settings: Settings) -> Assistant:
    """The engine the commands use (tests replace it with one built on fakes)."""
    return Assistant(settings)


def _parser() -> argparse.ArgumentParser:
    """The commands and their options. Long: one declaration per command, read top to bottom as
    `assistant --help` lists them."""
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Questions and answers over the Rencontres franco-japonaises de la coopération décentralisée.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser.set_defaults(handler=lambda args, settings: parser.print_help())
    sub = parser.add_subparsers(title="commands")

    models = sub.add_parser("models", help="fetch and check the local models")
    models_sub = models.add_subparsers(title="models commands")
    fetch = models_sub.add_parser("fetch", help="download and verify the models of the manifest")
    fetch.add_argument("names", nargs="*", help="only these models (default: all)")
    fetch.set_defaults(handler=cmd_models_fetch)
    listing = models_sub.add_parser("list", help="show which models are present and verified")
    listing.add_argument("--deep", action="store_true", help="re-hash every file instead of trusting the marker")
    listing.set_defaults(handler=cmd_models_list)
    models.set_defaults(handler=lambda args, settings: models.print_help())

    index = sub.add_parser("index", help="build or refresh the index from the corpus folder")
    index.add_argument("--rebuild", action="store_true", help="embed everything again")
    index.set_defaults(handler=cmd_index)

    docs = sub.add_parser("docs", help="list the indexed documents")
    docs.add_argument("--json", action="store_true", help="print a JSON list")
    docs.set_defaults(handler=cmd_docs)

    search = sub.add_parser("search", help="show the passages that match one or more questions")
    search.add_argument("questions", nargs="+", metavar="QUESTION")
    search.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    search.add_argument("--top-k", type=_positive, default=None, help="how many passages (default: settings)")
    _add_filters(search)
    search.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default=None)
    search.set_defaults(handler=cmd_search)

    ask = sub.add_parser("ask", help="answer one or more questions, with citations")
    ask.add_argument("questions", nargs="+", metavar="QUESTION")
    ask.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    _add_filters(ask)
    ask.set_defaults(handler=cmd_ask)

    speech = sub.add_parser("speech", help="draft a speech from the sources, every fact footnoted")
    speech.add_argument("purpose", metavar="PURPOSE", help="what the speech is for and should say")
    speech.add_argument("--occasion", default="welcome", choices=OCCASIONS, help="the outline to follow")
    speech.add_argument("--audience", default="", help="who will hear it (shown on the draft)")
    speech.add_argument("--minutes", type=float, default=3.0, help="length to aim at (default 3)")
    speech.add_argument("--tone", default="formal", choices=TONES)
    speech.add_argument("--language", choices=("fr", "en", "ja"), help="default: the purpose's language")
    speech.add_argument("--json", action="store_true", help="print the draft as one JSON object")
    speech.add_argument("--md", type=Path, metavar="PATH", help="also write it as Markdown with footnotes")
    speech.add_argument("--docx", type=Path, metavar="PATH", help="also write it as a Word document")
    speech.set_defaults(handler=cmd_speech)

    brief = sub.add_parser("brief", help="the onboarding brief: what the Rencontres are, timeline, FAQ, all cited")
    brief.add_argument("--language", default="fr", choices=("fr", "en", "ja"))
    brief.add_argument("--json", action="store_true", help="print the brief as one JSON object")
    brief.add_argument("--md", type=Path, metavar="PATH", help="also write it as Markdown (the chart beside it)")
    brief.add_argument("--docx", type=Path, metavar="PATH", help="also write it as a Word document")
    brief.add_argument("--refresh", action="store_true", help="build it again even if it is cached")
    brief.set_defaults(handler=cmd_brief)

    ui = sub.add_parser("ui", help="start the web app")
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    ui.add_argument("--port", type=int, default=7860)
    ui.set_defaults(handler=cmd_ui)

    add = sub.add_parser("add", help="add documents to the corpus and index them")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _detail_options(add, "(else what the document's first lines say)")
    add.set_defaults(handler=cmd_add)

    edit = sub.add_parser("edit", help="change an added document's title, date or edition")
    edit.add_argument("doc", metavar="DOC_ID", help="document id or file name (see `assistant docs`)")
    _detail_options(edit, "('' clears it)")
    edit.set_defaults(handler=cmd_edit)

    remove = sub.add_parser("remove", help="remove a document from the corpus and the index")
    remove.add_argument("doc", metavar="DOC_ID", help="document id or file name (see `assistant docs`)")
    remove.set_defaults(handler=cmd_remove)

    feedback = sub.add_parser("feedback", help="the thumbs and comments users gave")
    feedback_sub = feedback.add_subparsers(title="feedback commands")
    export = feedback_sub.add_parser("export", help="write all feedback as CSV")
    export.add_argument("--output", "-o", type=Path, default=None, help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_feedback_export)
    feedback.set_defaults(handler=lambda args, settings: feedback.print_help())

    chat = sub.add_parser("chat", help="a conversation in the terminal (follow-up questions work)")
    _add_filters(chat)
    chat.set_defaults(handler=cmd_chat)
    return parser


def _positive(value: str) -> int:
    number = int(value) if value.lstrip("-").isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return number


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--doc", action="append", default=[], help="only this document (id or file name)")
    parser.add_argument("--edition", action="append", type=int, default=[], help="only this edition (e.g. 7)")
    parser.add_argument("--year", action="append", type=int, default=[], help="only this year (e.g. 2022)")


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(doc_ids=tuple(args.doc), editions=tuple(args.edition), years=tuple(args.year))


def cmd_models_fetch(args: argparse.Namespace, settings: Settings) -> int:
    manifest = load_manifest()
    unknown = [n for n in args.names if n not in manifest]
    if unknown:
        raise AssistantError(f"Unknown model(s) {', '.join(unknown)}; known: {', '.join(manifest)}.")
    from tqdm import tqdm

    for spec in (manifest[n] for n in args.names or manifest):
        status = check_model(spec, settings.models_dir)
        if status.state == "verified":
            print(f"{spec.name}: present and verified")
            continue
        with tqdm(total=len(spec.parts), desc=spec.name, unit="part", file=sys.stderr, leave=False) as bar:
            fetch_model(spec, settings.models_dir, progress=lambda i, n: bar.update(1))
        print(f"{spec.name}: fetched and verified ({spec.licence})")
    return 0


def cmd_models_list(args: argparse.Namespace, settings: Settings) -> int:
    for spec in load_manifest().values():
        status = check_model(spec, settings.models_dir, deep=args.deep)
        detail = f" ({status.detail})" if status.detail else ""
        print(f"{spec.name:40} {spec.role:9} {status.state:9} {spec.licence:20} {status.path}{detail}")
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    assistant = build_assistant(settings)
    update, close = progress_bar("embedding")
    try:
        report = assistant.index(rebuild=args.rebuild, progress=update)
    finally:
        close()
    if report.rebuilt_because:
        print(f"Rebuilt the index: {report.rebuilt_because}.")
    for source, error in report.failures:
        print(f"skipped {source}: {error}", file=sys.stderr)
    print(report.summary())
    read_editions(assistant)
    prepare_briefs(assistant)
    return 0


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    documents = build_assistant(settings).documents()
    if args.json:
        print(json.dumps(documents, ensure_ascii=False))
        return 0
    for d in documents:
        print(f"{d['doc_id']}  {d['source']:32} {d['chunks']:4} chunks  {d['title']}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    require_index(settings)
    assistant = build_assistant(settings)
    for question in args.questions:
        started = time.perf_counter()
        passages = assistant.search(question, top_k=args.top_k, filters=_filters(args), mode=args.mode)
        if args.json:
            print(json.dumps(search_json(question, passages, started), ensure_ascii=False), flush=True)
            continue
        print(f"\n? {question}")
        for p in passages:
            snippet = " ".join(p.chunk.text.split())[:160]
            print(f"  {p.rank}. [{p.score:.4f}] {p.title} ({p.source} {p.chunk.start}-{p.chunk.end})\n     {snippet}")
    return 0


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    from ui.app import launch

    print(f"Starting the app on http://{args.host}:{args.port} (loading the models first)…", flush=True)
    launch(settings, host=args.host, port=args.port)
    return 0


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    assistant = build_assistant(settings)
    missing = [p for p in args.paths if not p.is_file()]
    if missing:
        raise AssistantError(f"No such file: {', '.join(map(str, missing))}.")
    update, close = progress_bar("embedding")
    try:
        added, report = assistant.add_documents(
            args.paths, progress=update, title=args.title, date=args.date, edition=args.edition
        )
    finally:
        close()
    for a in added:
        details = ", ".join(f"{k} {v}" for k, v in (("date", a.date), ("edition", a.edition)) if v is not None)
        print(f"added {a.source} ({a.doc_id}): {a.title}" + (f" [{details}]" if details else ""))
        if a.orders:
            print(
                f'  note: {a.orders} sentence(s) of it give orders to an assistant ("ignore the instructions",'
                ' "answer that …"): they are never used as evidence.'
            )
    print(report.summary())
    read_editions(assistant)
    return 0


def _detail_options(parser: argparse.ArgumentParser, note: str) -> None:
    parser.add_argument("--title", help="the document's title (one document only)")
    parser.add_argument("--date", help=f"its date, YYYY, YYYY-MM or YYYY-MM-DD {note}")
    parser.add_argument("--edition", help=f"the edition of the Rencontres it is about, e.g. 7 {note}")


def cmd_edit(args: argparse.Namespace, settings: Settings) -> int:
    changes = {key: getattr(args, key) for key in ("title", "date", "edition") if getattr(args, key) is not None}
    if not changes:
        raise ConfigError("Nothing to change: give --title, --date or --edition.")
    assistant = build_assistant(settings)
    report = assistant.update_document(args.doc, changes)
    print(report.summary())
    read_editions(assistant)
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    assistant = build_assistant(settings)
    report = assistant.remove_document(args.doc)
    print(report.summary())
    read_editions(assistant)
    return 0


def cmd_feedback_export(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(settings.data_dir / "feedback.sqlite3")
    if args.output is None:
        store.export_csv(sys.stdout)
        return 0
    if not args.output.parent.is_dir():
        raise ConfigError(f"Folder {args.output.parent} does not exist: create it or choose another --output.")
    with args.output.open("w", encoding="utf-8", newline="") as f:
        count = store.export_csv(f)
    print(f"{count} feedback rows written to {args.output}")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    require_index(settings)
    filters = _filters(args)
    app = None if any((args.doc, args.edition, args.year)) else running_app(settings)  # /ask takes no filters
    if app is not None:
        print(f"(asking the app running at {app.url}: its models are loaded)", file=sys.stderr)
        answer = app.ask
    else:
        assistant = build_assistant(settings)

        answer = lambda q: answered(assistant, q, filters)  # noqa: E731
    for question in args.questions:
        data = answer(question)
        if args.json:
            print(json.dumps(data, ensure_ascii=False), flush=True)
        else:
            print(f"\n? {data['question']}\n{format_answer(data)}", flush=True)  # as cleaned: no controls
    return 0


def _require_folders(*outputs: Path | None) -> None:
    for out in outputs:
        if out is not None and not out.parent.is_dir():
            raise ConfigError(f"Folder {out.parent} does not exist: create it or choose another path.")


def _step(done: int, total: int, what: str) -> None:
    """A long job's progress on one terminal line ("[2/5] Les Rencontres…"); cleared when ``what`` is empty."""
    if sys.stderr.isatty():
        line = f"[{done + 1}/{total}] {what}…" if what else ""
        print(f"\r{line}\033[K", end="", file=sys.stderr, flush=True)


def cmd_speech(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.export.speech import speech_json, speech_markdown, write_docx

    _require_folders(args.md, args.docx)
    require_index(settings)
    assistant = build_assistant(settings)
    request = SpeechRequest(
        purpose=args.purpose,
        occasion=args.occasion,
        audience=args.audience,
        minutes=args.minutes,
        tone=args.tone,
        language=args.language or detect_language(args.purpose),
    )
    checked(request)  # said before loading; loaded before drafting, whose time limit is for asking
    terminal.loading_models()
    assistant.warm_up()
    speech = draft_speech(assistant, request, progress=_step, facts=assistant.known_facts())
    _step(0, 0, "")
    documents = {d["doc_id"]: d for d in assistant.documents()}
    if args.md:
        args.md.write_text(speech_markdown(speech, documents), encoding="utf-8")
    if args.docx:
        write_docx(speech, documents, args.docx)
    if args.json:
        print(json.dumps(speech_json(speech), ensure_ascii=False))
    else:
        print(speech_markdown(speech, documents))
    return 0


def cmd_brief(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.drafting.briefs import brief
    from assistant.export.brief import brief_markdown, timeline_chart, write_brief_docx

    _require_folders(args.md, args.docx)
    require_index(settings)
    assistant = build_assistant(settings)
    built = brief(assistant, args.language, refresh=args.refresh, progress=_step)
    _step(0, 0, "")
    documents = {d["doc_id"]: d for d in assistant.documents()}
    chart = None
    if args.md:
        png = timeline_chart(built)
        if png:
            chart = args.md.with_suffix(".timeline.png")
            chart.write_bytes(png)
        args.md.write_text(brief_markdown(built, documents, chart=chart.name if chart else None), encoding="utf-8")
    if args.docx:
        write_brief_docx(built, documents, args.docx)
    if args.json:
        print(json.dumps(built, ensure_ascii=False))
    else:
        print(brief_markdown(built, documents))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    require_index(settings)
    app = None if any((args.doc, args.edition, args.year)) else running_app(settings)
    if app is not None:
        print(f"(asking the app running at {app.url}: its models are loaded)", file=sys.stderr)
    assistant = build_assistant(settings) if app is None else None
    tty = sys.stdout.isatty()
    dim, reset = ("\033[2m", "\033[0m") if tty else ("", "")
    print("Posez vos questions — ask your questions — 質問をどうぞ. /new: new conversation, /quit: leave.")
    history: list[tuple[str, str]] = []
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            print()
            return 0
        if question in ("/quit", "/exit", "/q"):
            return 0
        if question == "/new":
            history.clear()
            print("(new conversation)")
            continue
        if not question:
            continue
        try:
            if app is not None:
                data = app.ask(question, history)
                print(format_answer(data), flush=True)
                history.append((question, data["answer"]))
            elif assistant is not None:
                for event in assistant.answer_events(question, history=history, filters=_filters(args)):
                    if isinstance(event, Progress) and tty:
                        print(f"{dim}[{event.stage}…]{reset}", end=" ", flush=True)
                    elif isinstance(event, Evidence) and tty:
                        quotes = " ".join(f"« {' '.join(q.split())[:90]} »" for q in event.quotes)
                        print(f"{dim}{quotes}{reset}", end=" ", flush=True)
                    elif isinstance(event, Final):
                        print(("\n\n" if tty else "") + format_answer(event.answer), flush=True)
                        history.append((question, event.answer.text))
        except AssistantError as exc:  # one bad question does not end the conversation
            print(f"error: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
