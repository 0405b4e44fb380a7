"""The declarations' commitments in the fact base, and the brief's section that says them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.drafting import commitments, editions
from assistant.drafting.briefs import brief
from assistant.pipeline import Assistant
from assistant.text.language import message
from tests.test_briefs import indexed

DECLARATION = (
    "Déclaration de Lyon\n\n"
    "Le programme comprenait les visites suivantes :\n\n- la visite du port ;\n\n- la visite du musée.\n\n"
    "Nous, collectivités, avons convenu de promouvoir les démarches suivantes :\n\n"
    "1. Chaque collectivité travaillera à des politiques durables. Elle s'efforcera aussi de partager ses "
    "savoirs.\n\n"
    "2. Chaque collectivité favorisera les échanges entre collectivités françaises et japonaises.\n\n"
    "Considérant le succès des Rencontres depuis leur création, les collectivités se retrouveront en 2026.\n"
)


@pytest.fixture
def assistant(settings: Settings, tmp_path: Path) -> Assistant:
    corpus = tmp_path / "declaration"
    corpus.mkdir()
    (corpus / "declaration.txt").write_text(DECLARATION, encoding="utf-8")
    return indexed(settings, corpus)


def test_commitments_are_the_items_under_an_introduction_that_commits(assistant: Assistant) -> None:
    notes = editions.Footnotes(assistant.catalog)
    (found,) = commitments.read(assistant.catalog, notes)  # the visits' list commits no one
    assert found["declaration"] == "Déclaration de Lyon"
    items = [item["text"] for item in found["items"]]
    assert items == [
        "Chaque collectivité travaillera à des politiques durables. Elle s'efforcera aussi de partager ses savoirs.",
        "Chaque collectivité favorisera les échanges entre collectivités françaises et japonaises.",
    ]  # an item keeps the sentences of its paragraph, and the list ends with the paragraph after it
    text = assistant.catalog.text(notes.citations[0].doc_id)
    assert all(text[c.start : c.end] == c.quote for c in notes.citations)
    assert notes.citations[found["introduction"][0] - 1].quote.endswith("démarches suivantes :")


def test_the_brief_says_the_commitments_from_the_fact_base_quoted_and_cited(assistant: Assistant) -> None:
    french = brief(assistant, "fr")
    (section,) = [s for s in french["sections"] if s["part"] == "commitments"]
    assert section["text"].startswith("La « Déclaration de Lyon »") and "2 engagements" in section["text"]
    assert "« Chaque collectivité favorisera les échanges" in section["text"]
    quotes = {c["n"]: c["quote"] for c in french["citations"]}
    assert all(n in quotes for n in section["citations"]) and len(section["citations"]) == 3
    english = brief(assistant, "en")
    (section,) = [s for s in english["sections"] if s["part"] == "commitments"]
    assert "sets out 2 commitments" in section["text"] and message("machine_translation", "en") in section["text"]


def test_without_a_listed_commitment_the_brief_says_so(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "plain"
    corpus.mkdir()
    (corpus / "note.txt").write_text("Note\n\nLes Rencontres ont eu lieu à Nancy en 2008.\n", encoding="utf-8")
    a = indexed(settings, corpus)
    (section,) = [x for x in brief(a, "en")["sections"] if x["part"] == "commitments"]
    assert section["text"] == "The sources give no commitments as a list." and not section["citations"]
