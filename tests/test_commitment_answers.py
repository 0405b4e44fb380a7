"""Questions for a declaration's commitments, answered whole from the fact base, and those left to the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.config import Settings
from assistant.drafting import commitment_answers, editions
from assistant.text.language import message
from tests.test_briefs import indexed
from tests.test_commitments import DECLARATION

ITEMS = [
    "1. Chaque collectivité travaillera à des politiques durables.",
    "2. Chaque collectivité favorisera les échanges entre collectivités.",
    "3. Chaque collectivité soutiendra les partenariats.",
]


def facts(*declarations: tuple[str, int, int, str]) -> dict[str, Any]:
    """A fact base holding each (title, edition, year, host city) with the three ITEMS, each cited."""
    citations, pledged, rows = [], [], []

    def cite(quote: str) -> int:
        citations.append(
            {"n": len(citations) + 1, "doc_id": "d", "title": "t", "source": "s.txt", "start": 0, "end": len(quote)}
            | {"quote": quote, "passage": quote}
        )
        return len(citations)

    for title, edition, year, city in declarations:
        intro = cite("Nous, collectivités, avons convenu des démarches suivantes :")
        items = [{"text": item, "citations": [cite(item)]} for item in ITEMS]
        declaration = {"declaration": title, "edition": edition, "year": year, "introduction": [intro]}
        pledged.append({**declaration, "items": items})
        rows.append({"year": year, "city": city, "edition": edition})
    return {"commitments": pledged, "rows": rows, "citations": citations}


AIX = ("Déclaration finale des 7es Rencontres (Déclaration d'Aix-en-Provence)", 7, 2022, "Aix-en-Provence")
LYON = ("Déclaration de Lyon", 9, 2026, "Lyon")


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quels sont les trois engagements pris dans la Déclaration d'Aix-en-Provence ?", "fr"),
        ("What commitments did the 7th Rencontres' final declaration make?", "en"),
        ("2022年の宣言の約束は何ですか？", "ja"),
        ("エクス宣言の三つの約束は何ですか？", "ja"),  # Aix as Japanese says it
    ],
)
def test_a_declarations_commitments_are_quoted_whole_each_cited(question: str, language: str) -> None:
    text, citations = commitment_answers.answer(question, language, facts(AIX, LYON), lambda t: f"<{t}>") or ("", [])
    assert all(f"« {item} » [{n}]" in text for n, item in enumerate(ITEMS, start=2)), text
    assert "Aix-en-Provence" in text.splitlines()[0] and "3" in text.splitlines()[0] and "[1]" in text.splitlines()[0]
    assert [c.n for c in citations] == [1, 2, 3, 4] and [c.quote for c in citations[1:]] == ITEMS
    translated = message("machine_translation", language) in text
    assert translated == (language != "fr")  # English and Japanese read a labelled machine translation


@pytest.mark.parametrize(
    "question",
    [
        "Quels sont les deux engagements de la Déclaration d'Aix-en-Provence ?",  # it has three
        "Comment les engagements de la Déclaration d'Aix-en-Provence seront-ils financés ?",  # not a list of them
        "Quels engagements ont été pris en 2024 ?",  # no declaration of 2024
        "Quels engagements la ville de Nancy a-t-elle pris ?",  # a name that is not the declaration's
        "Quels sont les engagements des Rencontres ?",  # two declarations, none named
        "静岡宣言の約束は何ですか？",  # a Japanese proper noun that is not the declaration's
        "ニース宣言の約束は何ですか？",  # Nice: no declaration
        "Quelles villes ont accueilli les Rencontres ?",  # not about commitments
    ],
)
def test_a_question_the_fact_base_does_not_hold_whole_goes_to_the_answer_engine(question: str) -> None:
    assert commitment_answers.answer(question, "fr", facts(AIX, LYON)) is None


def test_a_french_city_written_in_katakana_picks_its_declaration() -> None:
    held = facts(AIX, LYON)
    chosen = commitment_answers.asked_for("リヨン宣言の約束は何ですか？", held["commitments"], held["rows"])
    assert chosen is not None and chosen["declaration"] == LYON[0]


def test_the_only_declaration_is_the_one_a_question_for_the_commitments_asks_about() -> None:
    assert commitment_answers.answer("Quels sont les engagements des Rencontres ?", "fr", facts(AIX)) is not None


def test_the_assistant_answers_the_commitments_from_the_fact_base_without_the_model(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "declaration"
    corpus.mkdir()
    (corpus / "declaration.txt").write_text(DECLARATION, encoding="utf-8")
    assistant = indexed(settings, corpus)
    editions.facts(assistant)
    calls = len(assistant.chat_model.calls)  # type: ignore[union-attr]
    answer = assistant.answer("Quels engagements la Déclaration de Lyon énonce-t-elle ?")
    assert answer.mode == "answer" and len(assistant.chat_model.calls) == calls  # type: ignore[union-attr]
    assert "énonce 2 engagements" in answer.text and "favorisera les échanges" in answer.text
    source = (corpus / "declaration.txt").read_text(encoding="utf-8")
    assert all(source[c.start : c.end] == c.quote for c in answer.citations) and len(answer.citations) == 3
