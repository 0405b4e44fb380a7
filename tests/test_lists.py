"""Lists announced by the sources and answers that cut them short, on a fixture written for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.lists import announced, asks_for_list, items_given
from assistant.config import Settings
from assistant.pipeline import Assistant
from tests.fakes import FakeChatModel, FakeEmbedder, sentence_id

PROGRAMME = (
    "# Programme de 2014\n\nLes Rencontres de 2014 ont proposé trois ateliers :\n\n"
    "## Atelier Kobe\n\n## Atelier Lyon\n\n## Atelier Nara\n\n"
    + "Chaque collectivité a ensuite présenté ses projets en détail, avec ses partenaires. "
    * 3
)


def assistant_answering(
    settings: Settings, tmp_path: Path, answer: str, named: tuple[str, ...], *, document: str = PROGRAMME
) -> Assistant:
    corpus = tmp_path / "programme"
    corpus.mkdir(parents=True)
    (corpus / "programme.md").write_text(document, encoding="utf-8")

    def reply(messages: list[dict[str, str]]) -> str:
        return f"EVIDENCE: {' '.join(sentence_id(messages, w) for w in named)}\nANSWER: {answer}"

    s = settings.model_copy(update={"corpus_dir": corpus, "top_k": 1, "answer_passages": 1, "evidence_floor": -1.0})
    assistant = Assistant(s, embedder=FakeEmbedder(), chat_model=FakeChatModel([reply]))
    assistant.index()
    return assistant


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        ("Les Rencontres de 2014 ont proposé trois ateliers.", ("trois ateliers",)),  # the announcement alone
        ("Atelier Kobe et Atelier Lyon.", ("trois ateliers", "Kobe", "Lyon")),  # two of three
        # the announcement restated, its commas and "et" no items
        ("Les Rencontres de 2014 ont proposé trois ateliers, en 2014, et les ont proposés.", ("trois ateliers",)),
    ],
)
def test_a_list_cut_short_is_quoted_whole_not_shown_as_the_answer(
    settings: Settings, tmp_path: Path, answer: str, named: tuple[str, ...]
) -> None:
    found = assistant_answering(settings, tmp_path, answer, named).answer("Quels ateliers en 2014 ?")
    assert found.mode == "quoted"
    quotes = " ".join(c.quote for c in found.citations)
    assert all(item in quotes for item in ("trois ateliers", "Atelier Kobe", "Atelier Lyon", "Atelier Nara"))


def test_a_list_cut_short_from_a_sentence_that_holds_its_items_is_quoted_as_that_sentence(
    settings: Settings, tmp_path: Path
) -> None:
    """ "… quatre engagements : a, b, c et d." is whole by itself: quoted, not refused for lack of items below."""
    charter = (
        "# Charte\n\nLa charte signée à Annecy comporte quatre engagements : partager les données sur l'eau, "
        "former des techniciens, associer les écoles et publier un rapport commun.\n\n"
        + "Chaque collectivité a ensuite présenté ses projets en détail, avec ses partenaires. "
        * 3
    )
    answer = "Partager les données sur l'eau, former des techniciens et associer les écoles."
    assistant = assistant_answering(settings, tmp_path, answer, ("quatre engagements",), document=charter)
    found = assistant.answer("Quels engagements la charte d'Annecy comporte-t-elle ?")
    assert found.mode == "quoted" and "publier un rapport commun" in found.citations[0].quote
    stated = assistant_answering(
        settings, tmp_path / "b", "Quatre engagements.", ("quatre engagements",), document=charter
    )
    assert stated.answer("Quels engagements la charte d'Annecy comporte-t-elle ?").mode == "quoted"


def test_a_count_of_something_the_question_does_not_name_announces_no_list_of_it(
    settings: Settings, tmp_path: Path
) -> None:
    values = (
        "# Déclaration\n\nLa France et le Japon partagent des valeurs, la liberté, la démocratie et le droit. "
        "Les villes inscrivent leur action dans les 17 Objectifs de développement durable.\n\n"
        + "Chaque collectivité a ensuite présenté ses projets en détail, avec ses partenaires. "
        * 3
    )
    answer = "La liberté, la démocratie et le droit."
    assistant = assistant_answering(settings, tmp_path, answer, ("partagent", "17 Objectifs"), document=values)
    found = assistant.answer("Quelles valeurs la France et le Japon partagent-ils ?")
    assert found.mode != "refused" and "la liberté, la démocratie et le droit" in found.text  # not 3 of 17


def test_a_whole_list_is_an_answer(settings: Settings, tmp_path: Path) -> None:
    answer = "Atelier Kobe, Atelier Lyon et Atelier Nara."
    assistant = assistant_answering(settings, tmp_path, answer, ("trois ateliers", "Kobe", "Lyon", "Nara"))
    found = assistant.answer("Quels ateliers en 2014 ?")
    assert found.mode == "answer" and found.text.startswith(answer)


def test_a_count_question_is_not_a_list_question(settings: Settings, tmp_path: Path) -> None:
    found = assistant_answering(settings, tmp_path, "Trois ateliers.", ("trois ateliers",)).answer(
        "Combien d'ateliers en 2014 ?"
    )
    assert found.mode != "refused" and "trois ateliers" in " ".join(c.quote for c in found.citations)


def test_counts_lists_and_items_are_read_in_three_languages() -> None:
    assert announced("Trois ateliers thématiques ont été proposés (lire ci-dessous).") == 3
    assert announced("Les deux tables rondes ont offert une riche perspective.") == 2
    assert announced("The meeting had two round tables.") == 2
    assert announced("会議では3つのワークショップが行われた。") == 3
    assert announced("Elle s'est déroulée du 18 au 21 novembre 2024 à Shizuoka.") == 0
    assert asks_for_list("Quels ateliers ont eu lieu ?") and asks_for_list("Which workshops were held?")
    assert not asks_for_list("Quelle ville a accueilli les Rencontres en 2014 ?")
    assert items_given("Atelier Kobe et Atelier Lyon.") == 2 and items_given("Kobe、Lyon、Nara") == 3
    announcing = "Trois ateliers thématiques ont été proposés, visant à encourager les collectivités à innover."
    assert (
        items_given("Trois ateliers ont été proposés, visant à encourager les collectivités à innover.", announcing)
        == 0
    )


def test_an_introduction_is_quoted_with_the_items_it_announces_never_alone(settings: Settings, tmp_path: Path) -> None:
    assistant = assistant_answering(settings, tmp_path, "Trois ateliers.", ("trois ateliers",))
    found = assistant.answer("Que proposaient les Rencontres de 2014 ?", quote_only=True)  # as a speech asks
    quotes = [c.quote for c in found.citations]
    assert found.mode == "quoted" and quotes[0].endswith("trois ateliers :")
    assert all(any(item in q for q in quotes) for item in ("Atelier Kobe", "Atelier Lyon", "Atelier Nara"))


ANNOUNCED_ABOVE = (
    "# Les Rencontres de 2016\n\n"
    "Trois ateliers thématiques ont été proposés (lire ci-dessous), pour partager les savoir-faire.\n"
    "Les échanges ont permis d'envisager des solutions adaptées aux défis des collectivités des deux pays.\n\n"
    "Économie\n- Attractivité territoriale :\nCet atelier explorait les circuits courts et le soutien aux "
    "entreprises, avec des exemples venus des deux pays et des discussions nourries.\n\n"
    "Société\n- Cohésion et solidarité :\nLes discussions ont porté sur les jeunes et les personnes âgées, "
    "avec des exemples venus des deux pays et des discussions nourries.\n\n"
    "Environnement\n- Neutralité carbone :\nLes participants ont proposé des initiatives décarbonées, "
    "avec des exemples venus des deux pays et des discussions nourries.\n"
)
ITEMS = ("- Attractivité territoriale :", "- Cohésion et solidarité :", "- Neutralité carbone :")


def test_a_count_brings_the_first_lines_of_the_items_that_follow_it_and_they_answer(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "ateliers"
    corpus.mkdir()
    (corpus / "ateliers.md").write_text(ANNOUNCED_ABOVE, encoding="utf-8")

    def reply(messages: list[dict[str, str]]) -> str:
        named = " ".join(sentence_id(messages, w) for w in ("Attractivité", "Cohésion", "Neutralité"))
        return f"EVIDENCE: {named}\nANSWER: Attractivité territoriale, cohésion et solidarité, neutralité carbone."

    model = FakeChatModel([reply])
    s = settings.model_copy(update={"corpus_dir": corpus, "top_k": 1, "answer_passages": 1, "evidence_floor": -1.0})
    assistant = Assistant(s, embedder=FakeEmbedder(), chat_model=model)
    assistant.index()
    found = assistant.answer("Quels ateliers en 2016 ?")
    prompt = model.calls[0][-1]["content"]
    assert all(f": {item}\n" in prompt or prompt.endswith(item) or f" {item}\n" in prompt for item in ITEMS)
    assert "circuits courts" not in prompt  # the item's first line, not the paragraph under it
    reading = model.reading_calls[0][-1]["content"]
    assert "Trois ateliers" in reading  # the items are read again with what announced them
    quotes = " ".join(c.quote for c in found.citations)
    assert found.mode != "refused" and all(item in quotes for item in ITEMS), (found.text, quotes)


def catalog_of(settings: Settings, tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    corpus = tmp_path / "doc"
    corpus.mkdir()
    (corpus / "doc.md").write_text(text, encoding="utf-8")
    assistant = Assistant(settings.model_copy(update={"corpus_dir": corpus}), embedder=FakeEmbedder())
    assistant.index()
    return assistant.catalog


def announcement_items(settings: Settings, tmp_path: Path, text: str, first_words: str) -> list[str]:
    catalog = catalog_of(settings, tmp_path, text)
    (sentence,) = [s for s in catalog.sentences.values() if s.text.startswith(first_words)]
    return [i.text for i in catalog.items_after(sentence, count=announced(sentence.text), max_chars=4000)]


def test_the_items_of_a_count_are_one_list_its_sub_lists_skipped(settings: Settings, tmp_path: Path) -> None:
    text = (
        "Programme\n\nTrois ateliers ont été proposés, chacun avec ses conclusions.\n\n"
        "1. Économie locale\n\n- circuits courts ;\n\n- tourisme durable.\n\n"
        "2. Société inclusive\n\n- jeunesse ;\n\n- personnes âgées.\n\n3. Environnement\n"
    )
    items = announcement_items(settings, tmp_path, text, "Trois ateliers")
    assert items == ["1. Économie locale", "2. Société inclusive", "3. Environnement"]


def test_another_introduction_ends_the_search_for_a_counts_items(settings: Settings, tmp_path: Path) -> None:
    text = (
        "Programme\n\nLa ville a proposé deux tables rondes sur les politiques locales.\n\n"
        "La première a réuni les villes hôtes suivantes :\n\n- Nancy ;\n\n- Kanazawa.\n\n"
        "Les ateliers :\n\n1. Économie locale\n\n2. Société inclusive\n"
    )
    assert announcement_items(settings, tmp_path, text, "La ville a proposé") == []
