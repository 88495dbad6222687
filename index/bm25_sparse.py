"""BM25 as sparse vectors, for an index engine that scores by inner product (Milvus).

The score of ``index.lexical`` is split in two factors whose inner product is BM25:
a clause stores ``tf·(k1+1) / (tf + k1·(1 − b + b·len/avgdl))`` per term (``doc_weights``),
a query carries ``idf(term)`` per distinct term (``query_weights``), with the same
``idf = ln(1 + (N − df + 0.5)/(df + 0.5))``. ``BM25Stats`` holds what the query side needs
(N, the total length, the document frequency of each term) for the set of clauses the
index holds, and a fingerprint of that set so that stale statistics are recognised.

Terms become sparse dimensions by a 32-bit hash of their UTF-8 bytes (Milvus takes uint32
dimensions): no vocabulary to persist, so statistics can always be recomputed from the
clause texts; two bigrams sharing a hash (a handful among 10^5 terms) share a dimension.

The avgdl a clause's weights were computed with is recorded (``avgdl_used``): while the
collection's avgdl stays within ``REWEIGHT_DRIFT`` of it the scores are BM25 to within that
drift in the length norm; beyond it the backend rewrites every clause's weights.
"""
from __future__ import annotations

import base64
import hashlib
import math
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from index.lexical import LexicalSettings
from index.coverage import LexicalEvidence
from index.tokenize import Tokenizer

REWEIGHT_DRIFT = 0.10
_MOD = 2**61 - 1
# Milvus refuses an all-zero sparse vector: a clause without tokens carries this dimension,
# which no query has (term ids stop below it)
EMPTY_DIM = 2**32 - 2


def term_id(term: str) -> int:
    """The sparse dimension of ``term``: 32-bit blake2b of its UTF-8, below ``EMPTY_DIM``."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little") % EMPTY_DIM


def term_counts(text: str, tokenizer: Tokenizer) -> tuple[Counter, int]:
    """(term id → tf, clause length in tokens) of a match text."""
    tokens = tokenizer(text)
    return Counter(term_id(t) for t in tokens), len(tokens)


def doc_weights(counts: Counter, length: int, *, avgdl: float, settings: LexicalSettings) -> dict[int, float]:
    """The clause side of BM25: one weight per term id (see the module docstring)."""
    k1, b = settings.k1, settings.b
    norm = k1 * (1.0 - b + b * length / (avgdl or 1.0))
    return {t: float(tf * (k1 + 1.0) / (tf + norm)) for t, tf in counts.items()} or {EMPTY_DIM: 1e-6}


def fingerprint(ids: Iterable[int]) -> tuple[int, int, int]:
    """(count, sum, sum of squares mod 2^61−1) of an id set: equal sets, equal fingerprints."""
    arr = np.fromiter(ids, dtype=np.int64)
    return len(arr), int(arr.sum()) if len(arr) else 0, int(sum(int(i) * int(i) for i in arr.tolist()) % _MOD)


@dataclass
class BM25Stats:
    """Document frequencies and lengths of the clauses an index holds (mutable, per sync)."""

    df: Counter = field(default_factory=Counter)
    n: int = 0
    total_len: int = 0
    avgdl_used: float | None = None  # the avgdl the stored weights were computed with
    generation: int = -1
    ids: tuple[int, int, int] = (0, 0, 0)  # fingerprint of the id set described

    @property
    def avgdl(self) -> float:
        """The mean clause length now (1.0 when empty)."""
        return self.total_len / self.n if self.n else 1.0

    def add(self, counts: Counter, length: int) -> None:
        """Count one clause in."""
        self.df.update(counts.keys())
        self.n += 1
        self.total_len += length

    def remove(self, terms: Iterable[int], length: int) -> None:
        """Count one clause out (its term ids and length as stored in the index)."""
        self.df.subtract(terms)
        self.n -= 1
        self.total_len -= length

    def drifted(self) -> bool:
        """True when the stored weights' avgdl is more than REWEIGHT_DRIFT away from today's."""
        if self.avgdl_used is None:
            return self.n > 0
        return abs(self.avgdl / self.avgdl_used - 1.0) > REWEIGHT_DRIFT

    def query_weights(self, text: str, tokenizer: Tokenizer) -> dict[int, float]:
        """The query side of BM25: idf per distinct term the index holds ({} when none)."""
        out: dict[int, float] = {}
        for term in dict.fromkeys(tokenizer(text)):
            tid = term_id(term)
            df = self.df.get(tid, 0)
            if df > 0 and tid not in out:
                out[tid] = math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))
        return out

    def to_json(self) -> dict:
        """A compact JSON form (the df table packed as zlib'd uint32 pairs, base64)."""
        live = sorted((t, c) for t, c in self.df.items() if c > 0)
        packed = np.asarray(live, dtype=np.uint32).tobytes() if live else b""
        return {"n": self.n, "total_len": self.total_len, "avgdl_used": self.avgdl_used,
                "generation": self.generation, "ids": list(self.ids),
                "df": base64.b64encode(zlib.compress(packed, 6)).decode("ascii")}

    @classmethod
    def from_json(cls, d: dict) -> "BM25Stats":
        """Read back ``to_json`` (ValueError/KeyError when malformed)."""
        raw = zlib.decompress(base64.b64decode(d["df"]))
        pairs = np.frombuffer(raw, dtype=np.uint32).reshape(-1, 2)
        df = Counter(dict(zip(pairs[:, 0].tolist(), pairs[:, 1].tolist())))
        return cls(df=df, n=int(d["n"]), total_len=int(d["total_len"]), avgdl_used=d.get("avgdl_used"),
                   generation=int(d["generation"]), ids=tuple(int(x) for x in d["ids"]))


def text_evidence(stats: BM25Stats, query: str, texts: dict[int, str], *, tokenizer: Tokenizer,
                  settings: LexicalSettings) -> LexicalEvidence:
    """``index.coverage.lexical_evidence`` computed from clause texts and ``stats`` instead of a
    local postings matrix: BM25 of each clause (the stored weights' avgdl) and the idf-weighted
    share of the query's distinct tokens it contains."""
    k1, b = settings.k1, settings.b
    avgdl = stats.avgdl_used or stats.avgdl
    idf = {}
    for term in dict.fromkeys(tokenizer(query)):
        df = stats.df.get(term_id(term), 0)
        idf[term] = math.log(1.0 + (stats.n - df + 0.5) / (df + 0.5))
    total = sum(idf.values())
    bm25, cover = {}, {}
    for cid, text in texts.items():
        tokens = tokenizer(text)
        tf = Counter(t for t in tokens if t in idf)
        norm = k1 * (1.0 - b + b * len(tokens) / (avgdl or 1.0))
        score = sum(idf[t] * n * (k1 + 1.0) / (n + norm) for t, n in tf.items() if stats.df.get(term_id(t), 0))
        if score > 0:
            bm25[cid] = float(score)
        if total > 0:
            cover[cid] = float(sum(idf[t] for t in tf if stats.df.get(term_id(t), 0)) / total)
    return LexicalEvidence(bm25=bm25, cover=cover)
