"""The store interface: what ``KnowledgeBase``, ``Writer``, ``Searcher``, ``Indexes`` and
``TargetIndex`` ask of the truth store, and which store a KB uses.

Two implementations share the queries of ``index.store_sql.SqlStore``: ``index.store.Store``
(SQLite, ``kb.sqlite`` in the KB directory, the default) and ``index.store_pg.PgStore``
(PostgreSQL, chosen at creation with ``--store postgresql://…``). The choice is recorded in
``config.json`` as ``"store": {"kind": "sqlite"}`` or ``{"kind": "postgresql", "dsn": "…"}``
and read back on open; the derived indexes stay in the KB directory either way.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Iterable, Protocol

import numpy as np

from index.config import read_manifest
from index.location import DB_FILE
from index.records import (ClauseRow, DocumentRow, Facets, Filters, HitRow, IndexRow, KBError, KnownDocument,
                           StoreCounts)
from ingest.records import ParsedDocument


class StoreKind(StrEnum):
    """Where a KB keeps its truth."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


@dataclass(frozen=True)
class StoreSpec:
    """The ``store`` key of ``config.json``."""

    kind: StoreKind = StoreKind.SQLITE
    dsn: str | None = None

    @classmethod
    def from_dict(cls, d: dict | None) -> "StoreSpec":
        """Read the JSON form (None or no key: SQLite)."""
        d = d or {}
        try:
            kind = StoreKind(d.get("kind", StoreKind.SQLITE))
        except (ValueError, AttributeError):
            raise KBError(f'config.json names an unknown store {d!r}: "kind" is sqlite or postgresql') from None
        if kind is StoreKind.POSTGRESQL and not d.get("dsn"):
            raise KBError('config.json names a postgresql store without a "dsn": add the connection string')
        return cls(kind=kind, dsn=d.get("dsn"))

    @classmethod
    def from_arg(cls, dsn: str | None) -> "StoreSpec | None":
        """The store a ``--store`` argument asks for (None: not given)."""
        if not dsn or dsn == StoreKind.SQLITE:
            return cls() if dsn else None
        if not dsn.startswith(("postgresql://", "postgres://")):
            raise KBError(f"--store {dsn!r}: give sqlite or a PostgreSQL URL postgresql://user@host/dbname")
        return cls(kind=StoreKind.POSTGRESQL, dsn=dsn)

    def to_dict(self) -> dict:
        """The JSON form written to ``config.json``."""
        return {"kind": str(self.kind)} | ({"dsn": self.dsn} if self.dsn else {})


class StoreAPI(Protocol):
    """What the knowledge base asks of its store. Every query method runs inside the caller's
    ``transaction()`` (a read one is a consistent snapshot; a write one excludes other
    writing transactions); ``write_lock`` excludes other writers of the KB for a whole batch."""

    kind: str
    statements: object  # index.statements.StatementStore
    busy_errors: tuple[type[BaseException], ...]  # what a write transaction raises after waiting too long

    def close(self) -> None: ...
    def transaction(self, *, write: bool = False) -> AbstractContextManager: ...
    def write_lock(self, kb_dir: Path): ...  # an object with release(); raises KBBusy
    def extra_sizes(self) -> dict[str, int]: ...
    def get_meta(self, key: str, default=None): ...
    def set_meta(self, key: str, value) -> None: ...
    def generation(self) -> int: ...
    def bump_generation(self) -> int: ...
    def document_by_source(self, source: str) -> KnownDocument | None: ...
    def sources(self) -> list[str]: ...
    def delete_document(self, doc_id: int) -> None: ...
    def insert_document(self, doc: ParsedDocument, *, source: str) -> int: ...
    def documents(self) -> list[DocumentRow]: ...
    def document_clauses(self, doc_id: int) -> list[ClauseRow]: ...
    def clause(self, clause_id: int) -> ClauseRow | None: ...
    def clauses_by_ordinal(self, doc_id: int, lo: int, hi: int) -> list[ClauseRow]: ...
    def clause_ids_of_docs(self, doc_ids: Iterable[int]) -> set[int]: ...
    def clause_ids(self) -> set[int]: ...
    def match_texts(self, ids: Iterable[int]) -> dict[int, str]: ...
    def hit_rows(self, ids: Iterable[int]) -> dict[int, HitRow]: ...
    def clauses_containing(self, needle: str) -> set[int]: ...
    def filtered_ids(self, f: Filters) -> set[int] | None: ...
    def clauses_for_index(self, ids: Iterable[int] | None = None) -> list[IndexRow]: ...
    def missing_embeddings(self, hashes: Iterable[str], *, model: str) -> set[str]: ...
    def put_embeddings(self, hashes: list[str], vectors: np.ndarray, *, model: str) -> None: ...
    def get_embeddings(self, hashes: list[str], *, model: str, dim: int) -> np.ndarray: ...
    def counts(self) -> StoreCounts: ...
    def facets(self) -> Facets: ...
    def refs_of(self, doc_id: int) -> list[tuple]: ...
    def refs_with_keys(self, keys: list[str]) -> list[tuple]: ...
    def all_ref_counts(self) -> list[tuple]: ...
    def clause_boxes(self, clause_id: int) -> tuple: ...
    def document_file(self, doc_id: int) -> tuple[str, str, str] | None: ...


def recorded_spec(kb_dir: Path) -> StoreSpec | None:
    """The store ``config.json`` records (SQLite when it has no ``store`` key); None without a
    manifest. A manifest that cannot be read raises KBError (never taken for "no KB here")."""
    manifest = read_manifest(kb_dir)
    return StoreSpec.from_dict(manifest.store) if manifest else None


def choose_spec(kb_dir: Path, asked: StoreSpec | None) -> tuple[StoreSpec, bool]:
    """The store of the KB at ``kb_dir`` and whether it exists: the recorded one, else ``asked``
    (a new KB), else SQLite. KBError when ``asked`` differs from what the KB records."""
    recorded = recorded_spec(kb_dir)
    if (kb_dir / DB_FILE).exists() and (recorded is None or recorded.kind is StoreKind.SQLITE):
        recorded = StoreSpec()
    if recorded is not None and asked is not None and asked != recorded:
        raise KBError(f"the knowledge base at {kb_dir}/ keeps its store in {recorded.kind}"
                      f"{' (' + _redacted(recorded.dsn) + ')' if recorded.dsn else ''}, not {asked.kind}: "
                      f"leave out --store, or create a new knowledge base in another directory")
    if recorded is not None:
        return recorded, recorded.kind is StoreKind.POSTGRESQL or (kb_dir / DB_FILE).exists()
    return asked or StoreSpec(), False


def open_store(kb_dir: Path, spec: StoreSpec) -> StoreAPI:
    """Open the store ``spec`` names for the KB at ``kb_dir`` (PostgreSQL: its migrations applied)."""
    if spec.kind is StoreKind.POSTGRESQL:
        from index.store_pg import PgStore  # psycopg is imported only for a PostgreSQL KB

        return PgStore(spec.dsn)
    from index.store import Store

    return Store(kb_dir / DB_FILE)


def _redacted(dsn: str) -> str:
    """A DSN without its password, for messages."""
    head, sep, tail = dsn.rpartition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return dsn
    scheme, _, userinfo = head.partition("//")
    return f"{scheme}//{userinfo.split(':', 1)[0]}:***@{tail}"
