"""Build and read the index: vectors in Chroma, BM25 and the chunk catalog on disk.

Each run that changes anything writes a new *generation*: a Chroma collection of its own and a folder
``index/generations/<id>/`` (manifest, chunk table, BM25, document texts). Vectors of chunks whose
text did not change are copied from the previous generation instead of being embedded again. The
run commits by atomically replacing ``index/CURRENT``; until then readers keep using the previous
generation, so killing the run at any point loses nothing, and the next run starts over cleanly.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError, IndexNotBuiltError
from assistant.ingest.catalog import (
    COLLECTION_KEYS,
    CURRENT,
    GENERATIONS,
    DocumentRecord,
    IndexCatalog,
    current_generation,
)
from assistant.ingest.loading import load_corpus
from assistant.ingest.store import HNSW_CONFIG, ChromaStore
from assistant.models.embeddings import Embedder
from assistant.models.manifest import load_manifest
from assistant.text.chunking import normalize_text, segment_document, split_document
from assistant.text.lexical import BM25Index
from assistant.types import Chunk, Document

logger = logging.getLogger(__name__)

CHUNKER_VERSION = "6"  # bump when chunking or the embedded text changes: it forces a rebuild

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IndexReport:
    added: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: list[str]
    embedded: int
    reused: int
    chunks: int
    generation: str | None
    rebuilt_because: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuilt_because)

    def summary(self) -> str:
        counts = (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged"
        )
        if not self.changed:
            return f"Index up to date: {counts}; 0 chunks embedded."
        return (
            f"Indexed: {counts}; {self.embedded} passages and sentences embedded, {self.reused} reused; "
            f"{self.chunks} chunks in all."
        )


def index_params(settings: Settings, *, second_model: str | None = None) -> dict[str, Any]:
    """What the vectors depend on: when any of it changes, the index is rebuilt."""
    manifest = load_manifest()
    spec = manifest.get(settings.embedding_model)
    params = {
        "embedding_model": settings.embedding_model,
        "embedding_sha256": spec.sha256 if spec else None,
        "chunk_size": settings.chunk_size,
        "chunk_overlap_sentences": settings.chunk_overlap_sentences,
        "chunker": CHUNKER_VERSION,
        "vector_index": HNSW_CONFIG,
    }
    if second_model:  # absent rather than None, so an index built without one stays valid
        second = manifest.get(second_model)
        params["second_embedding_model"] = second_model
        params["second_embedding_sha256"] = second.sha256 if second else None
    return params


_SECOND_KEYS = ("second_embedding_model", "second_embedding_sha256")
# Where a generation's manifest names its vector collections (the last only with a second embedder).


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its section heading (unless the chunk opens with it) and text.

    The document's title goes to the embedder separately, and to BM25 in front of this text.
    """
    body = normalize_text(chunk.text)
    section = " / ".join(h for h in chunk.heading_path if not body.startswith(h))
    return f"{section}\n{body}" if section else body


def open_store(settings: Settings, embedder: Embedder) -> ChromaStore:
    if settings.chroma_host:
        return ChromaStore.server(settings.chroma_host, settings.chroma_port, embedder, ssl=settings.chroma_ssl)
    return ChromaStore.persistent(settings.index_dir / "chroma", embedder)


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


# --- building --------------------------------------------------------------------------------------


