from __future__ import annotations

import math

from assistant.citing import Candidate, _sides, cite, claims, containment, split_answer, tied, verify_answer
from assistant.types import Chunk, Passage
from tests.fakes import concept_vector

LIST = (
    "Les Rencontres, organisées pour la première fois à Nancy en 2008, puis à Kanazawa en 2010, "
    "à Chartres en 2012, à Takamatsu en 2014, à Tours en 2016 et à Kumamoto en 2018, ont réussi."
)
OTHER = "La jeunesse des deux pays participe aux échanges."
TEXT = f"{LIST}\n\n{OTHER}"


def candidates() -> list[Candidate]:
    chunk = Chunk("c1", "d1", 0, len(TEXT), TEXT)
    passage = Passage(chunk=chunk, title="Historique", source="h.txt", score=1.0, rank=1)
    out = []
    for sentence in (LIST, OTHER):
        start = TEXT.index(sentence)
        span = Chunk(f"s{start}", "d1", start, start + len(sentence), sentence)
        out.append(Candidate(passage=passage, sentence=span, vector=concept_vector(sentence)))
    return out


def verify(answer: str, question: str, language: str = "fr", document: str = TEXT):
    return verify_answer(
        answer,
        candidates(),
        embed=lambda texts: [concept_vector(t) for t in texts],
        document_text=lambda doc_id: document,
        question=question,
        language=language,
    )


def test_claims_are_numbers_and_whole_names_not_function_words() -> None:
    assert claims("La région Auvergne-Rhône-Alpes a présenté le projet Zero Emission Valley en 2024.") == [
        "2024",
        "Auvergne-Rhône-Alpes",
        "Zero Emission Valley",
    ]
    assert claims("Combien de collectivités ont participé aux 7es Rencontres ?") == ["7"]
    assert claims("2014年の開催地はTakamatsu（高松）です。") == ["2014", "Takamatsu"]
    assert claims("Elle a eu lieu sur l'île de Honshū, près d'Ōita.") == ["Honshū", "Ōita"]


def test_the_name_tied_to_a_year_is_the_one_next_to_it_in_a_list() -> None:
    assert tied("Takamatsu", ["2014"], LIST)
    assert not tied("Nancy", ["2014"], LIST)
    assert not tied("Tours", ["2014"], LIST)
    # A date beside a whole list is no item's own: Kumamoto did not host in 2008.
    hosts = "Les villes hôtes, Nancy, Kanazawa, Tours et Kumamoto, qui ont accueilli les Rencontres de 2008 à 2018."
    assert not tied("2008", ["Kumamoto"], hosts)
    assert tied("Kanazawa", ["Nancy"], hosts)  # a list still links its own items
    # A line wrapped in the source is no pause between a name and its year.
    assert tied("Tours", ["2016"], LIST.replace("Tours en 2016", "Tours en\n2016"))
    # A name the question gives in part ("CLAIRパリ") anchors the source's full name.
    assert tied("1990", ["CLAIR"], "CLAIR PARIS a été créé en octobre 1990 pour représenter les collectivités.")
    assert not tied("1997", ["CLAIR"], "CLAIR PARIS est né en 1990, la Maison de la Culture du Japon en 1997.")


def test_a_supported_sentence_is_kept_and_cited_verbatim() -> None:
    result = verify("Les Rencontres ont eu lieu à Takamatsu en 2014. [1]", "Où ont eu lieu les Rencontres en 2014 ?")
    assert result.text == "Les Rencontres ont eu lieu à Takamatsu en 2014. [1]"
    (citation,) = result.citations
    assert TEXT[citation.start : citation.end] == citation.quote == LIST


def test_a_quote_is_cited_only_where_it_stands_in_the_document() -> None:
    listed, _ = candidates()
    assert cite(listed, 1, lambda doc_id: TEXT).quote == LIST  # type: ignore[union-attr]
    moved = "Préambule.\n" + TEXT  # the text changed under the index: the offsets hold something else
    assert cite(listed, 1, lambda doc_id: moved) is None


