"""Answers of the kind their question asks for: a date, a count, a person or body, a theme."""

from __future__ import annotations

from assistant.answer.kinds import checked_by_model, missing_values, named_kind
from assistant.config import Settings
from assistant.text.questions import asks_for_person, asks_for_title
from tests.fakes import FakeChatModel, sentence_id
from tests.test_evidence_answers import grounded, make


def test_who_and_which_theme_are_read_in_three_languages_and_a_relative_qui_is_not_who() -> None:
    for question in [
        "Qui a pris la parole au nom de Kanazawa ?",
        "Par qui a-t-elle été animée ?",
        "Quand a-t-elle eu lieu, et qui l'a animée ?",
        "Who moderated the round table?",
        "開会式で挨拶したのは誰ですか？",
        "発表した人物の氏名を教えてください。",
    ]:
        assert asks_for_person(question), question
    assert not asks_for_person("Quelles villes qui ont accueilli les Rencontres sont japonaises ?")
    assert asks_for_title("Quel était le thème des Rencontres de 2014 ?") and asks_for_title("全体テーマは何でしたか？")
    assert asks_for_title("What was the overall theme chosen?") and not asks_for_title("Quels ateliers thématiques ?")
    assert checked_by_model("Who chose the theme?") == ["person", "title"]


def test_a_count_is_a_number_that_is_not_a_year_and_a_date_is_a_year_a_month_or_a_day() -> None:
    assert missing_values("En 2008.", "Combien de villes ont accueilli les Rencontres ?") == ["count"]
    assert missing_values("Huit villes.", "Combien de villes ont accueilli les Rencontres ?") == []
    assert missing_values("14 団体", "何団体が参加しましたか？") == []
    assert missing_values("Lors des 5es Rencontres.", "Quand la déclaration a-t-elle été adoptée ?") == ["date"]
    assert missing_values("On 21 October.", "When was the declaration adopted in 2022?") == []
    assert missing_values("In 1990.", "When did CLAIR Paris open?") == []
    assert missing_values("2022年10月", "いつ採択されましたか？") == []
    assert missing_values("毎年3回です。", "いつ開かれますか？") == ["date"]  # 年 of "every year" is no date
    assert missing_values("It may be adopted by 5 cities.", "When was it adopted?") == ["date"]
    assert missing_values("En 2022, 54 collectivités.", "Quand et combien ?") == []
    assert missing_values("En 2022.", "Quand et combien ?") == ["count"]


def test_an_amount_asked_for_is_a_number_in_three_languages() -> None:
    funded = "Il a été financé à parts égales par les deux collectivités."
    assert missing_values(funded, "Quel a été le budget de l'atelier d'Albi ?") == ["amount"]  # deux: no amount
    assert missing_values("12 000 euros.", "Quel a été le budget de l'atelier d'Albi ?") == []
    assert missing_values("It was shared by both cities.", "What was the cost of the visit?") == ["amount"]
    assert missing_values("無料でした。", "参加費はいくらでしたか？") == ["amount"]
    assert missing_values("5万円でした。", "参加費はいくらでしたか？") == []
    assert missing_values(funded, "Qui a financé le budget de l'atelier ?") == []  # asks who, not how much


def test_what_a_reply_names_is_one_word_of_the_list_or_other() -> None:
    assert named_kind(FakeChatModel(named=["PLACE"]), "À Takamatsu.") == "PLACE"
    assert named_kind(FakeChatModel(named=["a city"]), "À Takamatsu.") == "OTHER"


def test_asked_who_a_reply_naming_a_place_is_quoted_and_a_body_answers(settings: Settings) -> None:
    question = "Qui a accueilli les Rencontres en 2014 ?"
    place = FakeChatModel([grounded("Takamatsu", "À Takamatsu en 2014.")], named=["PLACE"])
    answer = make(settings, place).answer(question)
    assert answer.mode == "quoted" and "asks for a person" in (answer.notice or "")
    assert "Takamatsu en 2014" in answer.citations[0].quote and len(place.kind_calls) == 1
    body = FakeChatModel([grounded("Takamatsu", "La ville de Takamatsu, en 2014.")], named=["ORGANISATION"])
    answer = make(settings, body).answer(question)
    assert answer.mode == "answer" and answer.text.startswith("La ville de Takamatsu")


def test_a_question_asking_where_or_when_as_well_is_not_typed_by_the_model(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "Takamatsu, en 2014.")], named=["PLACE"])
    answer = make(settings, chat).answer("Qui a accueilli les Rencontres, et où, en 2014 ?")
    assert chat.kind_calls == [] and answer.mode == "answer"


def test_a_heading_the_model_names_is_not_quoted_as_a_statement(settings: Settings) -> None:
    def reply(messages: list[dict[str, str]]) -> str:
        ids = [sentence_id(messages, "Historique des Rencontres"), sentence_id(messages, "Takamatsu en 2014")]
        return f"EVIDENCE: {', '.join(ids)}\nANSWER: À Takamatsu en 2014."

    assistant = make(settings, FakeChatModel([reply]))
    answer = assistant.answer("Où ont eu lieu les Rencontres en 2014 ?", quote_only=True)
    assert answer.mode == "quoted" and [c.quote for c in answer.citations if "Historique" in c.quote] == []
    assert any("Takamatsu en 2014" in c.quote for c in answer.citations)
    headings = [s for s in assistant.catalog.sentences.values() if s.metadata.get("heading")]
    assert "Historique des Rencontres" in [s.text for s in headings]  # marked at index time, kept in the index
