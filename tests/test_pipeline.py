from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer.shapes import answer_json
from assistant.config import Settings
from assistant.errors import ModelError, QuestionError
from assistant.pipeline import Assistant
from tests.fakes import FakeChatModel, FakeEmbedder, grounded, one_document, sentence_id

TAKAMATSU = grounded("Takamatsu", "Les Rencontres ont eu lieu à Takamatsu en 2014.")


def make(settings: Settings, chat: FakeChatModel | None) -> Assistant:
    assistant = Assistant(settings, embedder=FakeEmbedder(), chat_model=chat)
    assistant.index()
    return assistant


def test_the_answer_language_follows_the_question(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "The Rencontres were held in Takamatsu in 2014.")])
    answer = make(settings, chat).answer("Where were the Rencontres held in 2014?")
    assert answer.language == "en" and chat.calls[0][-1]["content"].rstrip().endswith("Answer in English.")
    assert not answer.refused and answer.citations


def test_an_invented_answer_becomes_a_refusal(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Nancy", "Les 9es Rencontres auront lieu à Lyon en 2026.")])
    answer = make(settings, chat).answer("Où auront lieu les 9es Rencontres en 2026 ?")
    assert answer.refused and answer.citations == ()
    assert answer.text == "Les documents disponibles ne répondent pas à cette question."
    assert answer.dropped_sentences == ("Les 9es Rencontres auront lieu à Lyon en 2026.",)
    assert answer_json(answer)["see_also"]  # the closest passages, offered as such


def test_a_failing_model_gives_labelled_extracts(settings: Settings) -> None:
    answer = make(settings, FakeChatModel(error=ModelError("boom"))).answer("Takamatsu en 2014 ?")
    assert answer.extractive and not answer.refused and answer.notice == "boom"
    text = (settings.corpus_dir / "rencontres.txt").read_text(encoding="utf-8")
    assert all(text[c.start : c.end] == c.quote for c in answer.citations)
    assert answer.text.startswith("Extraits des sources")


def test_without_a_model_answers_are_extracts(settings: Settings) -> None:
    answer = make(settings, None).answer("Takamatsu en 2014 ?")
    assert answer.extractive and "Takamatsu" in answer.text


def test_a_follow_up_is_rewritten_before_retrieval(settings: Settings) -> None:
    chat = FakeChatModel(["Où ont eu lieu les Rencontres en 2014 ?", TAKAMATSU])
    answer = make(settings, chat).answer(
        "Et en 2014 ?", history=[("Où ont eu lieu les Rencontres en 2008 ?", "À Nancy.")]
    )
    assert answer.standalone_question == "Où ont eu lieu les Rencontres en 2014 ?"
    assert "Où ont eu lieu les Rencontres en 2008 ?" in chat.calls[0][1]["content"]
    assert not answer.refused and "Takamatsu" in answer.text


def test_json_has_the_documented_shape(settings: Settings) -> None:
    chat = FakeChatModel([TAKAMATSU])
    data = answer_json(make(settings, chat).answer("Où ont eu lieu les Rencontres en 2014 ?"))
    assert {"question", "language", "answer", "refused", "citations", "timings_ms"} <= set(data)
    assert set(data["timings_ms"]) == {"retrieval", "first_token", "total"}
    assert set(data["citations"][0]) == {"n", "doc_id", "title", "source", "start", "end", "quote", "passage"}


@pytest.mark.parametrize("question", ["", " " * 3])
def test_an_empty_question_is_an_error(settings: Settings, question: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        make(settings, FakeChatModel()).answer(question)


def test_a_standalone_question_in_a_conversation_is_not_rewritten(settings: Settings) -> None:
    chat = FakeChatModel([TAKAMATSU])
    answer = make(settings, chat).answer(
        "Où ont eu lieu les Rencontres de la coopération en 2014 ?", history=[("Qui est M. Dupont ?", "Un adjoint.")]
    )
    assert answer.standalone_question is None and len(chat.calls) == 1  # one call: the answer, no rewrite


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("Et en 2014 ?", True),
        ("Who hosted it?", True),
        ("Quand le jumelage a-t-il été signé à Tsukuba ?", False),
        ("What was the theme of the 2024 Rencontres?", False),
    ],
)
def test_follow_ups_are_told_from_standalone_questions(question: str, follow_up: bool) -> None:
    from assistant.text.language import looks_like_follow_up

    assert looks_like_follow_up(question, "en") is follow_up


