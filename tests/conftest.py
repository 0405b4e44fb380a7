from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import Settings
from assistant.ingest.loading import load_document
from assistant.pipeline import Assistant
from assistant.types import Document
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).parent / "fixtures"
REPO_CORPUS = Path(__file__).parents[1] / "corpus"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(
        _env_file=None,
        corpus_dir=corpus_dir,
        index_dir=tmp_path / "index",
        models_dir=tmp_path / "models",
        data_dir=tmp_path / "data",
        embedding_model="fake-embedder",
        second_embedding_model="",
        chat_backend="none",
        prepare_briefs=False,  # no background model calls racing a test's fake replies
        chunk_size=200,
    )


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for key, value in {
        "CORPUS_DIR": settings.corpus_dir,
        "INDEX_DIR": settings.index_dir,
        "MODELS_DIR": settings.models_dir,
        "DATA_DIR": settings.data_dir,
        "EMBEDDING_MODEL": "fake-embedder",
        "SECOND_EMBEDDING_MODEL": "",
        "CHAT_BACKEND": "none",
        "CHUNK_SIZE": 200,
        "APP_URL": "",  # never the app a developer has running
    }.items():
        monkeypatch.setenv(f"ASSISTANT_{key}", str(value))
    monkeypatch.setattr(cli, "build_assistant", lambda s: Assistant(s, embedder=FakeEmbedder()))
    return settings


def load_html(folder: Path, markup: str) -> Document:
    """``markup`` written as an HTML file in ``folder`` and loaded as a user's document would be."""
    page = folder / "page.html"
    page.write_text(markup, encoding="utf-8")
    return load_document(page)


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds ``lines`` (ASCII), for loader tests."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")
