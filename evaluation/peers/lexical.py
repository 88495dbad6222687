"""Lexical peers: Ctrl+F (``substring``), SQLite FTS5 trigram (``fts5``, ``fts5-or``), BM25 alone (``bm25-T``)."""
from __future__ import annotations

import re
import sqlite3

from evaluation.peers.base import ClauseSet, Peer, Ranked

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "\"“”「」")


def _terms(query: str) -> list[str]:
    """The space-separated terms of ``query``, quotes dropped (how a Ctrl+F user types it)."""
    return [t for t in query.translate(_QUOTES).split() if t]


class SubstringPeer(Peer):
    """Ctrl+F: clauses containing all space-separated terms, in document order."""

    name = "substring"

    def __init__(self, clauses: ClauseSet):
        super().__init__(clauses)
        self._flat = [_WS.sub("", t) for t in clauses.texts]

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        out = []
        for q in queries:
            terms = [_WS.sub("", t) for t in _terms(q)]
            pos = [i for i, t in enumerate(self._flat) if terms and all(term in t for term in terms)][:k]
            out.append(Ranked(tuple(pos), tuple(1.0 for _ in pos)))
        return out


class FTS5Peer(Peer):
    """SQLite FTS5 with the trigram tokenizer over the clause texts (whitespace removed)."""

    def __init__(self, clauses: ClauseSet, *, any_trigram: bool = False):
        super().__init__(clauses)
        self.any_trigram = any_trigram
        self.name = "fts5-or" if any_trigram else "fts5"
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trigram')")
        self.db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                            ((i, _WS.sub("", text)) for i, text in enumerate(clauses.texts)))

    def _sql_any(self, query: str) -> tuple[str, list[str]] | None:
        """The OR of the query's character trigrams, ranked by FTS5's bm25."""
        flat = _WS.sub("", query.translate(_QUOTES))
        grams = sorted({flat[i : i + 3] for i in range(len(flat) - 2)})
        if not grams:
            return None
        expr = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
        return "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?", [expr]

    def _sql(self, query: str) -> tuple[str, list[str]] | None:
        if self.any_trigram:
            return self._sql_any(query)
        terms = [_WS.sub("", t) for t in _terms(query)]
        long_terms = [t for t in terms if len(t) >= 3]
        short = [t for t in terms if len(t) < 3]
        where, args = [], []
        if long_terms:
            where.append("t MATCH ?")
            args.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
        for t in short:  # trigram MATCH and LIKE ignore substrings under 3 characters: scan with instr
            where.append("instr(body, ?) > 0")
            args.append(t)
        if not where:
            return None
        order = "rank" if long_terms else "rowid"
        return f"SELECT rowid FROM t WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?", args

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        out = []
        for q in queries:
            sql = self._sql(q)
            rows = [r[0] for r in self.db.execute(sql[0], [*sql[1], k])] if sql else []
            out.append(Ranked(tuple(rows), tuple(1.0 / (i + 1) for i in range(len(rows)))))
        return out


class BM25Peer(Peer):
    """``index.lexical.LexicalIndex`` alone, with one tokenizer from ``index.tokenize``."""

    def __init__(self, clauses: ClauseSet, tokenizer: str):
        from index.lexical import LexicalIndex, LexicalSettings
        from index.tokenize import get_tokenizer

        super().__init__(clauses)
        self.name = f"bm25-{tokenizer}"
        self.index = LexicalIndex(get_tokenizer(tokenizer), settings=LexicalSettings(tokenizer=tokenizer))
        self.index.add(range(len(clauses.texts)), clauses.texts)

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        out = []
        for q in queries:
            hits = self.index.search(q, k=k)
            out.append(Ranked(tuple(h.clause_id for h in hits), tuple(h.score for h in hits)))
        return out
