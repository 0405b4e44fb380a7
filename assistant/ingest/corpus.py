"""Adding and removing documents: validated first, indexed at once, undone on any failure."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import DocumentError
from assistant.ingest.describing import describe, valid_date
from assistant.ingest.indexing import IndexReport, Progress
from assistant.ingest.loading import (
    METADATA_FILE,
    SUPPORTED_SUFFIXES,
    DocumentMetadata,
    doc_id_for,
    load_document,
    read_metadata,
    write_metadata,
)
from assistant.text.chunking import split_sentences
from assistant.text.instructions import gives_orders
from assistant.text.language import detect_language
from assistant.types import Document

logger = logging.getLogger(__name__)

PENDING_ADD = ".adding.json"  # an addition in progress: what to undo if its process dies midway
IndexFn = Callable[[Progress | None], IndexReport]  # re-indexes the corpus, reporting progress


@dataclass(frozen=True)
class AddedDocument:
    source: str
    doc_id: str
    title: str
    date: str | None = None
    edition: int | None = None
    orders: int = 0  # sentences that give orders to an assistant: never used as evidence (`instructions`)


def check_upload(path: Path, settings: Settings) -> Document:
    """Raise DocumentError unless ``path`` is a supported file within the size limit that holds text and
    is not already in the corpus (same bytes under any name); the document as read."""
    if not path.is_file():
        raise DocumentError(f"{path.name}: no such file.", name=path.name)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'}; accepted: {', '.join(SUPPORTED_SUFFIXES)}.",
            reason="unsupported",
            name=path.name,
        )
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > settings.max_upload_mb:
        raise DocumentError(
            f"{path.name}: {size_mb:.1f} MB is over the {settings.max_upload_mb:g} MB limit.",
            reason="too_large",
            name=path.name,
            limit=settings.max_upload_mb,
        )
    document = load_document(path)  # raises DocumentError when there is no text to be had
    twin = _copy_in_corpus(path, document.sha256, settings.corpus_dir)
    if twin:
        raise DocumentError(
            f"{path.name}: already in the corpus as {twin}.", reason="duplicate", name=path.name, other=twin
        )
    return document


def screen_uploads(settings: Settings, paths: Sequence[Path]) -> tuple[list[Path], list[DocumentError]]:
    """Sort ``paths`` into those that can be added and a message for each one that cannot; a file
    given twice in one batch counts once."""
    good: list[Path] = []
    problems: list[DocumentError] = []
    digests: dict[str, str] = {}
    for path in paths:
        try:
            digest = check_upload(path, settings).sha256
        except DocumentError as exc:
            exc.details.setdefault("name", path.name)
            problems.append(exc)
            continue
        if digest in digests:
            other = digests[digest]
            problems.append(
                DocumentError(
                    f"{path.name}: the same file as {other}.", reason="duplicate", name=path.name, other=other
                )
            )
            continue
        digests[digest] = path.name
        good.append(path)
    return good, problems


def is_protected(settings: Settings, kind: str | None) -> bool:
    """True if a document of this ``kind`` (its metadata's) may not be removed: one the corpus shipped
    with, while ``protect_shipped`` is on. Documents added by `assistant add` or the app are "uploaded"."""
    return settings.protect_shipped and kind != "uploaded"


def _copy_in_corpus(path: Path, digest: str, corpus: Path) -> str | None:
    """The corpus file whose bytes have the sha256 ``digest`` of ``path``'s (only files of its size are read)."""
    size = path.stat().st_size
    for other in sorted(corpus.rglob("*")):
        same_size = other.is_file() and other.name != METADATA_FILE and other.stat().st_size == size
        if same_size and hashlib.sha256(other.read_bytes()).hexdigest() == digest:
            return other.relative_to(corpus).as_posix()
    return None


def add_documents(
    settings: Settings,
    paths: Sequence[Path],
    *,
    index: IndexFn,
    progress: Progress | None = None,
    title: str | None = None,
    date: str | None = None,
    edition: int | None = None,
) -> tuple[list[AddedDocument], IndexReport]:
    """Copy valid files into the corpus and index them; on any failure, leave corpus and index as they were.

    Each document's date, year and edition are what its head states (`describing`), unless given here;
    a ``title`` is given for one file only."""
    if title is not None and len(paths) != 1:
        raise DocumentError("A title can be given for one document at a time.", reason="one_title")
    given = _checked_details(title=title, date=date, edition=edition)
    if not settings.uploads_enabled:
        raise DocumentError(
            "Adding documents is turned off on this site (ASSISTANT_UPLOADS_ENABLED=false).", reason="uploads_off"
        )
    good, problems = screen_uploads(settings, paths)
    if problems:
        raise problems[0] if len(problems) == 1 else DocumentError(" ".join(map(str, problems)))
    corpus = settings.corpus_dir
    undo_interrupted_add(corpus)
    saved = _save_metadata(corpus)
    metadata = dict(read_metadata(corpus))
    added: list[AddedDocument] = []
    copied: list[Path] = []
    targets = _free_names(corpus, [path.name for path in good])
    _write_pending(corpus, targets, saved)
    try:
        for path, target in zip(good, targets, strict=True):
            shutil.copyfile(path, target)
            copied.append(target)
            document = load_document(target, source=target.name)
            found = describe(document.title, document.text)
            entry = DocumentMetadata.model_validate(
                {
                    "title": document.title,
                    "date": found.date,
                    "year": found.year,
                    "edition": found.edition,
                    "language": detect_language(document.text[:2000]),
                    "kind": "uploaded",
                    "added_at": datetime.now(UTC).date().isoformat(),
                }
            )
            metadata[target.name] = entry.model_copy(update=given)
            entry = metadata[target.name]
            orders = sum(gives_orders(document.text[x.start : x.end]) for x in split_sentences(document.text))
            added.append(
                AddedDocument(
                    target.name, doc_id_for(target.name), entry.title or "", entry.date, entry.edition, orders
                )
            )
        write_metadata(corpus, metadata)
        report = index(progress)
    except BaseException:
        for target in copied:
            target.unlink(missing_ok=True)
        _restore_metadata(corpus, saved)
        raise
    finally:
        (corpus / PENDING_ADD).unlink(missing_ok=True)
    return added, report


def _write_pending(corpus: Path, targets: list[Path], saved: bytes | None) -> None:
    """Note, before touching the corpus, what an addition will change, so a process killed midway
    (kill -9, power cut) can be undone by the next one: the files it will copy, the metadata before."""
    note = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "files": [t.name for t in targets],
        "metadata": saved.decode("utf-8") if saved is not None else None,
    }
    tmp = corpus / f"{PENDING_ADD}.tmp"
    tmp.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
    tmp.replace(corpus / PENDING_ADD)


