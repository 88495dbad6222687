"""The SQL dialects the stores speak: what differs between SQLite and PostgreSQL in the
queries that ``index.store_sql``, ``index.statements`` and ``index.store_links`` share.

The queries are written once, in SQLite's form (``?`` placeholders, standard
``INSERT … ON CONFLICT … DO UPDATE`` upserts and ``RETURNING id``, which both engines
accept). What cannot be written once is here: a substring test (``instr`` vs ``strpos``),
the year of a ``YYYY-MM-DD`` text (SQLite's lenient ``CAST`` vs a guarded one) and the
column that orders rows by insertion (``rowid`` vs an identity column). The placeholder
translation is the PostgreSQL connection's (``index.store_pg.PgConn``). ``select_in`` runs a
query over any number of values, as many ``IN (…)`` lists as the engines' parameter limits need.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

# values bound to one statement: under SQLite's old default limit (999), far under PostgreSQL's 65,535
IN_CHUNK = 900


def select_in(db, sql: str, values: Iterable, *, params: Sequence = ()) -> Iterator[tuple]:
    """The rows of ``sql`` for all of ``values``: its ``{marks}`` becomes an ``IN`` list of at most
    ``IN_CHUNK`` placeholders, one statement per chunk; ``params`` are bound before them. Rows come
    chunk by chunk: a caller that needs an order sorts them."""
    values = list(values)
    for i in range(0, len(values), IN_CHUNK):
        chunk = values[i:i + IN_CHUNK]
        yield from db.execute(sql.replace("{marks}", ",".join("?" * len(chunk))), [*params, *chunk])


@dataclass(frozen=True)
class Dialect:
    """SQL fragments that differ between engines."""

    name: str
    contains_sql: str  # format with hay, needle: a boolean "hay contains needle"
    year_sql: str      # format with col: the integer year of a date text (NULL stays NULL)
    row_order: str     # the column that orders a table's rows by insertion (refs)

    def contains(self, hay: str, needle: str = "?") -> str:
        """A boolean SQL expression: ``needle`` occurs in ``hay``."""
        return self.contains_sql.format(hay=hay, needle=needle)

    def year_of(self, col: str) -> str:
        """An integer SQL expression: the leading year of the date text ``col``."""
        return self.year_sql.format(col=col)


SQLITE = Dialect(name="sqlite", contains_sql="instr({hay}, {needle}) > 0",
                 year_sql="CAST(substr({col}, 1, 4) AS INTEGER)", row_order="rowid")

# PostgreSQL's CAST refuses a non-number where SQLite's reads the leading digits (0 when none):
# the guarded form gives the same integers, so a year filter selects the same documents.
POSTGRES = Dialect(name="postgresql", contains_sql="strpos({hay}, {needle}) > 0",
                   year_sql="(CASE WHEN {col} IS NULL THEN NULL ELSE CAST(COALESCE("
                            "substring(substr({col}, 1, 4) from '^[0-9]+'), '0') AS INTEGER) END)",
                   row_order="id")
