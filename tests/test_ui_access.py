"""Who may do what through the app's HTTP routes, on a live server on loopback (fake models)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.feedback import FeedbackStore
from assistant.ingest.loading import doc_id_for
from assistant.pipeline import Assistant
from tests.fakes import FakeEmbedder
from ui.app import serve
from ui.handlers import Handlers

USER, PASSWORD = "alice", "s3cret-mot-de-passe"


@pytest.fixture
def server(settings: Settings) -> Iterator[tuple[httpx.Client, Settings]]:
    settings = settings.model_copy(update={"ui_users": f"{USER}:{PASSWORD}"})
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=None)
    assistant.index()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = serve(assistant, host="127.0.0.1", port=port, block=False)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client, settings
    app.close()


def routes(corpus: Path) -> list[tuple[str, str]]:
    """The app's page, its configuration, its API, its queue, uploads, and files in and out of the corpus."""
    return [
        ("GET", "/config"),
        ("GET", "/gradio_api/info"),
        ("POST", "/gradio_api/call/ask"),
        ("POST", "/gradio_api/queue/join"),
        ("GET", "/gradio_api/queue/status"),
        ("POST", "/gradio_api/upload"),
        ("GET", f"/gradio_api/file={corpus / 'rencontres.txt'}"),
        ("GET", "/gradio_api/file=/etc/passwd"),
    ]


def test_with_login_on_no_route_answers_without_it(server: tuple[httpx.Client, Settings]) -> None:
    client, settings = server
    for method, path in routes(settings.corpus_dir):
        reply = client.request(method, path, json={"data": ["Où en 2014 ?"]} if method == "POST" else None)
        assert reply.status_code in (401, 403, 404), (method, path, reply.status_code)
        assert "Takamatsu" not in reply.text and "root:" not in reply.text, (method, path)
    # The page is the login form: no component, no document text. (Gradio puts the public API's
    # description in it, the /ask signature the README gives anyway.)
    page = client.get("/").text
    assert '"auth_required":true' in page and '"components":[]' in page and "Takamatsu" not in page
    assert client.post("/login", data={"username": USER, "password": "wrong"}).status_code >= 400


def test_logged_in_the_app_answers_and_no_file_outside_its_folders_is_served(
    server: tuple[httpx.Client, Settings],
) -> None:
    client, settings = server
    assert client.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
    assert client.get("/config").status_code == 200  # the login is what the routes above asked for
    assert client.post("/gradio_api/call/ask", json={"data": ["Où en 2014 ?"]}).status_code == 200
    for path in ["/etc/passwd", "../../../../etc/passwd", "..%2F..%2F..%2F..%2Fetc%2Fpasswd", str(settings.index_dir)]:
        reply = client.get(f"/gradio_api/file={path}")
        assert reply.status_code in (403, 404) and "root:" not in reply.text, path


def test_a_read_only_site_refuses_every_change_its_hidden_forms_could_still_send(
    settings: Settings, tmp_path: Path
) -> None:
    """The upload, remove and edit forms are hidden when uploads are off, but a client can still call
    their events: each handler refuses, and the corpus is unchanged byte for byte."""
    open_site = Assistant(settings, embedder=FakeEmbedder(), chat_model=None)
    open_site.add_documents([_note(tmp_path)])
    closed = settings.model_copy(update={"uploads_enabled": False})
    handlers = Handlers(Assistant(closed, embedder=FakeEmbedder(), chat_model=None), FeedbackStore(tmp_path / "f.db"))
    before = {p.name: p.read_bytes() for p in sorted(settings.corpus_dir.iterdir())}
    off = "turned off"  # the message a read-only site gives, in the English interface
    status, _ = handlers.add([str(_note(tmp_path, "autre.txt"))], "en", progress=lambda *a, **k: None)
    replies = [
        status,
        handlers.remove(doc_id_for("note.txt"), "en"),
        handlers.edit(doc_id_for("note.txt"), "Autre titre", "2020", "", "en"),
    ]
    for reply in replies:
        assert off in reply, reply
    assert {p.name: p.read_bytes() for p in sorted(settings.corpus_dir.iterdir())} == before


def _note(folder: Path, name: str = "note.txt") -> Path:
    path = folder / name
    path.write_text(f"Une note ({name}) sur l'eau à Shizuoka.", encoding="utf-8")
    return path
