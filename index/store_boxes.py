"""SQL for where clauses are printed: the ``clause_boxes`` table (one row per clause of a
PDF or page image, its line boxes as JSON ``[[page, x0, y0, x1, y1], ...]`` in PDF points).

The table is created on open (``CREATE TABLE IF NOT EXISTS``), so a KB made before it opens
and searches as before: its clauses simply have no boxes until the document is added again
or the KB rebuilt (no format bump). ``db`` is a store connection (``index.store_sql``): SQLite's or
PostgreSQL's (migration 2 of ``index.store_pg_schema``).
"""
from __future__ import annotations

import json
from collections.abc import Sequence

from ingest.records import Box, Clause

SCHEMA = """
CREATE TABLE IF NOT EXISTS clause_boxes (
    clause_id INTEGER PRIMARY KEY REFERENCES clauses(id) ON DELETE CASCADE,
    boxes TEXT NOT NULL
);
"""


def insert_boxes(db, doc_id: int, clauses: Sequence[Clause]) -> None:
    """Store the boxes of a just inserted document's clauses (same transaction)."""
    by_ordinal = {c.ordinal: c.boxes for c in clauses if c.boxes}
    if not by_ordinal:
        return
    rows = [(clause_id, json.dumps([[b.page, b.x0, b.y0, b.x1, b.y1] for b in by_ordinal[ordinal]]))
            for clause_id, ordinal in db.execute("SELECT id, ordinal FROM clauses WHERE doc_id=?", (doc_id,))
            if ordinal in by_ordinal]
    db.executemany("INSERT INTO clause_boxes(clause_id, boxes) VALUES (?, ?)", rows)


def delete_boxes(db, doc_id: int) -> None:
    """Delete the boxes of a document's clauses (before its clauses go)."""
    db.execute("DELETE FROM clause_boxes WHERE clause_id IN (SELECT id FROM clauses WHERE doc_id=?)", (doc_id,))


def clause_boxes(db, clause_id: int) -> tuple[Box, ...]:
    """A clause's boxes in reading order; () when it has none (a text file, an older KB)."""
    row = db.execute("SELECT boxes FROM clause_boxes WHERE clause_id=?", (clause_id,)).fetchone()
    if row is None:
        return ()
    return tuple(Box(page=int(b[0]), x0=b[1], y0=b[2], x1=b[3], y1=b[4]) for b in json.loads(row[0]))