def test_a_supported_sentence_none_of_whose_citations_verifies_is_dropped_not_shown_uncited() -> None:
    answer, question = "Les Rencontres ont eu lieu à Takamatsu en 2014.", "Où ont eu lieu les Rencontres en 2014 ?"
    assert verify(answer, question).kept
    result = verify(answer, question, document="Préambule.\n" + TEXT)
    assert result.text == "" and result.kept == () and result.citations == ()
    assert [d.sentence for d in result.dropped] == [answer]


def test_the_models_own_the_sources_do_not_say_sentence_is_not_a_cited_fact() -> None:
    answer = "Les Rencontres ont eu lieu à Takamatsu en 2014. Les sources ne précisent pas les Rencontres de Takamatsu."
    result = verify(answer, "Où ont eu lieu les Rencontres en 2014 et qui y participait ?")
    assert result.text == "Les Rencontres ont eu lieu à Takamatsu en 2014. [1]"
    assert "ne précisent pas" not in result.text and len(result.citations) == 1


def test_the_wrong_item_of_a_list_is_dropped() -> None:
    result = verify("Nancy a accueilli les Rencontres en 2014.", "Quelle ville a accueilli les Rencontres en 2014 ?")
    assert result.kept == () and result.citations == ()
    assert [d.sentence for d in result.dropped] == ["Nancy a accueilli les Rencontres en 2014."]


def test_an_invented_name_or_number_is_dropped_and_the_rest_kept() -> None:
    result = verify(
        "Les Rencontres ont eu lieu à Takamatsu en 2014. Les 9es Rencontres auront lieu à Lyon en 2026.",
        "Où ont eu lieu les Rencontres en 2014 ?",
    )
    assert "Lyon" not in result.text and "Takamatsu" in result.text
    assert set(result.dropped[0].missing) >= {"Lyon", "2026"}


def test_the_model_refusal_token_is_recognised() -> None:
    result = verify("NOT_IN_SOURCES", "Qui est le maire de Shizuoka ?")
    assert result.model_refused and result.kept == ()


def test_fragments_and_list_numbers_are_not_sentences() -> None:
    assert split_answer("1. Nancy en 2008 [1]\n2. Takamatsu en 2014 [2]") == ["Nancy en 2008", "Takamatsu en 2014"]
    assert verify("Une [1]", "Quelles villes ont accueilli les Rencontres ?").kept == ()


def test_a_fact_from_the_document_title_the_model_was_shown_counts_as_seen() -> None:
    text = "La session a eu lieu à Shizuoka en 2024, sur l'île de Honshū."
    chunk = Chunk("c", "d", 0, len(text), text)
    passage = Passage(chunk=chunk, title="Les 8es Rencontres à Shizuoka (2024)", source="s.txt", score=1.0, rank=1)
    shown = [Candidate(passage=passage, sentence=chunk, vector=concept_vector(text))]

    def check(answer: str):
        return verify_answer(
            answer,
            shown,
            embed=lambda ts: [concept_vector(t) for t in ts],
            document_text=lambda _: text,
            question="Où ont eu lieu les Rencontres de 2024 ?",
            language="fr",
        )

    assert check("Les 8es Rencontres ont eu lieu à Shizuoka en 2024.").kept  # "8es" is in the title
    assert not check("Les 9es Rencontres ont eu lieu à Shizuoka en 2024.").kept


def test_the_year_asked_about_may_stand_in_what_the_document_is() -> None:
    text = "Trois ateliers ont porté sur l'économie, la société et l'environnement."
    chunk = Chunk("c", "d", 0, len(text), text)
    passage = Passage(chunk=chunk, title="7es Rencontres", source="a.txt", score=1.0, rank=1)

    def check(about: str):
        shown = [Candidate(passage=passage, sentence=chunk, vector=concept_vector(text), about=about)]
        return verify_answer(
            "Les ateliers ont porté sur l'économie, la société et l'environnement.",
            shown,
            embed=lambda ts: [concept_vector(t) for t in ts],
            document_text=lambda _: text,
            question="Quels étaient les ateliers des Rencontres de 2022 ?",
            language="fr",
        )

    assert check("7es Rencontres, Aix-en-Provence, 2022").kept
    assert not check("7es Rencontres").kept  # nothing says these workshops were those of 2022


