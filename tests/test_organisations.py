"""The organisations the sources name in a role, in the fact base, and the brief's section that says them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.drafting import editions, organisations
from assistant.drafting.briefs import brief
from assistant.pipeline import Assistant
from tests.test_briefs import indexed


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("Le site de notre partenaire Cités Unies France : https://example.org", ["Cités Unies France"]),
        (
            "Organisé par la Ville de Lyon avec le soutien du Ministère de l’Europe, de la Région et de CLAIR.",
            ["Ville de Lyon", "Ministère de l’Europe", "Région", "CLAIR"],
        ),
        (
            "The forum was organised by the Council of Local Authorities for International Relations.",
            ["Council of Local Authorities for International Relations"],
        ),
        ("with the support of CLAIR, the Japan Foundation and JETRO.", ["CLAIR", "Japan Foundation", "JETRO"]),
        ("自治体国際化協会の主催で開かれた。", ["自治体国際化協会"]),
        # a role's word with no name after it, or a word of organising that names no one
        ("Chaque collectivité favorisera les échanges, partenaires ou pas.", []),
        ("Les Rencontres ont été organisées pour la première fois à Nancy.", []),
    ],
)
def test_a_name_is_read_where_a_role_stands_next_to_it(sentence: str, names: list[str]) -> None:
    assert [name for name, _ in organisations.named(sentence)] == names


@pytest.mark.parametrize(
    ("sentence", "roles"),
    [
        ("Le site de notre partenaire Cités Unies France.", ["partner"]),
        ("Organisé par la Ville de Lyon avec le soutien de CLAIR.", ["organiser", "supporter"]),
        ("under the auspices of the Japan Foundation", ["supporter"]),
        ("自治体国際化協会の主催で開かれた。", ["organiser"]),
        ("自治体国際化協会の協力で開かれた。", ["partner"]),
    ],
)
def test_each_name_keeps_the_role_its_sentence_gives_it(sentence: str, roles: list[str]) -> None:
    assert [role for _, role in organisations.named(sentence)] == roles


DOCUMENT = (
    "Les Rencontres de Lyon\n\n"
    "Les Rencontres se sont tenues à Lyon en 2026. Elles étaient organisées par la Ville de Lyon avec le "
    "soutien de CLAIR.\n\nLes élus ont visité le port.\n"
)


@pytest.fixture
def assistant(settings: Settings, tmp_path: Path) -> Assistant:
    corpus = tmp_path / "lyon"
    corpus.mkdir()
    (corpus / "lyon.txt").write_text(DOCUMENT, encoding="utf-8")
    (corpus / "metadata.json").write_text('{"lyon.txt": {"title": "Lyon", "publisher": "Ville de Lyon"}}')
    return indexed(settings, corpus)


def test_the_brief_says_the_organisations_each_cited_to_the_sentence_that_names_it(assistant: Assistant) -> None:
    notes = editions.Footnotes(assistant.catalog)
    found = organisations.read(assistant.catalog, notes)
    assert [(o["name"], o["role"]) for o in found] == [("Ville de Lyon", "organiser"), ("CLAIR", "supporter")]
    french = brief(assistant, "fr")
    (section,) = [s for s in french["sections"] if s["part"] == "organisations"]
    quotes = {c["n"]: c["quote"] for c in french["citations"]}
    (n,) = set(section["citations"])  # one sentence names both
    assert section["text"] == (
        f"Les sources nomment comme organisateur : Ville de Lyon [{n}]. "
        f"Les sources nomment comme soutien : CLAIR [{n}]. "
        "Les documents réunis ici sont publiés par : Ville de Lyon."
    )
    assert "CLAIR" in quotes[n] and "Ville de Lyon" in quotes[n]
    japanese = brief(assistant, "ja")
    (section,) = [s for s in japanese["sections"] if s["part"] == "organisations"]
    assert section["text"].startswith("資料はVille de Lyon [")  # the organiser first, as such
    assert "を主催団体として" in section["text"] and "CLAIR [" in section["text"]
    assert "を後援団体として" in section["text"]


def test_sources_that_name_no_organisation_say_so(settings: Settings) -> None:
    (section,) = [
        s for s in brief(indexed(settings, settings.corpus_dir), "en")["sections"] if s["part"] == "organisations"
    ]
    assert section["text"].startswith("The sources name no organiser or partner of the Rencontres.")
    assert section["citations"] == []
