"""The onboarding brief: timeline facts checked against their quotes, differences kept, cache, exports."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.drafting import briefs, edition_answers, editions, stated, timeline
from assistant.drafting.briefs import BriefError, brief, words
from assistant.errors import ModelError
from assistant.export.brief import brief_markdown, rank_note, timeline_chart, timeline_rows, write_brief_docx
from assistant.pipeline import Assistant
from assistant.prompts import load_prompt
from assistant.text.language import message
from assistant.types import Chunk
from tests.fakes import FakeChatModel, FakeEmbedder

HISTORY = (
    "Historique\n\nLes Rencontres franco-japonaises ont eu lieu à Nancy en 2008, puis à Kanazawa en 2010 et à "
    "Takamatsu en 2014. Les 7es Rencontres se sont tenues à Aix-en-Provence du 3 au 6 octobre 2022. "
    "Elles avaient pour thème « Un territoire durable » et ont réuni 36 collectivités.\n"
)
ROUND_TABLE = (
    "Table ronde\n\nLa table ronde a réuni les villes hôtes précédentes, Nancy et Kanazawa, qui ont accueilli "
    "les Rencontres de 2008 à 2014. Aix-en-Provence a signé un accord avec Kumamoto en 2013.\n"
)
ANNOUNCEMENT = "Annonce\n\nLes 9es Rencontres franco-japonaises se tiendront à Nantes en 2026.\n"
PAIR = re.compile(r"à ([A-Z][\w-]+) (?:en|du [^.]*?) (\d{4})")


def fake_model(messages: list[dict[str, str]]) -> str:
    """A careless model: it pairs every city with a year it sees, guesses, and invents a meeting."""
    if messages[0]["content"].startswith(load_prompt("translate").split("{")[0]):
        return "(translated) " + messages[0]["content"].rsplit("\n\n", 1)[-1]  # keeps every number
    if messages[0]["content"] != load_prompt("timeline_system"):
        return "EVIDENCE: S1\nANSWER: Nancy."
    passage = messages[-1]["content"]
    ordinal = re.search(r"(\d+)es ", passage)  # given to every meeting of the passage
    meetings = [
        {
            "year": int(y),
            "city": c,
            "edition": int(ordinal.group(1)) if ordinal else 2,
            "dates": "du 3 au 6 octobre 2022",
            "theme": "Un territoire durable",
            "participants": "36 collectivités",
        }
        for c, y in PAIR.findall(passage)
    ]
    if "villes hôtes" in passage:  # names the cities of a span with its first year: a pairing it cannot know
        meetings += [
            {"year": 2008, "city": c, "edition": None, "dates": None, "theme": None, "participants": None}
            for c in ("Nancy", "Kanazawa")
        ]
    meetings.append({"year": 1999, "city": "Paris", "edition": 1, "dates": None, "theme": None, "participants": None})
    return json.dumps({"meetings": meetings}, ensure_ascii=False)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "brief_corpus"
    folder.mkdir()
    (folder / "history.txt").write_text(HISTORY, encoding="utf-8")
    (folder / "round_table.txt").write_text(ROUND_TABLE, encoding="utf-8")
    return folder


def indexed(settings: Settings, corpus: Path, model: Callable[[list[dict[str, str]]], str] = fake_model) -> Assistant:
    """An assistant over ``corpus``, indexed, with fake embedders and ``model``; every dated sentence read."""
    s = settings.model_copy(update={"corpus_dir": corpus, "timeline_floor": -1.0})
    a = Assistant(s, embedder=FakeEmbedder(), chat_model=FakeChatModel([model]))
    a.index()
    return a


@pytest.fixture
def assistant(settings: Settings, corpus: Path) -> Assistant:
    return indexed(settings, corpus)


def rows_by_city(built: dict) -> dict[str, dict]:
    return {r["city"]: r for r in built["timeline"]}


def test_the_timeline_keeps_only_what_each_quote_states(assistant: Assistant) -> None:
    built = brief(assistant, "fr")
    rows = rows_by_city(built)
    assert [(r["year"], r["city"]) for r in built["timeline"]] == [
        (2008, "Nancy"),
        (2010, "Kanazawa"),
        (2014, "Takamatsu"),
        (2022, "Aix-en-Provence"),
    ]  # no invented Paris 1999, no agreement of 2013 (not a "à X en Y" meeting), no guessed Kanazawa 2008
    aix = rows["Aix-en-Provence"]
    assert aix["edition"] == 7 and aix["dates"] == "du 3 au 6 octobre 2022"
    assert aix["theme"] == "Un territoire durable" and aix["participants"] == "36 collectivités"
    assert rows["Nancy"]["edition"] is None  # "2" is written nowhere as an ordinal
    texts = {p.name: p.read_text(encoding="utf-8") for p in assistant.settings.corpus_dir.iterdir()}
    by_n = {c["n"]: c for c in built["citations"]}
    for row in built["timeline"]:
        assert row["citations"]
        for n in row["citations"]:
            c = by_n[n]
            assert texts[c["source"]][c["start"] : c["end"]] == c["quote"]
            assert str(row["year"]) in c["quote"] and row["city"] in c["quote"]


def test_a_source_that_lists_fewer_hosts_for_a_span_is_shown_as_a_difference(assistant: Assistant) -> None:
    rows = rows_by_city(brief(assistant, "fr"))
    (listed,) = rows["Takamatsu"]["conflicts"]
    assert listed["field"] == "listed"
    assert "2 villes hôtes de 2008 à 2014 (Nancy, Kanazawa) : elle omet Takamatsu (2014)" in listed["text"]
    assert not rows["Nancy"]["conflicts"] and not rows["Kanazawa"]["conflicts"]


def test_a_japanese_brief_writes_hosts_and_dates_in_japanese(assistant: Assistant) -> None:
    built = brief(assistant, "ja")
    aix = "エクス＝アン＝プロヴァンス"
    assert [r["city"] for r in built["timeline"]] == ["ナンシー", "金沢", "高松", aix]  # French towns in katakana
    assert rows_by_city(built)[aix]["dates"] == "2022年10月3日～6日"  # « du 3 au 6 octobre 2022 »
    (listed,) = rows_by_city(built)["高松"]["conflicts"]
    assert "（ナンシー、金沢）" in listed["text"] and "他の資料が挙げる高松（2014年）が抜けています" in listed["text"]


def test_an_english_brief_gives_a_french_theme_with_its_labelled_translation(settings: Settings, corpus: Path) -> None:
    def model(messages: list[dict[str, str]]) -> str:
        if "Un territoire durable" in messages[0]["content"] and "2022" not in messages[0]["content"]:
            return "A sustainable territory"  # the theme alone, as the translation prompt gives it
        return fake_model(messages)

    built = brief(indexed(settings, corpus, model), "en")
    aix = rows_by_city(built)["Aix-en-Provence"]
    assert aix["theme"] == "Un territoire durable" and aix["theme_translated"] == "A sustainable territory"
    (themes,) = [f["text"] for f in built["faq"] if f["question"] == words()["en"]["faq_rendered"]["themes"]]
    assert "“Un territoire durable” (machine translation, not checked: “A sustainable territory”) [" in themes
    assert "(machine translation, not checked: “A sustainable territory”)" in brief_markdown(built, {})
    assert (
        rows_by_city(brief(indexed(settings, corpus, model), "fr"))["Aix-en-Provence"].get("theme_translated") is None
    )


def test_a_theme_translation_that_changes_a_number_is_not_shown(settings: Settings, corpus: Path) -> None:
    def renumbering(messages: list[dict[str, str]]) -> str:  # "durable" made "2030": not shown
        if "Un territoire durable" in messages[0]["content"] and "2022" not in messages[0]["content"]:
            return "A territory for 2030"
        return fake_model(messages)

    built = brief(indexed(settings, corpus, renumbering), "en")
    assert rows_by_city(built)["Aix-en-Provence"]["theme_translated"] is None
    assert "A territory for 2030" not in json.dumps(built)


def test_an_edition_named_by_its_number_alone_gives_its_row_what_the_document_says_of_it(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "detail_corpus"
    folder.mkdir()
    (folder / "septieme.txt").write_text(
        "Bilan\n\nLes 7es Rencontres se sont tenues à Aix-en-Provence en 2022. Les ateliers ont été suivis. "
        "Le public est venu nombreux. Les repas étaient bons. Cette septième édition a réuni 14 collectivités "
        "japonaises et 22 collectivités françaises. La huitième édition a réuni 40 collectivités.\n",
        encoding="utf-8",
    )

    def model(messages: list[dict[str, str]]) -> str:  # careless: a year and a count it was not given
        passage = messages[-1]["content"]
        if messages[0]["content"] != load_prompt("timeline_system"):
            return "EVIDENCE: S1\nANSWER: Nancy."
        if "Aix-en-Provence en 2022" in passage:
            meeting = {"year": 2022, "city": "Aix-en-Provence", "edition": 7, "participants": None}
        else:
            meeting = {
                "year": 2022,
                "city": None,
                "edition": 7,
                "participants": "14 collectivités japonaises et 22 collectivités françaises",
            }
        extra = {"year": None, "city": None, "edition": 8, "participants": "40 collectivités"}
        return json.dumps(
            {"meetings": [{"dates": None, "theme": None, **meeting}, {"dates": None, "theme": None, **extra}]},
            ensure_ascii=False,
        )

    a = indexed(settings, folder, model)
    (row,) = brief(a, "fr")["timeline"]  # no row for the 8th: no year or city of it is written
    assert (row["year"], row["city"], row["edition"]) == (2022, "Aix-en-Provence", 7)
    assert row["participants"] == "14 collectivités japonaises et 22 collectivités françaises"
    english, japanese = brief(a, "en"), brief(a, "ja")  # counted by side in the brief's language
    assert english["timeline"][0]["participants"] == "14 Japanese and 22 French local authorities"
    assert japanese["timeline"][0]["participants"] == "日本の自治体14団体とフランスの自治体22団体"
    (who,) = [f["text"] for f in english["faq"] if f["question"] == words()["en"]["faq_rendered"]["participants"]]
    assert "editions: 14 Japanese and 22 French local authorities in Aix-en-Provence (2022) [" in who
    assert stated.ordinals("Cette septième édition") == {7} and stated.ordinals("the eighth meeting") == {8}
    assert stated.ordinals("第8回の会議") == {8} and stated.ordinals("en 2022, 14 villes") == set()


def test_the_timeline_reads_dated_sentences_close_to_its_question_or_naming_the_series() -> None:
    texts = {
        "close": "Les premières Rencontres ont eu lieu à Nancy en 2008.",
        "named": "Notre maire a parlé lors des quatrièmes RENCONTRES, à Tours, en 2016.",
        "lower": "Le Japon accueillera en 2028 la dixième édition de ces rencontres.",
        "other": "La convention entre Annecy et Nikko a été signée en 2019.",
        "word": "Une rencontre sportive a eu lieu en 2019.",  # the singular is another word
        "undated": "Les Rencontres réunissent les collectivités des deux pays.",
    }
    chunks = [Chunk(k, "d", i * 100, i * 100 + len(t), t) for i, (k, t) in enumerate(texts.items())]
    close = {texts["close"]: 0.7}

    def similarity(batch: list[str]) -> list[float]:
        return [close.get(t, 0.2) for t in batch]

    def read(series: str) -> list[str]:
        return [w.sentence.chunk_id for w in timeline.windows(chunks, similarity, floor=0.45, limit=10, series=series)]

    assert read("Rencontres") == ["close", "named", "lower"]
    assert read("") == ["close"]


def test_an_edition_named_by_a_heading_is_quoted_from_the_heading_not_joined_to_the_next_sentence() -> None:
    heading = Chunk("h", "d", 0, 26, "Rendez-vous à Lyon en 2030", metadata={"heading": True})
    after = Chunk("t", "d", 28, 88, "Nancy, qui a reporté la conférence en 2028, était déterminée.")
    raw = {"year": 2030, "city": "Lyon", "edition": None, "dates": None, "theme": None, "planned": 2028}
    found = timeline.verify(raw, timeline.Window(heading, after=after))
    assert found is not None and (found.year, found.city) == (2030, "Lyon")
    assert found.quote.text == "Rendez-vous à Lyon en 2030"  # not "… en 2030 Nancy, qui a reporté …"
    assert found.planned is None  # stated only across the heading: left out
    prose = Chunk("p", "d", 0, 26, "La conférence eut lieu à Lyon en 2030.")
    joined = timeline.verify(raw, timeline.Window(prose, after=after))
    assert joined is not None and joined.planned == 2028 and "Nancy" in joined.quote.text
    # read for the sentence after it, the heading above states its edition by itself
    dated = Chunk("t", "d", 28, 88, "Nancy, qui a reporté la conférence en 2028, était déterminée.")
    above = timeline.verify({**raw, "planned": None}, timeline.Window(dated, before=heading))
    assert above is not None and above.quote.text == "Rendez-vous à Lyon en 2030"


def test_a_passage_read_for_an_editions_number_places_nothing_by_year_or_city() -> None:
    named = Chunk("s", "d", 0, 48, "Cette septième édition a réuni 14 collectivités.")
    after = Chunk("t", "d", 49, 90, "Aix a signé à Lyon en 2030 un accord.")
    raw = {"year": 2030, "city": "Lyon", "edition": 7, "dates": None, "theme": None, "participants": "14 collectivités"}
    by_number = timeline.verify(raw, timeline.Window(named, after=after), by_number=True)
    assert by_number is not None
    assert (by_number.year, by_number.city, by_number.edition, by_number.participants) == (
        None,
        None,
        7,
        "14 collectivités",
    )
    as_dated = timeline.verify(raw, timeline.Window(named, after=after))
    assert as_dated is not None and (as_dated.year, as_dated.city, as_dated.edition) == (2030, "Lyon", None)
    # read for its year, "septième" gives no edition number ("la première table ronde" is no edition)


def test_two_cities_for_one_year_or_two_years_for_one_edition_are_both_kept() -> None:
    def mention(text: str, raw: dict) -> timeline.Mention:
        sentence = Chunk("s", "d", 0, len(text), text)
        found = timeline.verify(raw, timeline.Window(sentence))
        assert found is not None
        return found

    blank = {"dates": None, "theme": None, "participants": None}
    a = mention(
        "Les 3es Rencontres ont eu lieu à Chartres en 2012.", {"year": 2012, "city": "Chartres", "edition": 3, **blank}
    )
    b = mention(
        "En 2012 à Tours se tinrent les 3es Rencontres.", {"year": 2012, "city": "Tours", "edition": 3, **blank}
    )
    c = mention(
        "Les 3es Rencontres ont eu lieu à Chartres en 2013.", {"year": 2013, "city": "Chartres", "edition": 3, **blank}
    )
    rows = timeline.rows_of([a, b, c])
    assert [(r.year, r.city) for r in rows] == [(2012, "Chartres"), (2012, "Tours"), (2013, "Chartres")]
    fields = {(r.year, r.city): sorted(k["field"] for k in r.conflicts) for r in rows}
    assert fields[(2012, "Chartres")] == ["city", "year"]
    assert fields[(2013, "Chartres")] == ["year"]


@pytest.mark.parametrize(
    ("text", "raw", "year", "city"),
    [
        ("La réunion eut lieu à Lyon en 2016.", {"year": 2016, "city": "Lyon"}, 2016, "Lyon"),
        ("La réunion eut lieu à Lyon en 2016.", {"year": 2017, "city": "Lyon"}, None, "Lyon"),  # year not written
        ("La réunion eut lieu à Lyon en 2016.", {"year": 2016, "city": "Paris"}, 2016, None),  # city not written
        ("Lyon, ville jumelle de Kyoto, accueillit en 2016 la réunion.", {"year": 2016, "city": "Lyon"}, None, "Lyon"),
        ("2016年に静岡で会議が開かれた。", {"year": 2016, "city": "静岡"}, 2016, "静岡"),
        ("La réunion eut lieu à Lyon.", {"year": 2016, "city": "Paris"}, None, None),
    ],
)
def test_a_year_goes_with_a_city_only_when_the_passage_pairs_them(
    text: str, raw: dict, year: int | None, city: str | None
) -> None:
    found = timeline.verify(raw, timeline.Window(Chunk("s", "d", 0, len(text), text)))
    assert ((found.year, found.city) if found else (None, None)) == (year, city)


def test_details_are_kept_only_as_the_passage_writes_them() -> None:
    text = "Les 4es Rencontres se tinrent à Lyon du 2 au 4 mai 2016 sur le thème « Eau pour tous », avec 30 villes."
    window = timeline.Window(Chunk("s", "d", 0, len(text), text))
    good = {
        "year": 2016,
        "city": "Lyon",
        "edition": 4,
        "dates": "du 2 au 4 mai 2016",
        "theme": "Eau pour tous",
        "participants": "30 villes",
    }
    found = timeline.verify(good, window)
    assert found is not None and (found.edition, found.dates, found.theme, found.participants) == (
        4,
        "du 2 au 4 mai 2016",
        "Eau pour tous",
        "30 villes",
    )
    found = timeline.verify({**good, "dates": "sur le thème"}, window)  # copied, but no date
    assert found is not None and found.dates is None
    bad = {
        "year": 2016,
        "city": "Lyon",
        "edition": 5,
        "dates": "2-4 May 2016",
        "theme": "Rencontres",
        "participants": "40 villes",
    }
    found = timeline.verify(bad, window)
    assert found is not None and (found.edition, found.dates, found.theme, found.participants) == (None,) * 4


def test_a_brief_is_built_once_per_index_generation_and_rebuilt_when_a_document_comes(
    assistant: Assistant, tmp_path: Path
) -> None:
    model = assistant.chat_model
    assert isinstance(model, FakeChatModel)
    first = brief(assistant, "fr")
    calls = len(model.calls)
    assert brief(assistant, "fr") == first and len(model.calls) == calls  # from the cache
    announcement = tmp_path / "annonce.txt"
    announcement.write_text(ANNOUNCEMENT, encoding="utf-8")
    assistant.add_documents([announcement])
    second = brief(assistant, "fr")
    assert second["generation"] != first["generation"]
    nantes = rows_by_city(second)["Nantes"]
    assert nantes["year"] == 2026 and nantes["edition"] == 9
    timeline_calls = [m for m in model.calls[calls:] if m[0]["content"] == load_prompt("timeline_system")]
    assert len(timeline_calls) == 1  # only the new passage is read again; the others' replies were kept
    assert not list((assistant.settings.data_dir / "briefs").glob(f"{first['generation']}-*.json"))


def test_editions_the_sources_do_not_number_show_their_proven_rank_with_a_note(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = copy.deepcopy(editions.facts(assistant))
    # the 7th in 2022 after three known editions: no rank is proven, none is shown
    assert edition_answers.numbers_of(known["rows"]) == {id(r): 7 for r in known["rows"] if r["year"] == 2022}
    for r in known["rows"]:
        r["edition"] = 4 if r["year"] == 2022 else r["edition"]  # the 4th in 2022, three before it: 1, 2, 3
    monkeypatch.setattr(editions, "facts", lambda *_, **__: known)
    built = brief(assistant, "en")
    _, rows = timeline_rows(built)
    assert [row[0] for row in rows] == ["(1)", "(2)", "(3)", "4"]
    note = words()["en"]["rank_note"]
    assert rank_note(built) == note and f"\n\n{note}\n" in brief_markdown(built, {})
    path = tmp_path / "brief.docx"
    write_brief_docx(built, {}, path)
    from docx import Document as Word

    assert note in [p.text for p in Word(str(path)).paragraphs]


def test_the_brief_exports_to_markdown_word_and_a_chart(assistant: Assistant, tmp_path: Path) -> None:
    built = brief(assistant, "en")
    rendered_faq = set(words()["en"]["faq_rendered"].values())
    rendered = [f for f in built["faq"] if f["question"] in rendered_faq]
    quoted = [s for s in built["sections"] + built["faq"] if s not in rendered and s.get("mode") != "rendered"]
    assert quoted and all(message("machine_translation", "en") in q["text"] for q in quoted)
    # rendered from the timeline's rows in English (editions, participants, themes, rhythm, next), each fact
    # with its marks: no translation to label
    assert len(rendered) == 4 and all(r["citations"] and "Machine" not in r["text"] for r in rendered)
    marks = re.compile(r"\[(\d+)\]")
    for q in quoted:  # each quote translated, under its own footnote mark
        said = [line for line in q["text"].splitlines() if line.startswith("«")]
        translated = q["text"].splitlines()[-1]
        assert marks.findall("".join(said)) == marks.findall(translated) != []
    documents = {d["doc_id"]: d for d in assistant.documents()}
    text = brief_markdown(built, documents, chart="brief.timeline.png")
    assert (
        "| Edition | Year | Dates | Host city |" in text and "![Timeline of the editions](brief.timeline.png)" in text
    )
    assert "leaves out Takamatsu" in text
    for c in built["citations"]:
        assert f"[^{c['n']}]: « {' '.join(c['quote'].split())} »" in text
    png = timeline_chart(built)
    assert png is not None and png.startswith(b"\x89PNG")
    from docx import Document as Word

    path = tmp_path / "brief.docx"
    write_brief_docx(built, documents, path)
    doc = Word(str(path))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    assert built["title"] in paragraphs and len(doc.inline_shapes) == 1
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "Takamatsu" in cells and "2014" in cells
    for c in built["citations"]:
        assert f"[{c['n']}] « {' '.join(c['quote'].split())} »" in paragraphs


def test_an_unknown_language_is_refused(assistant: Assistant) -> None:
    with pytest.raises(BriefError) as caught:
        brief(assistant, "de")
    assert caught.value.reason == "bad_language"


def test_a_passage_the_model_failed_on_is_said_and_the_brief_is_not_kept(assistant: Assistant) -> None:
    failing = {"on": True}

    def slow_then_fine(messages: list[dict[str, str]]) -> str:
        if failing["on"] and messages[0]["content"] == load_prompt("timeline_system"):
            raise ModelError("The chat model took more than 300 s; answer cut.")
        return fake_model(messages)

    model = assistant.chat_model
    assert isinstance(model, FakeChatModel)
    model.replies = [slow_then_fine]
    first = brief(assistant, "fr")
    assert first["complete"] is False and first["timeline"] == []
    assert first["timeline_notice"].startswith("La chronologie peut être incomplète")
    assert not list((assistant.settings.data_dir / "briefs").glob("*-fr.json"))
    failing["on"] = False
    second = brief(assistant, "fr")
    assert second["complete"] is True and len(second["timeline"]) == 4 and second["timeline_notice"] is None


def test_a_row_cites_the_span_that_states_its_details_not_a_shorter_one_inside_it() -> None:
    from assistant.drafting.editions import _outermost

    sentence = Chunk("s", "d", 0, 40, "Les 7es Rencontres à Aix en 2022.")
    with_theme = Chunk("s+t", "d", 0, 80, "Les 7es Rencontres à Aix en 2022. Elles avaient pour thème « Durable ».")
    elsewhere = Chunk("u", "e", 0, 40, "Aix en 2022.")
    assert _outermost([sentence, with_theme, elsewhere]) == [with_theme, elsewhere]


def test_each_field_cites_the_shortest_span_that_states_it() -> None:
    from assistant.drafting.editions import _innermost

    paragraph = Chunk("p", "d", 0, 200, "Nous, participants… Les Rencontres, organisées à Nancy en 2008, puis…")
    sentence = Chunk("s", "d", 20, 200, "Les Rencontres, organisées à Nancy en 2008, puis…")
    elsewhere = Chunk("u", "e", 0, 40, "Nancy en 2008.")
    assert _innermost([paragraph, sentence, elsewhere]) == [sentence, elsewhere]


DATED_TEXTS = {
    "declaration": "Nous décidons de nous retrouver en 2024 à Shizuoka.",
    "report": "Les Rencontres se sont tenues à Shizuoka en 2024.",
}


class _Dated:
    """A catalog of two documents, a declaration of 2022 and a report of 2024."""

    def __init__(self) -> None:
        from assistant.ingest.catalog import DocumentRecord

        dates = {"declaration": "2022-10-06", "report": "2024-11"}
        self.documents = {
            d: DocumentRecord(d, f"{d}.txt", d, "", 1, "", {"date": dates[d]}) for d in ("declaration", "report")
        }

    def text(self, doc_id: str) -> str:
        return DATED_TEXTS[doc_id]


@pytest.mark.parametrize(
    ("documents", "cited"), [(("declaration", "report"), ["report"]), (("declaration",), ["declaration"])]
)
def test_an_edition_is_cited_to_what_reports_it_not_to_a_document_written_before_it_that_announced_it(
    documents: tuple[str, ...], cited: list[str]
) -> None:
    catalog = _Dated()
    mentions = []
    for doc in documents:
        quote = Chunk(doc, doc, 0, len(DATED_TEXTS[doc]), DATED_TEXTS[doc])
        mentions.append(timeline.Mention(timeline.Window(quote), quote, 2024, "Shizuoka"))
    notes = editions.Footnotes(catalog)  # type: ignore[arg-type]
    row = editions._row(timeline.Row(2024, "Shizuoka", mentions), notes, catalog)  # type: ignore[arg-type]
    assert [notes.citations[n - 1].doc_id for n in row["stated_by"]["place"]] == cited
    assert len(row["citations"]) == len(documents)  # the row keeps every span that names it


def test_participants_reworded_by_the_model_are_shown_in_the_passages_words_when_the_counts_hold() -> None:
    text = (
        "Cette septième édition, qui a rassemblé 14 collectivités japonaises et 22 collectivités françaises, "
        "s'est tenue à Aix."
    )
    window = timeline.Window(Chunk("s", "d", 0, len(text), text))
    raw = {"year": None, "city": None, "edition": 7, "dates": None, "theme": None}
    reworded = {**raw, "participants": "14 Japanese and 22 French authorities"}
    found = timeline.verify(reworded, window, by_number=True)
    assert found is not None
    assert found.participants == "qui a rassemblé 14 collectivités japonaises et 22 collectivités françaises"
    assert found.participants in found.quote.text
    for wrong in (
        "15 Japanese and 22 French authorities",
        "2022",
        "many authorities",
    ):  # a count not written, a year, none
        found = timeline.verify({**raw, "participants": wrong}, window, by_number=True)
        assert found is not None and found.participants is None, wrong


def test_a_year_an_edition_was_first_planned_for_is_shown_beside_the_year_it_was_held() -> None:
    held = "Les 7es Rencontres se sont tenues à Aix en 2022."
    plan = "Elles étaient prévues en 2020, quatre ans après celles de Lyon en 2018."
    window = timeline.Window(Chunk("s", "d", 0, len(held), held), after=Chunk("t", "d", len(held) + 1, 200, plan))
    blank = {"dates": None, "theme": None, "participants": None}
    aix = timeline.verify({"year": 2022, "city": "Aix", "edition": 7, **blank, "planned": 2020}, window)
    lyon_text = "Les 6es Rencontres ont eu lieu à Lyon en 2018."
    lyon = timeline.verify(
        {"year": 2018, "city": "Lyon", "edition": 6, **blank, "planned": None},
        timeline.Window(Chunk("u", "e", 0, len(lyon_text), lyon_text)),
    )
    assert aix is not None and aix.planned == 2020 and "2020" in aix.quote.text
    assert lyon is not None
    rows = {r.year: r for r in timeline.rows_of([aix, lyon])}
    assert [(c["field"], [v["value"] for v in c["values"]]) for c in rows[2022].conflicts] == [("planned", [2020])]
    assert rows[2018].conflicts == []
    # A year not written in the passage, or one another row holds (Lyon's 2018), is no plan of this edition.
    for planned in (2019, 2018):
        again = timeline.verify({"year": 2022, "city": "Aix", "edition": 7, **blank, "planned": planned}, window)
        assert again is not None
        assert not [c for r in timeline.rows_of([again, lyon]) for c in r.conflicts if c["field"] == "planned"]


def test_every_language_of_the_brief_has_every_wording_the_french_has() -> None:
    from assistant.drafting.briefs import words

    def keys(tree: object, path: str = "") -> set[str]:
        if not isinstance(tree, dict):
            return {path}
        return {k for name, sub in tree.items() for k in keys(sub, f"{path}/{name}")}

    said = words()
    for language in ("en", "ja"):
        assert keys(said[language]) == keys(said["fr"]), language


def test_a_timeline_reply_cut_short_keeps_the_meetings_it_wrote_whole() -> None:
    whole = (
        '{"year": 2008, "city": "Nancy", "edition": 1, "dates": null, "theme": null, "participants": null, '
        '"planned": null}'
    )
    cut = '{"meetings": [' + whole + ', {"year": 2010, "city": "Kanaz'
    assert timeline.meetings_of(cut) == [json.loads(whole)]
    assert timeline.meetings_of('{"meetings": [' + whole + "]}") == [json.loads(whole)]
    assert timeline.meetings_of("not JSON") == []


def test_participants_worded_two_ways_with_the_same_counts_agree_and_other_counts_differ() -> None:
    report = "Les 7es Rencontres se sont tenues à Aix en 2022 et ont rassemblé 14 villes japonaises et 22 françaises."
    declaration = "Nous, élus des 14 collectivités japonaises et des 22 collectivités françaises, réunis à Aix en 2022."
    other = "Les 7es Rencontres, à Aix en 2022, ont réuni 15 villes japonaises et 22 françaises."
    blank = {"edition": 7, "dates": None, "theme": None, "planned": None}

    def mention(doc: str, text: str, participants: str) -> timeline.Mention:
        window = timeline.Window(Chunk(doc, doc, 0, len(text), text))
        found = timeline.verify({"year": 2022, "city": "Aix", **blank, "participants": participants}, window)
        assert found is not None and found.participants is not None, participants
        return found

    first = mention("r", report, "14 villes japonaises et 22 françaises")
    second = mention("d", declaration, "14 collectivités japonaises et des 22 collectivités françaises")
    [row] = timeline.rows_of([first, second])
    assert row.values("participants") == ["14 villes japonaises et 22 françaises"]
    assert row.conflicts == []
    third = mention("o", other, "15 villes japonaises et 22 françaises")
    [row] = timeline.rows_of([first, second, third])
    [conflict] = row.conflicts
    assert conflict["field"] == "participants"
    assert [len(v["mentions"]) for v in conflict["values"]] == [2, 1]


def test_a_year_copied_as_participants_is_no_count() -> None:
    dated = "Les 8es Rencontres, créées en 2008, se tiennent à Aix en 2024."
    window = timeline.Window(Chunk("y", "y", 0, len(dated), dated))
    raw = {"year": 2024, "city": "Aix", "edition": 8, "dates": None, "theme": None, "planned": None}
    found = timeline.verify({**raw, "participants": "créées en 2008"}, window)
    assert found is not None and found.participants is None


def questions_asked(assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions the assistant is asked from now on, in order (it still answers them)."""
    asked: list[str] = []
    answer = assistant.answer

    def recording(question: str, **kwargs: object):  # type: ignore[no-untyped-def]
        asked.append(question)
        return answer(question, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assistant, "answer", recording)
    return asked


