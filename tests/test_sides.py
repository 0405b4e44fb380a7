from __future__ import annotations

import pytest

from assistant.text.sides import Count, in_language, read


@pytest.mark.parametrize(
    ("french", "english", "japanese"),
    [
        (
            "14 collectivités japonaises et 22 collectivités françaises",
            "14 Japanese and 22 French local authorities",
            "日本の自治体14団体とフランスの自治体22団体",
        ),
        (
            "quatorze collectivités territoriales japonaises, vingt-deux villes françaises",
            "14 Japanese local authorities and 22 French cities",
            "日本の自治体14団体とフランスの22都市",
        ),
        ("1 collectivité japonaise", "1 Japanese local authority", "日本の自治体1団体"),
        ("120 participants français", "120 French participants", "フランスの参加者120人"),
    ],
)
def test_counts_by_side_are_said_in_english_and_japanese(french: str, english: str, japanese: str) -> None:
    assert in_language(french, "en") == english
    assert in_language(french, "ja") == japanese
    assert in_language(french, "fr") == french


@pytest.mark.parametrize(
    "french",
    [
        "près de 300 participants",  # no side
        "plus de 14 collectivités japonaises",  # "more than": not a count to say as exact
        "63 participants, dont 21 membres de la délégation japonaise",  # a noun it does not know
        "qui a rassemblé 14 collectivités japonaises",
        "14 collectivités japonaises et de nombreux partenaires",
    ],
)
def test_anything_but_counts_by_side_stays_as_the_sources_write_it(french: str) -> None:
    assert read(french) is None
    assert in_language(french, "en") == french


def test_a_count_is_read_with_its_noun_and_side() -> None:
    assert read("les 14 collectivités japonaises et des 22 collectivités françaises") is None  # "les" is not a join
    assert read("14 collectivités japonaises et des 22 collectivités françaises") == [
        Count(14, "collectivite", "japon"),
        Count(22, "collectivite", "franc"),
    ]
