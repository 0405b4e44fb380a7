from __future__ import annotations

import pytest

from assistant.text import place_names


@pytest.mark.parametrize(
    ("name", "japanese"),
    [
        ("Kanazawa", "金沢"),
        ("Shizuoka", "静岡"),  # a city and its prefecture: one name
        ("Ōsaka", "大阪"),
        ("Tokyo", "東京"),  # read トウキョウ: long vowels written once
        ("Sapporo", "札幌"),  # a city the list gives only by its wards
        ("Fuchu", "府中"),  # two cities of one name
    ],
)
def test_a_japanese_place_in_latin_letters_gets_its_japanese_name(name: str, japanese: str) -> None:
    assert place_names.japanese(name) == japanese
    assert place_names.localized(name, "ja") == japanese


@pytest.mark.parametrize(
    ("name", "katakana"),
    [
        ("Nancy", "ナンシー"),
        ("Tours", "トゥール"),
        ("Aix-en-Provence", "エクス＝アン＝プロヴァンス"),
        ("La Rochelle", "ラ・ロシェル"),
    ],
)
def test_a_town_abroad_gets_the_katakana_that_sounds_like_it(name: str, katakana: str) -> None:
    assert place_names.japanese(name) is None  # no Japanese place reads so
    assert place_names.localized(name, "ja") == katakana


@pytest.mark.parametrize(
    "name",
    [
        "Cités Unies France",  # no town
        "Saint-Mitre",  # a park: no town of that name
        "Metz",  # メス does not sound like its letters: left as written rather than guessed
    ],
)
def test_a_name_no_gazetteer_holds_or_sounds_out_stays_as_written(name: str) -> None:
    assert place_names.localized(name, "ja") == name


def test_only_a_japanese_text_changes_the_name() -> None:
    assert place_names.localized("Kanazawa", "fr") == "Kanazawa"
    assert place_names.localized("Kanazawa", "en") == "Kanazawa"


def test_names_lose_the_kind_of_place_and_a_city_of_wards_is_what_its_wards_share() -> None:
    places = [("金沢市", "カナザワシ"), ("静岡県", "シズオカケン"), ("石狩郡当別町", "イシカリグントウベツチョウ")]
    assert place_names.stems(places) == [("金沢", "カナザワ"), ("静岡", "シズオカ"), ("当別", "トウベツ")]
    wards = [("札幌市中央区", "サッポロシチュウオウク"), ("札幌市北区", "サッポロシキタク")]
    assert place_names.stems(wards) == []
    assert place_names.cities_of_wards(wards) == [("札幌", "サッポロ")]


def test_the_places_a_french_sentence_names_after_a() -> None:
    sentence = "Tenues à Nancy en 2008, puis à La Rochelle, à Aix-en-Provence (France) et à l’Arbois à 9 h."
    assert place_names.places_at(sentence) == ["Nancy", "La Rochelle", "Aix-en-Provence"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("2024年に静岡で開催されました。", True),  # its Japanese name
        ("2024年にShizuokaで開催されました。", True),  # as the source writes it
        ("Held in Shizuoka in 2024.", True),
        ("2024年に滋賀で開催されました。", False),  # another prefecture
        ("2024年に開催されました。", False),
    ],
)
def test_a_translation_writes_a_place_as_its_source_does_or_by_its_japanese_name(text: str, kept: bool) -> None:
    assert place_names.written("Shizuoka", text) is kept


def test_a_translation_may_write_a_town_abroad_in_its_katakana() -> None:
    assert place_names.written("Tours", "2016年にトゥールで開催されました。")
    assert not place_names.written("Tours", "2016年にナントで開催されました。")


@pytest.mark.parametrize(
    ("name", "country"),
    [("Nancy", "FR"), ("Kanazawa", "JP"), ("Paris", "FR"), ("Saint-Mitre", None)],  # Paris, not Paris (Texas)
)
def test_a_towns_country_is_that_of_the_most_populous_town_of_its_name(name: str, country: str | None) -> None:
    assert place_names.country(name) == country
