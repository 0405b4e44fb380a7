"""The programme of an edition in the fact base: workshops and round tables kept whole, each title cited,
and the questions about them answered from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.drafting import editions, programme_answers
from assistant.drafting.briefs import brief, words
from assistant.pipeline import Assistant
from tests.test_briefs import HISTORY, indexed

REPORT = (
    "Bilan des 7es Rencontres\n\n"
    "La conférence comprenait trois ateliers de discussion sur les thèmes suivants :\n\n"
    "Atelier 1 : Vers quel modèle économique durable ?\n\n"
    "Atelier 2 : Une société responsable\n\n"
    "Atelier 3 : Les collectivités actrices de l'environnement\n\n"
    "Dans chacun de ces ateliers, les collectivités ont présenté leurs politiques.\n\n"
    "Deux tables rondes ont été proposées (lire ci-dessous).\n\n"
    "Économie\n"
    "- Attractivité des territoires : Les élus ont échangé sur les circuits courts.\n\n"
    "Société\n"
    "- Cohésion sociale : Les discussions ont porté sur la jeunesse.\n"
)
# Read first (its name sorts first), and announces more workshops than it gives: not kept.
SHORT = "Compte rendu\n\nTrois ateliers ont été proposés :\n\n1. Premier sujet\n\n2. Second sujet\n\nLa suite demain.\n"
TITLES = [
    "Vers quel modèle économique durable ?",
    "Une société responsable",
    "Les collectivités actrices de l'environnement",
]


@pytest.fixture
def assistant(settings: Settings, tmp_path: Path) -> Assistant:
    folder = tmp_path / "programme_corpus"
    folder.mkdir()
    (folder / "history.txt").write_text(HISTORY, encoding="utf-8")
    (folder / "rapport.txt").write_text(REPORT, encoding="utf-8")
    (folder / "compte.txt").write_text(SHORT, encoding="utf-8")
    metadata = {"rapport.txt": {"title": "Bilan", "edition": 7}, "compte.txt": {"title": "Compte rendu", "edition": 7}}
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    a = indexed(settings, folder)
    editions.facts(a)  # built, as `assistant index` builds it
    return a


def test_an_editions_workshops_and_round_tables_are_kept_whole_each_title_cited(assistant: Assistant) -> None:
    facts = editions.facts(assistant)
    lists = {p["kind"]: p for p in facts["programme"]}
    workshops, round_tables = lists["workshop"], lists["round_table"]
    assert (workshops["edition"], workshops["count"]) == (7, 3)
    assert [i["title"] for i in workshops["items"]] == TITLES  # not the list announced as 3 and cut at 2
    # each under the heading right before it, where every item has one
    assert [(i["title"], i["label"]) for i in round_tables["items"]] == [
        ("Attractivité des territoires", "Économie"),
        ("Cohésion sociale", "Société"),
    ]
    texts = {p.name: p.read_text(encoding="utf-8") for p in assistant.settings.corpus_dir.glob("*.txt")}
    by_n = {c["n"]: c for c in facts["citations"]}
    for part in facts["programme"]:
        assert "annonc" not in by_n[part["announced"][0]]["quote"]
        for n in part["announced"] + [n for i in part["items"] for n in i["citations"]]:
            c = by_n[n]
            assert texts[c["source"]][c["start"] : c["end"]] == c["quote"]
        for item in part["items"]:
            assert item["title"] in by_n[item["citations"][-1]]["quote"]
            assert not item["label"] or by_n[item["citations"][0]]["quote"].startswith(item["label"] + "\n- ")


@pytest.mark.parametrize(
    ("question", "language", "said"),
    [
        ("Quels ateliers ont eu lieu en 2022 ?", "fr", "La 7e édition (Aix-en-Provence, 2022) a proposé 3 ateliers ["),
        (
            "Which workshops were held at the 7th edition?",
            "en",
            "The 7th edition (Aix-en-Provence, 2022) had 3 workshops [",
        ),
        ("2022年の会議ではどのようなワークショップが行われましたか？", "ja", "では3つのワークショップが行われました["),
    ],
)
def test_which_workshops_is_answered_from_the_fact_base_with_every_title_cited(
    assistant: Assistant, question: str, language: str, said: str
) -> None:
    asked = len(assistant.chat_model.calls)  # type: ignore[union-attr]
    answer = assistant.answer(question)
    assert said in answer.text and all(title in answer.text for title in TITLES), answer.text
    quotes = [c.quote for c in answer.citations]
    assert all(any(title in q for q in quotes) for title in TITLES)
    for c in answer.citations:
        assert assistant.catalog.text(c.doc_id)[c.start : c.end] == c.quote
    written = [m for m in assistant.chat_model.calls[asked:] if "ANSWER" in m[0]["content"]]  # type: ignore[union-attr]
    assert not written  # nothing asked of the model but, in English and Japanese, the titles' translation


@pytest.mark.parametrize(
    "question",
    [
        "Quel a été le budget des ateliers en 2022 ?",  # something else about them
        "Qui a animé les ateliers en 2022 ?",
        "Quels thèmes ont été abordés dans les ateliers en 2022 ?",
        "Quels ateliers ont eu lieu à Kanazawa en 2010 ?",  # an edition whose workshops no source lists
        "Quels ateliers et quelles tables rondes ont eu lieu en 2022 ?",  # two kinds
        "Quels ateliers ont eu lieu en 2030 ?",
    ],
)
def test_other_questions_on_workshops_are_left_to_the_answer_engine(assistant: Assistant, question: str) -> None:
    assert programme_answers.answer(question, "fr", editions.facts(assistant)) is None


def test_the_brief_says_each_editions_workshops_and_round_tables(assistant: Assistant) -> None:
    for language in ("fr", "en"):
        built = brief(assistant, language)
        asked = words()[language]["faq_rendered"]["programme"]
        (found,) = [f for f in built["faq"] if f["question"] == asked]
        assert all(title in found["text"] for title in TITLES) and "Cohésion sociale" in found["text"]
        quotes = {c["n"]: c["quote"] for c in built["citations"]}
        assert found["citations"] and all(n in quotes for n in found["citations"])
    assert "Machine translation, not checked:" in found["text"]


def test_a_heading_over_the_titles_is_said_beside_them_in_french_and_translated_with_them_otherwise(
    assistant: Assistant,
) -> None:
    facts = editions.facts(assistant)
    asked: list[str] = []

    def translate(text: str) -> str:
        asked.append(text)
        return {"Économie : Attractivité des territoires": "Economy: attractive territories"}.get(text, "")

    french = programme_answers.answer("Quelles tables rondes ont eu lieu en 2022 ?", "fr", facts)
    assert french is not None and "« Attractivité des territoires » (Économie) [" in french[0]
    english = programme_answers.answer("Which round tables were held in 2022?", "en", facts, translate)
    assert english is not None and "Économie" not in english[0].splitlines()[0]
    assert asked == ["Économie : Attractivité des territoires", "Société : Cohésion sociale"]
    assert "Economy: attractive territories [" in english[0]
