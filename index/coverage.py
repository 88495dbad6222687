"""How much of a query's lexical evidence a clause holds: the idf-weighted share of the query's
tokens (bigrams by default) that occur in the clause. A token no clause has counts with the
highest idf, so ``航天发射场`` over a KB that only mentions 航天 covers little of the query
however high that one bigram's BM25 score is: an absolute feature of the relevance estimate
(``index.learned``), also computed for candidates only the dense list found."""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np


def coverage(lexical, query: str, ids: Iterable[int]) -> dict[int, float]:
    """Clause id -> idf-weighted share of the distinct tokens of ``query`` the clause contains
    (``lexical``: the KB's ``LexicalIndex``; ``query``: the match text BM25 reads)."""
    ids = [c for c in ids if c in lexical.row_of]
    tokens = list(dict.fromkeys(lexical.tokenizer(query)))
    if not ids or not tokens:
        return {}
    lexical._flush()  # pending rows are merged into the column matrix only on demand
    m, n = lexical.matrix, max(len(lexical.row_of), 1)
    rows = np.asarray([lexical.row_of[c] for c in ids], dtype=np.int64)
    got = np.zeros(len(ids))
    total = 0.0
    for term in tokens:
        col = lexical.vocab.get(term)
        present = m.indices[m.indptr[col] : m.indptr[col + 1]] if col is not None else np.zeros(0, np.int64)
        idf = math.log(1.0 + (n - len(present) + 0.5) / (len(present) + 0.5))
        total += idf
        if len(present):
            got += idf * np.isin(rows, present)
    return {c: float(v / total) for c, v in zip(ids, got)} if total > 0 else {}
