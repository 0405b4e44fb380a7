"""Speech drafts on the fixture corpus, with a fake model replaying grammar-shaped replies."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer.checking import claims
from assistant.config import Settings
from assistant.drafting import edition_answers
from assistant.drafting.speeches import QUOTED_SHARE, SAID, SpeechRequest, draft_speech, outlines, points_for
from assistant.errors import AssistantError
from assistant.export.speech import speech_json, speech_markdown, write_docx
from assistant.pipeline import Assistant
from assistant.text.language import message
from assistant.types import Answer, Chunk, Citation, Passage
from tests.fakes import FakeChatModel, FakeEmbedder, sentence_id

PURPOSE = "l'hydrogène et les mobilités propres"


def reply(messages: list[dict[str, str]]) -> str:
    """What the model would write to each question of the outline, naming the sentence it uses."""
    asked = messages[-1]["content"]
    if asked.startswith("Translate the following text"):  # word for word, every number kept
        return asked.split("\n\n", 1)[1]
    if "Que sont les Rencontres" in asked:
        return f"EVIDENCE: {sentence_id(messages, 'Nancy')}\nANSWER: Les Rencontres ont commencé à Nancy en 2008."
    if "résultats ou quels chiffres" in asked:  # a made-up figure: checked, dropped, never said
        return f"EVIDENCE: {sentence_id(messages, 'hydrogène')}\nANSWER: L'hydrogène a réduit les émissions de 40 %."
    if "hydrogène" in asked:
        said = "Un atelier a porté sur l'hydrogène et les mobilités propres."
        return f"EVIDENCE: {sentence_id(messages, 'hydrogène')}\nANSWER: {said}"
    return "EVIDENCE: NONE\nANSWER: NOT_IN_SOURCES"


@pytest.fixture
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings, embedder=FakeEmbedder(), chat_model=FakeChatModel([reply]))
    a.index()
    return a


def test_a_speech_follows_its_outline_and_footnotes_every_fact(assistant: Assistant) -> None:
    request = SpeechRequest(PURPOSE, occasion="signing", minutes=3, language="fr")
    speech = draft_speech(assistant, request)
    parts = [s.part for s in speech.sections]
    assert parts[:2] == ["greeting", "opening"] and parts[-1] == "thanks" and "context" in parts
    assert speech.sections[0].text.startswith("Mesdames et messieurs les élus")
    opening, close = speech.sections[1].text, speech.sections[-1].text
    assert PURPOSE in opening and PURPOSE in close  # the purpose said at both ends, in the speaker's words
    leads = outlines()["fr"]["said"]["lead"]
    led = []
    for section in speech.sections:
        lead, *quotes = section.text.splitlines()
        if section.mode == "said":
            assert not claims(section.text) and "[" not in section.text
        else:  # the part's lead-in the first time it is said, then the sources' own sentences, footnoted
            assert section.mode == "quoted" and quotes
            if lead == leads[section.part]:
                led.append(section.part)
            else:
                quotes = [lead, *quotes]
            assert all(re.fullmatch(r"« [^«»]+ » \[\d+\]", q) for q in quotes)
    assert led and len(led) == len(set(led))  # each lead-in said once
    assert "ont commencé à Nancy" not in speech.text  # the model's own words are not said
    assert "organisées pour la première fois à Nancy en 2008" in speech.text
    source = (assistant.settings.corpus_dir / "rencontres.txt").read_text(encoding="utf-8")
    (nancy,) = [c for c in speech.citations if "Nancy" in c.quote]
    assert source[nancy.start : nancy.end] == nancy.quote
    assert [c.n for c in speech.citations] == list(range(1, len(speech.citations) + 1))
    assert "40 %" not in speech.text  # the made-up figure is not said
    assert any("engagements" in g for g in speech.gaps)  # nothing on commitments: a gap, not an invention


def test_a_source_quoted_twice_keeps_its_number(assistant: Assistant) -> None:
    speech = draft_speech(assistant, SpeechRequest(PURPOSE, minutes=6, language="fr"))
    hydrogen = [s for s in speech.sections if s.mode == "quoted" and "hydrogène" in s.text]
    assert len(hydrogen) == 1  # the same quote from two questions is said once
    assert len({(c.doc_id, c.start) for c in speech.citations}) == len(speech.citations)


def test_exports_carry_the_quote_sheet(assistant: Assistant, tmp_path: Path) -> None:
    speech = draft_speech(assistant, SpeechRequest(PURPOSE, audience="Conseil régional", language="fr"))
    documents = {d["doc_id"]: d for d in assistant.documents()}
    markdown = speech_markdown(speech, documents)
    assert "**Public** : Conseil régional" in markdown and "[^1]" in markdown
    footnote = re.search(r"^\[\^1\]: « .+ » — \*.+\*.*$", markdown, re.M)
    assert footnote and not re.search(r"\.txt|\d+–\d+", footnote.group())  # a reader's footnote: no file offsets
    data = json.loads(json.dumps(speech_json(speech)))
    assert data["text"] == speech.text and {"title", "text"} <= set(data["sections"][0])
    assert data["citations"][0]["quote"] == speech.citations[0].quote
    write_docx(speech, documents, tmp_path / "discours.docx")
    from docx import Document as Word

    paragraphs = [p.text for p in Word(str(tmp_path / "discours.docx")).paragraphs]
    assert any(p.startswith("[1] « ") for p in paragraphs) and any("Mesdames" in p for p in paragraphs)
    assert any(re.search(r"^\[1\] .+ \d+–\d+$", p) for p in paragraphs)  # the quote sheet: file and offsets
    assert not any("*" in p for p in paragraphs)  # Markdown emphasis stays out of Word


def test_every_language_and_occasion_has_its_outline_and_said_parts_state_no_fact() -> None:
    data = outlines()
    for lang in ("fr", "en", "ja"):
        for occasion, parts in data["occasions"].items():
            assert occasion in data[lang]["names"] and occasion in data[lang]["said"]["opening"]
            assert all(p in data[lang]["titles"] for p in parts)
        for part in SAID:
            assert all(not claims(t) for t in data[lang]["said"][part].values())
        assert all("{purpose}" in q for q in data[lang]["asked"]["points"])


def test_the_length_sets_how_many_points_are_asked() -> None:
    assert points_for(1, 130, "words") == 1
    assert points_for(3, 130, "words") == points_for(3, 300, "characters") == 4  # 3 minutes in French or Japanese
    assert points_for(2, 130, "words") < points_for(4, 130, "words") <= 4


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (SpeechRequest("  "), "empty_purpose"),
        (SpeechRequest(PURPOSE, occasion="wedding"), "bad_occasion"),
        (SpeechRequest(PURPOSE, language="de"), "bad_language"),
        (SpeechRequest(PURPOSE, minutes=90), "bad_minutes"),
    ],
)
def test_a_bad_request_is_refused_before_any_model_call(
    assistant: Assistant, request_: SpeechRequest, reason: str
) -> None:
    with pytest.raises(AssistantError) as caught:
        draft_speech(assistant, request_)
    assert caught.value.reason == reason and assistant.chat_model.calls == []  # type: ignore[union-attr]


def test_a_sentence_is_said_once_and_one_with_a_web_address_or_a_credit_not_at_all(settings: Settings) -> None:
    from assistant.types import Answer, Citation

    def answer(*quotes: str) -> Answer:
        cites = tuple(Citation(n, "d", "T", "t.txt", 10 * n, 10 * n + 5, q, None) for n, q in enumerate(quotes, 1))  # type: ignore[arg-type]
        return Answer("q", "fr", "x", cites, refused=False, passages=())

    class Replies:
        def __init__(self) -> None:
            # the second holds the first's sentence at other offsets (a report quoting its declaration)
            second = answer("Photo de groupe © Ville de Nancy", "Nancy  en 2008.")
            self.answers = [answer("Nancy en 2008.", "Voir https://exemple.fr/page"), second]

        def answer(self, question: str, *, quote_only: bool = False) -> Answer:
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    speech = draft_speech(Replies(), SpeechRequest(PURPOSE, occasion="closing", minutes=1, language="fr"))
    assert speech.text.count("Nancy en 2008.") == 1 and "https://" not in speech.text and "©" not in speech.text
    assert [c.n for c in speech.citations] == [1]


class Quoting:
    """An engine that quotes ``quotes`` for every question and translates at ``rate`` words a French word."""

    def __init__(self, quotes: list[str], rate: float) -> None:
        self.quotes, self.rate = quotes, rate
        self.translated: list[str] = []
        self.embedder = FakeEmbedder()

    def answer(self, question: str, *, quote_only: bool = False) -> Answer:
        passage = Passage(Chunk("c", "d", 0, 1, "x"), "T", "t.txt", 1.0, 0)
        cited = tuple(
            Citation(i + 1, "d", "T", "t.txt", i * 1000, i * 1000 + 10, q, passage) for i, q in enumerate(self.quotes)
        )
        text = "\n".join(f"« {q} » [{i + 1}]" for i, q in enumerate(self.quotes))
        return Answer(question, "en", text, cited, False, extractive=True)

    def translate(self, text: str, language: str) -> str:
        """``rate`` words a French word, keeping the text's numbers (a translation that changes one is not
        shown)."""
        self.translated.append(text)
        numbers = re.findall(r"\d+", text)
        count = max(0, round(len(text.split()) * self.rate) - len(numbers))
        words = ["said" + chr(97 + k // 26) + chr(97 + k % 26) for k in range(count)]  # saidaa, saidab…
        return " ".join(words + numbers)  # distinct words: a few repeated five times are a loop, left out


def test_an_english_speech_translates_each_quote_it_says_and_counts_what_is_read() -> None:
    quotes = [
        f"{'Les collectivités françaises et japonaises ont présenté leurs initiatives ' * 2}({i})." for i in "abc"
    ]
    engine = Quoting(quotes, rate=1.0)
    speech = draft_speech(engine, SpeechRequest(PURPOSE, occasion="welcome", minutes=1, language="en"))
    asked = [s for s in speech.sections if s.mode != "said"]
    assert asked and all(s.text.count("“") == 1 for s in asked)  # a 1-minute speech has room for one quote
    assert not any("«" in s.text for s in asked)  # no French to read out: it is the note's quote
    assert len(engine.translated) == len(asked) and all(t.count("«") == 1 for t in engine.translated)
    note = message("translated_quotes", "en")
    assert all(re.search(r"^“said[a-z]+( said[a-z]+)*” \[\d+\]$", s.text, re.M) and note in s.text for s in asked)
    read = [line for line in speech.text.splitlines() if line != note]
    assert speech.length == len(re.sub(r"\[\d+\]", "", " ".join(read)).split())
    markdown = speech_markdown(speech, {})  # the note is for the speaker, set apart from what is read
    assert f"\n*{note}*\n" in markdown and f"\n{note}\n" not in markdown


def test_quotes_fill_at_most_their_share_and_shorter_translations_leave_room_for_more() -> None:
    quotes = [
        f"Les collectivités françaises et japonaises ont présenté leurs initiatives numéro {i}." for i in range(100)
    ]
    request = SpeechRequest(PURPOSE, occasion="council", minutes=3, language="en")
    said = {}
    for rate in (1.0, 0.5):
        speech = draft_speech(Quoting(quotes, rate=rate), request)
        read = [line for line in speech.text.splitlines() if line.startswith("“")]
        assert sum(len(re.sub(r"\[\d+\]", "", line).split()) for line in read) <= QUOTED_SHARE * 3 * 130
        said[rate] = len(speech.citations)
    # Sized at first as long as the French, the quotes are then sized as their translations measure.
    assert said[0.5] > said[1.0] >= 4


def test_room_left_by_a_part_without_answer_goes_to_quotes_that_had_none_and_numbers_stay_in_order() -> None:
    long = "Les collectivités françaises et japonaises ont présenté leurs initiatives pour les jeunes"
    quotes = [f"{long if i % 2 else 'Un échange court'} ({i})." for i in range(6)]

    class FirstOnly(Quoting):  # the later questions find nothing: the speech has room to spare
        answered = 0

        def answer(self, question: str, *, quote_only: bool = False) -> Answer:
            found = super().answer(question, quote_only=quote_only)
            self.answered += 1
            return found if self.answered == 1 else replace(found, refused=True, citations=())

    engine = FirstOnly(quotes, rate=1.0)
    speech = draft_speech(engine, SpeechRequest(PURPOSE, occasion="council", minutes=2, language="en"))
    assert [c.n for c in speech.citations] == list(range(1, len(speech.citations) + 1))
    assert [c.quote for c in speech.citations] == quotes[: len(speech.citations)]  # in the engine's order
    assert len(speech.citations) >= 4  # more than its share: the room the other parts left
    (asked,) = [s for s in speech.sections if s.mode != "said"]
    assert re.findall(r"\[(\d+)\]", asked.text) == [str(c.n) for c in speech.citations]  # each said once, in order


def test_a_quote_whose_translation_changes_a_number_is_neither_read_out_nor_shown() -> None:
    class Misreading(Quoting):
        def translate(self, text: str, language: str) -> str:
            self.translated.append(text)
            return text.replace("2022", "2021")  # the small model wrote "2021年" for a 2022 edition

    quotes = [
        "Les 7es Rencontres se sont tenues à Aix-en-Provence en 2022.",
        "Les délégations ont réuni des collectivités.",
    ]
    speech = draft_speech(
        Misreading(quotes, rate=1.0), SpeechRequest(PURPOSE, occasion="welcome", minutes=2, language="en")
    )
    (translated,) = [line for line in speech.text.splitlines() if line.startswith("“")]
    assert "2021" not in speech.text and "2022" not in speech.text  # not read out, not shown in French
    assert translated == "“Les délégations ont réuni des collectivités.” [1]"  # the faithful one is read out
    assert len(speech.citations) == 1


class OneEach(Quoting):
    """An engine that quotes one sentence of ``words`` words of its own for each question."""

    def __init__(self, words: int) -> None:
        super().__init__([], rate=1.0)
        self.words, self.questions = words, []

    def answer(self, question: str, *, quote_only: bool = False) -> Answer:
        self.questions.append(question)
        n = len(self.questions)
        quote = f"{' '.join(['initiative'] * (self.words - 1))} {n}."
        passage = Passage(Chunk("c", "d", 0, 1, "x"), "T", "t.txt", 1.0, 0)
        cited = (Citation(1, "d", "T", "t.txt", n * 1000, n * 1000 + len(quote), quote, passage),)
        return Answer(question, "en", f"« {quote} » [1]", cited, False, extractive=True)


@pytest.mark.parametrize("words", [4, 25])
def test_questions_are_asked_until_the_quotes_fill_their_share(words: int) -> None:
    engine = OneEach(words)
    speech = draft_speech(engine, SpeechRequest(PURPOSE, occasion="council", minutes=2, language="en"))
    said = [line for s in speech.sections for line in s.text.splitlines() if line.startswith("“")]
    read = [len(re.sub(r"\[\d+\]", "", line).split()) for line in said]
    assert sum(read) <= QUOTED_SHARE * 2 * 130
    assert len(engine.questions) == len(said)  # no question asked once no quote could be said
    # asked in French, the sources' language, in the outline's order; shown in the speech's
    subject = [q.format(purpose=PURPOSE) for q in outlines()["fr"]["asked"]["points"]]
    asked = [q for q in engine.questions if PURPOSE in q]
    assert asked == subject[: len(asked)]
    assert asked == subject or sum(read) + words > QUOTED_SHARE * 2 * 130  # stopped when full, not before
    assert len(asked) > points_for(2, 130, "words") if words == 4 else len(asked) == 1  # short quotes: more asked
    english = outlines()["en"]["asked"]["points"][0].format(purpose=PURPOSE)
    assert next(s.question for s in speech.sections if s.part == "points") == english
    assert len([s for s in speech.sections if s.part == "points"]) == 1  # one heading for the subject
    assert [c.n for c in speech.citations] == list(range(1, len(speech.citations) + 1))


def test_a_quote_two_parts_were_offered_is_said_once_when_room_is_left_at_the_end() -> None:
    short = "Les jeunes des villes jumelles se sont rencontrés."  # no number: the fake translation drops words
    long = " ".join(["initiative"] * 39) + "."

    class Overlapping(Quoting):  # the first part's second quote is also the answer to every later question
        asked = 0

        def answer(self, question: str, *, quote_only: bool = False) -> Answer:
            self.asked += 1
            self.quotes = [long, short] if self.asked == 1 else [short]
            found = super().answer(question, quote_only=quote_only)
            moved = [replace(c, start=c.start + 1000 * (c.quote == short)) for c in found.citations]
            return replace(found, citations=tuple(moved))  # the short quote at one place in every answer

    speech = draft_speech(Overlapping([], rate=1.0), SpeechRequest(PURPOSE, occasion="closing", language="en"))
    assert sum(c.quote == short for c in speech.citations) == 1
    assert len({(c.doc_id, c.start) for c in speech.citations}) == len(speech.citations) == 2
    assert speech.text.count("“") == 2  # each said once, in its translation


def test_an_introduction_is_said_with_the_quote_after_it_or_not_at_all() -> None:
    from types import SimpleNamespace

    from assistant.drafting.speech_quotes import within

    def quote(text: str, start: int, doc: str = "d") -> SimpleNamespace:
        return SimpleNamespace(quote=text, doc_id=doc, start=start, end=start + len(text))

    intro, item = quote("Nous avons convenu des démarches suivantes :", 0), quote("1. Échanger nos savoirs.", 50)
    other = quote("La jeunesse participe aux échanges.", 0, doc="e")
    size = lambda text: len(text.split())  # noqa: E731
    assert within([intro, item, other], 100, size) == [intro, item, other]
    assert within([other, intro], 100, size) == [other]  # announced, never given: not said
    assert within([other, intro, item], 8, size) == [other]  # the two go together or not at all


def kept_citations(assistant: Assistant, numbers: tuple[int, ...]) -> tuple[str, str, list[dict]]:
    """The fixture's text, its sentence on the first edition, and a fact base's citations of it (as JSON)
    under ``numbers``."""
    source = (assistant.settings.corpus_dir / "rencontres.txt").read_text(encoding="utf-8")
    sentence = "Les Rencontres franco-japonaises ont été organisées pour la première fois à Nancy en 2008."
    start = source.index(sentence)
    span = {"doc_id": "d", "title": "Historique", "source": "rencontres.txt", "start": start}
    cited = [{**span, "n": n, "end": start + len(sentence), "quote": sentence, "passage": sentence} for n in numbers]
    return source, sentence, cited


def test_given_a_briefs_timeline_the_speech_says_the_editions_in_its_own_sentence(assistant: Assistant) -> None:
    source, sentence, cited = kept_citations(assistant, (7,))
    rows = [{"year": 2008, "city": "Nancy", "citations": [7]}, {"year": 2014, "city": "Takamatsu", "citations": [7]}]
    request = SpeechRequest(PURPOSE, occasion="council", minutes=2, language="fr")
    speech = draft_speech(assistant, request, facts={"rows": rows, "citations": cited})
    (context,) = [s for s in speech.sections if s.part == "context"]
    assert context.mode == "rendered"
    assert (
        context.text
        == "Depuis 2008, les Rencontres franco-japonaises de la coopération décentralisée ont connu 2 éditions : "
        "Nancy en 2008 [1] et Takamatsu en 2014 [1]."
    )
    assert speech.citations[0].n == 1 and speech.citations[0].quote == sentence
    assert source[speech.citations[0].start : speech.citations[0].end] == sentence
    calls = assistant.chat_model.calls  # type: ignore[union-attr]
    assert not any("Que sont les Rencontres" in call[-1]["content"] for call in calls)  # not asked of the model


def test_a_japanese_speech_writes_a_japanese_host_in_japanese_and_a_french_one_in_katakana(
    assistant: Assistant,
) -> None:
    _, _, cited = kept_citations(assistant, (7,))
    rows = [{"year": 2008, "city": "Nancy", "citations": [7]}, {"year": 2014, "city": "Takamatsu", "citations": [7]}]
    request = SpeechRequest(PURPOSE, occasion="council", minutes=2, language="ja")
    speech = draft_speech(assistant, request, facts={"rows": rows, "citations": cited})
    (context,) = [s for s in speech.sections if s.part == "context"]
    assert "高松（2014年）" in context.text and "ナンシー（2008年）" in context.text
    assert "Takamatsu" not in context.text and "Nancy" not in context.text


def test_the_speech_says_the_latest_edition_with_its_theme_where_the_sources_give_it(assistant: Assistant) -> None:
    _, _, cited = kept_citations(assistant, (7, 8))
    rows = [
        {"year": 2008, "city": "Nancy", "citations": [7]},
        {
            "year": 2024,
            "city": "Shizuoka",
            "edition": 8,
            "theme": "Nouvelles valeurs",
            "citations": [7, 8],
            "stated_by": {"place": [7], "edition": [7], "theme": [8]},
        },
    ]
    request = SpeechRequest(PURPOSE, occasion="council", minutes=2, language="fr")
    speech = draft_speech(assistant, request, facts={"rows": rows, "citations": cited})
    (context,) = [s for s in speech.sections if s.part == "context"]
    said = "Shizuoka en 2024 [1]. La dernière, la 8e, s'est tenue en 2024, sur le thème « Nouvelles valeurs »"
    # the editions cite what states each year and city; the latest, what states its number and theme too
    assert said in context.text and context.text.count("[") == 4, context.text
    japanese, _ = edition_answers.history_and_latest(rows, cited, outlines()["ja"]["facts"], "ja")
    assert (
        "Shizuoka（2024年）[7]。最新の第8回は2024年に開催されました（テーマ：「Nouvelles valeurs」）[7][8]。"
        in japanese
    )


def test_the_commitment_said_is_the_nearest_to_the_purpose_else_the_shortest() -> None:
    from assistant.drafting import speech_facts
    from assistant.models.embeddings import cosine

    quotes = [
        "Chaque collectivité soutiendra les jeunes de son territoire par des échanges.",
        "Chaque ville coopérera.",
    ]
    cited = [
        {"n": k, "doc_id": "d", "title": "D", "source": "d.txt", "start": 0, "end": len(q), "quote": q, "passage": q}
        for k, q in enumerate(["Nous convenons de ce qui suit :", *quotes], start=1)
    ]
    items = [{"text": q, "citations": [k]} for k, q in enumerate(quotes, start=2)]
    facts = {
        "commitments": [{"declaration": "D", "edition": 7, "introduction": [1], "items": items}],
        "citations": cited,
    }
    t = outlines()["fr"]["facts"]
    assert speech_facts.pledged(facts, t, "fr").items[0].quote == quotes[1]  # type: ignore[union-attr]
    embedder = FakeEmbedder()
    wanted = embedder.embed_query("Accueillir une délégation de jeunes japonais")

    def near(text: str) -> float:
        return cosine(wanted, embedder.embed_documents([text])[0])

    assert speech_facts.pledged(facts, t, "fr", near=near).items[0].quote == quotes[0]  # type: ignore[union-attr]


def test_the_commitments_are_said_from_the_fact_base_one_quoted_after_the_declaration_they_come_from(
    assistant: Assistant,
) -> None:
    _, sentence, cited = kept_citations(assistant, (7, 8, 9))
    items = [
        {"text": "Un engagement bien plus long que le suivant.", "citations": [8]},
        {"text": "Court.", "citations": [9]},
    ]
    facts = {
        "rows": [{"year": 2008, "city": "Nancy", "citations": [7]}],
        "commitments": [{"declaration": "D", "edition": 7, "year": 2022, "introduction": [7], "items": items}],
        "citations": cited,
    }
    speech = draft_speech(assistant, SpeechRequest(PURPOSE, occasion="signing", minutes=2, language="fr"), facts=facts)
    (part,) = [s for s in speech.sections if s.part == "commitment"]
    lead, quote = part.text.splitlines()
    n = {c.n: c for c in speech.citations}
    # the declaration's edition, footnoted to its introduction; then an item (none nearer the purpose: the
    # shortest), in its words
    assert re.fullmatch(r"La déclaration de la 7e édition des Rencontres \[(\d+)\] fixe des engagements .*:", lead)
    assert re.fullmatch(r"« .* » \[(\d+)\]", quote) and n[int(quote.split("[")[-1][:-1])].quote == sentence
    assert "Quant aux engagements" not in speech.text  # the rendered sentence says what the quote is
    calls = assistant.chat_model.calls  # type: ignore[union-attr]
    assert not any("Quels engagements" in call[-1]["content"] for call in calls)  # not asked of the model


def test_the_rencontres_part_says_what_the_fact_base_holds_and_reads_no_french_words_in_english(
    assistant: Assistant,
) -> None:
    _, _, cited = kept_citations(assistant, (7, 8, 9))
    planned = {"field": "planned", "values": [{"value": 2020, "citations": [8]}]}
    aix = {"year": 2022, "city": "Aix-en-Provence", "edition": 7, "theme": "Le monde d'après", "citations": [7]}
    aix |= {"participants": "14 collectivités japonaises", "conflicts": [planned], "stated_by": {"participants": [9]}}
    rows = [{"year": 2008, "city": "Nancy", "citations": [7]}, aix]
    named = [
        {"name": "Cités Unies France", "citations": [9]},
        {"name": "Ville de Lyon", "role": "organiser", "citations": [9]},
    ]
    facts = {"rows": rows, "organisations": named, "citations": cited}
    texts = {}
    for language in ("fr", "en", "ja"):
        request = SpeechRequest(PURPOSE, occasion="welcome", minutes=2, language=language)
        speech = draft_speech(assistant, request, facts=facts)
        (texts[language],) = [s.text for s in speech.sections if s.part == "context"]
    assert "L'édition d'Aix-en-Provence, tenue en 2022, était d'abord prévue en 2020 [2]." in texts["fr"]
    # cited to the span that counts them and to the one that places the edition it names by city and year
    assert "Les Rencontres d'Aix-en-Provence en 2022 ont réuni 14 collectivités japonaises [1][3]." in texts["fr"]
    assert "« Le monde d'après »" in texts["fr"] and "monde" not in texts["en"]
    assert "The Aix-en-Provence edition, held in 2022, was first planned for 2020 [2]." in texts["en"]
    # counts by side, said in the speaker's language by the code, not translated by the model
    said = "The 2022 Rencontres in Aix-en-Provence brought together 14 Japanese local authorities [1][3]."
    assert said in texts["en"]
    assert "日本の自治体14団体が参加しました[1][3]。" in texts["ja"]
    assert "Among the organisers, let me mention Ville de Lyon [3]." in texts["en"]
    assert "Cités Unies France" not in texts["en"]  # a partner (no role given): whose, the sentence seldom says


def test_participants_the_code_cannot_count_by_side_are_said_in_french_speeches_only() -> None:
    from assistant.drafting import speech_facts

    row = {"year": 2022, "city": "Aix", "citations": [1], "participants": "près de 300 participants"}
    for language in ("fr", "en", "ja"):
        text, _ = speech_facts.context({"rows": [row], "citations": []}, outlines()[language]["facts"], language)
        assert ("300" in text) is (language == "fr"), text


@pytest.mark.parametrize(("years", "said"), [((2008, 2010, 2012, 2016), True), ((2008, 2010, 2014), False)])
def test_the_rhythm_is_said_only_when_most_gaps_are_the_same(years: tuple[int, ...], said: bool) -> None:
    from assistant.drafting import speech_facts

    rows = [{"year": y, "city": f"Ville{k}", "citations": [k + 1]} for k, y in enumerate(years)]
    text, _ = speech_facts.context({"rows": rows, "citations": []}, outlines()["fr"]["facts"], "fr")
    marks = "".join(f"[{k + 1}]" for k in range(len(years)))
    assert (f"elles se tiennent le plus souvent tous les 2 ans {marks}." in text) is said, text


def test_the_bridge_to_the_subject_is_said_only_after_the_rencontres_were() -> None:
    class Silent(Quoting):
        def answer(self, question: str, *, quote_only: bool = False) -> Answer:
            return replace(super().answer(question), refused=True, citations=())

    request = SpeechRequest(PURPOSE, occasion="welcome", minutes=2, language="fr")
    bridge = outlines()["fr"]["said"]["bridge"]["welcome"]
    speech = draft_speech(Silent([], rate=1.0), request)
    assert [s.part for s in speech.sections] == ["greeting", "opening", "wish", "thanks"]
    passage = {"doc_id": "d", "title": "T", "source": "t.txt", "start": 0, "end": 5, "quote": "Nancy", "passage": "x"}
    facts = {"rows": [{"year": 2008, "city": "Nancy", "citations": [1]}], "citations": [{**passage, "n": 1}]}
    speech = draft_speech(Silent([], rate=1.0), request, facts=facts)
    assert [s.part for s in speech.sections][2:4] == ["context", "bridge"] and bridge in speech.text


def test_the_commitment_the_speech_quotes_is_not_said_before_it_as_a_point() -> None:
    item = "Chaque collectivité favorisera les échanges."
    engine = Quoting([f"2. {item}", "Les jeunes des deux pays se sont rencontrés."], rate=1.0)
    spans = ((1, "Nancy 2008"), (2, f"2. {item}"))
    cited = [
        {"n": n, "doc_id": "e", "title": "T", "source": "t.txt", "start": 99 * n, "end": 99 * n + len(q), "quote": q}
        for n, q in spans
    ]
    cited = [{**c, "passage": c["quote"]} for c in cited]
    pledge = {"declaration": "D", "edition": 7, "introduction": [1], "items": [{"text": item, "citations": [2]}]}
    facts = {"rows": [{"year": 2008, "city": "Nancy", "citations": [1]}], "commitments": [pledge], "citations": cited}
    request = SpeechRequest(PURPOSE, occasion="council", minutes=2, language="fr")
    speech = draft_speech(engine, request, facts=facts)
    assert speech.text.count(item) == 1 and "Les jeunes des deux pays" in speech.text
    (part,) = [s for s in speech.sections if s.part == "commitment"]
    assert item in part.text


def test_a_heading_a_title_or_a_sentence_about_the_one_before_is_never_said() -> None:
    heading = "Atelier 3 : Les collectivités locales acteurs de l'environnement"
    after = "Elle s'efforcera aussi de partager ses savoirs."
    declared = "Nous déclarons ici les résolutions prises par les collectivités."
    engine = Quoting([heading, after, declared, "Les jeunes des villes jumelles se sont rencontrés."], rate=1.0)
    speech = draft_speech(engine, SpeechRequest(PURPOSE, occasion="welcome", minutes=2, language="fr"))
    assert "Atelier 3" not in speech.text and "Elle s'efforcera" not in speech.text
    assert "Nous déclarons" not in speech.text  # the declaration's authors' words, not the speaker's
    assert "Les jeunes des villes jumelles" in speech.text


def test_no_question_is_asked_once_the_time_for_asking_is_spent(assistant: Assistant) -> None:
    _, _, cited = kept_citations(assistant, (7,))
    facts = {"rows": [{"year": 2008, "city": "Nancy", "citations": [7]}], "citations": cited}
    request = SpeechRequest(PURPOSE, occasion="council", minutes=2, language="fr")
    speech = draft_speech(assistant, request, facts=facts, seconds=0.0)
    assert not assistant.chat_model.calls  # type: ignore[union-attr]
    assert [s.part for s in speech.sections if s.mode != "said"] == ["context"]  # what the facts say
    assert draft_speech(assistant, request, facts=facts).sections != speech.sections  # with time, it asks


def test_a_subject_the_speech_says_nothing_of_is_listed_as_not_covered() -> None:
    engine = Quoting(["Elle s'efforcera aussi de partager ses savoirs."], rate=1.0)  # nothing to say alone
    speech = draft_speech(engine, SpeechRequest(PURPOSE, occasion="welcome", minutes=2, language="fr"))
    assert not [s for s in speech.sections if s.part == "points"]
    assert speech.gaps[0] == f"Notre sujet, « {PURPOSE} » : les sources n'en disent rien ; ce passage est à écrire."
    assert outlines()["fr"]["asked"]["points"][0].format(purpose=PURPOSE) not in speech.gaps  # not as a question


def test_a_list_item_is_said_without_its_marker_and_stays_verbatim_at_its_offsets() -> None:
    from assistant.drafting.speech_quotes import unmarked

    source = "Nous convenons :\n\n2.  Chaque collectivité favorisera les échanges."
    start = source.index("2.")
    passage = Passage(Chunk("c", "d", 0, len(source), source), "T", "t.txt", 1.0, 0)
    item = Citation(1, "d", "T", "t.txt", start, len(source), source[start:], passage)
    said = unmarked(item)
    assert said.quote == "Chaque collectivité favorisera les échanges." == source[said.start : said.end]
    engine = Quoting([source[start:]], rate=1.0)
    speech = draft_speech(engine, SpeechRequest(PURPOSE, occasion="welcome", minutes=2, language="fr"))
    assert "« Chaque collectivité favorisera les échanges. »" in speech.text and "2." not in speech.text


def test_a_japanese_speech_reads_its_quotes_in_japanese_marks_and_the_french_stays_in_the_notes() -> None:
    quotes = ["Les jeunes des villes jumelles se sont rencontrés."]
    speech = draft_speech(Quoting(quotes, rate=1.0), SpeechRequest(PURPOSE, occasion="welcome", language="ja"))
    asked = [s for s in speech.sections if s.mode != "said"]
    assert asked and all("「" in s.text and "«" not in s.text for s in asked)
    assert all(message("translated_quotes", "ja") in s.text for s in asked)
    assert speech.citations[0].quote == quotes[0]  # the French original, in the note
