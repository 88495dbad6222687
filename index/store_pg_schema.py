"""The PostgreSQL schema of a knowledge base, as versioned migrations.

``MIGRATIONS`` is applied in order by ``index.store_pg.migrate``, each in the transaction
that records it in ``schema_migrations`` (version, name, applied_at); a database is never
changed by hand. Migration 1 is the SQLite schema of ``index.store`` and
``index.statements`` translated: identity columns for AUTOINCREMENT (never reused, even
after a rollback), BYTEA for BLOB, DOUBLE PRECISION for REAL, and ``COLLATE "C"`` on the
texts so that ``ORDER BY`` sorts by code point as SQLite does (the database's locale may not).
To change the schema, append a migration; never edit a released one.
"""
from __future__ import annotations

MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""

_T = 'TEXT COLLATE "C"'

INITIAL = f"""
CREATE TABLE meta (key {_T} PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source {_T} NOT NULL UNIQUE,
    content_hash {_T} NOT NULL,
    format {_T},
    title {_T} NOT NULL,
    issuer {_T}, doc_number {_T}, date {_T}, doc_type {_T}, author {_T}, pages INTEGER,
    added_at {_T} NOT NULL
);
CREATE TABLE clauses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    path {_T} NOT NULL,
    label {_T} NOT NULL,
    text {_T} NOT NULL,
    match_text {_T} NOT NULL,
    page_start INTEGER, page_end INTEGER,
    char_start INTEGER, char_end INTEGER,
    text_hash {_T} NOT NULL
);
CREATE INDEX clauses_doc ON clauses(doc_id, ordinal);
CREATE TABLE refs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clause_id BIGINT NOT NULL, doc_id BIGINT NOT NULL,
    title {_T} NOT NULL, kind {_T} NOT NULL, cue {_T} NOT NULL, key {_T} NOT NULL
);
CREATE INDEX refs_doc ON refs(doc_id);
CREATE INDEX refs_key ON refs(key);
CREATE TABLE embeddings (
    text_hash {_T} NOT NULL, model {_T} NOT NULL, vector BYTEA NOT NULL,
    PRIMARY KEY (text_hash, model)
);
CREATE TABLE statements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clause_id BIGINT NOT NULL REFERENCES clauses(id) ON DELETE CASCADE,
    indicator {_T} NOT NULL,
    canonical {_T} NOT NULL,
    value DOUBLE PRECISION NOT NULL, value_high DOUBLE PRECISION,
    unit {_T} NOT NULL, comparator {_T} NOT NULL, kind {_T} NOT NULL,
    year INTEGER, base {_T}, subject {_T},
    span_start INTEGER NOT NULL, span_end INTEGER NOT NULL
);
CREATE INDEX statements_clause ON statements(clause_id);
CREATE INDEX statements_canonical ON statements(canonical);
CREATE TABLE statement_docs (
    doc_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    extractor INTEGER NOT NULL
);
"""

BOXES = """
CREATE TABLE clause_boxes (
    clause_id BIGINT PRIMARY KEY REFERENCES clauses(id) ON DELETE CASCADE,
    boxes TEXT NOT NULL
);
"""

# (version, name, SQL): applied in order, each once
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "initial schema: documents, clauses, refs, embeddings, statements, meta", INITIAL),
    (2, "clause_boxes: where each clause is printed", BOXES),
)