def test_a_brief_in_english_or_japanese_asks_the_french_questions_and_labels_the_quotes_in_its_language(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.drafting.briefs import words

    asked = questions_asked(assistant, monkeypatch)
    built = brief(assistant, "ja")
    french, japanese = words()["fr"], words()["ja"]
    assert asked == [*french["sections"].values(), *french["faq"]]
    rendered = set(japanese["faq_rendered"].values())  # from the timeline's rows, asked of no model
    shown = [s for s in built["sections"] if s["part"] not in ("commitments", "organisations")]  # rendered
    shown += [f for f in built["faq"] if f["question"] not in rendered]
    assert shown, "the fake sources answer some of the questions"
    for item in shown:
        assert item["question"] in [*japanese["sections"].values(), *japanese["faq"]]
        label = message("quoted", "ja")
        assert item["text"].startswith(label) or f"\n\n{label}" in item["text"]  # after a summary, if any
        assert message("quoted", "fr") not in item["text"]
    assert set(built["gaps"]) <= {*japanese["sections"].values(), *japanese["faq"]}


def test_briefs_prepared_in_the_background_are_built_once_and_read_on_request(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.drafting import briefs

    built = []
    real = briefs.build_brief
    monkeypatch.setattr(briefs, "build_brief", lambda *a, **k: built.append(a[1]) or real(*a, **k))
    starts = [threading.Thread(target=briefs.prepare, args=(assistant, ("fr",))) for _ in range(2)]  # app and click
    for t in starts:
        t.start()
    for t in starts:
        t.join()
    assert built == ["fr"]  # the second waited, then read the first one's brief
    assert brief(assistant, "fr")["language"] == "fr" and built == ["fr"]
    briefs.prepare(assistant, ("en",))
    assert built == ["fr", "en"]


def test_a_question_the_fact_base_holds_is_answered_from_it_cited_verbatim_and_briefs_still_quote(
    assistant: Assistant,
) -> None:
    from assistant.drafting import editions

    question = "Quelle ville a accueilli les Rencontres en 2014 ?"
    model = assistant.chat_model
    assert isinstance(model, FakeChatModel)
    before = assistant.answer(question)  # no fact base yet: the answer engine answers
    assert "Takamatsu" not in before.text
    editions.facts(assistant)
    calls = len(model.calls)
    served = assistant.answer(question)
    assert len(model.calls) == calls  # no model call
    assert served.mode == "answer" and "Takamatsu" in served.text and "2014" in served.text
    for c in served.citations:
        assert assistant.catalog.text(c.doc_id)[c.start : c.end] == c.quote
        assert "Takamatsu" in c.quote
    quoted = assistant.answer(question, quote_only=True)  # a brief's question says the sources' sentences
    assert len(model.calls) > calls and "Takamatsu" not in quoted.text


def test_preparing_the_three_briefs_asks_each_question_once_and_keeps_them(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.drafting.briefs import prepare

    asked = questions_asked(assistant, monkeypatch)
    prepare(assistant)
    french = words()["fr"]
    assert asked == [*french["sections"].values(), *french["faq"]]  # once, not once per language
    kept = sorted(p.name for p in (assistant.settings.data_dir / "briefs").glob("*.json"))
    assert [name[-8:] for name in kept] == ["-en.json", "-fr.json", "-ja.json"]
    calls = len(assistant.chat_model.calls)  # type: ignore[union-attr]
    assert brief(assistant, "ja")["generation"] == assistant.catalog.generation
    assert len(assistant.chat_model.calls) == calls  # type: ignore[union-attr]  # read, not built


def test_the_brief_opens_with_a_summary_rendered_from_the_fact_base(assistant: Assistant) -> None:
    built = brief(assistant, "fr")
    about = built["sections"][0]
    assert about["part"] == "about"
    summary = about["text"].split("\n\n")[0]
    years = sorted({r["year"] for r in built["timeline"]})
    latest = max(built["timeline"], key=lambda r: r["year"])
    assert summary.startswith(
        f"À compter les éditions que nomment les sources, les Rencontres en ont connu {len(years)} depuis {years[0]}, "
        f"la dernière à {latest['city']} en {latest['year']} ["
    )
    quotes = {c["n"]: c["quote"] for c in built["citations"]}
    marked = [int(n) for n in re.findall(r"\[(\d+)\]", summary)]
    assert marked and all(n in about["citations"] for n in marked)
    assert any(latest["city"] in quotes[n] for n in marked)  # the latest edition's city, in what it cites


def test_the_summary_cites_the_first_edition_it_counts_from_not_only_the_latest() -> None:
    from assistant.drafting.briefs import _summary

    rows = [
        {"year": 2008, "city": "Nancy", "citations": [1], "stated_by": {"place": [1]}},
        {"year": 2010, "city": "Kanazawa", "citations": [2], "stated_by": {"place": [2]}},
        {"year": 2012, "city": "Lyon", "citations": [3], "stated_by": {"place": [3]}},
    ]
    summary = _summary(rows, [], [], None, words()["fr"], "fr")  # type: ignore[arg-type]
    assert summary is not None
    first_sentence = summary["text"].split(". ")[0]  # "… depuis 2008, la dernière à Lyon en 2012 [1][2][3]"
    assert "depuis 2008" in first_sentence and "[1]" in first_sentence and "[3]" in first_sentence


def test_the_brief_quotes_no_heading_and_no_sentence_about_the_one_before(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = assistant.answer

    def with_strays(question: str, **kwargs: object):  # type: ignore[no-untyped-def]
        found = answer(question, **kwargs)  # type: ignore[arg-type]
        if not found.citations:
            return found
        first = found.citations[0]
        strays = [
            replace(first, n=90, start=first.start + 1, quote="Il a également déclaré que tout allait bien."),
            replace(first, n=91, start=first.start + 2, quote="Atelier 3 : Les collectivités actrices"),
        ]
        return replace(found, citations=(*found.citations, *strays))

    monkeypatch.setattr(assistant, "answer", with_strays)
    built = brief(assistant, "fr")
    quoted = [c["quote"] for c in built["citations"]]
    assert "Il a également déclaré que tout allait bien." not in quoted
    assert "Atelier 3 : Les collectivités actrices" not in quoted
    assert any(s["part"] == "about" and "«" in s["text"] for s in built["sections"])  # the others still quoted


def test_a_difference_between_sources_names_the_edition_it_is_about() -> None:
    """Listed under "the sources differ", « Cette édition… » refers to nothing: each names its city."""
    for language in ("fr", "en", "ja"):
        conflicts = words()[language]["conflicts"]
        assert all("{city}" in conflicts[field] for field in ("year", "listed")), language


def test_a_brief_kept_from_another_version_of_the_fact_base_is_built_again(assistant: Assistant) -> None:
    brief(assistant, "fr")
    (kept,) = (assistant.settings.data_dir / "briefs").glob("*-fr.json")
    data = json.loads(kept.read_text(encoding="utf-8"))
    older = f"{data['version'].split('/')[0]}/{editions.VERSION - 1}"
    kept.write_text(json.dumps({**data, "version": older, "sections": []}), encoding="utf-8")
    assert brief(assistant, "fr")["sections"]  # not the kept one
    assert json.loads(kept.read_text(encoding="utf-8"))["version"] != older


def test_a_year_an_edition_was_first_planned_for_is_noted_not_shown_as_a_difference(assistant: Assistant) -> None:
    built = copy.deepcopy(brief(assistant, "fr"))
    quote = "Prévue en 2020, la conférence s'est tenue à Aix en 2022."
    cited = [
        editions.citation(
            {
                "n": 1,
                "doc_id": "d",
                "title": "t",
                "source": "s.txt",
                "start": 0,
                "end": len(quote),
                "quote": quote,
                "passage": quote,
            }
        )
    ]
    conflicts = [
        {"field": "planned", "values": [{"value": 2020, "citations": [1]}]},
        {"field": "year", "values": [{"value": 2021, "citations": [1]}, {"value": 2022, "citations": [1]}]},
    ]
    raw = {"year": 2022, "city": "Aix", "citations": [1], "conflicts": conflicts}
    row = briefs._row(raw, cited, briefs.Footnotes(assistant.catalog), words()["fr"], "fr")
    planned, differs = row["conflicts"]
    assert planned["text"] == "L'édition tenue à Aix en 2022 était d'abord prévue en 2020 [1]."
    built["timeline"][0] = {**built["timeline"][0], "conflicts": [planned, differs]}
    said = words()["fr"]
    differences, noted = brief_markdown(built, {}).split(f"**{said['differ']}**")[1].split(f"**{said['noted']}**")
    assert "2021 [^1], 2022 [^1]" in differences and "prévue en 2020" not in differences
    assert "\n- L'édition tenue à Aix en 2022 était d'abord prévue en 2020 [^1]." in noted
    built["timeline"][0]["conflicts"] = [planned]
    assert not timeline_rows(built)[1][0][-1].endswith("⚠")  # no difference to flag in the table
