from __future__ import annotations

from assistant.answer.citations import citations_json, cite, split_answer
from assistant.types import Candidate, Chunk, Passage
from tests.fakes import concept_vector

TEXT = "Les Rencontres ont eu lieu à Takamatsu en 2014.\n\n2. Chaque collectivité favorisera les échanges."


def candidate(sentence: str) -> Candidate:
    chunk = Chunk("c1", "d1", 0, len(TEXT), TEXT)
    passage = Passage(chunk=chunk, title="Historique", source="h.txt", score=1.0, rank=1)
    start = TEXT.index(sentence)
    span = Chunk(f"s{start}", "d1", start, start + len(sentence), sentence)
    return Candidate(passage=passage, sentence=span, vector=concept_vector(sentence))


def test_a_quote_is_cited_only_where_it_stands_in_the_document() -> None:
    first = candidate("Les Rencontres ont eu lieu à Takamatsu en 2014.")
    citation = cite(first, 1, lambda doc_id: TEXT)
    assert citation is not None and TEXT[citation.start : citation.end] == citation.quote
    moved = "Préambule.\n" + TEXT  # the text changed under the index: the offsets hold something else
    assert cite(first, 1, lambda doc_id: moved) is None


def test_a_quote_without_a_word_is_never_cited() -> None:
    assert cite(candidate("2."), 1, lambda doc_id: TEXT) is None


def test_fragments_and_list_numbers_are_not_sentences() -> None:
    assert split_answer("1. Nancy en 2008 [1]\n2. Takamatsu en 2014 [2]") == ["Nancy en 2008", "Takamatsu en 2014"]


def test_citations_json_has_the_documented_shape() -> None:
    citation = cite(candidate("Les Rencontres ont eu lieu à Takamatsu en 2014."), 1, lambda doc_id: TEXT)
    assert citation is not None
    (data,) = citations_json([citation])
    assert set(data) == {"n", "doc_id", "title", "source", "start", "end", "quote", "passage"}
    assert data["passage"] == TEXT
