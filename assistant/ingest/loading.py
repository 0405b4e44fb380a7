"""Files -> Documents: text extracted once, content spans marked, offsets kept.

A Document's ``text`` is what citations point into. For ``.txt`` and ``.md`` it is the file itself
(decoded); for HTML, PDF and DOCX it is the text extracted here, which the index keeps beside the
vectors so citations can be checked later. ``content`` marks the blocks worth chunking: web-page
chrome ("Sélectionnez votre langue", "A+ A A-"), bare page numbers and empty lines fall outside.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import DocumentError
from assistant.text.inputs import document_text
from assistant.types import Document, Span

logger = logging.getLogger(__name__)

METADATA_FILE = "metadata.json"
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")

# Lines that are page furniture, not content. Matched against the whole stripped line, case-folded.
_CHROME_LINES = [
    r"s[ée]lectionnez votre langue",
    r"select (your )?language",
    r"a\+\s*a\s*a-",
    r"(partager|imprimer|share|print|menu|accueil|home|retour|back|haut de page|top)",
    r"(partager sur|share on) .{0,30}",
    r"(page\s*)?\d{1,4}(\s*(/|sur|of)\s*\d{1,4})?",  # bare page numbers
]
_CHROME_RE = re.compile("|".join(f"(?:{p})" for p in _CHROME_LINES), re.IGNORECASE)
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")  # hiragana and katakana, full width
_BLOCK_RE = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")  # runs of non-blank lines


class DocumentMetadata(BaseModel):
    """One entry of ``corpus/metadata.json``."""

    model_config = ConfigDict(extra="allow")

    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    edition: int | None = None
    year: int | None = None
    host_city: str | None = None
    language: str = "fr"
    url: str | None = None
    kind: str | None = None


def read_metadata(corpus_dir: Path) -> dict[str, DocumentMetadata]:
    path = corpus_dir / METADATA_FILE
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {name: DocumentMetadata.model_validate(entry) for name, entry in raw.items()}
    except (ValueError, ValidationError) as exc:
        raise DocumentError(f"{path} is not valid corpus metadata: {exc}") from exc


def write_metadata(corpus_dir: Path, entries: dict[str, DocumentMetadata]) -> None:
    """Write the metadata file atomically (a crash leaves the old file, never half of one)."""
    path = corpus_dir / METADATA_FILE
    data = {name: e.model_dump(exclude_none=False) for name, e in sorted(entries.items())}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def doc_id_for(source: str) -> str:
    """Stable id of a document: its path in the corpus, hashed (renaming it makes a new document)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def list_corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise DocumentError(f"Corpus folder {corpus_dir} does not exist: set ASSISTANT_CORPUS_DIR.")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not _is_corpus_readme(p, corpus_dir)
    )


