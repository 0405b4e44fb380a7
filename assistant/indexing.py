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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.chunking import normalize_text, split_document
from assistant.config import Settings
from assistant.embeddings import Embedder
from assistant.errors import AssistantError, IndexNotBuiltError
from assistant.lexical import BM25Index
from assistant.loading import load_corpus
from assistant.models import load_manifest
from assistant.store import ChromaStore
from assistant.types import Chunk, Document

logger = logging.getLogger(__name__)

CHUNKER_VERSION = "1"
CURRENT = "CURRENT"
GENERATIONS = "generations"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DocumentRecord:
    """What the index knows of a document."""

    doc_id: str
    source: str
    title: str
    sha256: str
    chunks: int
    indexed_at: str
    metadata: dict[str, Any] = field(default_factory=dict)


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
        return f"Indexed: {counts}; {self.embedded} chunks embedded, {self.reused} reused, {self.chunks} in all."


def index_params(settings: Settings) -> dict[str, Any]:
    """What the vectors depend on: when any of it changes, the index is rebuilt."""
    spec = load_manifest().get(settings.embedding_model)
    return {
        "embedding_model": settings.embedding_model,
        "embedding_sha256": spec.sha256 if spec else None,
        "chunk_size": settings.chunk_size,
        "chunk_overlap_sentences": settings.chunk_overlap_sentences,
        "chunker": CHUNKER_VERSION,
    }


def embedding_text(chunk: Chunk, title: str) -> str:
    """What is embedded and BM25-indexed for a chunk: its document's title, section, and text."""
    body = normalize_text(chunk.text)
    section = " / ".join(h for h in chunk.heading_path if not body.startswith(h))
    return "\n".join(part for part in (title, section, body) if part)


def open_store(settings: Settings, embedder: Embedder) -> ChromaStore:
    if settings.chroma_host:
        return ChromaStore.server(settings.chroma_host, settings.chroma_port, embedder, ssl=settings.chroma_ssl)
    return ChromaStore.persistent(settings.index_dir / "chroma", embedder)


# --- reading ---------------------------------------------------------------------------------------


class IndexCatalog:
    """One committed generation: its documents, chunks, BM25 index and collection name."""

    def __init__(self, folder: Path, manifest: dict[str, Any], chunks: dict[str, Chunk], bm25: BM25Index) -> None:
        self.folder = folder
        self.manifest = manifest
        self.generation: str = manifest["generation"]
        self.collection: str = manifest["collection"]
        self.params: dict[str, Any] = manifest["params"]
        self.documents = {d["doc_id"]: DocumentRecord(**d) for d in manifest["documents"]}
        self.chunks = chunks
        self.bm25 = bm25
        self._texts: dict[str, str] = {}

    @classmethod
    def load(cls, index_dir: Path) -> IndexCatalog:
        folder = current_generation(index_dir)
        if folder is None:
            raise IndexNotBuiltError(f"Index not built in {index_dir}: run `assistant index`.")
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            texts = {}
            chunks = {}
            with (folder / "chunks.jsonl").open(encoding="utf-8") as f:
                for line in f:
                    row = json.loads(line)
                    doc_id = row["doc_id"]
                    if doc_id not in texts:
                        texts[doc_id] = _read_text(folder / "texts" / f"{doc_id}.txt")
                    chunks[row["chunk_id"]] = Chunk(
                        chunk_id=row["chunk_id"],
                        doc_id=doc_id,
                        start=row["start"],
                        end=row["end"],
                        text=texts[doc_id][row["start"] : row["end"]],
                        heading_path=tuple(row["heading_path"]),
                        metadata={"embed_sha": row["embed_sha"]},
                    )
            bm25 = BM25Index.load(folder / "bm25")
        except (OSError, ValueError, KeyError) as exc:
            raise IndexNotBuiltError(f"The index in {index_dir} is damaged ({exc}): run `assistant index --rebuild`.") from exc
        catalog = cls(folder, manifest, chunks, bm25)
        catalog._texts = texts
        return catalog

    def text(self, doc_id: str) -> str:
        """The full text of an indexed document: what every offset of its chunks points into."""
        if doc_id not in self._texts:
            self._texts[doc_id] = _read_text(self.folder / "texts" / f"{doc_id}.txt")
        return self._texts[doc_id]

    def select_documents(
        self,
        *,
        doc_ids: Sequence[str] | None = None,
        editions: Sequence[int] | None = None,
        years: Sequence[int] | None = None,
    ) -> list[str] | None:
        """Ids of the documents that pass the filters, or None when no filter is set."""
        if not doc_ids and not editions and not years:
            return None
        chosen = []
        for record in self.documents.values():
            if doc_ids and record.doc_id not in doc_ids and record.source not in doc_ids:
                continue
            if editions and record.metadata.get("edition") not in editions:
                continue
            if years and record.metadata.get("year") not in years:
                continue
            chosen.append(record.doc_id)
        return chosen


