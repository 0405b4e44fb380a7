"""Thumbs up/down and comments on answers, kept in SQLite under the data folder."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

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
COLUMNS = ("id", "created_at", "question", "answer", "rating", "comment", "refused", "citations")


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path)) as conn, conn:
            conn.execute(_SCHEMA)
            yield conn

    def record(
        self,
        *,
        question: str,
        answer: str,
        rating: int,
        comment: str = "",
        refused: bool = False,
        citations: list[dict[str, Any]] | None = None,
    ) -> int:
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, question, answer, rating, comment, refused, citations) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    question,
                    answer,
                    rating,
                    comment.strip(),
                    int(refused),
                    json.dumps(citations or [], ensure_ascii=False),
                ),
            )
            return int(cursor.lastrowid or 0)

    def rows(self) -> list[tuple[Any, ...]]:
        with self._connect() as conn:
            return list(conn.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id"))

    def export_csv(self, out: IO[str]) -> int:
        rows = self.rows()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        return len(rows)
