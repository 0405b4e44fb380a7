"""Answers the fact base of the editions holds whole, and the questions it leaves to the answer engine."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.drafting import edition_answers
from assistant.text import place_names

FRENCH = ["Nancy", "Chartres", "Tours", "Aix-en-Provence"]
JAPANESE = ["Kanazawa", "Takamatsu", "Kumamoto", "Shizuoka"]
HOSTS = [
    (2008, "Nancy", 1),
    (2010, "Kanazawa", 2),
    (2012, "Chartres", 3),
    (2014, "Takamatsu", None),
    (2016, "Tours", 5),
    (2018, "Kumamoto", 6),
    (2022, "Aix-en-Provence", 7),
    (2024, "Shizuoka", 8),
]


def facts(conflicts: dict[int, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """A fact base of eight editions, each cited to its own sentence of one document."""
    text = " ".join(f"En {year}, les Rencontres se sont tenues à {city}." for year, city, _ in HOSTS)
    rows, citations, start = [], [], 0
    for n, (year, city, edition) in enumerate(HOSTS, start=1):
        sentence = f"En {year}, les Rencontres se sont tenues à {city}."
        start = text.index(sentence, start)
        citations.append(
            {
                "n": n,
                "doc_id": "d1",
                "title": "Historique",
                "source": "historique.txt",
                "start": start,
                "end": start + len(sentence),
                "quote": sentence,
                "passage": sentence,
            }
        )
        rows.append(
            {
                "year": year,
                "city": city,
                "edition": edition,
                "dates": "du 3 au 6 octobre 2022" if year == 2022 else None,
                "theme": "Un territoire durable" if year == 2022 else None,
                "participants": None,
                "citations": [n],
                "stated_by": {"place": [n], "theme": [n] if year == 2022 else []},
                "conflicts": (conflicts or {}).get(year, []),
            }
        )
    return {"rows": rows, "citations": citations}


def answered(question: str, language: str, base: dict[str, Any] | None = None) -> tuple[str, list[str]]:
    served = edition_answers.answer(question, language, base or facts())
    assert served is not None, question
    text, citations = served
    return text, [c.quote for c in citations]


def test_a_list_of_hosts_in_a_span_of_years_is_whole_and_each_host_cited_to_its_sentence() -> None:
    text, quotes = answered("Which cities hosted the Rencontres between 2008 and 2018?", "en")
    for year, city, _ in HOSTS[:6]:
        assert city in text and str(year) in text
        assert f"En {year}, les Rencontres se sont tenues à {city}." in quotes
    assert "Aix-en-Provence" not in text and "Shizuoka" not in text
    assert "6 editions" in text


def test_a_japanese_answer_writes_hosts_in_japanese_french_ones_in_katakana() -> None:
    text, _ = answered("2010年以降、会議はどこで開催されましたか？", "ja")
    assert all(
        name in text
        for name in ("金沢", "高松", "熊本", "静岡", "シャルトル", "トゥール", "エクス＝アン＝プロヴァンス")
    )
    assert not any(name in text for name in ("Kanazawa", "Takamatsu", "Kumamoto", "Shizuoka", "Chartres", "Tours"))


@pytest.mark.parametrize(
    ("question", "language", "hosts"),
    [
        ("Quelles villes ont accueilli les Rencontres avant Aix-en-Provence ?", "fr", HOSTS[:6]),
        ("Quelles villes ont accueilli les Rencontres depuis 2008 ?", "fr", HOSTS),
        ("Combien d'éditions des Rencontres ont eu lieu ?", "fr", HOSTS),
        ("2010年以降、会議はどこで開催されましたか？", "ja", HOSTS[1:]),  # 以降 inside the run 年以降
    ],
)
def test_hosts_before_a_city_since_a_year_or_counted_are_listed_whole(
    question: str, language: str, hosts: list[tuple[int, str, int | None]]
) -> None:
    text, quotes = answered(question, language)
    named = [place_names.localized(city, language) for _, city, _ in HOSTS]
    assert [city for city in named if city in text] == [place_names.localized(c, language) for _, c, _ in hosts]
    assert len(quotes) == len(hosts) and (f"{len(hosts)} éditions" in text or f"{len(hosts)}回" in text)


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("Quelle ville a accueilli les Rencontres en 2014 ?", "fr", ["Takamatsu", "2014"]),
        ("When did the 7th edition take place?", "en", ["Aix-en-Provence on 3–6 October 2022"]),  # in English
        ("第7回会議はいつ開催されましたか？", "ja", ["2022年10月3日～6日にエクス＝アン＝プロヴァンスで"]),
        ("Quand et où se sont tenues les 7es Rencontres ?", "fr", ["Aix-en-Provence", "du 3 au 6 octobre 2022"]),
        ("Which city hosted the first Rencontres in 2008?", "en", ["Nancy", "2008"]),
        ("Where was the latest edition held?", "en", ["Shizuoka", "2024"]),
        ("Quand les Rencontres ont-elles commencé ?", "fr", ["Nancy en 2008"]),
        (
            "Combien de fois Tours a-t-elle accueilli les Rencontres ?",
            "fr",
            ["5e édition des Rencontres s'est tenue à Tours"],
        ),
        ("Quelle édition des Rencontres s'est tenue à Aix-en-Provence ?", "fr", ["7e édition"]),
        ("In which years were the 7th and the 8th Rencontres held?", "en", ["2022", "2024"]),
        ("Quel était le thème de l'édition 2022 ?", "fr", ["« Un territoire durable »"]),
        ("What was the theme of the 7th edition in Aix-en-Provence?", "en", ["Un territoire durable"]),
    ],
)
def test_an_edition_named_by_year_number_or_rank_is_answered_with_its_row(
    question: str, language: str, expected: list[str]
) -> None:
    text, quotes = answered(question, language)
    for value in expected:
        assert value in text
    said = {city: place_names.localized(city, language) for _, city, _ in HOSTS}
    assert quotes and all(any(city in q and said[city] in text for city in said) for q in quotes)


@pytest.mark.parametrize(
    ("question", "city", "year"),
    [
        ("2014年にランコントルを開催した都市はどこですか？", "Takamatsu", "2014"),
        ("第7回会議はいつ、どこで開催されましたか？", "Aix-en-Provence", "2022"),
        ("シャルトルで会議が開催されたのは何年ですか？", "Chartres", "2012"),
        ("2018年と2024年の会議はそれぞれどこで開催されましたか？", "Shizuoka", "2024"),
    ],
)
def test_a_japanese_question_is_answered_in_japanese_with_the_city_as_japanese_writes_it(
    question: str, city: str, year: str
) -> None:
    text, _ = answered(question, "ja")
    assert place_names.localized(city, "ja") in text and f"{year}年" in text and "開催" in text


@pytest.mark.parametrize(
    "question",
    [
        "Which cities in Provence hosted the Rencontres?",  # a word the rows cannot answer for
        "Which city will host the Rencontres in 2028?",  # a year no row holds
        "Pourquoi la 7e édition s'est-elle tenue à Aix-en-Provence ?",  # a reason
        "Qui a accueilli les Rencontres en 2014 ?",  # a person
        "Combien de collectivités ont participé aux Rencontres de 2022 ?",  # participants, not editions
        "Avec quelle ville Aix-en-Provence a-t-elle signé un accord en 2016 ?",  # not about the editions
        "Quel était le thème de l'édition 2014 ?",  # a theme the row does not hold
        "第9回会議はいつどこで開催されますか？",  # an edition no row holds
        "Depuis combien d'années les Rencontres ont-elles lieu ?",  # a count of years, not of editions
        "Quelle édition des Rencontres s'est tenue à Takamatsu ?",  # a number the sources do not give
        "Where will the next Rencontres be held?",  # no edition announced after today
    ],
)
def test_a_question_the_rows_do_not_hold_whole_goes_to_the_answer_engine(question: str) -> None:
    assert edition_answers.answer(question, "fr", facts()) is None


def test_an_edition_the_sources_place_in_two_cities_is_left_to_the_answer_engine() -> None:
    differ = {2014: [{"field": "city", "values": [{"value": "Takamatsu", "citations": [4]}]}]}
    assert edition_answers.answer("Quelle ville a accueilli les Rencontres en 2014 ?", "fr", facts(differ)) is None
    assert edition_answers.answer("Quelle ville a accueilli les Rencontres en 2012 ?", "fr", facts(differ)) is not None


def test_a_detail_not_asked_is_not_said_and_each_sentence_cites_what_states_it() -> None:
    base = facts()
    base["citations"].append({**base["citations"][6], "n": 9, "start": 0, "end": 10, "quote": "En 2008, l"})
    base["rows"][6]["stated_by"]["theme"] = [9]  # the theme is stated by another span than the place
    text, quotes = answered("Quand et où se sont tenues les 7es Rencontres ?", "fr", base)
    assert "territoire" not in text and quotes == ["En 2022, les Rencontres se sont tenues à Aix-en-Provence."]
    text, quotes = answered("Quel était le thème des 7es Rencontres ?", "fr", base)
    assert "« Un territoire durable »" in text and "En 2008, l" in quotes


def test_the_next_edition_is_one_the_sources_announce_after_today() -> None:
    base = facts()
    base["rows"].append({**base["rows"][-1], "year": 2099, "city": "Nantes", "edition": 9})
    text, _ = answered("Where will the next Rencontres be held?", "en", base)
    assert "Nantes" in text and "2099" in text


def test_an_edition_asked_by_a_number_the_sources_do_not_state_is_found_by_its_proven_rank() -> None:
    ranked = facts()  # the sources number the 7th and 8th editions only
    ranked["rows"] = [{**r, "edition": r["edition"] if r["year"] >= 2022 else None} for r in ranked["rows"]]
    text, _ = answered("第1回と第8回の会議はそれぞれどこで開催されましたか？", "ja", ranked)
    assert "ナンシー" in text and "静岡" in text and "第1回" not in text  # a rank is not said as a number
    assert "Takamatsu" in answered("Where was the 4th edition held?", "en", ranked)[0]
    gap = facts()
    del gap["rows"][1]  # Kanazawa missing: the 7th edition is the 6th row, so no rank is proven
    gap["rows"] = [{**r, "edition": None} if r["city"] != "Aix-en-Provence" else r for r in gap["rows"]]
    assert edition_answers.answer("Where was the 1st edition held?", "en", gap) is None


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        ("Quels ateliers ont eu lieu lors de la dernière édition ?", "(Shizuoka, 2024)"),
        ("Qui est intervenu aux premières Rencontres ?", "(Nancy, 2008)"),
        ("What was discussed at the latest meeting?", "(Shizuoka, 2024)"),
        ("最新の会議ではどのようなワークショップが行われましたか？", "(Shizuoka, 2024)"),
        ("前回の会議のテーマは何でしたか？", "(Shizuoka, 2024)"),
    ],
)
def test_an_edition_named_by_its_rank_is_named_by_city_and_year(question: str, read_as: str) -> None:
    assert edition_answers.anchored(question, facts()) == f"{question} {read_as}"


@pytest.mark.parametrize(
    "question",
    [
        "Quel est le dernier atelier de la journée ?",  # a rank, but not of an edition
        "Qui a parlé lors des dernières Rencontres de Shizuoka ?",  # the edition is named
        "Quels ateliers lors de la dernière édition, en 2022 ?",
        "Quels ateliers lors de la 7e édition ?",
    ],
)
def test_a_question_that_names_its_edition_or_no_edition_is_left_as_asked(question: str) -> None:
    assert edition_answers.anchored(question, facts()) == question
    assert edition_answers.anchored("Quels ateliers lors de la dernière édition ?", None).endswith("édition ?")


def test_the_latest_edition_is_the_latest_held_not_one_announced() -> None:
    base = facts()
    base["rows"].append({**base["rows"][-1], "year": 2099, "city": "Lyon"})
    assert edition_answers.anchored("What happened at the latest edition?", base).endswith("(Shizuoka, 2024)")


@pytest.mark.parametrize(
    ("question", "language", "hosts", "not_hosts"),
    [
        ("Which French cities hosted the Rencontres?", "en", FRENCH, JAPANESE),
        ("Quelles villes japonaises ont accueilli les Rencontres ?", "fr", JAPANESE, FRENCH),
        ("日本で開催された会議はどこですか？", "ja", ["金沢", "高松", "熊本", "静岡"], ["ナンシー", "トゥール"]),
    ],
)
def test_the_hosts_of_one_country_are_listed_whole(
    question: str, language: str, hosts: list[str], not_hosts: list[str]
) -> None:
    text, quotes = answered(question, language)
    assert all(h in text for h in hosts) and not any(h in text for h in not_hosts), text
    assert len(quotes) == 4


def test_a_host_whose_country_no_gazetteer_knows_leaves_a_country_question_to_the_engine() -> None:
    base = facts()
    base["rows"][0] = {**base["rows"][0], "city": "Villeneuve-sur-Nulle-Part"}
    assert edition_answers.answer("Which French cities hosted the Rencontres?", "en", base) is None
    assert edition_answers.answer("Which French and Japanese cities hosted the Rencontres?", "en", facts()) is None
