from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IndexNotBuiltError, ModelError
from assistant.ingest.catalog import IndexCatalog
from assistant.ingest.indexing import build_index, open_store
from tests.fakes import FakeEmbedder


def run(settings: Settings, embedder: FakeEmbedder | None = None, **kwargs: object):
    embedder = embedder or FakeEmbedder()
    return build_index(settings, embedder, open_store(settings, embedder), **kwargs), embedder  # type: ignore[arg-type]


def test_first_run_indexes_everything_and_second_run_embeds_nothing(settings: Settings) -> None:
    report, _ = run(settings)
    assert report.added == ["ateliers.md", "rencontres.txt"] and report.embedded > 0
    again, embedder2 = run(settings)
    assert not again.changed and embedder2.documents_embedded == 0
    assert again.unchanged == ["ateliers.md", "rencontres.txt"]
    assert "0 chunks embedded" in again.summary()


def test_editing_one_document_reembeds_only_what_changed(settings: Settings, corpus_dir: Path) -> None:
    run(settings)
    catalog_before = IndexCatalog.load(settings.index_dir)
    md = corpus_dir / "ateliers.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nUne phrase ajoutée sur l'eau.\n", encoding="utf-8")
    report, embedder = run(settings)
    assert report.updated == ["ateliers.md"] and report.unchanged == ["rencontres.txt"]
    # Only the edited document's new chunk and sentence are embedded; the rest is copied.
    assert 0 < embedder.documents_embedded <= 3
    catalog = IndexCatalog.load(settings.index_dir)
    assert catalog.generation != catalog_before.generation
    assert not catalog_before.folder.exists()  # the old generation is cleaned up


def test_a_metadata_edit_reaches_the_index_without_embedding_anything(settings: Settings, corpus_dir: Path) -> None:
    run(settings)
    meta = corpus_dir / "metadata.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"edition": 8', '"edition": 9'), encoding="utf-8")
    report, embedder = run(settings)
    assert report.updated == ["ateliers.md"] and embedder.documents_embedded == 0
    catalog = IndexCatalog.load(settings.index_dir)
    assert [d.source for d in catalog.documents.values() if d.metadata.get("edition") == 9] == ["ateliers.md"]


def test_removed_documents_leave_the_index(settings: Settings, corpus_dir: Path) -> None:
    run(settings)
    (corpus_dir / "ateliers.md").unlink()
    report, _ = run(settings)
    assert report.removed == ["ateliers.md"]
    catalog = IndexCatalog.load(settings.index_dir)
    assert {d.source for d in catalog.documents.values()} == {"rencontres.txt"}
    assert all(c.doc_id in catalog.documents for c in catalog.chunks.values())


def test_changing_the_chunk_size_rebuilds_and_says_why(settings: Settings) -> None:
    run(settings)
    report, embedder = run(settings.model_copy(update={"chunk_size": 400}))
    assert report.rebuilt_because and "chunk_size" in report.rebuilt_because
    assert report.embedded == embedder.documents_embedded > 0  # the new chunks
    assert report.reused > 0  # sentences do not depend on the chunk size: their vectors are kept


def test_another_embedding_model_embeds_everything_again(settings: Settings) -> None:
    first, _ = run(settings)
    report, embedder = run(settings.model_copy(update={"embedding_model": "other-embedder"}))
    assert report.rebuilt_because and "embedding_model" in report.rebuilt_because
    assert report.reused == 0 and embedder.documents_embedded == first.embedded


def test_an_interrupted_run_keeps_the_previous_index_and_the_next_run_completes(
    settings: Settings, corpus_dir: Path
) -> None:
    run(settings)
    before = IndexCatalog.load(settings.index_dir)
    (corpus_dir / "new.md").write_text("# Nouveau\n\nL'hydrogène à Shizuoka. Les jeunes et l'eau.\n", encoding="utf-8")
    with pytest.raises(ModelError):
        run(settings, FakeEmbedder(fail_after=0))
    after_failure = IndexCatalog.load(settings.index_dir)
    assert after_failure.generation == before.generation
    assert len(after_failure.chunks) == len(before.chunks)
    report, _ = run(settings)
    assert report.added == ["new.md"]
    store = open_store(settings, FakeEmbedder())
    current = IndexCatalog.load(settings.index_dir)
    assert set(n for n in store.collection_names()) == {current.collection, current.sentence_collection}


def test_reading_without_an_index_says_how_to_build_it(settings: Settings) -> None:
    with pytest.raises(IndexNotBuiltError, match="assistant index"):
        IndexCatalog.load(settings.index_dir)


def test_catalog_texts_match_every_chunk(settings: Settings) -> None:
    run(settings)
    catalog = IndexCatalog.load(settings.index_dir)
    for chunk in list(catalog.chunks.values()) + list(catalog.sentences.values()):
        assert catalog.text(chunk.doc_id)[chunk.start : chunk.end] == chunk.text


def test_a_second_embedder_gets_its_own_collection_and_is_incremental_too(settings: Settings, corpus_dir: Path) -> None:
    run(settings)
    # Turning it on keeps the first model's vectors and embeds only the chunks, with the second.
    second = FakeEmbedder(model_id="fake-second")
    report, first = run(settings, second=second)
    assert report.rebuilt_because and "second_embedding_model" in report.rebuilt_because
    catalog = IndexCatalog.load(settings.index_dir)
    assert first.documents_embedded == 0 and second.documents_embedded == len(catalog.chunks)
    assert catalog.second_collection and open_store(settings, first).count(catalog.second_collection) == len(
        catalog.chunks
    )
    # Nothing changed: neither model embeds anything. One edit: each embeds only what changed.
    again = FakeEmbedder(model_id="fake-second")
    assert not run(settings, second=again)[0].changed and again.documents_embedded == 0
    md = corpus_dir / "ateliers.md"
    md.write_text(md.read_text(encoding="utf-8") + "\nUne phrase ajoutée sur l'eau.\n", encoding="utf-8")
    edited = FakeEmbedder(model_id="fake-second")
    report, first = run(settings, second=edited)
    assert report.updated == ["ateliers.md"] and 0 < edited.documents_embedded <= 2
    assert 0 < first.documents_embedded <= 3
    # Turned off again: the index forgets the collection, which is dropped.
    report, _ = run(settings)
    catalog = IndexCatalog.load(settings.index_dir)
    assert catalog.second_collection is None
    assert set(open_store(settings, FakeEmbedder()).collection_names()) == set(catalog.collections())
