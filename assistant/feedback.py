"""Thumbs up/down and comments on answers, kept in SQLite under the data folder.

One row per answer: its thumbs and its comment land on the same row (keyed by the answer's ``turn_id``),
beside the question, the answer, its citations, the filters it was asked under and the app's version.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from assistant import __version__

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 0, 1)),
    comment TEXT NOT NULL DEFAULT '',
    refused INTEGER NOT NULL DEFAULT 0,
    citations TEXT NOT NULL DEFAULT '[]'
)
"""
# Columns added since the first release: a database written by it gains them on first use.
_ADDED = {
    "turn_id": "TEXT",
    "filters": "TEXT NOT NULL DEFAULT '{}'",
    "app_version": "TEXT NOT NULL DEFAULT ''",
    "updated_at": "TEXT",
}
COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "question",
    "answer",
    "rating",
    "comment",
    "refused",
    "citations",
    "filters",
    "app_version",
    "turn_id",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path)) as conn, conn:
            conn.execute(_SCHEMA)
            have = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
            for column, kind in _ADDED.items():
                if column not in have:
                    conn.execute(f"ALTER TABLE feedback ADD COLUMN {column} {kind}")
            conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS feedback_turn ON feedback(turn_id)")
            yield conn

    def record(
        self,
        *,
        question: str,
        answer: str,
        rating: int | None = None,
        comment: str | None = None,
        refused: bool = False,
        citations: list[dict[str, Any]] | None = None,
        filters: dict[str, Any] | None = None,
        turn_id: str | None = None,
    ) -> int:
        """Store feedback on one answer. With a ``turn_id``, later feedback on the same answer updates its
        row: a thumb keeps the comment given before, a comment keeps the thumb (None = leave as is)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        values = {
            "created_at": now,
            "question": question,
            "answer": answer,
            "rating": rating or 0,
            "comment": (comment or "").strip(),
            "refused": int(refused),
            "citations": json.dumps(citations or [], ensure_ascii=False),
            "filters": json.dumps(filters or {}, ensure_ascii=False),
            "app_version": __version__,
            "turn_id": turn_id,
        }
        updates = ["updated_at = excluded.created_at"]
        if rating is not None:
            updates.append("rating = excluded.rating")
        if comment is not None:
            updates.append("comment = excluded.comment")
        names = ", ".join(values)
        with self._connect() as conn:
            conn.execute(
                f"INSERT INTO feedback ({names}) VALUES ({', '.join('?' * len(values))}) "
                f"ON CONFLICT(turn_id) DO UPDATE SET {', '.join(updates)}",
                tuple(values.values()),
            )
            if turn_id is None:
                return int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
            return int(conn.execute("SELECT id FROM feedback WHERE turn_id = ?", (turn_id,)).fetchone()[0])

    def rows(self) -> list[tuple[Any, ...]]:
        with self._connect() as conn:
            return list(conn.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id"))

    def export_csv(self, out: IO[str]) -> int:
        """Write every row as CSV; a text cell that a spreadsheet would run as a formula is quoted."""
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows([_neutral(cell) for cell in row] for row in rows)
        return len(rows)


def _neutral(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell
