"""The SQL dialects the stores speak: what differs between SQLite and PostgreSQL in the
queries that ``index.store_sql``, ``index.statements`` and ``index.store_links`` share.

The queries are written once, in SQLite's form (``?`` placeholders, standard
``INSERT … ON CONFLICT … DO UPDATE`` upserts and ``RETURNING id``, which both engines
accept). What cannot be written once is here: a substring test (``instr`` vs ``strpos``),
the year of a ``YYYY-MM-DD`` text (SQLite's lenient ``CAST`` vs a guarded one) and the
column that orders rows by insertion (``rowid`` vs an identity column). The placeholder
translation is the PostgreSQL connection's (``index.store_pg.PgConn``).
"""
from __future__ import annotations

from dataclasses import dataclass


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