def test_an_introduction_brings_the_list_it_introduces(settings: Settings, tmp_path: Path) -> None:
    # One document, one retrieved passage: only the introduction's chunk can reach the model by
    # ranking (it alone shares a word with the question). With chunks of 200 characters the items
    # stand in other chunks, so they can only come in through their introduction.
    corpus = one_document(
        tmp_path / "programme",
        "programme.md",
        "# Programme\n\nLes Rencontres ont proposé trois ateliers, sur les thèmes suivants :\n\n"
        "## Hydrogène et bus propres\n\n## Jeunesse et écoles\n\n## Eau et rivières\n\n"
        + "Chaque collectivité a ensuite présenté ses projets en détail, avec ses partenaires. "
        * 3,
    )

    def reply(messages: list[dict[str, str]]) -> str:
        ids = f"{sentence_id(messages, 'thèmes suivants')} {sentence_id(messages, 'Hydrogène')}"
        return f"EVIDENCE: {ids}\nANSWER: Les ateliers portaient sur l'hydrogène et les bus propres."

    chat = FakeChatModel([reply])
    assistant = make(settings.model_copy(update={"corpus_dir": corpus, "top_k": 1, "answer_passages": 1}), chat)
    answer = assistant.answer("Quels ateliers ?")
    prompt = chat.calls[0][-1]["content"]
    assert "thèmes suivants :" in prompt
    assert all(item in prompt for item in ("Hydrogène et bus propres", "Jeunesse et écoles", "Eau et rivières"))
    assert prompt.index("thèmes suivants :") < prompt.index("Hydrogène et bus propres")
    # The item is cited with its own chunk as passage, the quote inside it.
    (item,) = [c for c in answer.citations if "Hydrogène et bus propres" in c.quote]
    assert "thèmes suivants" not in item.passage.chunk.text
    assert item.passage.chunk.start <= item.start and item.end <= item.passage.chunk.end


def test_an_introduction_to_prose_brings_nothing(settings: Settings) -> None:
    long_sentence = (
        "Le texte adopté rappelle " + "les engagements pris par chaque ville partenaire, " * 6 + "sans exception."
    )
    (settings.corpus_dir / "declaration.md").write_text(
        f"# Déclaration\n\nLes jeunes ont adopté la déclaration suivante :\n\n{long_sentence}\n", encoding="utf-8"
    )
    chat = FakeChatModel([grounded("déclaration suivante", "Les jeunes ont adopté une déclaration.")])
    # A budget too small for the long sentence: only the introduction could bring it in.
    make(settings.model_copy(update={"context_chars": 200}), chat).answer("Qu'ont adopté les jeunes ?")
    prompt = chat.calls[0][-1]["content"]
    assert "déclaration suivante :" in prompt and "sans exception" not in prompt


def test_names_from_a_list_are_kept_when_its_introduction_supports_the_answer(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = one_document(
        tmp_path / "programme",
        "programme.md",
        "# Programme\n\nLes Rencontres de 2014 ont proposé deux ateliers :\n\n## Atelier Kobe\n\n## Atelier Lyon\n\n"
        + "Chaque collectivité a ensuite présenté ses projets en détail, avec ses partenaires. " * 3,
    )

    def reply(messages: list[dict[str, str]]) -> str:
        ids = " ".join(sentence_id(messages, w) for w in ("deux ateliers", "Kobe", "Lyon"))
        said = "Les Rencontres de 2014 ont proposé deux ateliers : Atelier Kobe et Atelier Lyon."
        return f"EVIDENCE: {ids}\nANSWER: {said}"

    chat = FakeChatModel([reply])
    assistant = make(settings.model_copy(update={"corpus_dir": corpus, "top_k": 1, "answer_passages": 1}), chat)
    answer = assistant.answer("Quels ateliers en 2014 ?")
    # No source sentence names Kobe or Lyon beside 2014: the introduction ties them to the question.
    assert not answer.refused and "Atelier Kobe et Atelier Lyon" in answer.text
    quotes = [c.quote for c in answer.citations]
    assert any(q.endswith("Atelier Kobe") for q in quotes) and any(q.endswith("Atelier Lyon") for q in quotes)


def test_the_extracts_are_in_reading_order_whatever_the_ranking(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = FakeChatModel(["EVIDENCE: NONE\nANSWER: NOT_IN_SOURCES"])
    assistant = make(settings, chat)
    question = "Les jeunes, l'eau et Takamatsu ?"
    assistant.answer(question)
    ranked = assistant.retriever.search
    monkeypatch.setattr(assistant.retriever, "search", lambda *a, **k: list(reversed(ranked(*a, **k))))
    assistant.answer(question)
    first, second = (call[1]["content"] for call in chat.calls)
    assert first == second and "S2:" in first
    # ateliers.md before rencontres.txt, and within a document by offset
    assert first.index("atelier") < first.index("Takamatsu")


def test_a_document_another_process_adds_is_listed_on_the_next_reading(settings: Settings, tmp_path: Path) -> None:
    app = Assistant(settings, embedder=FakeEmbedder(), chat_model=None)
    app.index()
    before = {d["source"] for d in app.documents()}
    note = tmp_path / "note.md"
    note.write_text("# Jumelage\n\nLa ville de Tottori coopère avec la ville de Nancy depuis 2019.\n", encoding="utf-8")
    Assistant(settings, embedder=FakeEmbedder(), chat_model=None).add_documents([note])  # `assistant add`
    assert {d["source"] for d in app.documents()} - before == {"note.md"}
