from __future__ import annotations

import csv
import io
from pathlib import Path

from assistant.feedback import COLUMNS, FeedbackStore


def test_feedback_is_stored_and_exported_as_csv(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    store.record(question="Q1", answer="A1 [1]", rating=1, citations=[{"n": 1, "source": "x.txt"}])
    store.record(question="Q2", answer="A2", rating=-1, comment=" trop court ", refused=True)
    out = io.StringIO()
    assert store.export_csv(out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(COLUMNS)
    assert [r[2:6] for r in rows[1:]] == [["Q1", "A1 [1]", "1", ""], ["Q2", "A2", "-1", "trop court"]]
