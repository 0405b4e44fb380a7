"""The editions, their rhythm and the next one, rendered from the timeline's rows in three languages."""

from __future__ import annotations

import re

from assistant.drafting import overview
from assistant.drafting.briefs import words
from assistant.drafting.overview import render

PLANNED = {"field": "planned", "text": "…", "values": [{"value": 2020, "citations": [4]}]}
ROWS = [
    {"year": 2014, "city": "Takamatsu", "citations": [2], "conflicts": []},
    {"year": 2008, "city": "Nancy", "citations": [1], "conflicts": []},
    {"year": 2022, "city": "Aix-en-Provence", "citations": [3, 4], "conflicts": [PLANNED]},
    {"year": 2024, "city": "Shizuoka", "citations": [5], "conflicts": []},
]


def test_every_edition_is_said_in_order_with_its_own_footnotes_in_three_languages() -> None:
    for lang in ("fr", "en", "ja"):
        history = overview.history(ROWS, words()[lang]["facts"])
        text = history["text"]
        places = [text.index(city) for city in ("Nancy", "Takamatsu", "Aix-en-Provence", "Shizuoka")]
        assert places == sorted(places) and history["citations"] == [1, 2, 3, 4, 5], lang
        assert re.search(r"Nancy\s*[(（]2008年?[)）]\s*\[1\]", text), text
        assert "4" in text and "2008" in text  # four editions since 2008


def test_the_rhythm_is_the_gaps_between_years_and_says_what_was_postponed() -> None:
    rhythm = render(ROWS, words()["fr"], 2026)["rhythm"]["text"]
    assert (
        "de 2 à 8 ans" in rhythm
        and "L'édition tenue à Aix-en-Provence en 2022 était d'abord prévue en 2020 [4]." in rhythm
    )
    assert "Le plus souvent" not in rhythm  # 6, 8 and 2 years: no gap comes twice
    biennial = [*ROWS, *({"year": y, "city": "Tours", "citations": [6], "conflicts": []} for y in (2010, 2012))]
    assert "Le plus souvent, il est de 2 ans." in render(biennial, words()["fr"], 2026)["rhythm"]["text"]
    mixed = [{"year": y, "city": "Tours", "citations": [6], "conflicts": []} for y in (2008, 2010, 2012, 2016, 2020)]
    assert "Le plus souvent" not in render(mixed, words()["fr"], 2026)["rhythm"]["text"]  # 2, 2, 4, 4: no usual gap
    even = render([r for r in ROWS if r["year"] >= 2022], words()["en"], 2026)["rhythm"]["text"]
    assert even.startswith("They have been held every 2 years (2022, 2024)")
    assert "rhythm" not in render(ROWS[:1], words()["en"], 2026)  # one edition has no rhythm


def test_the_next_edition_is_one_the_sources_announce_or_said_to_be_unknown() -> None:
    past = render(ROWS, words()["en"], 2026)["next"]
    assert "latest edition the sources tell of was held in Shizuoka in 2024 [5]" in past["text"]
    assert "do not announce" in past["text"] and past["citations"] == [5]
    reported = [*ROWS[:3], {**ROWS[3], "citations": [5, 6], "stated_by": {"place": [6]}}]  # [5] announced it
    assert render(reported, words()["en"], 2026)["next"]["citations"] == [6]
    ninth = {"year": 2026, "city": "Lyon", "citations": [9], "conflicts": []}  # a document added announces it
    coming = render([*ROWS, ninth], words()["ja"], 2026)["next"]
    assert "Lyon" in coming["text"] and "2026年" in coming["text"] and coming["citations"] == [9]
    assert render([], words()["fr"], 2026) == {}


def test_participants_and_themes_are_said_for_the_editions_that_give_them_cited_to_their_spans() -> None:
    rows = [dict(r) for r in ROWS]
    rows[2].update(participants="14 collectivités japonaises", theme="Un territoire durable")
    rows[2]["stated_by"] = {"participants": [4], "theme": [3], "place": [3]}
    for lang in ("fr", "en", "ja"):
        said = render(rows, words()[lang], 2026)
        # the span that gives the participants ("Cette septième édition a rassemblé…"), and the one that
        # places the edition the sentence names by its city and year
        assert "14 collectivités japonaises" in said["participants"]["text"] and said["participants"]["citations"] == [
            3,
            4,
        ]
        assert "Un territoire durable" in said["themes"]["text"] and said["themes"]["citations"] == [3]
        assert "Nancy" not in said["themes"]["text"]  # an edition whose theme the sources do not give
        assert "1" in said["themes"]["text"] and "4" in said["themes"]["text"]  # one of four editions
    assert render(ROWS, words()["fr"], 2026)["themes"] == {"text": words()["fr"]["facts"]["none"], "citations": []}
