from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import DocumentError, ModelError
from assistant.ingest.corpus import screen_uploads
from assistant.pipeline import Assistant
from assistant.retrieval.search import Filters
from tests.fakes import FakeEmbedder


def snapshot(corpus: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(corpus.iterdir())}


@pytest.fixture
def assistant(settings: Settings) -> Assistant:
    a = Assistant(settings, embedder=FakeEmbedder(), chat_model=None)
    a.index()
    return a


def test_added_documents_are_searchable_at_once(assistant: Assistant, tmp_path: Path) -> None:
    note = tmp_path / "note shizuoka.md"
    note.write_text("# Note\n\nÀ Shizuoka, l'hydrogène et l'eau ont été discutés.\n", encoding="utf-8")
    added, report = assistant.add_documents([note])
    assert [a.source for a in added] == ["note_shizuoka.md"] and report.added == ["note_shizuoka.md"]
    assert assistant.search("Shizuoka hydrogène", top_k=1)[0].source == "note_shizuoka.md"
    meta = json.loads((assistant.settings.corpus_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["note_shizuoka.md"]["title"] == "Note" and meta["note_shizuoka.md"]["kind"] == "uploaded"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [("tableur.xlsx", b"PK", "unsupported"), ("vide.txt", b"\n\n", "empty"), ("faux.pdf", b"nope", "PDF")],
)
def test_bad_uploads_change_nothing(assistant: Assistant, tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    before = snapshot(assistant.settings.corpus_dir)
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=reason):
        assistant.add_documents([path])
    assert snapshot(assistant.settings.corpus_dir) == before


def test_too_large_uploads_are_refused(settings: Settings, tmp_path: Path) -> None:
    small = settings.model_copy(update={"max_upload_mb": 0.001})
    a = Assistant(small, embedder=FakeEmbedder(), chat_model=None)
    big = tmp_path / "gros.txt"
    big.write_text("Takamatsu. " * 500, encoding="utf-8")
    with pytest.raises(DocumentError, match="limit"):
        a.add_documents([big])


def test_an_indexing_failure_rolls_the_upload_back(settings: Settings, tmp_path: Path) -> None:
    Assistant(settings, embedder=FakeEmbedder(), chat_model=None).index()
    before = snapshot(settings.corpus_dir)
    failing = Assistant(settings, embedder=FakeEmbedder(fail_after=0), chat_model=None)
    note = tmp_path / "note.txt"
    note.write_text("Une note sur l'eau à Shizuoka.", encoding="utf-8")
    with pytest.raises(ModelError):
        failing.add_documents([note])
    assert snapshot(settings.corpus_dir) == before
    assert {d["source"] for d in Assistant(settings, embedder=FakeEmbedder()).documents()} == {
        "ateliers.md",
        "rencontres.txt",
    }


def test_the_same_content_is_not_stored_twice(assistant: Assistant, tmp_path: Path) -> None:
    corpus = assistant.settings.corpus_dir
    copy = tmp_path / "autre nom.md"
    copy.write_bytes((corpus / "ateliers.md").read_bytes())
    before = snapshot(corpus)
    with pytest.raises(DocumentError, match=r"already in the corpus as ateliers\.md"):
        assistant.add_documents([copy])
    note = tmp_path / "note.txt"
    note.write_text("Une note sur l'eau à Shizuoka.", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"the same file as note\.txt"):
        assistant.add_documents([note, note])
    assert snapshot(corpus) == before


def test_screening_keeps_the_good_files_and_names_each_bad_one(assistant: Assistant, tmp_path: Path) -> None:
    good, empty, odd = tmp_path / "bon.txt", tmp_path / "vide.txt", tmp_path / "x.exe"
    good.write_text("Une note sur l'eau à Shizuoka.", encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    odd.write_bytes(b"MZ")
    kept, problems = screen_uploads(assistant.settings, [empty, good, odd])
    assert kept == [good]
    assert [(p.reason, p.details["name"]) for p in problems] == [("empty", "vide.txt"), ("unsupported", "x.exe")]
    assert str(problems[0]).startswith("vide.txt: the file is empty")


def test_remove_deletes_an_added_document_from_corpus_and_index(assistant: Assistant, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Une note sur l'eau à Shizuoka.", encoding="utf-8")
    assistant.add_documents([note])
    report = assistant.remove_document("note.txt")
    assert report.removed == ["note.txt"]
    assert not (assistant.settings.corpus_dir / "note.txt").exists()
    with pytest.raises(DocumentError, match="No document"):
        assistant.remove_document("note.txt")


def test_a_removal_whose_indexing_fails_puts_the_document_back(settings: Settings, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Une note sur l'eau à Shizuoka.", encoding="utf-8")
    Assistant(settings, embedder=FakeEmbedder(), chat_model=None).add_documents([note], title="Note sur l'eau")
    before = snapshot(settings.corpus_dir)
    failing = Assistant(settings, embedder=FakeEmbedder(), chat_model=None)

    def index(progress: object = None) -> None:  # removing embeds nothing: the re-indexing itself fails
        raise ModelError("the index could not be written")

    failing.index = index  # type: ignore[method-assign,assignment]
    with pytest.raises(ModelError):
        failing.remove_document("note.txt")
    assert snapshot(settings.corpus_dir) == before  # the file and its title in the metadata, byte for byte
    assert "note.txt" in {d["source"] for d in Assistant(settings, embedder=FakeEmbedder()).documents()}


def test_shipped_documents_are_protected_unless_the_setting_says_otherwise(assistant: Assistant) -> None:
    settings = assistant.settings
    before = snapshot(settings.corpus_dir)
    with pytest.raises(DocumentError, match="protected"):
        assistant.remove_document("ateliers.md")
    assert snapshot(settings.corpus_dir) == before
    open_site = Assistant(settings.model_copy(update={"protect_shipped": False}), embedder=FakeEmbedder())
    assert open_site.remove_document("ateliers.md").removed == ["ateliers.md"]


def test_read_only_sites_refuse_changes(settings: Settings, tmp_path: Path) -> None:
    a = Assistant(settings.model_copy(update={"uploads_enabled": False}), embedder=FakeEmbedder(), chat_model=None)
    (tmp_path / "x.txt").write_text("texte", encoding="utf-8")
    with pytest.raises(DocumentError, match="turned off"):
        a.add_documents([tmp_path / "x.txt"])
    with pytest.raises(DocumentError, match="turned off"):
        a.remove_document("rencontres.txt")


def test_an_added_document_is_dated_by_its_head_so_the_filters_find_it(assistant: Assistant, tmp_path: Path) -> None:
    report = tmp_path / "bilan.md"
    report.write_text(
        "# Bilan des 8es Rencontres\n\n*Note présentée à Rennes, le 14 octobre 2025.*\n\n"
        "Le comité a salué les échanges de lycéens entre Rennes et Tsu.\n",
        encoding="utf-8",
    )
    (added,), _ = assistant.add_documents([report])
    assert (added.date, added.edition) == ("2025-10-14", 8)
    meta = json.loads((assistant.settings.corpus_dir / "metadata.json").read_text(encoding="utf-8"))["bilan.md"]
    assert (meta["date"], meta["year"], meta["edition"]) == ("2025-10-14", 2025, 8)
    hits = assistant.search("échanges de lycéens", filters=Filters(editions=(8,)))
    assert {p.source for p in hits} >= {"bilan.md"}
    assert assistant.search("lycéens", filters=Filters(years=(2025,)))[0].source == "bilan.md"


def test_what_the_user_says_of_a_document_wins_and_can_be_changed(assistant: Assistant, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Réunion du 3 mars 2024 sur l'eau à Shizuoka.", encoding="utf-8")
    (added,), _ = assistant.add_documents([note], title="Réunion sur l'eau", date="2024-11", edition="8")
    assert (added.title, added.date, added.edition) == ("Réunion sur l'eau", "2024-11", 8)
    assistant.update_document("note.txt", {"title": "Eau : compte rendu", "date": "", "edition": "7"})
    (doc,) = [d for d in assistant.documents() if d["source"] == "note.txt"]
    assert (doc["title"], doc.get("date"), doc.get("year"), doc["edition"]) == ("Eau : compte rendu", None, None, 7)
    assert assistant.search("l'eau à Shizuoka", filters=Filters(editions=(7,)))[0].source == "note.txt"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [({"date": "14/10/2025"}, "bad_date"), ({"date": "2025-02-30"}, "bad_date"), ({"edition": "huit"}, "bad_edition")],
)
def test_bad_details_change_nothing(assistant: Assistant, tmp_path: Path, changes: dict, reason: str) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Une note sur l'eau à Shizuoka.", encoding="utf-8")
    assistant.add_documents([note])
    before = snapshot(assistant.settings.corpus_dir)
    with pytest.raises(DocumentError) as caught:
        assistant.update_document("note.txt", changes)
    assert caught.value.reason == reason and snapshot(assistant.settings.corpus_dir) == before
    with pytest.raises(DocumentError, match="protected"):
        assistant.update_document("ateliers.md", {"edition": "3"})
