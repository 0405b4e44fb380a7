from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexNotBuiltError, QuestionError
from assistant.ingest.indexing import open_store
from assistant.pipeline import Assistant
from assistant.retrieval.search import Filters, fuse_rankings
from assistant.text.numbers import editions_named, years_named
from tests.fakes import FakeEmbedder


@pytest.fixture
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings, embedder=FakeEmbedder())
    a.index()
    return a


def test_rrf_rewards_agreement_and_respects_weights() -> None:
    fused = fuse_rankings([["a", "b"], ["b", "c"]], rrf_k=60)
    assert max(fused, key=fused.__getitem__) == "b"
    weighted = fuse_rankings([["a", "b"], ["b", "a"]], rrf_k=60, weights=[1.0, 0.0])
    assert weighted["a"] > weighted["b"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_each_method_finds_the_takamatsu_passage(assistant: Assistant, mode: str) -> None:
    passages = assistant.search("Quelle ville a accueilli les Rencontres en 2014 ? Takamatsu ?", top_k=3, mode=mode)
    assert "Takamatsu en 2014" in passages[0].chunk.text
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))


def test_questions_in_other_languages_find_french_passages(assistant: Assistant) -> None:
    # BM25 knows none of these words but the year; the embedder's concepts carry the meaning.
    assert "hydrogène" in assistant.search("水素のワークショップ", top_k=1)[0].chunk.text
    assert "Takamatsu" in assistant.search("Which city hosted in 2014?", top_k=1)[0].chunk.text


def test_passage_text_is_the_exact_source_slice(assistant: Assistant) -> None:
    for p in assistant.search("jeunes", top_k=5):
        assert assistant.catalog.text(p.chunk.doc_id)[p.chunk.start : p.chunk.end] == p.chunk.text


def test_filters_limit_documents_and_editions(assistant: Assistant) -> None:
    by_edition = assistant.search("jeunes", top_k=10, filters=Filters(editions=(8,)))
    assert by_edition and {p.source for p in by_edition} == {"ateliers.md"}
    by_doc = assistant.search("jeunes", top_k=10, filters=Filters(doc_ids=("rencontres.txt",)))
    assert by_doc and {p.source for p in by_doc} == {"rencontres.txt"}
    with pytest.raises(QuestionError, match="No indexed document matches --year 1999"):
        assistant.search("jeunes", top_k=10, filters=Filters(years=(1999,)))


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_empty_or_huge_questions_are_refused_with_a_reason(assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError, match=r"empty|limit"):
        assistant.search(question)


def test_a_year_or_edition_named_in_the_question_favours_its_documents(assistant: Assistant) -> None:
    # Both documents speak of the young; only their metadata says which year each is about.
    assert assistant.search("Que font les jeunes en 2024 ?", top_k=1)[0].source == "ateliers.md"
    assert assistant.search("Que font les jeunes en 2022 ?", top_k=1)[0].source == "rencontres.txt"
    assert assistant.search("第8回の若者は？", top_k=1)[0].source == "ateliers.md"
    assert assistant.search("What did the young do at the 7th edition?", top_k=1)[0].source == "rencontres.txt"
    # A vote, not a filter: the other document is still found.
    assert {p.source for p in assistant.search("Que font les jeunes en 2024 ?", top_k=5)} == {
        "ateliers.md",
        "rencontres.txt",
    }


def test_years_and_editions_are_read_from_the_question() -> None:
    assert years_named("Les Rencontres de 2018 et 2024 ?") == [2018, 2024]
    assert years_named("Les 14 collectivités, 1990") == []
    assert editions_named("Les 7es Rencontres, la 8e édition, the 9th, 第7回") == [7, 8, 9]
    assert editions_named("les 1ères Rencontres, the 2nd meeting") == [1, 2]
    assert editions_named("les 14 collectivités et 22 villes") == []


class _KnowsOnlyWater(FakeEmbedder):
    """A second model that sees nothing but water, to show its ranking reaches the fusion."""

    def embed_queries(self, texts):  # type: ignore[no-untyped-def]
        return super().embed_queries(["eau" for _ in texts])


def test_a_second_embedder_votes_in_the_fusion(settings: Settings) -> None:
    question = "Qui participe aux échanges ?"
    plain = Assistant(settings, embedder=FakeEmbedder())
    plain.index()
    expected = [p.chunk.chunk_id for p in plain.search(question, top_k=3)]
    assert "eau" not in plain.search(question, top_k=1)[0].chunk.text
    second = _KnowsOnlyWater(model_id="fake-second")
    # Four chunks only: every ranking holds them all, so the vote needs a sharp rank curve to show.
    loud = settings.model_copy(update={"second_embedding_weight": 5.0, "rrf_k": 1})
    both = Assistant(loud, embedder=FakeEmbedder(), second_embedder=second)
    both.index()
    assert second.queries_embedded == 0
    assert "eau" in both.search(question, top_k=1)[0].chunk.text and second.queries_embedded == 1
    # With weight 0 its vote counts for nothing.
    muted = settings.model_copy(update={"second_embedding_weight": 0.0})
    silent = Assistant(muted, embedder=FakeEmbedder(), second_embedder=second)
    ids = [p.chunk.chunk_id for p in silent.search(question, top_k=3)]
    assert ids == expected


def test_an_assistant_follows_an_index_rebuilt_by_another_process(settings: Settings, corpus_dir: Path) -> None:
    reader = Assistant(settings, embedder=FakeEmbedder())
    reader.index()
    assert reader.search("jeunes", top_k=1)
    md = corpus_dir / "ateliers.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nLe thé vert de Shizuoka a été servi.\n", encoding="utf-8")
    Assistant(settings, embedder=FakeEmbedder()).index()  # drops the collections the reader loaded
    top = reader.search("thé vert", top_k=1)[0]
    assert "thé vert" in top.chunk.text and top.dense_score is not None


def test_a_vanished_collection_is_an_error_not_an_empty_result(settings: Settings) -> None:
    store = open_store(settings, FakeEmbedder())
    with pytest.raises(IndexNotBuiltError, match="assistant index"):
        store.query("rencontres-gone", [1.0] * 11, top_k=3)
    assert "rencontres-gone" not in store.collection_names()
