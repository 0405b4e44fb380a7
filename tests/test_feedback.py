from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from assistant.feedback import COLUMNS, FeedbackStore


def _exported(store: FeedbackStore) -> list[dict[str, str]]:
    out = io.StringIO()
    store.export_csv(out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_feedback_is_stored_and_exported_as_csv(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    store.record(question="Q1", answer="A1 [1]", rating=1, citations=[{"n": 1, "source": "x.txt"}])
    store.record(question="Q2", answer="A2", rating=-1, comment=" trop court ", refused=True)
    rows = _exported(store)
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["question"], r["answer"], r["rating"], r["comment"]) for r in rows] == [
        ("Q1", "A1 [1]", "1", ""),
        ("Q2", "A2", "-1", "trop court"),
    ]


def test_a_thumb_and_a_comment_on_one_answer_share_its_row(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    first = store.record(question="Q", answer="A", comment="la date manque", turn_id="t1", filters={"editions": [7]})
    again = store.record(question="Q", answer="A", rating=-1, turn_id="t1")
    (row,) = _exported(store)
    assert first == again
    assert (row["rating"], row["comment"], row["filters"]) == ("-1", "la date manque", '{"editions": [7]}')
    store.record(question="Q", answer="A", rating=1, turn_id="t1")  # changed their mind
    assert _exported(store)[0]["rating"] == "1" and _exported(store)[0]["comment"] == "la date manque"


def test_cells_a_spreadsheet_would_run_are_neutralised(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.record(question='=HYPERLINK("http://x")', answer="@SUM(A1)", rating=1, comment="-2+3")
    (row,) = _exported(store)
    assert (row["question"], row["answer"], row["comment"]) == ('\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-2+3")


def test_a_database_of_the_first_release_gains_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
            "question TEXT NOT NULL, answer TEXT NOT NULL, rating INTEGER NOT NULL, "
            "comment TEXT NOT NULL DEFAULT '', refused INTEGER NOT NULL DEFAULT 0, "
            "citations TEXT NOT NULL DEFAULT '[]')"
        )
        conn.execute("INSERT INTO feedback (created_at, question, answer, rating) VALUES ('2026-11-01', 'Q0', 'A0', 1)")
    store = FeedbackStore(path)
    store.record(question="Q1", answer="A1", rating=-1, turn_id="t")
    assert [r["question"] for r in _exported(store)] == ["Q0", "Q1"]
