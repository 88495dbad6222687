"""The SQL of the quantitative statements (``ingest.targets``) stored with their clauses.

Tables (created on open by the store: ``index.store``, or migration 1 of ``index.store_pg_schema``, which composes this class as ``Store.statements``):

- ``statements``: one row per statement, tied to its clause (``ON DELETE CASCADE``: a
  document's statements go with its clauses); ``canonical`` is the indicator's group name
  under the KB's synonyms file at the time it was last computed (``index.targets``).
- ``statement_docs``: per document, the extractor version its statements came from; a
  document without a current mark (an older KB, an older extractor) is extracted again.

Every method runs inside the caller's transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterable

from index.hits import citation
from index.records import TargetRow
from index.sql_dialect import select_in
from ingest.targets import ClauseStatement, Kind

SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clause_id INTEGER NOT NULL REFERENCES clauses(id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    canonical TEXT NOT NULL,
    value REAL NOT NULL, value_high REAL,
    unit TEXT NOT NULL, comparator TEXT NOT NULL, kind TEXT NOT NULL,
    year INTEGER, base TEXT, subject TEXT,
    span_start INTEGER NOT NULL, span_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS statements_clause ON statements(clause_id);
CREATE INDEX IF NOT EXISTS statements_canonical ON statements(canonical);
CREATE TABLE IF NOT EXISTS statement_docs (
    doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    extractor INTEGER NOT NULL
);
"""

_ROW_COLS = ("s.indicator, s.canonical, s.value, s.value_high, s.unit, s.comparator, s.kind, s.year, s.base,"
             " s.subject, c.id, c.text, c.path, c.label, c.page_start, c.page_end, d.id, d.title, d.doc_number,"
             " s.span_start, s.span_end")


@dataclass(frozen=True)
class TargetFilter:
    """What ``StatementStore.rows`` selects; an empty field does not filter.

    ``words``: each (as written, canonical form) pair must occur in the indicator (as written),
    the canonical name (canonical form), the subject or the document title. ``canonical``: the
    exact canonical name. ``subject``: a substring of the subject. ``kind``: target or actual.
    ``year_from``/``year_to``: the statement's year (statements without one are left out).
    """

    words: tuple[tuple[str, str], ...] = ()
    canonical: str | None = None
    subject: str | None = None
    kind: Kind | None = None
    year_from: int | None = None
    year_to: int | None = None


class StatementStore:
    """The statements of one store connection (``db.dialect`` gives the engine's SQL fragments)."""

    def __init__(self, db):
        self.db = db

    def insert(self, doc_id: int, found: Iterable[ClauseStatement], *, canonical: Callable[[str], str],
               extractor: int) -> int:
        """Store a document's statements (its clauses already inserted) and mark it extracted
        by ``extractor``; returns the number stored."""
        ids = dict(self.db.execute("SELECT ordinal, id FROM clauses WHERE doc_id=?", (doc_id,)).fetchall())
        rows = []
        for cs in found:
            s = cs.statement
            rows.append((ids[cs.ordinal], s.indicator, canonical(s.indicator), s.value, s.value_high, s.unit,
                         s.comparator, s.kind.value, s.year, s.base, s.subject, s.start, s.end))
        self.db.executemany(
            "INSERT INTO statements(clause_id, indicator, canonical, value, value_high, unit, comparator, kind,"
            " year, base, subject, span_start, span_end) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        self.db.execute("INSERT INTO statement_docs(doc_id, extractor) VALUES (?, ?)"
                        " ON CONFLICT (doc_id) DO UPDATE SET extractor = excluded.extractor", (doc_id, extractor))
        return len(rows)

    def clear(self, doc_id: int) -> None:
        """Delete a document's statements and its extraction mark."""
        self.db.execute("DELETE FROM statements WHERE clause_id IN (SELECT id FROM clauses WHERE doc_id=?)", (doc_id,))
        self.db.execute("DELETE FROM statement_docs WHERE doc_id=?", (doc_id,))

    def unextracted(self, extractor: int) -> list[int]:
        """Ids of the documents whose statements were not made by ``extractor`` (or never made)."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM statement_docs WHERE extractor=?)"
            " ORDER BY id", (extractor,))]

    def recanonicalise(self, canonical: Callable[[str], str]) -> int:
        """Set every row's ``canonical`` to ``canonical(indicator)``; returns the rows changed."""
        memo: dict[str, str] = {}
        changed = [(memo.setdefault(ind, canonical(ind)), i)
                   for i, ind, old in self.db.execute("SELECT id, indicator, canonical FROM statements").fetchall()
                   if memo.setdefault(ind, canonical(ind)) != old]
        self.db.executemany("UPDATE statements SET canonical=? WHERE id=?", changed)
        return len(changed)

    def canonical_counts(self) -> list[tuple[str, int]]:
        """(canonical name, number of statements), most stated first, then by name."""
        return [(r[0], int(r[1])) for r in self.db.execute(
            "SELECT canonical, COUNT(*) AS n FROM statements GROUP BY canonical ORDER BY n DESC, canonical")]

    def clauses_stating(self, canonicals: Iterable[str]) -> set[int]:
        """Ids of the clauses with a statement of any of the canonical names."""
        q = "SELECT DISTINCT clause_id FROM statements WHERE canonical IN ({marks})"
        return {r[0] for r in select_in(self.db, q, set(canonicals))}

    def count(self) -> int:
        """The number of stored statements."""
        return int(self.db.execute("SELECT COUNT(*) FROM statements").fetchone()[0])

    def rows(self, f: TargetFilter) -> list[TargetRow]:
        """The statements ``f`` selects with their clause and citation, by canonical name, year
        (unknown last), document, clause and position."""
        where, args = [], []
        has = self.db.dialect.contains
        for word, canon in f.words:
            subject = has("COALESCE(s.subject, '')")
            where.append(f"({has('s.indicator')} OR {has('s.canonical')} OR {subject} OR {has('d.title')})")
            args += [word, canon, word, word]
        for column, value in (("s.canonical = ?", f.canonical), (has("COALESCE(s.subject, '')"), f.subject),
                              ("s.kind = ?", f.kind.value if f.kind else None), ("s.year >= ?", f.year_from),
                              ("s.year <= ?", f.year_to)):
            if value not in (None, ""):
                where.append(column)
                args.append(value)
        sql = (f"SELECT {_ROW_COLS} FROM statements s JOIN clauses c ON c.id = s.clause_id"
               " JOIN documents d ON d.id = c.doc_id" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY s.canonical, s.year IS NULL, s.year, d.id, c.ordinal, s.span_start")
        return [_target_row(r) for r in self.db.execute(sql, args)]


def _target_row(r: tuple) -> TargetRow:
    path = tuple(json.loads(r[12]))
    return TargetRow(
        indicator=r[0], canonical=r[1], value=r[2], value_high=r[3], unit=r[4], comparator=r[5], kind=Kind(r[6]),
        year=r[7], base=r[8], subject=r[9], clause_id=r[10], text=r[11], page=r[14], doc_id=r[16], doc_title=r[17],
        citation=citation(title=r[17], path=path, label=r[13], doc_number=r[18], page_start=r[14], page_end=r[15]),
        start=r[19], end=r[20])