def undo_interrupted_add(corpus: Path) -> None:
    """If an addition was cut short (its process is gone, its note left behind), take its copied files
    out and put the metadata back as it was. An addition still running is left be. Every re-index
    (`Assistant.index`, which removals and edits end with) and every addition calls this first."""
    path = corpus / PENDING_ADD
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except ValueError:  # a note cut while written: nothing was copied yet
        path.unlink(missing_ok=True)
        return
    if note.get("host") != socket.gethostname() or _running(int(note.get("pid", 0))):
        return
    for name in note["files"]:
        (corpus / Path(name).name).unlink(missing_ok=True)
    saved = note["metadata"]
    _restore_metadata(corpus, saved.encode("utf-8") if saved is not None else None)
    path.unlink(missing_ok=True)
    logger.warning("an addition was interrupted; taken back out of the corpus: %s", ", ".join(note["files"]))


def _running(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


def update_document(
    settings: Settings, doc_id_or_source: str, changes: dict[str, str | int | None], *, index: IndexFn
) -> IndexReport:
    """Change an added document's title, date or edition (None clears a date or an edition), then re-index:
    only the changed document's passages are embedded again, and only if its title changed."""
    corpus = settings.corpus_dir
    _, source, metadata = _find(settings, doc_id_or_source, verb="Editing")
    given = _checked_details(**changes)  # type: ignore[arg-type]
    saved = _save_metadata(corpus)
    entry = metadata.get(source) or DocumentMetadata(kind="uploaded")
    emptied = [key for key in ("date", "edition") if key in changes and changes[key] in (None, "")]
    cleared: dict[str, Any] = dict.fromkeys(emptied)
    if "date" in cleared:
        cleared["year"] = None
    metadata[source] = entry.model_copy(update={**given, **cleared})
    write_metadata(corpus, metadata)
    try:
        return index(None)
    except BaseException:
        _restore_metadata(corpus, saved)
        raise


def _checked_details(
    *, title: str | None = None, date: str | None = None, edition: int | str | None = None
) -> dict[str, str | int]:
    """The metadata a user gave, checked: a title of some text, a real date, an edition number."""
    given: dict[str, str | int] = {}
    if title is not None and title.strip():
        if len(title) > 300:
            raise DocumentError("A title holds 300 characters at most.", reason="bad_title")
        given["title"] = " ".join(title.split())
    if date:
        try:
            given["date"] = valid_date(date)
        except ValueError as exc:
            raise DocumentError(f"{exc}.", reason="bad_date", value=date) from exc
        given["year"] = int(given["date"][:4])  # type: ignore[index]
    if edition not in (None, ""):
        if not str(edition).isdigit() or not 1 <= int(edition) <= 99:
            raise DocumentError(
                f"Edition {edition!r} is not a number from 1 to 99.", reason="bad_edition", value=edition
            )
        given["edition"] = int(edition)
    return given


def remove_document(settings: Settings, doc_id_or_source: str, *, index: IndexFn) -> IndexReport:
    """Delete a document from the corpus folder and the index."""
    corpus = settings.corpus_dir
    path, source, metadata = _find(settings, doc_id_or_source, verb="Removing")
    saved = _save_metadata(corpus)
    backup = path.read_bytes()
    path.unlink()
    if metadata.pop(source, None) is not None:
        write_metadata(corpus, metadata)
    try:
        return index(None)
    except BaseException:
        path.write_bytes(backup)
        _restore_metadata(corpus, saved)
        raise


def _find(settings: Settings, doc_id_or_source: str, *, verb: str) -> tuple[Path, str, dict[str, DocumentMetadata]]:
    """The file of an added document, by its id or its path in the corpus, its source, and the corpus
    metadata; DocumentError if there is none, if changes are turned off, or if it is a protected
    shipped document."""
    if not settings.uploads_enabled:
        raise DocumentError(
            f"{verb} documents is turned off on this site (ASSISTANT_UPLOADS_ENABLED=false).", reason="uploads_off"
        )
    corpus = settings.corpus_dir
    for path in sorted(corpus.rglob("*")):
        source = path.relative_to(corpus).as_posix()
        if path.is_file() and doc_id_or_source in (source, doc_id_for(source)):
            break
    else:
        raise DocumentError(
            f"No document {doc_id_or_source!r} in the corpus: see `assistant docs`.",
            reason="unknown_document",
            name=doc_id_or_source,
        )
    metadata = dict(read_metadata(corpus))
    entry = metadata.get(source)
    if is_protected(settings, entry.kind if entry else None):
        raise DocumentError(
            f"{source} came with the corpus and is protected; only added documents can be changed "
            "(ASSISTANT_PROTECT_SHIPPED=false lifts this).",
            reason="protected",
            name=source,
        )
    return path, source, metadata


def _save_metadata(corpus: Path) -> bytes | None:
    path = corpus / METADATA_FILE
    return path.read_bytes() if path.exists() else None


def _restore_metadata(corpus: Path, saved: bytes | None) -> None:
    """Put the metadata file back byte for byte (or remove it if there was none)."""
    path = corpus / METADATA_FILE
    if saved is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(saved)


def _free_names(folder: Path, names: list[str]) -> list[Path]:
    """A safe file name in ``folder`` for each of ``names``, none taken and no two alike."""
    chosen: list[Path] = []
    for name in names:
        stem, suffix = Path(name).stem, Path(name).suffix.lower()
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem).strip("._") or "document"
        candidate = folder / f"{safe}{suffix}"
        n = 2
        while candidate.exists() or candidate in chosen:
            candidate = folder / f"{safe}-{n}{suffix}"
            n += 1
        chosen.append(candidate)
    return chosen