@contextlib.contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """One indexing run at a time (the CLI and the app may both try)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise AssistantError("Another indexing run is in progress; wait for it to finish.", reason="busy") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_index(
    settings: Settings,
    embedder: Embedder,
    store: ChromaStore,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    second: Embedder | None = None,
) -> IndexReport:
    """Bring the index in line with the corpus folder, embedding only what is new.

    ``second``, if given, embeds the chunks once more into a collection of its own (retrieval fuses
    its ranking with the others).
    """
    index_dir = settings.index_dir
    with index_lock(index_dir):
        _remove_leftovers(index_dir, store, settings.collection_prefix)
        documents, failures = load_corpus(settings.corpus_dir)
        params = index_params(settings, second_model=second.model_id if second else None)
        reason = None
        previous = None
        if current_generation(index_dir) is not None:
            try:
                previous = IndexCatalog.load(index_dir)
            except IndexNotBuiltError as exc:
                reason = f"the previous index could not be read ({exc})"
        if previous is not None and previous.params != params:
            changed = sorted(k for k in params if previous.params.get(k) != params[k])
            reason = "settings changed since the last build: " + ", ".join(changed)
        elif rebuild:
            reason = "rebuild requested"
        if previous is not None and not set(previous.collections()) <= set(store.collection_names()):
            reason = "the vector store has lost the index's collection"

        old = {} if reason or previous is None else {r.source: r for r in previous.documents.values()}
        new = {d.source: d for d in documents}
        added = sorted(s for s in new if s not in old)
        # A document is unchanged when its bytes, title and metadata are (an edited date is a change).
        same = {s for s in new if s in old and _described(old[s]) == _described(new[s])}
        updated = sorted(s for s in new if s in old and s not in same)
        unchanged = sorted(same)
        removed = sorted(s for s in old if s not in new)
        if previous is not None and not (added or updated or removed or reason):
            return IndexReport(
                [], [], [], unchanged, 0, 0, len(previous.chunks), previous.generation, failures=failures
            )

        # Vectors are keyed by the text embedded: a new chunk size or vector index keeps those whose
        # text is unchanged. Another embedding model, or an explicit rebuild, embeds everything again.
        same_model = previous is not None and all(
            previous.params.get(k) == params[k] for k in ("embedding_model", "embedding_sha256")
        )
        reuse = previous if same_model and not rebuild else None
        generation = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        report = _write_generation(
            settings, embedder, store, documents, reuse, generation, params, progress, second=second
        )
        _commit(index_dir, generation)
        logger.info("index generation %s committed", generation)
        _remove_leftovers(index_dir, store, settings.collection_prefix)  # the previous generation, now unused
        return IndexReport(
            added,
            updated,
            removed,
            unchanged,
            report[0],
            report[1],
            report[2],
            generation,
            rebuilt_because=reason,
            failures=failures,
        )


def _described(document: Document | DocumentRecord) -> tuple[str, str, dict[str, Any]]:
    return document.sha256, document.title, dict(document.metadata)


@dataclass(frozen=True)
class _Entry:
    """One vector to store: a chunk, or a sentence of a document."""

    chunk: Chunk
    title: str
    text: str  # what is embedded (the title goes beside it)
    sha: str  # of title and text: equal shas share a vector across generations


def _entries(chunks: list[Chunk], titles: dict[str, str]) -> list[_Entry]:
    out = []
    for c in chunks:
        text = embedding_text(c)
        title = titles[c.doc_id]
        out.append(_Entry(c, title, text, hashlib.sha256(f"{title}\0{text}".encode()).hexdigest()))
    return out


def document_sentences(document: Document) -> list[Chunk]:
    """Each sentence and heading of a document as a span, to be embedded on its own."""
    out = []
    for unit in segment_document(document):
        text = document.text[unit.start : unit.end]
        digest = hashlib.sha256(f"{document.doc_id}\0{unit.start}\0{unit.end}\0{text}".encode()).hexdigest()
        out.append(
            Chunk(
                chunk_id=digest[:32],
                doc_id=document.doc_id,
                start=unit.start,
                end=unit.end,
                text=text,
                heading_path=unit.heading_path,
                metadata={"heading": True} if unit.kind == "heading" else {},
            )
        )
    return out


def _write_generation(
    settings: Settings,
    embedder: Embedder,
    store: ChromaStore,
    documents: list[Document],
    previous: IndexCatalog | None,
    generation: str,
    params: dict[str, Any],
    progress: Progress | None,
    *,
    second: Embedder | None = None,
) -> tuple[int, int, int]:
    """Write a generation's folder and collections: texts, chunk and sentence tables, BM25, vectors (copied
    from ``previous`` where the text is unchanged, else embedded), the manifest last.

    Long: the writes of one generation are one transaction, kept in the order a killed run must find
    them; each step is a few lines."""
    folder = settings.index_dir / GENERATIONS / f"{generation}.tmp"
    (folder / "texts").mkdir(parents=True)
    titles = {d.doc_id: d.title for d in documents}
    chunks: list[Chunk] = []
    sentences: list[Chunk] = []
    for document in documents:
        _write_text(folder / "texts" / f"{document.doc_id}.txt", document.text)
        chunks += split_document(
            document, chunk_size=settings.chunk_size, overlap_sentences=settings.chunk_overlap_sentences
        )
        sentences += document_sentences(document)
    chunk_entries, sentence_entries = _entries(chunks, titles), _entries(sentences, titles)

    # The generation's vector collections: what each holds, embedded by which model.
    collection = f"{settings.collection_prefix}-{generation}"
    spaces = [(collection, chunk_entries, embedder), (f"{collection}-sentences", sentence_entries, embedder)]
    if second is not None:
        spaces.append((f"{collection}-second", chunk_entries, second))

    # Vectors are keyed by model and embedded text; those unchanged are copied from the previous generation.
    vectors: dict[tuple[str, str], list[float]] = {}
    if previous is not None:
        old = [
            (previous.chunks, previous.collection, embedder),
            (previous.sentences, previous.sentence_collection, embedder),
        ]
        if (
            second is not None
            and previous.second_collection
            and all(previous.params.get(k) == params.get(k) for k in _SECOND_KEYS)
        ):
            old.append((previous.chunks, previous.second_collection, second))
        wanted = {e.sha for e in chunk_entries + sentence_entries}
        for units, name, model in old:
            by_sha = {u.metadata["embed_sha"]: uid for uid, u in units.items() if u.metadata["embed_sha"] in wanted}
            stored = store.embeddings(name, list(by_sha.values()), embedder=model)
            vectors.update({(model.model_id, units[uid].metadata["embed_sha"]): vec for uid, vec in stored.items()})
    todo = list(
        {
            (m.model_id, e.sha): (m, e)
            for _, entries, m in spaces
            for e in entries
            if (m.model_id, e.sha) not in vectors
        }.values()
    )
    batch = max(1, settings.embedding_batch_size)
    if progress:
        progress(0, len(todo))
    for done in range(0, len(todo), batch):
        part = todo[done : done + batch]
        for model in dict.fromkeys(m for m, _ in part):
            mine = [e for m, e in part if m is model]
            embedded = model.embed_documents([e.text for e in mine], titles=[e.title for e in mine])
            vectors.update({(model.model_id, e.sha): vec for e, vec in zip(mine, embedded, strict=True)})
        if progress:
            progress(min(done + batch, len(todo)), len(todo))

    by_doc = {d.doc_id: d for d in documents}
    for name, entries, model in spaces:
        store.drop(name)
        store.add(
            name,
            ids=[e.chunk.chunk_id for e in entries],
            embeddings=[vectors[(model.model_id, e.sha)] for e in entries],
            metadatas=[_chunk_metadata(e.chunk, by_doc[e.chunk.doc_id]) for e in entries],
            documents=[e.text for e in entries],
            embedder=model,
        )
    BM25Index.build([e.chunk.chunk_id for e in chunk_entries], [f"{e.title}\n{e.text}" for e in chunk_entries]).save(
        folder / "bm25"
    )
    _write_units(folder / "chunks.jsonl", chunk_entries)
    _write_units(folder / "sentences.jsonl", sentence_entries)

    now = datetime.now(UTC).isoformat(timespec="seconds")
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    old_records = previous.documents if previous else {}
    records = [
        DocumentRecord(
            doc_id=d.doc_id,
            source=d.source,
            title=d.title,
            sha256=d.sha256,
            chunks=counts.get(d.doc_id, 0),
            indexed_at=(
                old_records[d.doc_id].indexed_at
                if d.doc_id in old_records and old_records[d.doc_id].sha256 == d.sha256
                else now
            ),
            metadata=d.metadata,
        )
        for d in documents
    ]
    manifest = {
        "generation": generation,
        "collection": spaces[0][0],
        "sentence_collection": spaces[1][0],
        "second_collection": spaces[2][0] if second is not None else None,
        "params": params,
        "created_at": now,
        "documents": [asdict(r) for r in records],
    }
    _write_text(folder / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    folder.rename(folder.with_suffix(""))
    n_vectors = sum(len(entries) for _, entries, _ in spaces)
    return len(todo), n_vectors - len(todo), len(chunks)


def _write_units(path: Path, entries: list[_Entry]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for e in entries:
            row = {
                "chunk_id": e.chunk.chunk_id,
                "doc_id": e.chunk.doc_id,
                "start": e.chunk.start,
                "end": e.chunk.end,
                "heading_path": list(e.chunk.heading_path),
                "embed_sha": e.sha,
                **({"heading": True} if e.chunk.metadata.get("heading") else {}),
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _chunk_metadata(chunk: Chunk, document: Document) -> dict[str, str | int]:
    meta: dict[str, str | int] = {
        "doc_id": chunk.doc_id,
        "source": document.source,
        "start": chunk.start,
        "end": chunk.end,
    }
    for key in ("edition", "year"):
        if isinstance(document.metadata.get(key), int):
            meta[key] = document.metadata[key]
    return meta


def _commit(index_dir: Path, generation: str) -> None:
    tmp = index_dir / f"{CURRENT}.tmp"
    with tmp.open("w", encoding="utf-8") as f:
        f.write(generation + "\n")
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(index_dir / CURRENT)


def _remove_leftovers(index_dir: Path, store: ChromaStore, prefix: str) -> None:
    """Delete what an interrupted run left: unfinished folders and collections no generation owns."""
    keep = current_generation(index_dir)
    generations = index_dir / GENERATIONS
    if generations.is_dir():
        for folder in generations.iterdir():
            if folder != keep:
                shutil.rmtree(folder, ignore_errors=True)
    keep_collections: set[str] = set()
    if keep is not None:
        manifest = json.loads((keep / "manifest.json").read_text(encoding="utf-8"))
        keep_collections = {manifest.get(k) or "" for k in COLLECTION_KEYS}
    for name in store.collection_names():
        if name.startswith(prefix + "-") and name not in keep_collections:
            logger.info("removing collection %s left by an interrupted run", name)
            store.drop(name)
