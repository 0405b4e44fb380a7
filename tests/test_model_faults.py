"""A chat model that is missing, corrupt, crashing, hanging or too slow: the answer is the labelled
extracts, with the reason (and its fix) shown, and it comes within the time limit.

The model servers here are small HTTP servers on loopback that misbehave on purpose; the client is
the real one (`OpenAIChatModel`, through the `openai` package)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.feedback import FeedbackStore
from assistant.pipeline import Assistant
from assistant.types import Answer
from tests.fakes import FakeEmbedder
from ui.handlers import Handlers

QUESTION = "Où ont eu lieu les Rencontres en 2014 ?"
LIMIT_S = 1.0  # the generation time limit the tests set
NO_HANG_S = 30.0  # an answer later than this is a hang (a bound for the test, not a timing claim)


class Misbehaving(BaseHTTPRequestHandler):
    """Answers every request as the server's ``behaviour`` says: "hang", "trickle", "crash", or
    "no-schema" (500 to a request with a response_format, as llama-cpp-python's server does to the
    json_schema type; a short reply otherwise)."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        behaviour = self.server.behaviour  # type: ignore[attr-defined]
        stop: threading.Event = self.server.stop  # type: ignore[attr-defined]
        if behaviour == "no-schema":
            behaviour = "crash" if b"response_format" in body else "reply"
        if behaviour == "reply":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            chunk = b'data: {"id":"1","object":"chat.completion.chunk","created":0,"model":"m","choices":'
            chunk += b'[{"index":0,"delta":{"content":"YES"},"finish_reason":null}]}\n\ndata: [DONE]\n\n'
            self.wfile.write(chunk)
        elif behaviour == "hang":  # accepts, reads, never answers
            stop.wait(NO_HANG_S)
        elif behaviour == "crash":
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "model crashed", "type": "server_error"}}')
        else:  # "trickle": a token every 0.2 s, for far longer than the limit
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            chunk = b'data: {"id":"1","object":"chat.completion.chunk","created":0,"model":"m","choices":'
            chunk += b'[{"index":0,"delta":{"content":"Takamatsu "},"finish_reason":null}]}\n\n'
            while not stop.wait(0.2):
                try:
                    self.wfile.write(chunk)
                    self.wfile.flush()
                except OSError:
                    return

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    httpd.behaviour = request.param  # type: ignore[attr-defined]
    httpd.stop = threading.Event()  # type: ignore[attr-defined]
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.stop.set()  # type: ignore[attr-defined]
    httpd.shutdown()
    httpd.server_close()


def answered(assistant: Assistant, question: str = QUESTION) -> Answer:
    """The answer, asked in a thread: a hang fails the test instead of stalling the suite."""
    result: list[Answer] = []
    worker = threading.Thread(target=lambda: result.append(assistant.answer(question)), daemon=True)
    worker.start()
    worker.join(NO_HANG_S)
    assert result, f"no answer within {NO_HANG_S:.0f} s: the model's fault hung the answer"
    return result[0]


def assert_labelled_extracts(answer: Answer, settings: Settings, reason: str) -> None:
    assert answer.extractive and not answer.refused and answer.text.startswith("Extraits des sources")
    assert reason in (answer.notice or ""), answer.notice
    text = (settings.corpus_dir / "rencontres.txt").read_text(encoding="utf-8")
    assert answer.citations and all(text[c.start : c.end] == c.quote for c in answer.citations)


@pytest.mark.parametrize(
    ("server", "reason"),
    [("crash", "failed"), ("hang", "failed"), ("trickle", f"more than {LIMIT_S:.0f} s")],
    indirect=["server"],
)
def test_a_model_server_that_crashes_hangs_or_trickles_gives_the_extracts_in_time(
    settings: Settings, server: str, reason: str
) -> None:
    served = settings.model_copy(
        update={"chat_backend": "openai", "openai_base_url": server, "generation_timeout_s": LIMIT_S}
    )
    assistant = Assistant(served, embedder=FakeEmbedder())
    assistant.index()
    assert_labelled_extracts(answered(assistant), served, reason)  # answered() fails on a hang


@pytest.mark.parametrize("fault", ["missing", "corrupt"])
def test_a_missing_or_corrupt_model_file_still_lets_the_app_start_and_answer_with_extracts(
    settings: Settings, tmp_path: Path, fault: str
) -> None:
    model = tmp_path / "chat.gguf"
    if fault == "corrupt":
        model.write_bytes(b"GGUF" + bytes(range(256)) * 64)  # the right magic, then garbage
    local = settings.model_copy(update={"chat_backend": "llamacpp", "chat_model": str(model)})
    assistant = Assistant(local, embedder=FakeEmbedder())
    assistant.index()
    answer = answered(assistant)
    fix = "assistant models fetch" if fault == "missing" else "could not load chat.gguf"
    assert_labelled_extracts(answer, local, fix)

    handlers = Handlers(assistant, FeedbackStore(local.data_dir / "feedback.sqlite3"))
    *_, (_, sources, turns, _) = handlers.respond(QUESTION, [], [])
    assert turns and turns[0]["answer"]["mode"] != "refused" and fix in sources  # shown, with its fix


@pytest.mark.parametrize("server", ["no-schema"], indirect=True)
def test_a_server_that_refuses_the_reply_shape_is_asked_again_without_it(server: str) -> None:
    from assistant.answer.verifying import gives_answer
    from assistant.models.generation import OpenAIChatModel

    model = OpenAIChatModel(base_url=server, model="m", api_key="none", timeout_s=NO_HANG_S)
    assert gives_answer(model, "Où ?", ["À Takamatsu."]) is True