def test_an_introduction_without_what_it_introduces_is_dropped() -> None:
    question = "Où ont eu lieu les Rencontres en 2014 ?"
    # The introduction alone is supported; the item it introduces is invented.
    result = verify("Les Rencontres ont eu lieu à Takamatsu en 2014 :\n1. Lyon", question)
    assert result.kept == ()
    result = verify("Les Rencontres ont eu lieu à Takamatsu en 2014 :\n1. Takamatsu en 2014", question)
    assert [k.sentence for k in result.kept][-1] == "Takamatsu en 2014" and len(result.kept) == 2


def test_ties_read_dates_as_one_expression_and_skip_elided_articles() -> None:
    assert tied("1990", ["CLAIR Paris"], "Le CLAIR Paris, créé en octobre 1990, représente les collectivités.")
    sentence = "L’édition 2024 s’est déroulée du 18 au 21 novembre à Shizuoka, sur l’île de Honshū au Japon."
    assert tied("Shizuoka", ["2024"], sentence)
    assert claims(sentence) == ["2024", "18", "21", "11", "Shizuoka", "Honshū"]


def test_a_japanese_sentence_is_not_supported_by_its_few_latin_words() -> None:
    # Its only Latin word is in the source, yet nothing says the rest is: no support by overlap.
    assert containment("青年人の社会的責任を推進し、企業のRSEを強化します。", "Les entreprises et la RSE.") == 0.0
    assert (
        containment("Les Rencontres ont eu lieu à Takamatsu.", "En 2014, les Rencontres ont eu lieu à Takamatsu.")
        == 1.0
    )


def test_a_near_copy_of_a_source_sentence_needs_no_tie_to_the_question() -> None:
    result = verify(LIST, "Quelles villes ont accueilli les Rencontres avant Aix-en-Provence ?")
    assert result.kept and result.text.startswith(LIST)
    # the same facts rearranged are still checked: Nancy is not the city of 2014
    assert not verify("Nancy a accueilli les Rencontres en 2014.", "Qui a accueilli les Rencontres en 2014 ?").kept


def test_a_sentence_on_one_of_two_asked_years_needs_a_source_on_that_year_only() -> None:
    result = verify(
        "Les Rencontres de 2014 ont eu lieu à Takamatsu. Celles de 2030 ont eu lieu à Lyon.",
        "Où ont eu lieu les Rencontres de 2014 et de 2030 ?",
    )
    assert [k.sentence for k in result.kept] == ["Les Rencontres de 2014 ont eu lieu à Takamatsu."]


def test_shared_names_alone_are_no_evidence_of_a_paraphrase() -> None:
    source = "Aix-en-Provence a signé un accord de coopération avec la ville de Kumamoto en 2013."
    assert containment("Kumamoto took over after Aix-en-Provence.", source) == 0.0
    assert containment("Aix-en-Provence a signé un accord avec Kumamoto.", source) == 1.0


