"""Load on a live app on loopback (fake models): 20 `gradio_client` users asking 5 questions each at
once all get answers that pass the single-answer checks, and past the queue's size a user is told at
once that the app is busy. The times are written to tests/artifacts/load.txt, never asserted."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from assistant.config import Settings
from assistant.pipeline import Assistant
from tests.fakes import FakeChatModel, FakeEmbedder, grounded
from ui.app import serve

ARTIFACTS = Path(__file__).parent / "artifacts"
USERS, QUESTIONS_EACH = 20, 5
QUESTIONS = [
    ("Où ont eu lieu les Rencontres en 2014 ?", "Takamatsu"),
    ("Which city hosted the Rencontres in 2014?", None),
    ("2014年の会議はどこで開催されましたか？", None),
    ("Quels ateliers ont eu lieu ?", None),
    ("Qui a gagné la coupe du monde de rugby ?", "refused"),
]  # what each answer must say, where the fakes fix it: no user gets another's answer
NO_HANG_S = 120.0
ANSWER = "Les Rencontres ont eu lieu à Takamatsu en 2014."


class SlowChat(FakeChatModel):
    """A model that takes ``seconds`` per reply, so requests pile up in the queue."""

    def __init__(self, seconds: float) -> None:
        super().__init__([self.reply])
        self.seconds = seconds

    @staticmethod
    def reply(messages: list[dict[str, str]]) -> str:
        """The 2014 answer on the sentence that says it; shown no such sentence, the same answer on the
        first sentence shown, which the checks must refuse."""
        try:
            return grounded("Takamatsu", ANSWER)(messages)
        except AssertionError:
            return f"EVIDENCE: S1\nANSWER: {ANSWER}"

    def stream(self, messages: list[dict[str, str]], **kwargs: Any) -> Iterator[str]:
        time.sleep(self.seconds)
        yield from super().stream(messages, **kwargs)


@pytest.fixture
def live(settings: Settings, request: pytest.FixtureRequest) -> Iterator[tuple[str, Settings]]:
    seconds, queue = request.param
    settings = settings.model_copy(update={"ui_queue_size": queue})
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=SlowChat(seconds))
    assistant.index()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = serve(assistant, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}/", settings
    app.close()


def checked(result: dict[str, Any], settings: Settings) -> None:
    """The checks a single answer passes: a mode, and each citation's quote at its offsets."""
    assert result["mode"] in {"answer", "quoted", "refused", "extracts"}, result
    for c in result["citations"]:
        text = (settings.corpus_dir / c["source"]).read_text(encoding="utf-8")
        assert text[c["start"] : c["end"]] == c["quote"], c


@pytest.mark.parametrize("live", [(0.0, 32)], indirect=True)
def test_twenty_users_asking_five_questions_each_all_get_checked_answers(live: tuple[str, Settings]) -> None:
    url, settings = live

    def user(n: int) -> list[float]:
        client = Client(url, verbose=False)
        took = []
        for i in range(QUESTIONS_EACH):
            question, expected = QUESTIONS[(n + i) % len(QUESTIONS)]
            started = time.perf_counter()
            result = client.predict(question, api_name="/ask")
            took.append(time.perf_counter() - started)
            checked(result, settings)
            if expected == "refused":
                assert result["mode"] == "refused", result
            elif expected:
                assert expected in result["answer"] and result["mode"] == "answer", result
        return took

    with ThreadPoolExecutor(USERS) as pool:
        times = sorted(t for user_times in pool.map(user, range(USERS), timeout=NO_HANG_S) for t in user_times)
    assert len(times) == USERS * QUESTIONS_EACH
    p50, p95 = statistics.median(times), times[int(0.95 * len(times)) - 1]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.txt").write_text(
        f"{USERS} users x {QUESTIONS_EACH} questions, fake models: p50 {p50:.2f} s, p95 {p95:.2f} s\n", encoding="utf-8"
    )


@pytest.mark.parametrize("live", [(0.5, 2)], indirect=True)
def test_past_the_queue_size_users_are_told_the_app_is_busy_at_once(live: tuple[str, Settings]) -> None:
    url, settings = live
    outcomes: list[Any] = []
    lock = threading.Lock()

    def user(_: int) -> None:
        client = Client(url, verbose=False)
        try:
            result: Any = client.predict(QUESTIONS[0][0], api_name="/ask")
            checked(result, settings)
        except Exception as exc:  # the client raises what the server said
            result = exc
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(user, range(10), timeout=NO_HANG_S))
    busy = [o for o in outcomes if isinstance(o, Exception)]
    answered = [o for o in outcomes if isinstance(o, dict)]
    assert len(outcomes) == 10 and answered and busy, outcomes
    assert all("try again" in str(e).lower() for e in busy), busy
