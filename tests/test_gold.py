"""The eval's question sets point at text that is really in the shipped corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.loading import load_corpus
from assistant.text.language import detect_language
from assistant.text.lexical import fold
from eval.answers import fact_found
from eval.gold import (
    ADDED_DOCUMENTS,
    ADDED_FILE,
    FRESH_FILE,
    GOLD_FILE,
    HELDOUT_FILE,
    NOVEL_FILE,
    UNSEEN_FILE,
    load_gold,
    locate,
)
from tests.conftest import REPO_CORPUS

ALL_SETS = [GOLD_FILE, HELDOUT_FILE, FRESH_FILE, UNSEEN_FILE, ADDED_FILE, NOVEL_FILE]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    documents, _ = load_corpus(REPO_CORPUS)
    return {d.source: d.text for d in documents} | {p.name: p.read_text(encoding="utf-8") for p in ADDED_DOCUMENTS}


@pytest.mark.parametrize("path", ALL_SETS, ids=lambda p: Path(p).name)
def test_every_quote_is_in_its_source(path: Path, texts: dict[str, str]) -> None:
    items = load_gold(path)
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.answerable == bool(item.evidence), item.id
        for ev in item.evidence:
            locate(texts[ev.source], ev.quote)  # raises when the quote is not there


@pytest.mark.parametrize("path", ALL_SETS[1:], ids=lambda p: Path(p).name)
def test_held_out_questions_are_new_and_in_three_languages(path: Path) -> None:
    gold, held = load_gold(GOLD_FILE), load_gold(path)
    assert not {i.question for i in gold} & {i.question for i in held}
    assert {detect_language(i.question) for i in held} == {"fr", "en", "ja"}
    assert all(detect_language(i.question) == i.lang for i in held)


def test_the_added_document_is_not_in_the_shipped_corpus() -> None:
    assert ADDED_DOCUMENTS
    assert not any((REPO_CORPUS / p.name).exists() for p in ADDED_DOCUMENTS)


@pytest.mark.parametrize("path", ALL_SETS, ids=lambda p: Path(p).name)
def test_no_key_fact_is_one_the_question_already_states(path: Path) -> None:
    """A reply that repeats the question would hold such a fact and be scored right."""
    for item in load_gold(path):
        question = fold(item.question)
        for group in item.facts:
            assert not any(fact_found(fold(alt), question) for alt in group), (item.id, group)


def test_an_answer_in_parts_is_scored_on_what_it_gives() -> None:
    from eval.answers import verdict
    from eval.gold import GoldItem

    asked = GoldItem(id="q", lang="en", question="How many, and where?", facts=[["14"]])
    unanswerable = GoldItem(id="u", lang="en", question="Who, and when?", answerable=False)
    partial = "“How many?”: the available documents do not answer this part of the question.\n\n14 [1]"
    assert verdict(asked, {"refused": False, "mode": "answer", "text": partial}) == "right"
    assert verdict(asked, {"refused": False, "mode": "answer", "text": partial.replace("14", "15")}) == "refused"
    assert verdict(unanswerable, {"refused": False, "mode": "answer", "text": partial}) == "shown"
    silent = {"refused": False, "text": "The documents do not answer this question."}  # the baseline's shape
    assert verdict(unanswerable, silent) == "refused-ok" and verdict(asked, silent) == "refused"
