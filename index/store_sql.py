"""The queries every clause store shares (SQLite ``index.store.Store``, PostgreSQL
``index.store_pg.PgStore``): meta, documents, clauses, the embedding cache, filters, facets,
hit rows and references. Written once against a connection ``db`` with ``execute`` /
``executemany`` and a ``dialect`` (``index.sql_dialect``) for what differs between engines.

Tables: ``meta`` (generation counter, model, dimension, format version; the settings live in
``config.json``, see ``index.config``), ``documents``, ``clauses`` (ids never reused, and a
clause row never changes, so a derived index is brought up to date by diffing id sets),
``refs`` and ``embeddings`` (a cache keyed by text hash + model: unchanged text is never
embedded twice). The quantitative statements are ``StatementStore`` (``self.statements``).
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Iterable

import numpy as np

from index.records import ClauseRow, DocumentRow, Facets, Filters, HitRow, IndexRow, KnownDocument, StoreCounts
from index.sql_dialect import select_in
from index.statements import StatementStore
from index.store_boxes import clause_boxes, delete_boxes, insert_boxes
from index.store_links import all_ref_counts, insert_refs, refs_of, refs_with_keys
from ingest.records import Box, ParsedDocument
from ingest.text import match_form


def text_hash(text: str) -> str:
    """sha256 hex of a clause text (the embedding cache key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SqlStore:
    """The shared queries; a subclass opens ``self.db`` and provides transactions and locks."""

    kind = "sql"
    db = None  # the connection: execute(sql, args) -> cursor, executemany(sql, rows), dialect

    def _init_queries(self) -> None:
        self.statements = StatementStore(self.db)

    # -- meta ---------------------------------------------------------------
    def get_meta(self, key: str, default=None):
        """A JSON value from ``meta``."""
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value) -> None:
        """Store a JSON value in ``meta`` (inside the caller's transaction)."""
        self.db.execute("INSERT INTO meta(key, value) VALUES (?, ?)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, json.dumps(value, ensure_ascii=False)))

    def generation(self) -> int:
        """The counter bumped by each committed batch."""
        return int(self.get_meta("generation", 0))

    def bump_generation(self) -> int:
        """Increment the generation (inside the caller's write transaction)."""
        g = self.generation() + 1
        self.set_meta("generation", g)
        return g

    # -- documents ----------------------------------------------------------
    def document_by_source(self, source: str) -> KnownDocument | None:
        """The document ingested from ``source`` (its id and content hash), or None."""
        row = self.db.execute("SELECT id, content_hash FROM documents WHERE source=?", (source,)).fetchone()
        return KnownDocument(doc_id=int(row[0]), content_hash=row[1]) if row else None

    def sources(self) -> list[str]:
        """All recorded sources, in ingestion order."""
        return [r[0] for r in self.db.execute("SELECT source FROM documents ORDER BY id")]

    def delete_document(self, doc_id: int) -> None:
        """Delete a document and its clauses."""
        self.db.execute("DELETE FROM refs WHERE doc_id=?", (doc_id,))
        delete_boxes(self.db, doc_id)
        self.db.execute("DELETE FROM clauses WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE id=?", (doc_id,))

    def insert_document(self, doc: ParsedDocument, *, source: str) -> int:
        """Insert a parsed document and its clauses; returns the new doc id."""
        m = doc.meta
        cur = self.db.execute(
            "INSERT INTO documents(source, content_hash, format, title, issuer, doc_number, date, doc_type,"
            " author, pages, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (source, doc.content_hash, doc.format, m.title, m.issuer, m.doc_number, m.date, m.doc_type,
             m.author, m.pages, datetime.now(timezone.utc).isoformat(timespec="seconds")),
        )
        doc_id = int(cur.fetchone()[0])
        self.db.executemany(
            "INSERT INTO clauses(doc_id, ordinal, path, label, text, match_text, page_start, page_end,"
            " char_start, char_end, text_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, c.ordinal, json.dumps(list(c.path), ensure_ascii=False), c.label, c.text,
              match_form(c.text), c.page_start, c.page_end, c.char_start, c.char_end, text_hash(c.text))
             for c in doc.clauses],
        )
        insert_refs(self.db, doc_id)
        insert_boxes(self.db, doc_id, doc.clauses)
        return doc_id

    def document_file(self, doc_id: int) -> tuple[str, str, str] | None:
        """(source, content_hash, format) of a document, None when unknown."""
        row = self.db.execute("SELECT source, content_hash, format FROM documents WHERE id=?", (doc_id,)).fetchone()
        return (row[0], row[1], row[2] or "") if row else None

    def clause_boxes(self, clause_id: int) -> tuple[Box, ...]:
        """Where a clause is printed (``index.store_boxes``); () when not known."""
        return clause_boxes(self.db, clause_id)

    def documents(self) -> list[DocumentRow]:
        """All documents with their clause counts."""
        rows = self.db.execute(
            "SELECT d.id, d.source, d.title, d.issuer, d.doc_number, d.date, d.doc_type, d.author, d.pages,"
            " (SELECT COUNT(*) FROM clauses c WHERE c.doc_id=d.id), d.content_hash, d.added_at"
            " FROM documents d ORDER BY d.id").fetchall()
        return [DocumentRow(*r) for r in rows]

    # -- clauses ------------------------------------------------------------
    def _clause_rows(self, sql: str, args=()) -> list[ClauseRow]:
        return [ClauseRow(clause_id=r[0], doc_id=r[1], ordinal=r[2], path=tuple(json.loads(r[3])), label=r[4],
                          text=r[5], page_start=r[6], page_end=r[7])
                for r in self.db.execute(sql, args)]

    _CLAUSE_COLS = "id, doc_id, ordinal, path, label, text, page_start, page_end"

    def document_clauses(self, doc_id: int) -> list[ClauseRow]:
        """A document's clauses in order."""
        return self._clause_rows(f"SELECT {self._CLAUSE_COLS} FROM clauses WHERE doc_id=? ORDER BY ordinal", (doc_id,))

    def clause(self, clause_id: int) -> ClauseRow | None:
        """One clause by id."""
        rows = self._clause_rows(f"SELECT {self._CLAUSE_COLS} FROM clauses WHERE id=?", (clause_id,))
        return rows[0] if rows else None

    def clauses_by_ordinal(self, doc_id: int, lo: int, hi: int) -> list[ClauseRow]:
        """Clauses of a document with ``lo <= ordinal <= hi``."""
        return self._clause_rows(f"SELECT {self._CLAUSE_COLS} FROM clauses WHERE doc_id=? AND ordinal BETWEEN ? AND ?"
                                 " ORDER BY ordinal", (doc_id, lo, hi))

    def clause_ids_of_docs(self, doc_ids: Iterable[int]) -> set[int]:
        """Ids of the clauses of the given documents."""
        return {r[0] for r in select_in(self.db, "SELECT id FROM clauses WHERE doc_id IN ({marks})", doc_ids)}

    def clause_ids(self) -> set[int]:
        """Every clause id."""
        return {r[0] for r in self.db.execute("SELECT id FROM clauses")}

    def match_texts(self, ids: Iterable[int]) -> dict[int, str]:
        """id -> match_text for the given clause ids."""
        return dict(select_in(self.db, "SELECT id, match_text FROM clauses WHERE id IN ({marks})", ids))

    def hit_rows(self, ids: Iterable[int]) -> dict[int, HitRow]:
        """id -> the clause with its address and its document's citation fields, for building hits."""
        out: dict[int, HitRow] = {}
        q = ("SELECT c.id, c.doc_id, c.text, c.path, c.label, c.page_start, c.page_end,"
             " d.title, d.doc_number, d.date, c.match_text FROM clauses c JOIN documents d ON d.id=c.doc_id"
             " WHERE c.id IN ({marks})")
        for r in select_in(self.db, q, ids):
            out[r[0]] = HitRow(clause_id=r[0], doc_id=r[1], text=r[2], path=tuple(json.loads(r[3])), label=r[4],
                               page_start=r[5], page_end=r[6], title=r[7], doc_number=r[8], date=r[9], match_text=r[10])
        return out

    def clauses_containing(self, needle: str) -> set[int]:
        """Ids of the clauses whose match text contains ``needle``, by scanning the table."""
        sql = f"SELECT id FROM clauses WHERE {self.db.dialect.contains('match_text')}"
        return {r[0] for r in self.db.execute(sql, (needle,))}

    def filtered_ids(self, f: Filters) -> set[int] | None:
        """Clause ids allowed by the filters (None when nothing filters)."""
        where, args = [], []
        if f.doc_ids:
            where.append(f"d.id IN ({','.join('?' * len(f.doc_ids))})")
            args += list(f.doc_ids)
        if f.issuers:
            where.append(f"d.issuer IN ({','.join('?' * len(f.issuers))})")
            args += list(f.issuers)
        if f.doc_types:
            where.append(f"d.doc_type IN ({','.join('?' * len(f.doc_types))})")
            args += list(f.doc_types)
        if f.year_from is not None:
            where.append(f"{self.db.dialect.year_of('d.date')} >= ?")
            args.append(f.year_from)
        if f.year_to is not None:
            where.append(f"{self.db.dialect.year_of('d.date')} <= ?")
            args.append(f.year_to)
        if not where:
            return None
        q = "SELECT c.id FROM clauses c JOIN documents d ON d.id=c.doc_id WHERE " + " AND ".join(where)
        return {r[0] for r in self.db.execute(q, args)}

    def clauses_for_index(self, ids: Iterable[int] | None = None) -> list[IndexRow]:
        """The given clauses (all when None) as the derived indexes take them, by id."""
        if ids is None:
            rows = self.db.execute("SELECT id, text, match_text, text_hash FROM clauses ORDER BY id").fetchall()
        else:
            # chunks of sorted ids, each ordered: the rows come in id order
            rows = list(select_in(self.db, "SELECT id, text, match_text, text_hash FROM clauses WHERE id IN ({marks})"
                                           " ORDER BY id", sorted(ids)))
        return [IndexRow(clause_id=r[0], text=r[1], match_text=r[2], text_hash=r[3]) for r in rows]

    # -- embeddings ---------------------------------------------------------
    def missing_embeddings(self, hashes: Iterable[str], *, model: str) -> set[str]:
        """The text hashes that have no stored vector for ``model``."""
        wanted = set(hashes)
        q = "SELECT text_hash FROM embeddings WHERE model=? AND text_hash IN ({marks})"
        return wanted - {r[0] for r in select_in(self.db, q, wanted, params=[model])}

    def put_embeddings(self, hashes: list[str], vectors: np.ndarray, *, model: str) -> None:
        """Cache vectors (inside the caller's transaction)."""
        self.db.executemany("INSERT INTO embeddings(text_hash, model, vector) VALUES (?,?,?)"
                            " ON CONFLICT (text_hash, model) DO UPDATE SET vector = excluded.vector",
                            [(h, model, np.asarray(v, np.float32).tobytes()) for h, v in zip(hashes, vectors)])

    def get_embeddings(self, hashes: list[str], *, model: str, dim: int) -> np.ndarray:
        """Vectors for ``hashes`` in order (KeyError if one is missing)."""
        q = "SELECT text_hash, vector FROM embeddings WHERE model=? AND text_hash IN ({marks})"
        found: dict[str, bytes] = dict(select_in(self.db, q, set(hashes), params=[model]))
        out = np.empty((len(hashes), dim), dtype=np.float32)
        for r, h in enumerate(hashes):
            out[r] = np.frombuffer(found[h], dtype=np.float32)
        return out

    def counts(self) -> StoreCounts:
        """Numbers of documents, clauses and cached embeddings."""
        one = lambda q: int(self.db.execute(q).fetchone()[0])  # noqa: E731
        return StoreCounts(documents=one("SELECT COUNT(*) FROM documents"), clauses=one("SELECT COUNT(*) FROM clauses"),
                           embeddings=one("SELECT COUNT(*) FROM embeddings"))

    def facets(self) -> Facets:
        """Distinct 发文机关 and 文种 (sorted, empty values left out) and the years of the documents' dates."""
        def distinct(column: str) -> tuple:
            return tuple(sorted({r[0] for r in self.db.execute(f"SELECT {column} FROM documents") if r[0]}))

        years = tuple(sorted({int(d[:4]) for d in distinct("date") if d[:4].isdigit()}))
        return Facets(issuers=distinct("issuer"), doc_types=distinct("doc_type"), years=years)

    # -- references (index.links) ----------------------------------------------
    def refs_of(self, doc_id: int) -> list[tuple]:
        """(clause_id, title, kind, cue, key) of a document's references, in clause order."""
        return refs_of(self.db, doc_id)

    def refs_with_keys(self, keys: list[str]) -> list[tuple]:
        """(clause_id, doc_id, key, cue, text) of references whose key is one of ``keys``."""
        return refs_with_keys(self.db, keys)

    def all_ref_counts(self) -> list[tuple]:
        """(doc_id, key) of every reference."""
        return all_ref_counts(self.db)
