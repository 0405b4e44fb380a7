"""The second reading's reply, as llama.cpp's grammar or an OpenAI-compatible server gives it."""

from __future__ import annotations

import pytest

from assistant.answer.verifying import check_messages, gives_answer, read_verdict
from tests.fakes import FakeChatModel


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("YES", True),
        ("NO", False),
        (' {"answer": "YES"} ', True),
        ('{"answer": "NO"}', False),
        ("Yes, the text says so.", True),
        ("no.", False),
        ("Nothing", None),
        ("", None),
        ('{"answer": 3}', None),
        ("{not json", None),
    ],
)
def test_the_verdict_is_read_from_either_shape(reply: str, verdict: bool | None) -> None:
    assert read_verdict(reply) is verdict


def test_only_yes_gives_the_answer() -> None:
    for reading, expected in [("YES", True), ("NO", False), ("Je ne sais pas", False)]:
        chat = FakeChatModel(readings=[reading])
        assert gives_answer(chat, "Qui ?", ["Une phrase."]) is expected


def test_the_reading_shows_each_sentence_on_its_line_with_the_question() -> None:
    messages = check_messages("Who hosted in 2014?", ["Takamatsu a accueilli\n les Rencontres.", "Autre."])
    assert '"Who hosted in 2014?"' in messages[-1]["content"]
    assert "- Takamatsu a accueilli les Rencontres.\n- Autre." in messages[-1]["content"]
