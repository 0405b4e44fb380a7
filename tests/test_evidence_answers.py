"""The evidence-first engine end to end on the fixture corpus, with a fake model replaying grammar-shaped replies."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.shapes import answer_json
from assistant.config import Settings
from assistant.ingest.corpus import doc_id_for
from assistant.pipeline import Assistant
from assistant.text.language import message
from assistant.types import Evidence, Final, Progress
from tests.fakes import FakeChatModel, FakeEmbedder, grounded, one_document, sentence_id


def make(settings: Settings, chat: FakeChatModel, **overrides: object) -> Assistant:
    s = settings.model_copy(update={"evidence_floor": 0.3, "quote_floor": 0.5, **overrides})
    assistant = Assistant(s, embedder=FakeEmbedder(), chat_model=chat)
    assistant.index()
    return assistant


def test_a_verified_answer_streams_and_cites_the_sentence_it_named(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "Les Rencontres ont eu lieu à Takamatsu en 2014.")])
    events = list(make(settings, chat).answer_events("Où ont eu lieu les Rencontres en 2014 ?"))
    assert [e.stage for e in events if isinstance(e, Progress)] == ["retrieving", "generating", "checking"]
    (named,) = [e for e in events if isinstance(e, Evidence)]  # the sources named, before any check
    assert len(named.quotes) == 1 and "Takamatsu en 2014" in named.quotes[0]
    assert events.index(named) < len(events) - 1 and isinstance(events[-1], Final)
    answer = events[-1].answer if isinstance(events[-1], Final) else None
    assert answer is not None and answer.mode == "answer"
    assert answer.text == "Les Rencontres ont eu lieu à Takamatsu en 2014. [1]"
    assert len(answer.citations) == 1 and "Takamatsu en 2014" in answer.citations[0].quote
    source = (settings.corpus_dir / "rencontres.txt").read_text(encoding="utf-8")
    assert source[answer.citations[0].start : answer.citations[0].end] == answer.citations[0].quote
    assert answer_json(answer)["mode"] == "answer"
    assert chat.outputs[0] is not None and "EVIDENCE" in chat.outputs[0].grammar


def test_ids_out_of_range_none_and_malformed_replies_are_refused(settings: Settings) -> None:
    for reply in ["EVIDENCE: S99\nANSWER: Takamatsu en 2014.", "EVIDENCE: NONE\nANSWER: NOT_IN_SOURCES", "Takamatsu."]:
        answer = make(settings, FakeChatModel([reply])).answer("Où les Rencontres ont-elles eu lieu ?")
        assert answer.mode == "refused" and answer.citations == (), reply
        assert answer.text == "Les documents disponibles ne répondent pas à cette question."


def test_an_edition_the_sources_do_not_hold_is_refused_whatever_the_model_names(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Nancy", "Les 9es Rencontres auront lieu à Nancy en 2026.")])
    answer = make(settings, chat).answer("Où auront lieu les 9es Rencontres en 2026 ?")
    assert answer.mode == "refused" and answer_json(answer)["see_also"]


def test_a_wrong_item_of_a_list_shows_the_named_sentence_verbatim_with_a_labelled_translation(
    settings: Settings,
) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "The Rencontres were held in Nancy in 2014."), "In Takamatsu in 2014."])
    answer = make(settings, chat).answer("Where were the Rencontres held in 2014?")
    assert answer.mode == "quoted" and answer.dropped_sentences == ("The Rencontres were held in Nancy in 2014.",)
    lines = answer.text.splitlines()
    assert lines[0] == "The sources say (in French):" and "Takamatsu en 2014" in lines[1] and lines[1].endswith("[1]")
    assert lines[-1] == "Machine translation, not checked: In Takamatsu in 2014. [1]"  # each quote's own, marked
    assert answer_json(answer)["mode"] == "quoted"


def test_a_made_up_fact_is_refused(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "The Rencontres were held in Osaka in 2014.")])
    answer = make(settings, chat).answer("Where were the Rencontres held in 2014?")
    assert answer.mode == "refused" and "Osaka" in (answer.notice or "")


def test_a_reply_in_the_wrong_language_is_translated_then_checked_again(settings: Settings) -> None:
    chat = FakeChatModel(
        [
            grounded("Takamatsu", "Les Rencontres ont eu lieu à Takamatsu en 2014."),
            "The Rencontres were held in Takamatsu in 2014.",
        ]
    )
    answer = make(settings, chat).answer("Where were the Rencontres held in 2014?")
    assert answer.mode == "answer" and answer.text == "The Rencontres were held in Takamatsu in 2014. [1]"
    assert "English" in chat.calls[1][0]["content"]


def test_nothing_the_model_writes_is_shown_before_it_is_checked(settings: Settings) -> None:
    invented = grounded("Takamatsu", "Les Rencontres ont eu lieu à Osaka en 2014.")
    events = list(make(settings, FakeChatModel([invented])).answer_events("Où ont eu lieu les Rencontres en 2014 ?"))
    *streamed, final = events
    assert isinstance(final, Final) and final.answer.mode == "refused"
    assert all("Osaka" not in repr(e) for e in streamed)  # only progress and the named source sentences
    assert {type(e) for e in streamed} <= {Progress, Evidence}


def test_quote_only_says_the_named_sentence_not_the_model_words(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "Les Rencontres se tiennent à Takamatsu depuis 2014.")])
    answer = make(settings, chat).answer("Où ont eu lieu les Rencontres en 2014 ?", quote_only=True)
    assert answer.mode == "quoted" and "depuis 2014" not in answer.text
    assert "Takamatsu en 2014" in answer.text and answer.citations
    english = make(settings, chat).answer("Where were the Rencontres held in 2014?", quote_only=True)
    assert english.mode == "quoted" and english.citations  # the caller translates what it keeps of it
    assert message("machine_translation", "en") not in english.text


def test_a_sentence_whose_named_evidence_is_not_at_its_offsets_is_dropped_the_rest_kept(settings: Settings) -> None:
    def reply(messages: list[dict[str, str]]) -> str:
        ids = f"{sentence_id(messages, 'Takamatsu')} {sentence_id(messages, 'hydrogène')}"
        said = "Les Rencontres ont eu lieu à Takamatsu en 2014. Un atelier a porté sur l'hydrogène."
        return f"EVIDENCE: {ids}\nANSWER: {said}"

    assistant = make(settings, FakeChatModel([reply] * 2))
    question = "Où ont eu lieu les Rencontres en 2014 et sur quoi portait un atelier ?"
    assert "hydrogène" in assistant.answer(question).text
    stored, history = assistant.catalog.text, doc_id_for("rencontres.txt")
    # The history's text changed under the index: its sentence's offsets hold something else.
    assistant.catalog.text = lambda d: ("Préambule.\n" if d == history else "") + stored(d)  # type: ignore[method-assign]
    answer = assistant.answer(question)
    assert "Takamatsu" not in answer.text  # its evidence does not verify: dropped, not shown uncited
    assert answer.text == "Un atelier a porté sur l'hydrogène. [1]"
    assert [c.source for c in answer.citations] == ["ateliers.md"]


def test_an_answer_whose_named_sentence_is_not_at_its_offsets_is_not_shown(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "Les Rencontres ont eu lieu à Takamatsu en 2014.")] * 2)
    assistant = make(settings, chat)
    assert assistant.answer("Où les Rencontres ont-elles eu lieu ?").mode == "answer"
    stored = assistant.catalog.text
    assistant.catalog.text = lambda doc_id: "Préambule.\n" + stored(doc_id)  # type: ignore[method-assign]
    answer = assistant.answer("Où les Rencontres ont-elles eu lieu ?")
    assert answer.mode == "refused" and answer.citations == () and "Takamatsu" not in answer.text


def test_a_second_reading_that_says_no_refuses_an_answer_the_checks_passed(settings: Settings) -> None:
    # Every word of the reply stands in the named sentence: only a reading of the sentence apart finds
    # that it does not say a mayor greeted the young (M. Dupont is a deputy).
    reply = grounded("Dupont", "Le maire M. Dupont a salué les jeunes.")
    question = "Quel maire a salué les jeunes ?"
    passed = make(settings, FakeChatModel([reply])).answer(question)
    chat = FakeChatModel([reply], readings=["NO"])
    answer = make(settings, chat).answer(question)
    assert passed.mode == "answer"
    assert answer.mode == "refused" and answer.citations == ()
    assert answer.notice == "the named sentences do not give the answer"
    assert answer.dropped_sentences == ("Le maire M. Dupont a salué les jeunes.",)
    # It reads the question and the sentence the model named, not the reply.
    shown = chat.reading_calls[0][-1]["content"]
    assert question in shown and "adjoint au maire" in shown and "Le maire M. Dupont" not in shown


def test_a_second_reading_that_says_neither_yes_nor_no_refuses(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "À Takamatsu.")], readings=["Peut-être."])
    answer = make(settings, chat).answer("Où les Rencontres ont-elles eu lieu ?")
    assert answer.mode == "refused"


def test_the_second_reading_can_be_turned_off_and_is_not_asked_of_quotes(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "À Takamatsu.")], readings=["NO"])
    answer = make(settings, chat, second_reading=False).answer("Où les Rencontres ont-elles eu lieu ?")
    assert answer.mode == "answer" and chat.reading_calls == []
    chat = FakeChatModel([grounded("Takamatsu", "À Takamatsu.")], readings=["NO"])
    events = list(make(settings, chat).answer_events("Où ont eu lieu les Rencontres en 2014 ?", quote_only=True))
    final = events[-1]
    assert isinstance(final, Final) and final.answer.mode == "quoted" and chat.reading_calls == []


def test_a_reply_that_asserts_nothing_checkable_is_shown_as_its_quote(settings: Settings) -> None:
    question = "Que s'est-il passé lors des Rencontres de 2014 ?"
    vague = grounded("Takamatsu", "Les Rencontres de 2014 ont été un moment important d'échanges.")
    assert make(settings, FakeChatModel([vague]), quote_unchecked=False).answer(question).mode == "answer"
    answer = make(settings, FakeChatModel([vague])).answer(question)
    assert answer.mode == "quoted" and "Takamatsu en 2014" in answer.text
    assert answer.dropped_sentences == ("Les Rencontres de 2014 ont été un moment important d'échanges.",)
    # A claim beyond the question's own words (a city) is checked, and shown in the model's words.
    checked = make(settings, FakeChatModel([grounded("Takamatsu", "Elles ont eu lieu à Takamatsu.")]))
    assert checked.answer(question).mode == "answer"


def test_a_quote_translation_that_changes_a_number_is_left_out_and_the_others_shown() -> None:
    from assistant.answer.quoting import quoted_block

    quotes = ["Les 7es Rencontres se sont tenues en 2022.", "Elles ont réuni quatorze collectivités japonaises."]
    translations = {
        "« Les 7es Rencontres se sont tenues en 2022. »": "The 7th meetings were held in 2021.",  # a changed year
        "« Elles ont réuni quatorze collectivités japonaises. »": "They brought together 14 Japanese authorities.",
    }
    text = quoted_block("The sources say (in French):", quotes, [1, 2], "en", translations.__getitem__)
    *shown, blank, translated = text.splitlines()
    assert shown == ["The sources say (in French):", f"« {quotes[0]} » [1]", f"« {quotes[1]} » [2]"] and blank == ""
    assert translated == "Machine translation, not checked: They brought together 14 Japanese authorities. [2]"


def test_a_japanese_quote_translation_naming_another_place_is_left_out() -> None:
    from assistant.answer.quoting import quoted_block

    quotes = [
        "Les Rencontres ont eu lieu à Nancy en 2008.",
        "Elles réunissent des collectivités françaises et japonaises.",
        "La 8e édition s'est tenue à Shizuoka.",
    ]
    translations = {
        "« Les Rencontres ont eu lieu à Nancy en 2008. »": "会議は2008年に奈良で開催されました。",  # Nara
        "« Elles réunissent des collectivités françaises et japonaises. »": "ロシアと日本の自治体が集まります。",
        "« La 8e édition s'est tenue à Shizuoka. »": "第8回は静岡で開催されました。",  # Shizuoka, kept
    }
    text = quoted_block("資料の記述：", quotes, [1, 2, 3], "ja", translations.__getitem__)
    assert text.splitlines()[-1] == f"{message('machine_translation', 'ja')} 第8回は静岡で開催されました。 [3]"
    right = {
        **translations,
        "« Les Rencontres ont eu lieu à Nancy en 2008. »": "会議は2008年にナンシーで開催されました。",
    }
    assert "ナンシー" in quoted_block("資料の記述：", quotes[:1], [1], "ja", right.__getitem__)


def test_a_japanese_quote_translation_in_chinese_forms_is_left_out() -> None:
    from assistant.answer.quoting import quoted_block

    quote = "Les participants ont proposé des initiatives pour une société décarbonée."
    chinese = {f"« {quote} »": "参加者は低碳社会のための取り組みを提案しました。"}  # 碳: Japanese writes 炭
    japanese = {f"« {quote} »": "参加者は脱炭素社会のための取り組みを提案しました。"}
    assert message("machine_translation", "ja") not in quoted_block("資料：", [quote], [1], "ja", chinese.__getitem__)
    assert "脱炭素社会" in quoted_block("資料：", [quote], [1], "ja", japanese.__getitem__)


def test_a_japanese_translation_with_a_made_up_foreign_name_is_left_out() -> None:
    from assistant.answer.quoting import translated_quote

    quote = "« Les 7es Rencontres se sont tenues à Aix-en-Provence, en Champagne-Ardenne. »"  # not a fact: a test
    made_up = (
        "第7回の会議はシャンパーニュ・アルデンヌのアIX・エン・プロヴェッジで開催されました。"  # UniDic: common nouns
    )
    assert translated_quote(lambda q: made_up, quote, "ja") == ""
    right = "第7回の会議はシャンパーニュ・アルデンヌのAix-en-Provenceで開催されました。"  # a name word by word, kept
    assert translated_quote(lambda q: right, quote, "ja") == right


@pytest.mark.parametrize(
    ("translation", "language", "kept"),
    [
        ("第7回会議は2022年10月3日から6日に自治体の間で開催されました。", "ja", False),
        ("第7回会議は2022年10月3日から6日までAix-en-Provenceで開催されました。", "ja", True),
        ("The 7th Rencontres were held from 3 to 6 October 2022 by French and Japanese authorities.", "en", False),
        ("The 7th Rencontres were held in Aix-en-Provence from 3 to 6 October 2022.", "en", True),
    ],
)
def test_a_translation_that_drops_the_place_its_quote_names_is_left_out(
    translation: str, language: str, kept: bool
) -> None:
    from assistant.answer.quoting import translated_quote

    quote = "Les 7es Rencontres se sont tenues à Aix-en-Provence du 3 au 6 octobre 2022."
    assert translated_quote(lambda q: translation, quote, language) == (translation if kept else "")


@pytest.mark.parametrize(
    ("translation", "language", "kept"),
    [
        ("会議は、両国の自治体が政策を共有する場となりました。", "ja", True),  # 両国: the two countries
        ("The meetings became a forum for the local authorities of both countries.", "en", True),
        ("The meetings became a forum for local authorities.", "en", False),  # the two countries dropped
        ("The meetings became a forum for the three countries' authorities.", "en", False),
    ],
)
def test_both_and_its_japanese_say_two_in_a_translation(translation: str, language: str, kept: bool) -> None:
    from assistant.answer.quoting import translated_quote

    quote = "Les Rencontres sont devenues un forum pour les collectivités locales des deux pays."
    assert translated_quote(lambda q: translation, quote, language) == (translation if kept else "")


def test_a_japanese_translation_withheld_is_tried_again_through_english_each_step_checked() -> None:
    from assistant.answer.quoting import quoted_block

    quotes = ["Elles réunissent des collectivités françaises et japonaises.", "Elles ont commencé en 2008."]
    japanese = {  # the model's Japanese, from French (wrong country, withheld) and from English
        "« Elles réunissent des collectivités françaises et japonaises. »": "ロシアと日本の自治体が集まります。",
        "They bring together French and Japanese authorities.": "フランスと日本の自治体が集まります。",
        "« Elles ont commencé en 2008. »": "2007年に始まりました。",
        "They began in 2007.": "2007年に始まりました。",
    }
    english = {
        "« Elles réunissent des collectivités françaises et japonaises. »": (
            "They bring together French and Japanese authorities."
        ),
        "« Elles ont commencé en 2008. »": "They began in 2007.",  # wrong in English already: not sent on
    }
    asked: list[str] = []

    def to_japanese(text: str) -> str:
        asked.append(text)
        return japanese[text]

    text = quoted_block("資料の記述：", quotes, [1, 2], "ja", to_japanese, to_english=english.__getitem__)
    label = message("machine_translation", "ja")
    assert text.splitlines()[-1] == f"{label} フランスと日本の自治体が集まります。 [1]"
    assert "They began in 2007." not in asked
    # without ``to_english`` (a chat answer) the first translation is all there is
    assert text.splitlines()[-1] not in quoted_block("資料の記述：", quotes, [1, 2], "ja", to_japanese)


def test_a_quote_translation_caught_in_a_loop_is_left_out() -> None:
    from assistant.answer.quoting import translated_quote

    caption = "« Photo de groupe des représentants de chaque collectivité »"
    assert translated_quote(lambda q: "代表者団体の" * 40, caption, "ja") == ""
    longer = "各自治体は、関連関係のない地域でも、関連関係のある地域でも、" * 8  # a 26-character turn
    assert translated_quote(lambda q: longer, caption, "ja") == ""
    # a 50-character clause three times, not in a row: a loop cut by the token limit (recorded, 2026-12)
    clause = "文化的交流と相互理解を通じて、さまざまな価値を学び、未来の Leadersとしての視点を深めるために、"
    assert translated_quote(lambda q: f"「- 青年人は、{clause * 3}文化的交流", caption, "ja") == ""
    assert translated_quote(lambda q: "各自治体の代表者の集合写真", caption, "ja") == "各自治体の代表者の集合写真"
    twice = "各自治体の代表者と職員の集合写真、そして各自治体の代表者と職員の集合写真"  # twice is no loop
    assert translated_quote(lambda q: twice, caption, "ja") == twice


def test_a_follow_up_is_checked_on_the_year_it_asked_even_when_its_rewriting_drops_it(settings: Settings) -> None:
    rewritten = "Quelles villes ont accueilli les Rencontres ?"  # the rewriting lost "2016"
    chat = FakeChatModel([grounded("Nancy", "Les Rencontres ont eu lieu à Nancy.", standalone=rewritten)])
    history = [("Où ont eu lieu les Rencontres en 2014 ?", "À Takamatsu.")]
    answer = make(settings, chat).answer("Et en 2016 ?", history=history)
    assert answer.standalone_question == rewritten
    assert answer.mode == "refused" and "Nancy" not in answer.text


def test_a_bare_value_is_shown_with_the_sentence_it_comes_from(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "2014.")])
    answer = make(settings, chat).answer("En quelle année les Rencontres ont-elles eu lieu à Takamatsu ?")
    assert answer.mode == "answer"
    first, quote = answer.text.splitlines()
    assert first == "2014. [1]" and quote.startswith("« ") and "Takamatsu en 2014" in quote and quote.endswith("» [1]")
    assert quote.count("«") == 1 and quote.count("»") == 1
    assert answer_json(answer)["answer"] == answer.text  # the CLI, the JSON and the app show the same text


def test_every_part_of_a_multi_part_question_is_answered_or_the_sources_are_quoted(settings: Settings) -> None:
    question = "En quelle année et où les Rencontres ont-elles eu lieu pour la première fois ?"
    part = make(settings, FakeChatModel([grounded("Nancy", "Elles ont eu lieu en 2008.")])).answer(question)
    assert part.mode == "quoted" and "Nancy en 2008" in part.text  # the place is in the quote, not left out
    whole = make(settings, FakeChatModel([grounded("Nancy", "Elles ont eu lieu à Nancy en 2008.")])).answer(question)
    assert whole.mode == "answer" and whole.text.startswith("Elles ont eu lieu à Nancy en 2008.")


def test_a_japanese_answer_names_its_place_in_japanese(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "2014年の会議は高松で開催されました。")])
    answer = make(settings, chat).answer("2014年の会議はどこで開催されましたか？")
    assert answer.mode == "answer" and "高松" in answer.text


def test_a_japanese_place_the_sources_do_not_name_is_not_shown_as_the_answer(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Nancy", "最初の会議は奈良で開催されました。")])  # Nara, for Nancy
    answer = make(settings, chat).answer("最初の会議はどこで開催されましたか？")
    assert answer.mode != "answer" and "奈良で開催" not in answer.text.split("\n")[0]


def test_a_count_of_something_else_than_the_question_counts_is_refused(settings: Settings) -> None:
    """Asked how many people, the model gave the number of countries its sentence writes."""
    asked_people = make(settings, FakeChatModel([grounded("deux pays", "2")]))
    answer = asked_people.answer("Combien de personnes participent aux échanges de jeunes ?")
    assert answer.mode == "refused" and "counts something else" in (answer.notice or "")
    asked_countries = make(settings, FakeChatModel([grounded("deux pays", "2")]))
    assert asked_countries.answer("Combien de pays participent aux échanges de jeunes ?").mode != "refused"


def numbered(messages: list[dict[str, str]]) -> list[str]:
    """The sentences a grounded prompt numbered, without their ids."""
    lines = messages[-1]["content"].splitlines()
    return [line.split(": ", 1)[1] for line in lines if line.startswith("S") and ": " in line]


def grounded_prompts(chat: FakeChatModel) -> list[list[str]]:
    return [numbered(c) for c in chat.calls if "\nS1: " in c[-1]["content"]]


@pytest.fixture
def workshops(settings: Settings, tmp_path: Path) -> Settings:
    """Five sentences about workshops, of which 200 characters are shown at a time."""
    corpus = one_document(
        tmp_path / "workshops",
        "ateliers.md",
        "# Ateliers\n\nL'atelier du matin a réuni les participants dans la grande salle. L'atelier du soir a "
        "réuni les élus autour du maire. L'atelier de Kobe portait sur le tourisme durable et les sentiers. "
        "L'atelier final a conclu les travaux par une synthèse. L'atelier des jeunes a eu lieu au lycée.\n",
    )
    return settings.model_copy(update={"corpus_dir": corpus, "context_chars": 200})


RESTATED = "EVIDENCE: S1\nANSWER: L'atelier de Kobe portait."


def test_a_reply_that_restates_the_question_is_asked_once_more_of_the_sentences_not_shown(workshops: Settings) -> None:
    def reply(messages: list[dict[str, str]]) -> str:  # restated first, then the next window's first sentence
        return RESTATED if len(grounded_prompts(chat)) == 1 else f"EVIDENCE: S1\nANSWER: {numbered(messages)[0]}"

    chat = FakeChatModel([reply])
    answer = make(workshops, chat).answer("Sur quoi portait l'atelier de Kobe ?")
    first, second = grounded_prompts(chat)
    assert second and not set(first) & set(second)  # the next closest sentences, none shown before
    assert not answer.refused and answer.citations[0].quote == second[0]


def test_a_reply_that_restates_the_question_twice_is_refused(workshops: Settings) -> None:
    chat = FakeChatModel([RESTATED])
    answer = make(workshops, chat).answer("Sur quoi portait l'atelier de Kobe ?")
    assert answer.mode == "refused" and answer.notice == "the reply only restates the question"
    assert len(grounded_prompts(chat)) == 2


def test_a_reply_that_names_only_headings_is_asked_once_more_of_the_sentences_not_shown(workshops: Settings) -> None:
    def reply(messages: list[dict[str, str]]) -> str:  # a heading and a paraphrase, then the next window's first
        if len(grounded_prompts(chat)) == 1:
            heading = sentence_id(messages, "# Ateliers")
            return f"EVIDENCE: {heading}\nANSWER: L'atelier de Kobe portait sur bien des sujets."
        return f"EVIDENCE: S1\nANSWER: {numbered(messages)[0]}"

    chat = FakeChatModel([reply])
    answer = make(workshops, chat).answer("Sur quoi portait l'atelier de Kobe ?")
    first, second = grounded_prompts(chat)
    assert "# Ateliers" in first and not set(first) & set(second)
    assert not answer.refused and answer.citations[0].quote == second[0]
