"""How much of a query's lexical evidence a clause holds, for any set of candidate clauses
(not only those the BM25 top list found): its BM25 score, and the idf-weighted share of the
query's tokens (bigrams by default) that occur in it. A token no clause has counts with the
highest idf, so ``航天发射场`` over a KB that only mentions 航天 covers little of the query
however high that one bigram's BM25 score is. Both are features of the relevance estimate
(``index.learned``); in 语义 mode they give the dense candidates the lexical side of the estimate."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np


@dataclass(frozen=True)
class LexicalEvidence:
    """Per candidate clause id: BM25 score and coverage (ids unknown to the index are left out)."""

    bm25: dict[int, float]
    cover: dict[int, float]


def lexical_evidence(lexical, query: str, ids: Iterable[int]) -> LexicalEvidence:
    """BM25 (as ``LexicalIndex.scores`` computes it) and coverage of ``ids`` for ``query`` (the
    match text BM25 reads), from the postings of the query's tokens only."""
    ids = [c for c in ids if c in lexical.row_of]
    tokens = list(dict.fromkeys(lexical.tokenizer(query)))
    if not ids or not tokens:
        return LexicalEvidence(bm25={}, cover={})
    lexical._flush()  # pending rows are merged into the column matrix only on demand
    m, n = lexical.matrix, max(len(lexical.row_of), 1)
    k1, b = lexical.settings.k1, lexical.settings.b
    avgdl = float(lexical.lengths[lexical.alive].mean()) or 1.0
    rows = np.asarray([lexical.row_of[c] for c in ids], dtype=np.int64)
    norm = k1 * (1.0 - b + b * lexical.lengths[rows] / avgdl)
    got, bm25, total = np.zeros(len(ids)), np.zeros(len(ids)), 0.0
    scratch = np.zeros(m.shape[0], dtype=np.float32)  # term frequency by row, for one token at a time
    for term in tokens:
        col = lexical.vocab.get(term)
        lo, hi = (m.indptr[col], m.indptr[col + 1]) if col is not None else (0, 0)
        present, tf = m.indices[lo:hi], m.data[lo:hi]
        df = int(np.count_nonzero(lexical.alive[present])) if len(present) else 0
        idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        total += idf
        if df:
            scratch[present] = tf  # O(df) scatter, then read the candidates' rows: no sort
            tf_rows = scratch[rows].astype(np.float64) * lexical.alive[rows]
            scratch[present] = 0.0
            got += idf * (tf_rows > 0)
            bm25 += idf * tf_rows * (k1 + 1.0) / (tf_rows + norm)
    cover = {c: float(v / total) for c, v in zip(ids, got)} if total > 0 else {}
    return LexicalEvidence(bm25={c: float(s) for c, s in zip(ids, bm25) if s > 0}, cover=cover)


def coverage(lexical, query: str, ids: Iterable[int]) -> dict[int, float]:
    """Clause id -> idf-weighted share of the distinct tokens of ``query`` the clause contains."""
    return lexical_evidence(lexical, query, ids).cover
