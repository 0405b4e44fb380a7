from __future__ import annotations

from pathlib import Path

import docx
import pytest

from assistant.errors import DocumentError
from assistant.ingest.loading import find_content, load_corpus, load_document
from tests.conftest import REPO_CORPUS, load_html, make_pdf


def content_text(doc) -> list[str]:
    return [doc.text[s.start : s.end] for s in doc.content]


def test_web_chrome_is_outside_every_content_span(corpus_dir: Path) -> None:
    doc = load_document(corpus_dir / "rencontres.txt")
    blocks = content_text(doc)
    assert all("Sélectionnez" not in b and "A+ A A-" not in b for b in blocks)
    assert blocks[0] == "Historique des Rencontres"


def test_the_shipped_article_keeps_its_bytes_and_loses_its_chrome() -> None:
    path = REPO_CORPUS / "001_d6e3460923996cec.txt"
    doc = load_document(path, source=path.name)
    assert doc.text == path.read_text(encoding="utf-8")
    joined = "\n".join(content_text(doc))
    assert "Sélectionnez votre langue" not in joined and "A+ A A-" not in joined
    assert "CLAIR PARIS a été créé en octobre 1990" in joined


def test_corpus_metadata_gives_titles_and_editions(corpus_dir: Path) -> None:
    documents, failures = load_corpus(corpus_dir)
    assert failures == []
    by_source = {d.source: d for d in documents}
    assert by_source["rencontres.txt"].title == "Historique des Rencontres"
    assert by_source["ateliers.md"].metadata["edition"] == 8


def test_html_drops_scripts_and_navigation(tmp_path: Path) -> None:
    doc = load_html(
        tmp_path,
        "<html><head><script>var x = 1;</script></head><body><nav>Accueil | Contact</nav>"
        "<h1>Shizuoka 2024</h1><p>Les Rencontres ont eu lieu à Shizuoka.</p></body></html>",
    )
    assert "var x" not in doc.text and "Contact" not in doc.text
    assert "Les Rencontres ont eu lieu à Shizuoka." in content_text(doc)[-1]


def test_html_table_cells_stay_apart(tmp_path: Path) -> None:
    lines = load_html(
        tmp_path,
        "<html><body><table><tr><th>Session</th><th>Thème</th></tr>"
        "<tr><td>1</td><td>Le transport à la demande</td></tr></table></body></html>",
    ).text.splitlines()
    assert "Session | Thème" in lines
    assert "1 | Le transport à la demande" in lines


def test_docx_paragraphs_become_text(tmp_path: Path) -> None:
    path = tmp_path / "note.docx"
    document = docx.Document()
    document.add_heading("Note de synthèse", level=1)
    document.add_paragraph("Kumamoto a accueilli les Rencontres en 2018.")
    document.save(path)
    doc = load_document(path)
    assert "Kumamoto a accueilli les Rencontres en 2018." in doc.text
    assert doc.title == "Note de synthèse"


def test_pdf_text_layer_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "declaration.pdf"
    path.write_bytes(make_pdf(["Declaration finale", "Nous decidons de nous retrouver en 2024."]))
    doc = load_document(path)
    assert "Nous decidons de nous retrouver en 2024." in doc.text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("broken.pdf", b"%PDF-1.4 this is not a pdf", "not a readable PDF"),
        ("broken.docx", b"not a zip at all", "not a readable DOCX"),
        ("empty.txt", b"   \n\n", "no text found"),
        ("binary.txt", b"\x00\x01\x02" * 100, "looks binary"),
    ],
)
def test_bad_files_raise_a_clear_document_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message):
        load_document(path)


def test_find_content_cuts_chrome_lines_inside_a_block() -> None:
    text = "Premier paragraphe.\nPartager\nSecond paragraphe."
    spans = list(find_content(text))
    assert [text[s.start : s.end] for s in spans] == ["Premier paragraphe.", "Second paragraphe."]
