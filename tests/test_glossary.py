from __future__ import annotations

from assistant.answer.quoting import translate
from assistant.text.glossary import terms
from tests.fakes import FakeChatModel

DECLARATION = (
    "Les Rencontres franco-japonaises de la coopération décentralisée réunissent des collectivités "
    "locales autour d'un développement durable et inclusif ; chaque collectivité y présente ses ateliers."
)


def test_the_terms_a_text_holds_are_named_with_their_english_form_once() -> None:
    assert terms(DECLARATION) == [
        (
            "Rencontres franco-japonaises de la coopération décentralisée",
            "Franco-Japanese Decentralised Cooperation Meetings",
        ),
        ("développement durable", "sustainable development"),
        ("collectivités locales", "local authorities"),  # « collectivité » after it: once
        ("ateliers", "workshop"),
        ("inclusif", "inclusive"),
    ]  # « coopération décentralisée » and « durable », inside longer terms, are named with them
    assert terms("Le port de Lyon.") == []


def test_an_english_translation_prompt_names_the_forms_of_its_texts_terms_a_japanese_one_does_not() -> None:
    model = FakeChatModel(["Each local authority will act."])
    assert translate(model, "Chaque collectivité agira pour un territoire durable et solidaire.", "en", max_tokens=50)
    prompt = model.calls[0][0]["content"]
    assert "« collectivité » → local authorities" in prompt
    assert "« durable » → sustainable" in prompt
    translate(model, "Le port de Lyon.", "en", max_tokens=50)
    assert "Translate these terms" not in model.calls[1][0]["content"]
    translate(model, "Les collectivités locales actrices de l'environnement", "en", max_tokens=50)  # a title
    assert "Translate these terms" not in model.calls[-1][0]["content"]
    translate(model, "Chaque collectivité agira pour un territoire durable et solidaire.", "ja", max_tokens=50)
    japanese = model.calls[3][0]["content"]
    assert (
        "Translate these terms" not in japanese
        and "« collectivité » is a local authority (in Japanese: 自治体)" in japanese
    )


def test_a_society_is_not_a_company_policies_not_politics_and_a_title_is_told_its_one_word_terms_only() -> None:
    assert terms("Une société responsable et respectueuse de tous") == [("société", "society")]
    assert terms("La société d'économie mixte et la société publique locale") == []  # companies, those
    assert terms("partager les politiques des villes") == [("politiques", "policies")]
    assert terms("les partis politiques et le dialogue politique") == []  # adjectives
    model = FakeChatModel(["Society"])
    translate(model, "Société", "en", max_tokens=20)  # a workshop's heading
    assert "« Société » → society" in model.calls[-1][0]["content"]
    translate(model, "Une société durable pour les collectivités locales", "en", max_tokens=20)  # a title
    prompt = model.calls[-1][0]["content"]
    assert "« société » → society" in prompt and "« durable » → sustainable" in prompt
    assert "local authorities" not in prompt  # a term of two words: the model answered with it alone


def test_a_japanese_translation_prompt_says_a_societe_is_a_society_only_where_the_text_holds_one() -> None:
    model = FakeChatModel(["社会"])
    translate(model, "Société", "ja", max_tokens=20)
    assert "« société » here is a society (in Japanese: 社会)" in model.calls[-1][0]["content"]
    translate(model, "La société d'économie mixte de Lyon.", "ja", max_tokens=20)  # a company
    assert "社会" not in model.calls[-1][0]["content"]