def current_generation(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    folder = index_dir / GENERATIONS / pointer.read_text(encoding="utf-8").strip()
    return folder if (folder / "manifest.json").is_file() else None


def _read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


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
            raise AssistantError("Another indexing run is in progress; wait for it to finish.") from exc
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
) -> IndexReport:
    """Bring the index in line with the corpus folder, embedding only what is new."""
    index_dir = settings.index_dir
    with index_lock(index_dir):
        _remove_leftovers(index_dir, store, settings.collection_prefix)
        documents, failures = load_corpus(settings.corpus_dir)
        params = index_params(settings)
        previous = IndexCatalog.load(index_dir) if current_generation(index_dir) else None

        reason = None
        if previous is not None and previous.params != params:
            changed = sorted(k for k in params if previous.params.get(k) != params[k])
            reason = "settings changed since the last build: " + ", ".join(changed)
        elif rebuild:
            reason = "rebuild requested"
        if previous is not None and previous.collection not in store.collection_names():
            reason = "the vector store has lost the index's collection"

        old = {} if reason or previous is None else {r.source: r for r in previous.documents.values()}
        new = {d.source: d for d in documents}
        added = sorted(s for s in new if s not in old)
        updated = sorted(s for s in new if s in old and old[s].sha256 != new[s].sha256)
        unchanged = sorted(s for s in new if s in old and old[s].sha256 == new[s].sha256)
        removed = sorted(s for s in old if s not in new)
        if previous is not None and not (added or updated or removed or reason):
            return IndexReport([], [], [], unchanged, 0, 0, len(previous.chunks), previous.generation,
                               failures=failures)

        generation = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        report = _write_generation(
            settings, embedder, store, documents, previous if not reason else None, generation, params, progress
        )
        _commit(index_dir, generation)
        logger.info("index generation %s committed", generation)
        if previous is not None:
            store.drop(previous.collection)
            shutil.rmtree(previous.folder, ignore_errors=True)
        return IndexReport(added, updated, removed, unchanged, report[0], report[1], report[2], generation,
                           rebuilt_because=reason, failures=failures)


def _write_generation(
    settings: Settings,
    embedder: Embedder,
    store: ChromaStore,
    documents: list[Document],
    previous: IndexCatalog | None,
    generation: str,
    params: dict[str, Any],
    progress: Progress | None,
) -> tuple[int, int, int]:
    folder = settings.index_dir / GENERATIONS / f"{generation}.tmp"
    (folder / "texts").mkdir(parents=True)
    collection = f"{settings.collection_prefix}-{generation}"

    chunks: list[Chunk] = []
    titles: dict[str, str] = {}
    for document in documents:
        titles[document.doc_id] = document.title
        _write_text(folder / "texts" / f"{document.doc_id}.txt", document.text)
        chunks += split_document(document, chunk_size=settings.chunk_size,
                                 overlap_sentences=settings.chunk_overlap_sentences)
    texts = [embedding_text(c, titles[c.doc_id]) for c in chunks]
    shas = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]

    reusable: dict[str, list[float]] = {}
    if previous is not None:
        by_sha = {c.metadata["embed_sha"]: cid for cid, c in previous.chunks.items()}
        wanted = [by_sha[s] for s in set(shas) if s in by_sha]
        stored = store.embeddings(previous.collection, wanted)
        reusable = {previous.chunks[cid].metadata["embed_sha"]: vec for cid, vec in stored.items()}

    todo = [i for i, s in enumerate(shas) if s not in reusable]
    vectors: dict[str, list[float]] = dict(reusable)
    batch = max(1, settings.embedding_batch_size)
    if progress:
        progress(0, len(todo))
    for done in range(0, len(todo), batch):
        part = todo[done : done + batch]
        for i, vec in zip(part, embedder.embed_documents([texts[i] for i in part]), strict=True):
            vectors[shas[i]] = vec
        if progress:
            progress(min(done + batch, len(todo)), len(todo))

    by_doc = {d.doc_id: d for d in documents}
    store.drop(collection)
    store.add(
        collection,
        ids=[c.chunk_id for c in chunks],
        embeddings=[vectors[s] for s in shas],
        metadatas=[_chunk_metadata(c, by_doc[c.doc_id]) for c in chunks],
        documents=texts,
    )
    BM25Index.build([c.chunk_id for c in chunks], texts).save(folder / "bm25")
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as f:
        for chunk, sha in zip(chunks, shas, strict=True):
            row = {"chunk_id": chunk.chunk_id, "doc_id": chunk.doc_id, "start": chunk.start, "end": chunk.end,
                   "heading_path": list(chunk.heading_path), "embed_sha": sha}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    old_records = previous.documents if previous else {}
    records = [
        DocumentRecord(
            doc_id=d.doc_id, source=d.source, title=d.title, sha256=d.sha256, chunks=counts.get(d.doc_id, 0),
            indexed_at=(old_records[d.doc_id].indexed_at
                        if d.doc_id in old_records and old_records[d.doc_id].sha256 == d.sha256 else now),
            metadata=d.metadata,
        )
        for d in documents
    ]
    manifest = {"generation": generation, "collection": collection, "params": params, "created_at": now,
                "documents": [asdict(r) for r in records]}
    _write_text(folder / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    folder.rename(folder.with_suffix(""))
    return len(todo), len(chunks) - len(todo), len(chunks)


def _chunk_metadata(chunk: Chunk, document: Document) -> dict[str, str | int]:
    meta: dict[str, str | int] = {"doc_id": chunk.doc_id, "source": document.source,
                                  "start": chunk.start, "end": chunk.end}
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
    keep_collection = None
    if keep is not None:
        keep_collection = json.loads((keep / "manifest.json").read_text(encoding="utf-8"))["collection"]
    for name in store.collection_names():
        if name.startswith(prefix + "-") and name != keep_collection:
            logger.info("removing collection %s left by an interrupted run", name)
            store.drop(name)
