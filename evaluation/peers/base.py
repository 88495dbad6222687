"""What every peer shares: the clause set it ranks, a ranking, and the Peer base class."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class ClauseSet:
    """The clauses every system ranks: ids and texts in document order."""

    clause_ids: tuple[int, ...]
    texts: tuple[str, ...]

    @classmethod
    def from_kb(cls, kb) -> "ClauseSet":
        """All clauses of ``kb``, document by document, in reading order."""
        ids: list[int] = []
        texts: list[str] = []
        for doc in kb.documents():
            for c in kb.document_clauses(doc.doc_id):
                ids.append(c.clause_id)
                texts.append(c.text)
        return cls(tuple(ids), tuple(texts))

    def key(self) -> str:
        """A content hash of the clause texts (names embedding caches)."""
        h = hashlib.sha256()
        for t in self.texts:
            h.update(t.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Ranked:
    """One query's ranking: positions into the ClauseSet and their scores, best first."""

    positions: tuple[int, ...]
    scores: tuple[float, ...]


class Peer:
    """Base of the peers: ``ranked`` gives positions, ``search_many`` gives texts (for the runner)."""

    name = "peer"

    def __init__(self, clauses: ClauseSet):
        self.clauses = clauses
        self._memo: dict[tuple[tuple[str, ...], int], list[Ranked]] = {}

    def ranked(self, queries: Sequence[str], k: int) -> list[Ranked]:
        """Rank the clauses for each query (memoised: fusion variants reuse components)."""
        key = (tuple(queries), k)
        if key not in self._memo:
            self._memo[key] = self._rank(list(queries), k)
        return self._memo[key]

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        raise NotImplementedError

    def search_many(self, queries: Sequence[str], k: int) -> list[list[str]]:
        """Per query, the texts of the top-k clauses."""
        return [[self.clauses.texts[p] for p in r.positions[:k]] for r in self.ranked(queries, k)]
