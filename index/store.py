"""The SQLite clause store (the embedded default): ``kb.sqlite`` in the KB directory.

The queries are ``index.store_sql.SqlStore``'s (shared with the PostgreSQL store); this
module has the SQLite schema, the connection (WAL mode: readers keep a consistent snapshot
while an ingestion writes), transactions and the KB's write lock (a file lock). Clause ids
are never reused (AUTOINCREMENT). The statements tables come from ``index.statements``, the clauses' line boxes from
``index.store_boxes``.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from index.location import LOCK_FILE
from index.records import KBBusy
from index.sql_dialect import SQLITE
from index.statements import SCHEMA as STATEMENTS_SCHEMA
from index.store_boxes import SCHEMA as BOXES_SCHEMA
from index.store_sql import SqlStore, text_hash

__all__ = ["Store", "SqliteConn", "text_hash"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    format TEXT,
    title TEXT NOT NULL,
    issuer TEXT, doc_number TEXT, date TEXT, doc_type TEXT, author TEXT, pages INTEGER,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clauses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    path TEXT NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    match_text TEXT NOT NULL,
    page_start INTEGER, page_end INTEGER,
    char_start INTEGER, char_end INTEGER,
    text_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS clauses_doc ON clauses(doc_id, ordinal);
-- A rowid table: a WITHOUT ROWID row over ~1 KB (a 1,536-byte vector) spills into its own
-- overflow page, tripling the table's size on disk (measured: 460 MB for 151 MB of vectors).
-- References a clause makes (ingest/refs.py), written with the clauses; resolved at query time (index/links.py).
CREATE TABLE IF NOT EXISTS refs (
    clause_id INTEGER NOT NULL, doc_id INTEGER NOT NULL,
    title TEXT NOT NULL, kind TEXT NOT NULL, cue TEXT NOT NULL, key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS refs_doc ON refs(doc_id);
CREATE INDEX IF NOT EXISTS refs_key ON refs(key);
CREATE TABLE IF NOT EXISTS embeddings (
    text_hash TEXT NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL,
    UNIQUE (text_hash, model)
);
"""


class SqliteConn:
    """A ``sqlite3`` connection with the dialect the shared queries read (``execute`` and
    ``executemany`` are the connection's own, bound once: no wrapper cost per call)."""

    dialect = SQLITE

    def __init__(self, raw: sqlite3.Connection):
        self.raw = raw
        self.execute = raw.execute
        self.executemany = raw.executemany


class Store(SqlStore):
    """A connection to ``kb.sqlite`` with the queries the knowledge base needs."""

    kind = "sqlite"
    busy_errors = (sqlite3.OperationalError,)  # a write transaction that waited past the timeout

    def __init__(self, path: Path):
        self.path = path
        raw = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA foreign_keys=ON")
        # an older KB gains the statements and clause_boxes tables here
        raw.executescript(SCHEMA + STATEMENTS_SCHEMA + BOXES_SCHEMA)
        self.db = SqliteConn(raw)
        self._init_queries()

    def close(self) -> None:
        """Close the connection."""
        self.db.raw.close()

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[SqliteConn]:
        """One transaction: a write transaction is IMMEDIATE; a read one is a consistent snapshot."""
        self.db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def write_lock(self, kb_dir: Path) -> FileLock:
        """The KB's writer lock (a file lock in the KB directory), taken at once or refused with KBBusy."""
        lock = FileLock(str(kb_dir / LOCK_FILE), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise KBBusy(f"another ingestion is writing to the knowledge base at {kb_dir}/: "
                         f"wait for it to finish, then run this again") from None
        return lock

    def extra_sizes(self) -> dict[str, int]:
        """Bytes the store holds outside the KB directory's files (none: ``kb.sqlite`` is one)."""
        return {}