def _is_corpus_readme(path: Path, corpus_dir: Path) -> bool:
    return path.parent == corpus_dir and path.name.lower() == "readme.md"


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[tuple[str, str]]]:
    """Load every supported file; return the documents and ``(source, error)`` for those that failed."""
    metadata = read_metadata(corpus_dir)
    documents, failures = [], []
    for path in list_corpus_files(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        try:
            documents.append(load_document(path, source=source, metadata=metadata.get(source)))
        except DocumentError as exc:
            logger.warning("%s: %s", source, exc)
            failures.append((source, str(exc)))
    return documents, failures


def load_document(path: Path, *, source: str | None = None, metadata: DocumentMetadata | None = None) -> Document:
    """Read one file into a Document. Raises DocumentError with the reason when it cannot."""
    suffix = path.suffix.lower()
    extract = _EXTRACTORS.get(suffix)
    if extract is None:
        raise DocumentError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    try:
        text = document_text(extract(data, path.name))
    except DocumentError:
        raise
    except Exception as exc:  # a parser meeting a file it was not made for may raise anything
        raise DocumentError(f"{path.name}: cannot be read as {suffix} ({type(exc).__name__}: {exc}).") from exc
    content = tuple(find_content(text))
    if not content:
        if suffix == ".pdf":
            raise DocumentError(
                f"{path.name}: no text found (a scanned PDF needs OCR first).", reason="no_text", name=path.name
            )
        if not data.strip():
            raise DocumentError(f"{path.name}: the file is empty (no text found).", reason="empty", name=path.name)
        raise DocumentError(f"{path.name}: no text found that could be indexed.", reason="no_text", name=path.name)
    meta = metadata or DocumentMetadata()
    source = source or path.name
    title = meta.title or _first_line(text, content) or path.stem
    return Document(
        doc_id=doc_id_for(source),
        source=source,
        title=title,
        text=text,
        content=content,
        sha256=hashlib.sha256(data).hexdigest(),
        metadata={k: v for k, v in meta.model_dump().items() if k != "title" and v is not None},
    )


def find_content(text: str) -> Iterable[Span]:
    """Blocks of consecutive non-blank lines, with chrome lines cut out; each span is trimmed."""
    for block in _BLOCK_RE.finditer(text):
        run_start: int | None = None
        run_end = 0
        pos = block.start()
        for line in block.group().split("\n"):
            line_start, line_end = pos, pos + len(line)
            pos = line_end + 1
            if is_chrome(line):
                if run_start is not None:
                    yield _trim(text, run_start, run_end)
                    run_start = None
                continue
            if run_start is None:
                run_start = line_start
            run_end = line_end
        if run_start is not None:
            yield _trim(text, run_start, run_end)


def is_chrome(line: str) -> bool:
    stripped = line.strip().strip("\u00a0\u200b")
    return not stripped or _CHROME_RE.fullmatch(stripped) is not None


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _first_line(text: str, content: tuple[Span, ...]) -> str:
    first = text[content[0].start : content[0].end].split("\n", 1)[0].strip().lstrip("# ")
    return first[:120]


# --- extractors: bytes -> text --------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    """Text files as Windows and Mac save them: UTF-8, UTF-16 with its byte-order mark, Japanese
    Shift-JIS (cp932) when the decoded text has kana, else Windows-1252 (Western European)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: looks binary, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp932")
        if _KANA.search(text):  # French in cp1252 read as cp932 gives kanji, never kana
            return text
    except UnicodeDecodeError:
        pass
    return _strict(data, "cp1252", name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{name}: not readable as {encoding} text ({exc.reason}); save it as UTF-8.") from exc


def _extract_text(data: bytes, name: str) -> str:
    return _decode(data, name).replace("\r\n", "\n").replace("\r", "\n")


_HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg", "iframe")
_HTML_BLOCKS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "tr",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "figcaption",
    "dt",
    "dd",
    "table",
    "ul",
    "ol",
)


def _extract_html(data: bytes, name: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data, name), "html.parser")
    for tag in soup(_HTML_DROP):
        tag.decompose()
    for tag in soup.find_all(_HTML_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for cell in soup.find_all(["td", "th"]):  # a table row reads "1 | Le transport à la demande | Cerema"
        if cell.find_previous_sibling(["td", "th"]) is not None:
            cell.insert_before(" | ")
    body = soup.body or soup
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in body.get_text().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _extract_pdf(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{name}: the PDF is encrypted; save an unprotected copy first.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"{name}: not a readable PDF ({exc}).") from exc
    return "\n\n".join(p.strip("\n") for p in pages) + "\n"


def _extract_docx(data: bytes, name: str) -> str:
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable DOCX file ({exc}).") from exc
    paragraphs = [p.text.strip() for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n\n".join(p for p in paragraphs if p) + "\n"


_EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    ".txt": _extract_text,
    ".md": _extract_text,
    ".markdown": _extract_text,
    ".html": _extract_html,
    ".htm": _extract_html,
    ".pdf": _extract_pdf,
    ".docx": _extract_docx,
}
