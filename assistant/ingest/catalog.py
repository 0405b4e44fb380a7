"""Read the index: the committed generation's documents, chunks, sentences, BM25 index and texts.

``index/CURRENT`` names the generation in use (``index/generations/<id>/``); ``indexing`` writes them.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.errors import IndexNotBuiltError
from assistant.text.chunking import introduces, list_marker, next_marker
from assistant.text.lexical import BM25Index
from assistant.types import Chunk

CURRENT = "CURRENT"
GENERATIONS = "generations"
COLLECTION_KEYS = ("collection", "sentence_collection", "second_collection")


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


class IndexCatalog:
    """One committed generation: its documents, chunks, BM25 index and collection name."""

    def __init__(
        self,
        folder: Path,
        manifest: dict[str, Any],
        chunks: dict[str, Chunk],
        sentences: dict[str, Chunk],
        bm25: BM25Index,
        texts: dict[str, str],
    ) -> None:
        self.folder = folder
        self.manifest = manifest
        self.generation: str = manifest["generation"]
        self.collection: str = manifest["collection"]
        self.sentence_collection: str = manifest["sentence_collection"]
        # Chunk vectors of the second embedder, when the index has one.
        self.second_collection: str | None = manifest.get("second_collection")
        self.params: dict[str, Any] = manifest["params"]
        self.documents = {d["doc_id"]: DocumentRecord(**d) for d in manifest["documents"]}
        self.chunks = chunks
        self.sentences = sentences
        self.bm25 = bm25
        self._texts = texts
        # Each document's sentences in order, and which chunks hold each sentence (two where they overlap).
        self._sentences_by_doc: dict[str, list[Chunk]] = {}
        for sentence in sorted(sentences.values(), key=lambda x: (x.doc_id, x.start)):
            self._sentences_by_doc.setdefault(sentence.doc_id, []).append(sentence)
        self._starts = {doc: [x.start for x in group] for doc, group in self._sentences_by_doc.items()}
        self.chunks_of_sentence: dict[str, list[str]] = {}
        for chunk in chunks.values():
            for sentence in self.sentences_of(chunk):
                self.chunks_of_sentence.setdefault(sentence.chunk_id, []).append(chunk.chunk_id)

    def collections(self) -> list[str]:
        """The vector collections this generation reads."""
        return [self.manifest[k] for k in COLLECTION_KEYS if self.manifest.get(k)]

    def sentences_of(self, chunk: Chunk) -> list[Chunk]:
        """The sentences (and headings) inside a chunk, in order."""
        group = self._sentences_by_doc.get(chunk.doc_id, [])
        first = bisect.bisect_left(self._starts.get(chunk.doc_id, []), chunk.start)
        inside = []
        for sentence in group[first:]:
            if sentence.start >= chunk.end:
                break
            if sentence.end <= chunk.end:
                inside.append(sentence)
        return inside

    def sentences_in(self, doc_id: str) -> list[Chunk]:
        """A document's sentences (and headings), in order."""
        return list(self._sentences_by_doc.get(doc_id, []))

    def following(self, sentence: Chunk, *, max_chars: int) -> list[Chunk]:
        """The units after ``sentence`` in its document, in order, as many as fit in ``max_chars``:
        what an introduction ("… sur les trois thèmes suivants :") introduces.
        """
        group = self._sentences_by_doc.get(sentence.doc_id, [])
        out: list[Chunk] = []
        used = 0
        for unit in group[bisect.bisect_right(self._starts.get(sentence.doc_id, []), sentence.start) :]:
            used += len(unit.text)
            if used > max_chars:
                break
            out.append(unit)
        return out

    def items_after(self, sentence: Chunk, *, count: int, max_chars: int) -> list[Chunk]:
        """The first ``count`` items of the first list after ``sentence`` in its document, within
        ``max_chars`` of text, each cut to its first line (the item, not the paragraph under it); [] if
        fewer are there: what "Trois ateliers ont été proposés (lire ci-dessous)" announces.

        The items follow one another ("-", "-", "-" or "1.", "2.", "3."): items of another list between
        them (a sub-list) are skipped, and another introduction ("… cinq villes :") ends the search. An
        item's id is its unit's with "#item" added."""
        items: list[Chunk] = []
        expected: str | None = None
        for unit in self.following(sentence, max_chars=max_chars):
            marker = list_marker(unit.text)
            if marker is None and introduces(unit.text):
                break  # another announcement: the list after it is its own
            if marker is None or (expected is not None and marker != expected):
                continue
            line = unit.text.split("\n", 1)[0].rstrip()
            items.append(replace(unit, chunk_id=f"{unit.chunk_id}#item", end=unit.start + len(line), text=line))
            if len(items) == count:
                return items
            expected = next_marker(marker)
        return []

    @classmethod
    def load(cls, index_dir: Path) -> IndexCatalog:
        folder = current_generation(index_dir)
        if folder is None:
            raise IndexNotBuiltError(f"Index not built in {index_dir}: run `assistant index`.")
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            texts = {r["doc_id"]: read_text(folder / "texts" / f"{r['doc_id']}.txt") for r in manifest["documents"]}
            chunks = _read_units(folder / "chunks.jsonl", texts)
            sentences = _read_units(folder / "sentences.jsonl", texts)
            bm25 = BM25Index.load(folder / "bm25")
        except (OSError, ValueError, KeyError) as exc:
            raise IndexNotBuiltError(
                f"The index in {index_dir} is damaged ({exc}): run `assistant index --rebuild`."
            ) from exc
        return cls(folder, manifest, chunks, sentences, bm25, texts)

    def text(self, doc_id: str) -> str:
        """The full text of an indexed document: what every offset of its chunks points into."""
        if doc_id not in self._texts:
            self._texts[doc_id] = read_text(self.folder / "texts" / f"{doc_id}.txt")
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


def _read_units(path: Path, texts: dict[str, str]) -> dict[str, Chunk]:
    units = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            units[row["chunk_id"]] = Chunk(
                chunk_id=row["chunk_id"],
                doc_id=row["doc_id"],
                start=row["start"],
                end=row["end"],
                text=texts[row["doc_id"]][row["start"] : row["end"]],
                heading_path=tuple(row["heading_path"]),
                metadata={"embed_sha": row["embed_sha"], "heading": row.get("heading", False)},
            )
    return units


def read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()
