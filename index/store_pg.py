"""The PostgreSQL clause store: the same queries as SQLite's (``index.store_sql``) on a
shared server, so several machines can ingest into and serve one knowledge base.

``PgConn`` turns the shared queries' ``?`` placeholders into psycopg's ``%s`` (the one
place they differ; ``index.sql_dialect.POSTGRES`` has the other fragments). Transactions:
a read one is REPEATABLE READ (one snapshot, as SQLite's WAL reader); a write one takes a
transaction-level advisory lock first, so writing transactions follow one another as
SQLite's ``BEGIN IMMEDIATE`` does. The KB's writer lock (one ingestion at a time, held for
the whole batch) is a session-level advisory lock keyed by the KB's schema: released by the
server when the session ends, so a killed writer never leaves it behind. See SCALING.md.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import psycopg

from index.records import KBBusy, KBError
from index.sql_dialect import POSTGRES
from index.store_pg_schema import MIGRATIONS, MIGRATIONS_TABLE
from index.store_sql import SqlStore

# advisory lock namespaces (first key of the two-key form; the second is the KB's schema)
_WRITER, _WRITE_TX, _MIGRATE = 0x504B01, 0x504B02, 0x504B03
_KEY = "hashtext(current_database() || '.' || current_schema())"
LOCK_TIMEOUT = "30s"  # how long a write transaction waits for another one (SQLite's busy timeout)


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    """The shared query in psycopg's placeholder style (no query of ours has a literal ``%``)."""
    return sql.replace("?", "%s")


class PgConn:
    """A psycopg connection with the ``execute`` / ``executemany`` / ``dialect`` of the shared queries."""

    dialect = POSTGRES

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw

    def execute(self, sql: str, args=()) -> psycopg.Cursor:
        """Run one query; the cursor iterates and fetches as sqlite3's does."""
        return self.raw.execute(_pg_sql(sql), args or None)

    def executemany(self, sql: str, rows) -> None:
        """Run one query per row (psycopg pipelines them)."""
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(_pg_sql(sql), rows)


class PgStore(SqlStore):
    """A knowledge base's store in a PostgreSQL database (one KB per database schema)."""

    kind = "postgresql"
    busy_errors = (psycopg.errors.LockNotAvailable,)

    def __init__(self, dsn: str):
        self.dsn = dsn
        try:
            raw = psycopg.connect(dsn, autocommit=True)
        except psycopg.OperationalError as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise KBError(f"cannot connect to the PostgreSQL store: {first}: start the server or correct "
                          f"the dsn in config.json") from None
        raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        self.db = PgConn(raw)
        migrate(self.db)
        self._init_queries()

    def close(self) -> None:
        """Close the connection (a writer lock still held is released by the server)."""
        self.db.raw.close()

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[PgConn]:
        """One transaction: a read one is one snapshot; a write one waits for other writing ones."""
        self.db.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            if write:
                self.db.execute(f"SELECT pg_advisory_xact_lock({_WRITE_TX}, {_KEY})")
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def put_embeddings(self, hashes: list[str], vectors, *, model: str) -> None:
        """Cache vectors (inside the caller's write transaction) without waiting for the disk flush:
        a cache commit lost in a server crash costs re-embedding only (no ids are handed out), as
        SQLite's ``synchronous=NORMAL`` allows; the batch's own commit stays synchronous, since
        replicas index the ids it hands out."""
        self.db.execute("SET LOCAL synchronous_commit = off")
        super().put_embeddings(hashes, vectors, model=model)

    def write_lock(self, kb_dir: Path) -> "_WriterLock":
        """The KB's writer lock, taken at once or refused with KBBusy (held until ``release()``)."""
        got = self.db.execute(f"SELECT pg_try_advisory_lock({_WRITER}, {_KEY})").fetchone()[0]
        if not got:
            raise KBBusy(f"another ingestion is writing to the knowledge base at {kb_dir}/ (its PostgreSQL "
                         f"store): wait for it to finish, then run this again")
        return _WriterLock(self.db)

    def extra_sizes(self) -> dict[str, int]:
        """Bytes of the KB's tables with their indexes and TOAST in the database."""
        n = self.db.execute("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                            " JOIN pg_namespace s ON s.oid = c.relnamespace"
                            " WHERE s.nspname = current_schema() AND c.relkind = 'r'").fetchone()[0]
        return {"postgresql": int(n)}

    def applied_migrations(self) -> list[tuple[int, str]]:
        """(version, name) of the migrations recorded in ``schema_migrations``."""
        return [(int(v), n) for v, n in self.db.execute("SELECT version, name FROM schema_migrations ORDER BY version")]


class _WriterLock:
    """A held session-level advisory lock."""

    def __init__(self, db: PgConn):
        self.db = db

    def release(self) -> None:
        """Release the lock (a closed connection has released it already)."""
        if not self.db.raw.closed:
            self.db.execute(f"SELECT pg_advisory_unlock({_WRITER}, {_KEY})")


def migrate(db: PgConn) -> list[int]:
    """Apply the migrations a database lacks, in order, each recorded in ``schema_migrations``;
    returns the versions applied. Concurrent openers wait for one another (an advisory lock)."""
    applied = []
    db.execute("BEGIN")
    try:
        db.execute(f"SELECT pg_advisory_xact_lock({_MIGRATE}, {_KEY})")
        db.execute(MIGRATIONS_TABLE)
        have = {int(r[0]) for r in db.execute("SELECT version FROM schema_migrations")}
        newer = [v for v in have if v > MIGRATIONS[-1][0]]
        if newer:
            raise KBError(f"the PostgreSQL store has schema version {max(newer)}, newer than this program's "
                          f"{MIGRATIONS[-1][0]}: open it with that version")
        for version, name, sql in MIGRATIONS:
            if version not in have:
                db.raw.execute(sql)
                db.execute("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", (version, name))
                applied.append(version)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return applied