def test_a_bare_answer_stands_on_its_facts_tied_to_the_question() -> None:
    def check(answer: str, question: str):
        # An embedder that places the answer near nothing: only its facts can support it.
        return verify_answer(
            answer,
            candidates(),
            embed=lambda texts: [concept_vector("") for _ in texts],
            document_text=lambda doc_id: TEXT,
            question=question,
            language="fr",
        )

    assert check("Takamatsu.", "Quelle ville a accueilli les Rencontres en 2014 ?").kept
    assert not check("Nancy.", "Quelle ville a accueilli les Rencontres en 2014 ?").kept
    assert not check("Takamatsu.", "Quelle ville a accueilli les Rencontres ?").kept  # nothing to tie it to
    # An answer that only restates the question around its fact is as bare, in any language.
    question = "Which city hosted the Rencontres in 2014?"
    assert check("Takamatsu was the city that hosted the Rencontres in 2014.", question).kept
    assert not check("Nancy was the city that hosted the Rencontres in 2014.", question).kept
    assert not check("Takamatsu was the city that hosted the youth exchanges in 2014.", question).kept  # new words
    # Tied to a name rather than a date, a restatement needs a source that reads like it (a tie between two
    # names of one list is too loose: "Kumamoto took over after Aix-en-Provence" was one).
    assert not check("Takamatsu took over from Chartres.", "Which city took over from Chartres?").kept
    # In Japanese, which has no spaces, by its characters.
    assert check("2014年の開催地はTakamatsuです。", "2014年の開催地はどこですか？").kept
    assert not check("2014年の開催地はNancyです。", "2014年の開催地はどこですか？").kept
    assert not check("2014年の開催地はTakamatsuで、若者の交流が盛んでした。", "2014年の開催地はどこですか？").kept


def test_a_translated_sentence_needs_less_similarity_when_its_source_holds_its_facts() -> None:
    source = concept_vector(LIST)
    free = next(i for i, x in enumerate(source[:-1]) if x == 0.0)  # a concept the source lacks

    def check(answer: str, cos: float):
        # Answer vectors at exactly ``cos`` from the source sentence, as a translation would be.
        vector = [cos * x for x in source]
        vector[free] = math.sqrt(1 - cos * cos)
        return verify_answer(
            answer,
            candidates(),
            embed=lambda texts: [vector for _ in texts],
            document_text=lambda doc_id: TEXT,
            question="2014年の開催地はどこですか？",
            language="ja",
        )

    assert check("Takamatsuは2014年に会議を開催しました。", 0.58).kept  # Takamatsu stands in the source
    assert not check("Takamatsuは2014年に会議を開催しました。", 0.50).kept
    assert not check("2014年の開催地は素晴らしい町です。", 0.58).kept  # no fact of its own: 0.62 needed


def _verify_list_answer(*, items_of_this_list: bool):
    """An introduction that matches the answer, and two items that match nothing but hold its names."""
    text = "Rencontres de 2014\n\nLe programme comprenait deux ateliers :\nAtelier Kobe\nAtelier Lyon\n"
    chunk = Chunk("c1", "d1", 0, len(text), text)
    passage = Passage(chunk=chunk, title="Programme", source="p.txt", score=1.0, rank=1)
    intro = "Le programme comprenait deux ateliers :"
    shown = []
    for sentence, vector in ((intro, [1.0, 0.0]), ("Atelier Kobe", [0.0, 1.0]), ("Atelier Lyon", [0.0, 1.0])):
        start = text.index(sentence)
        span = Chunk(f"s{start}", "d1", start, start + len(sentence), sentence)
        introduced_by = None if sentence == intro else f"s{text.index(intro)}" if items_of_this_list else "s-other"
        shown.append(Candidate(passage=passage, sentence=span, vector=vector, introduced_by=introduced_by))
    return verify_answer(
        "En 2014, les deux ateliers étaient l'Atelier Kobe et l'Atelier Lyon.",
        shown,
        embed=lambda texts: [[1.0, 0.0] for _ in texts],  # the answer reads like the introduction only
        document_text=lambda doc_id: text,
        question="Quels ateliers en 2014 ?",
        language="fr",
    )


def test_the_items_of_a_list_whose_introduction_supports_the_answer_carry_its_names() -> None:
    # "Kobe" and "Lyon" stand beside no "2014": only their introduction ties them to the question.
    result = _verify_list_answer(items_of_this_list=True)
    assert result.kept and not result.dropped
    quotes = {c.quote for c in result.citations}
    assert quotes == {"Le programme comprenait deux ateliers :", "Atelier Kobe", "Atelier Lyon"}


def test_the_items_of_another_list_do_not() -> None:
    result = _verify_list_answer(items_of_this_list=False)
    assert not result.kept and result.dropped


