"""SQL for links between documents: the ``refs`` rows written at ingest and read by ``index.links``
(through the store's ``refs_of`` / ``refs_with_keys``); ``db`` is a store connection with a ``dialect``."""
from __future__ import annotations

from index.sql_dialect import select_in
from ingest.refs import extract_refs, title_key


def insert_refs(db, doc_id: int) -> None:
    """Extract and store the references of a just inserted document's clauses (same transaction)."""
    rows = []
    for clause_id, text in db.execute("SELECT id, text FROM clauses WHERE doc_id=? ORDER BY ordinal", (doc_id,)):
        for r in extract_refs(text):
            key = r.title if r.kind == "doc_number" else title_key(r.title)
            rows.append((clause_id, doc_id, r.title, r.kind, r.cue, key))
    db.executemany("INSERT INTO refs(clause_id, doc_id, title, kind, cue, key) VALUES (?,?,?,?,?,?)", rows)


def refs_of(db, doc_id: int) -> list[tuple]:
    """(clause_id, title, kind, cue, key) of a document's references, in clause order."""
    return db.execute("SELECT r.clause_id, r.title, r.kind, r.cue, r.key FROM refs r JOIN clauses c ON c.id=r.clause_id"
                      f" WHERE r.doc_id=? ORDER BY c.ordinal, r.{db.dialect.row_order}", (doc_id,)).fetchall()


def refs_with_keys(db, keys: list[str]) -> list[tuple]:
    """(clause_id, doc_id, key, cue, text) of references whose key is one of ``keys``, in document and
    clause order; any number of keys (a status pass sends every title of the KB: ``select_in``)."""
    rows = sorted(select_in(db, "SELECT r.doc_id, c.ordinal, r.key, r.clause_id, r.cue, c.text FROM refs r"
                                " JOIN clauses c ON c.id=r.clause_id WHERE r.key IN ({marks})", dict.fromkeys(keys)),
                  key=lambda r: r[:3])
    return [(clause_id, doc_id, key, cue, text) for doc_id, _, key, clause_id, cue, text in rows]


def all_ref_counts(db) -> list[tuple]:
    """(doc_id, key) of every reference (for figures)."""
    return db.execute("SELECT doc_id, key FROM refs").fetchall()
