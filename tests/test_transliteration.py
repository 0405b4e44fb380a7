"""Names in Japanese script compared with French sources: read in Latin letters, or heard."""

from __future__ import annotations

import pytest

from assistant.text import transliteration

SOURCES = (
    "Après Nancy en 2008, les Rencontres ont eu lieu à Tours en 2016 et à Aix-en-Provence en 2022 ; "
    "Bordeaux, Strasbourg et Chartres y étaient représentées, ainsi que Shizuoka et Takamatsu."
)


@pytest.mark.parametrize(
    "name",
    ["高松", "静岡", "ナンシー", "シャルトル", "エクス", "プロヴァンス", "トゥール", "ボルドー", "ストラスブール"],
)
def test_a_name_the_sources_write_is_named(name: str) -> None:
    assert transliteration.named(name, SOURCES)


@pytest.mark.parametrize(
    "name",
    [
        "ニース",  # Nice has Nancy's consonants, not its first vowel
        "リヨン",  # Lyon
        "大阪",  # Osaka, in kanji, is read, not heard: not Shizuoka
        "ロンドン",
        "クマコモ",  # the small model's Kumamoto
    ],
)
def test_a_name_the_sources_do_not_write_is_not(name: str) -> None:
    assert not transliteration.named(name, SOURCES)


def test_a_translation_that_writes_tours_in_katakana_keeps_its_name() -> None:
    assert (
        transliteration.lost_names(
            "Les Rencontres ont eu lieu à Tours en 2016.", "2016年の会議はトゥールで開催された。"
        )
        == []
    )
    assert transliteration.lost_names(
        "Les Rencontres ont eu lieu à Tours en 2016.", "2016年の会議はナントで開催された。"
    )