def _verify_in_report(sentence: str, about: str, answer: str):
    """One source sentence from a report ``about`` an edition, and an answer that reads exactly like it."""
    chunk = Chunk("c", "d", 0, len(sentence), sentence)
    passage = Passage(chunk=chunk, title="Rapport", source="r.txt", score=1.0, rank=1)
    shown = [Candidate(passage=passage, sentence=chunk, vector=[1.0, 0.0], about=about)]
    return verify_answer(
        answer,
        shown,
        embed=lambda texts: [[1.0, 0.0] for _ in texts],
        document_text=lambda _: sentence,
        question="第7回会議の最初の円卓会議には、どの都市が参加しましたか？",
        language="ja",
    )


def test_names_a_sentence_does_not_date_are_dated_by_the_report_they_stand_in() -> None:
    undated = "La première table ronde a réuni des élus de Nancy, Kanazawa et Tours."
    answer = "最初の円卓会議には、Nancy、Kanazawa、Toursが参加しました。"
    assert _verify_in_report(undated, "7es Rencontres, Aix-en-Provence, 2022", answer).kept
    assert not _verify_in_report(undated, "8es Rencontres, Shizuoka, 2024", answer).kept  # another edition's report
    dated = "La première table ronde de 2008 a réuni des élus de Nancy, Kanazawa et Tours."
    assert not _verify_in_report(dated, "7es Rencontres, Aix-en-Provence, 2022", answer).kept  # its own date


def test_an_answer_must_add_the_number_or_place_its_question_asks_for() -> None:
    when = "Quand les Rencontres ont-elles eu lieu à Takamatsu ?"
    assert verify("Les Rencontres ont eu lieu à Takamatsu en 2014.", when).kept
    repeated = verify("Les Rencontres ont eu lieu à Takamatsu.", when)  # true, but not an answer
    assert repeated.kept == () and "what the question asks for" in repeated.dropped[0].missing
    where = "Where were the Rencontres held in 2014?"
    assert verify("Les Rencontres ont eu lieu à Takamatsu en 2014.", where).kept
    assert not verify("Les Rencontres ont eu lieu en 2014.", where).kept


def test_a_count_keeps_the_country_its_source_gives_it() -> None:
    counts = "Cette édition a rassemblé 14 collectivités japonaises et 22 collectivités françaises."
    question = "Combien de collectivités ont participé aux 7es Rencontres ?"

    def check(answer: str, language: str = "fr"):
        chunk = Chunk("c", "d", 0, len(counts), counts)
        passage = Passage(chunk=chunk, title="7es Rencontres", source="r.txt", score=1.0, rank=1)
        shown = [Candidate(passage=passage, sentence=chunk, vector=[1.0, 0.0], about="7es Rencontres, 2022")]
        embed = lambda texts: [[1.0, 0.0] for _ in texts]  # noqa: E731 - every sentence reads as its source
        return verify_answer(
            answer, shown, embed=embed, document_text=lambda _: counts, question=question, language=language
        )

    assert check("22 collectivités françaises et 14 collectivités japonaises ont participé.").kept
    swapped = check("14 collectivités françaises ont participé aux 7es Rencontres.")
    assert swapped.kept == () and swapped.dropped[0].missing == ("14 (France)",)
    assert not check("14 French local authorities took part in the 7th Rencontres.", "en").kept
    assert check("日本の自治体は14、フランスの自治体は22参加しました。", "ja").kept
    assert not check("日本とフランスの自治体がそれぞれ22と14参加しました。", "ja").kept  # respectively, swapped
    assert check("日本とフランスの自治体がそれぞれ14と22参加しました。", "ja").kept
    # "franco-japonaises" names both countries, so neither: a year beside it is no count of one side.
    assert _sides("2022", "Les Rencontres franco-japonaises de 2022 ont réuni des élus.") == set()


