from __future__ import annotations

import pytest

from assistant.ingest.describing import describe, first_date, valid_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Compte rendu, Rennes, 14 octobre 2025.", "2025-10-14"),
        ("Séminaire – Annecy, 12 et 13 mars 2025", "2025-03-12"),
        ("Held on March 3-4, 2024 in Lyon", "2024-03-03"),
        ("Minutes of 5 Nov. 2023", "2023-11-05"),
        ("静岡、2024年11月5日", "2024-11-05"),
        ("le 1er juillet 2022", "2022-07-01"),
        ("Rapport d'octobre 2022", "2022-10"),
        ("Publié le 2023-06-30, révisé le 12 janvier 2024", "2023-06-30"),  # the first one written
        ("31 février 2024", "2024-02"),  # no such day: the month remains
        ("Rien de daté ici, sinon 2019.", None),
    ],
)
def test_the_first_date_a_document_writes(text: str, expected: str | None) -> None:
    assert first_date(text) == expected


def test_only_an_edition_named_once_is_taken() -> None:
    assert describe("第8回日仏自治体交流会議 報告", "2024年10月、静岡で").edition == 8
    assert describe("Des 7es aux 8es Rencontres", "").edition is None
    assert describe("Bilan 2023", "sans date").year == 2023
    assert describe("Bilan 2023-2025", "sans date").year is None


@pytest.mark.parametrize("value", ["2025", "2025-10", "2025-10-14"])
def test_dates_a_user_gives(value: str) -> None:
    assert valid_date(value) == value


@pytest.mark.parametrize("value", ["14/10/2025", "2025-13", "2025-02-30", "octobre"])
def test_dates_a_user_gives_that_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        valid_date(value)
