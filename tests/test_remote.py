"""`assistant ask` asks the running app when it serves the same index, and loads the models otherwise."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from assistant import cli
from assistant.config import Settings
from assistant.pipeline import Assistant
from assistant.remote import running_app
from tests.fakes import FakeChatModel, FakeEmbedder, grounded
from ui.app import serve

QUESTION = "Où ont eu lieu les Rencontres en 2014 ?"
ANSWER = "Les Rencontres ont eu lieu à Takamatsu en 2014."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def app_url(settings: Settings) -> Iterator[str]:
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel([grounded("Takamatsu", ANSWER)]))
    assistant.index()
    port = free_port()
    app = serve(assistant, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}"
    app.close()


def test_ask_uses_the_app_that_serves_its_index_without_loading_a_model(
    env: Settings, app_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_APP_URL", app_url)

    def no_models(settings: Settings) -> Assistant:
        raise AssertionError("the CLI loaded its own models while the app was up")

    monkeypatch.setattr(cli, "build_assistant", no_models)
    assert cli.main(["ask", "--json", QUESTION]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["mode"] == "answer" and "Takamatsu" in data["answer"]
    assert app_url in out.err  # the user is told who answered


def test_an_app_serving_another_index_or_none_listening_leaves_the_cli_to_load_its_own(
    settings: Settings, app_url: str
) -> None:
    assert running_app(settings.model_copy(update={"app_url": app_url})) is not None
    other = settings.model_copy(update={"app_url": app_url, "index_dir": settings.index_dir.parent / "other"})
    assert running_app(other) is None
    assert running_app(settings.model_copy(update={"app_url": f"http://127.0.0.1:{free_port()}"})) is None
    assert running_app(settings.model_copy(update={"app_url": ""})) is None