def test_cognates_alone_do_not_make_an_english_sentence_a_paraphrase() -> None:
    source = "La seconde table ronde a rassemblé une tribune d'experts qui ont proposé des solutions nouvelles."
    chunk = Chunk("c", "d", 0, len(source), source)
    shown = [Candidate(passage=Passage(chunk, "Rapport", "r.txt", 1.0, 1), sentence=chunk, vector=[0.0, 1.0])]

    def check(answer: str, question: str, language: str):
        embed = lambda texts: [[1.0, 0.0] for _ in texts]  # noqa: E731 - no help from the embedding
        return verify_answer(
            answer, shown, embed=embed, document_text=lambda _: source, question=question, language=language
        )

    # Half its words in the source: enough within French, not across languages.
    assert check("La seconde table ronde a rassemblé des experts.", "Qui a animé la table ronde ?", "fr").kept
    wrong = "The second round table was moderated by an expert tribunal."
    assert not check(wrong, "Who moderated the second round table?", "en").kept


def _verify_with_sources(sources: list[str], answer: str, question: str, language: str = "en"):
    """Source sentences of one passage, and an embedder that finds the answer as close to each as can be:
    every one passes as its support."""
    text = "\n\n".join(sources)
    passage = Passage(chunk=Chunk("c", "d", 0, len(text), text), title="Rapport", source="r.txt", score=1.0, rank=1)
    starts = [text.index(s) for s in sources]
    shown = [
        Candidate(passage=passage, sentence=Chunk(f"s{i}", "d", at, at + len(s), s), vector=[1.0, 0.0])
        for i, (at, s) in enumerate(zip(starts, sources, strict=True))
    ]
    return verify_answer(
        answer,
        shown,
        embed=lambda texts: [[1.0, 0.0] for _ in texts],
        document_text=lambda _: text,
        question=question,
        language=language,
    )


def _verify_with_one_source(sentence: str, answer: str, question: str, language: str = "en"):
    return _verify_with_sources([sentence], answer, question, language)


def test_a_web_address_is_a_claim_checked_character_for_character() -> None:
    assert claims("Elles sont sur https://aix.fr/7rfj/7rfj.html, en bilingue.") == ["https://aix.fr/7rfj/7rfj.html"]
    source = "Vous pouvez consulter les présentations sur le site dédié par Aix : https://aix.fr/7rfj/7rfj.html"
    where = "Where can I find the presentations of the Aix-en-Provence workshops?"
    right = _verify_with_one_source(
        source, "The presentations are on the site of Aix: https://aix.fr/7rfj/7rfj.html.", where
    )
    assert right.kept  # an address answers "where can I find"
    wrong = _verify_with_one_source(source, "The presentations are on the site of Aix: https://aix.fr/7rfj/.", where)
    assert not wrong.kept and "https://aix.fr/7rfj/" in wrong.dropped[0].missing
    # Nor does a source's address lend its digits: "7rfj" says nothing of a 7th edition.
    what = "What can one consult in both languages?"  # names nothing the checks could tie the 7 to
    seventh = _verify_with_one_source(source, "One can consult the presentations of the 7th edition.", what)
    assert not seventh.kept and "7" in seventh.dropped[0].missing


def test_a_sentence_is_cited_only_to_the_supports_that_say_what_it_says() -> None:
    hosts = "Les 8es Rencontres se sont tenues à Shizuoka en 2024."
    aside = "La table ronde de 2024 a réuni les régions."
    result = _verify_with_sources(
        [hosts, aside], "第8回の会議は2024年にShizuokaで開催されました。", "第8回の会議はどこで開催されましたか？", "ja"
    )
    assert [c.quote for c in result.citations] == [hosts]  # the round table says nothing of where


def test_a_sentence_drawing_on_two_sources_cites_both() -> None:
    where = "Les huitièmes Rencontres se sont tenues à Shizuoka en 2024."
    who = "À Shizuoka, 30 collectivités ont participé."
    answer = "En 2024, à Shizuoka, 30 collectivités ont participé."
    result = _verify_with_sources([where, who], answer, "Qui a participé ?", "fr")
    assert [c.quote for c in result.citations] == [where, who]
