from __future__ import annotations

from assistant.text.lexical import BM25Index, tokenize


def test_tokens_fold_accents_drop_elisions_and_stopwords() -> None:
    assert tokenize("L’Hydrogène d'Auvergne et l'écologie") == ["hydrogen", "auvergn", "ecologi"]


def test_plural_and_feminine_forms_share_a_stem() -> None:
    assert tokenize("collectivités japonaises") == tokenize("collectivité japonais")
    assert tokenize("territoriaux") == tokenize("territorial")


def test_ordinals_and_japanese_years_become_numbers() -> None:
    assert tokenize("les 8es Rencontres") == ["8", "rencontr"]
    assert tokenize("the eighth meeting") == ["8", "meeting"]
    assert tokenize("2014年に開催") == ["2014"]


def test_bm25_ranks_the_passage_with_the_rare_words_first() -> None:
    index = BM25Index.build(
        ["a", "b", "c"],
        ["Les Rencontres à Nancy en 2008.", "Les Rencontres à Takamatsu en 2014.", "Les ateliers sur l'eau."],
    )
    assert index.search("Où étaient les Rencontres en 2014 ?", top_k=3)[0][0] == "b"
    assert index.search("Takamatsu", top_k=3, allowed={"a", "c"}) == []


def test_coverage_is_the_share_of_query_words_the_corpus_knows() -> None:
    index = BM25Index.build(["a"], ["Les Rencontres à Takamatsu en 2014."])
    assert index.coverage("Rencontres Takamatsu 2014") == 1.0
    assert index.coverage("Which city hosted in 2014?") == 1 / 3  # city, hosted, 2014: only the year is known
    assert index.coverage("高松") == 0.0


def test_words_in_another_script_count_as_unknown() -> None:
    index = BM25Index.build(["a"], ["Les 7es Rencontres à Takamatsu en 2014."])
    # One digit is all BM25 can read of this question: it must not count as the whole of it.
    assert index.coverage("第7回会議の最初の円卓会議には、どの都市の代表が参加しましたか？") < 0.2
    assert index.coverage("高松 2014") == 1 / 2  # 2014 known, 高松 not
