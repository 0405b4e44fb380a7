from __future__ import annotations

import pytest

from assistant.text.dates import in_language


@pytest.mark.parametrize(
    ("french", "year", "english", "japanese"),
    [
        ("du 3 au 6 octobre 2022", 2022, "3–6 October 2022", "2022年10月3日～6日"),
        ("du 18 au 21 novembre", 2024, "18–21 November 2024", "2024年11月18日～21日"),  # the edition's year
        ("du 30 septembre au 2 octobre 2022", 2022, "30 September – 2 October 2022", "2022年9月30日～10月2日"),
        ("le 1er décembre 2016", 2016, "1 December 2016", "2016年12月1日"),
    ],
)
def test_french_dates_are_said_in_english_and_japanese(french: str, year: int, english: str, japanese: str) -> None:
    assert in_language(french, "en", year) == english
    assert in_language(french, "ja", year) == japanese
    assert in_language(french, "fr", year) == french


@pytest.mark.parametrize("french", ["à l'automne 2022", "du 3 au 6 brumaire 2022", "fin octobre"])
def test_dates_of_another_shape_stay_as_the_sources_write_them(french: str) -> None:
    assert in_language(french, "en", 2022) == french
