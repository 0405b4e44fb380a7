"""Questions that ask several things: cut into parts, each answered, the answers joined."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answer.parts import split_question
from assistant.config import Settings
from tests.fakes import FakeChatModel, grounded
from tests.test_pipeline import make


@pytest.mark.parametrize(
    ("question", "language", "parts"),
    [
        (
            "Which city took over after Aix-en-Provence and what is it known for regarding the SDGs?",
            "en",
            ["Which city took over after Aix-en-Provence?", "What is it known for regarding the SDGs?"],
        ),
        (
            "Qui a organisé les Rencontres, et quand ont-elles eu lieu ?",
            "fr",
            ["Qui a organisé les Rencontres ?", "Quand ont-elles eu lieu ?"],
        ),
        (
            "何か国の自治体が参加しましたか？日本の自治体の数は？",
            "ja",
            ["何か国の自治体が参加しましたか？", "日本の自治体の数は？"],
        ),
    ],
)
def test_a_question_asking_two_things_is_cut_where_the_second_starts(
    question: str, language: str, parts: list[str]
) -> None:
    assert split_question(question, language) == parts


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quand et où se sont tenues les 7es Rencontres ?", "fr"),  # one question of two words
        ("Combien de collectivités ont participé et où ?", "fr"),  # "où" is no clause
        ("En quelle année et où les Rencontres ont-elles eu lieu ?", "fr"),  # nor "En quelle année"
        ("Qui a accueilli les Rencontres, et où, en 2014 ?", "fr"),
        ("Quelles collectivités ont présenté leurs programmes à Annecy et à Albi ?", "fr"),
        ("When and where was the declaration adopted?", "en"),
        ("Where were the Rencontres held in 2014?", "en"),
        ("第7回会議はどこで開催されましたか？", "ja"),
    ],
)
def test_a_question_asking_one_thing_stays_whole(question: str, language: str) -> None:
    assert split_question(question, language) == [question]


def test_each_part_is_answered_and_a_part_the_sources_do_not_answer_is_named(settings: Settings) -> None:
    chat = FakeChatModel(
        [
            grounded("Takamatsu", "Les Rencontres ont eu lieu à Takamatsu en 2014."),
            grounded("Nancy", "Elles ont eu lieu à Nancy en 2008."),
            grounded("Takamatsu", "Takamatsu a accueilli les Rencontres en 2014."),
            grounded("budget", "Le budget était de 3 millions."),  # no sentence holds it: NONE
        ]
    )
    question = (
        "Où ont eu lieu les Rencontres en 2014 ? Où ont-elles eu lieu en 2008 ? "
        "Quelle ville les a accueillies en 2014 ? Et quel était leur budget ?"
    )
    answer = make(settings, chat).answer(question)
    first, second, third, fourth = answer.text.split("\n\n")
    assert "Takamatsu" in first and first.endswith("[1]")
    assert "Nancy" in second and second.endswith("[2]")
    assert "Takamatsu" in third and third.endswith("[1]")  # the same sentence keeps its number
    assert fourth.startswith("« Et quel était leur budget ? »") and "ne répondent pas à cette partie" in fourth
    assert not answer.refused and [c.n for c in answer.citations] == [1, 2] and answer.question == question
    assert "Nancy" in answer.citations[1].quote


def test_a_question_no_part_of_which_is_answered_is_refused(settings: Settings) -> None:
    chat = FakeChatModel([grounded("budget", "Le budget était de 3 millions.")])
    answer = make(settings, chat).answer("Quel était le budget des Rencontres et qui les a financées ?")
    assert answer.refused and answer.text == "Les documents disponibles ne répondent pas à cette question."


def test_the_parts_are_asked_again_if_the_index_generation_read_was_replaced_meanwhile() -> None:
    from assistant.answer.parts import answer_in_parts
    from assistant.types import Answer, Final

    read = iter(["g1", "g2", "g2", "g2"])  # replaced during the first round, steady in the second
    asked: list[str] = []

    def ask(part: str, history: tuple[tuple[str, str], ...]) -> Iterator[Final]:
        asked.append(part)
        yield Final(Answer(question=part, language="fr", text=f"{part} ({len(asked)})", citations=(), refused=False))

    parts = ["Où en 2014 ?", "Où en 2008 ?"]
    events = list(answer_in_parts(ask, "Où en 2014 ? Où en 2008 ?", parts, "fr", history=(), generation=read.__next__))
    assert asked == parts * 2
    (final,) = events
    assert final.answer.text == "Où en 2014 ? (3)\n\nOù en 2008 ? (4)"  # the second round's answers only


def test_a_part_refused_as_a_follow_up_of_the_parts_before_is_asked_again_alone() -> None:
    from assistant.answer.parts import answer_in_parts
    from assistant.types import Answer, Final

    asked: list[tuple[str, int]] = []

    def ask(part: str, history: tuple[tuple[str, str], ...]) -> Iterator[Final]:
        """Read with a conversation, a part is rewritten by the model and unanswered; alone, answered."""
        asked.append((part, len(history)))
        rewritten = "Où se sont tenues les Rencontres en 2016 au Japon ?" if history else None
        answer = Answer(part, "ja", "" if history else "高松、熊本", (), bool(history), standalone_question=rewritten)
        yield Final(answer)

    parts = ["2016年の会議はどこですか？", "日本で開催された会議はどこですか？"]
    (final,) = list(answer_in_parts(ask, "".join(parts), parts, "ja", history=(), generation=lambda: "g"))
    assert asked == [(parts[0], 0), (parts[1], 1), (parts[1], 0)]
    assert final.answer.text.endswith("高松、熊本") and not final.answer.refused
