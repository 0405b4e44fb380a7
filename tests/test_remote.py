"""`assistant ask` asks the running app when it serves the same index, and loads the models otherwise."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import ClassVar

import pytest

from assistant import cli
from assistant.config import Settings
from assistant.errors import AssistantError
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


class Recording(Assistant):
    """The app's assistant, keeping the conversation each question came with."""

    histories: ClassVar[list[list[tuple[str, str]]]] = []

    def answer(self, question: str, *, history=(), **kwargs):  # type: ignore[no-untyped-def]
        self.histories.append(list(history))
        return super().answer(question, history=history, **kwargs)


@pytest.fixture
def app_url(settings: Settings) -> Iterator[str]:
    model = FakeChatModel([grounded("Takamatsu", ANSWER)])
    assistant = Recording(settings, embedder=FakeEmbedder(), chat_model=model)
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


def test_a_conversation_goes_to_the_app_with_its_earlier_turns_and_its_errors_come_back_as_ours(
    settings: Settings, app_url: str
) -> None:
    app = running_app(settings.model_copy(update={"app_url": app_url}))
    assert app is not None
    Recording.histories.clear()
    app.ask(QUESTION, [("Où ont eu lieu les Rencontres en 2010 ?", "À Kanazawa.")])
    assert Recording.histories == [[("Où ont eu lieu les Rencontres en 2010 ?", "À Kanazawa.")]]
    with pytest.raises(AssistantError):
        app.ask("   ")
