"""BM25 over a sparse term-frequency matrix, incremental and persistent.

Rows are clauses (keyed by clause id), columns are terms. The matrix stores raw
term frequencies, so BM25 weights (which depend on the average length, i.e. on
the whole collection) are computed at query time column by column: adding or
removing a clause never rewrites the rest. Removed rows are tombstoned and
compacted when they pile up.
"""
from __future__ import annotations

import math
import os
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from index.records import Scored
from index.tokenize import Tokenizer, get_tokenizer

FORMAT = 1


@dataclass(frozen=True)
class LexicalSettings:
    """Tokeniser name and BM25 parameters (recorded in the KB manifest)."""

    tokenizer: str = "bigram"
    k1: float = 1.2
    b: float = 0.75


class LexicalIndex:
    """BM25 index with ``add``/``remove``/``search``; tokenisation is a callable."""

    def __init__(self, tokenizer: Tokenizer | None = None, *, settings: LexicalSettings = LexicalSettings()):
        self.settings = settings
        self.tokenizer = tokenizer or get_tokenizer(settings.tokenizer)
        self.vocab: dict[str, int] = {}
        self.ids = np.zeros(0, dtype=np.int64)
        self.alive = np.zeros(0, dtype=bool)
        self.lengths = np.zeros(0, dtype=np.float32)
        self.matrix = sp.csc_matrix((0, 0), dtype=np.float32)
        self.row_of: dict[int, int] = {}
        self.generation = -1
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    # -- size -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.row_of)

    def id_set(self) -> set[int]:
        """The clause ids currently indexed."""
        return set(self.row_of)

    # -- updates ----------------------------------------------------------
    def add(self, ids: Iterable[int], texts: Iterable[str]) -> None:
        """Index ``texts`` under clause ``ids`` (an id already present is replaced)."""
        ids = [int(i) for i in ids]
        texts = list(texts)
        self.remove([i for i in ids if i in self.row_of])
        base = len(self.ids)
        rows, cols, vals, lengths = [], [], [], []
        for r, text in enumerate(texts):
            counts = Counter(self.tokenizer(text))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                col = self.vocab.get(term)
                if col is None:
                    col = self.vocab[term] = len(self.vocab)
                rows.append(base + r)
                cols.append(col)
                vals.append(tf)
        for r, cid in enumerate(ids):
            self.row_of[cid] = base + r
        self.ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)])
        self.alive = np.concatenate([self.alive, np.ones(len(ids), dtype=bool)])
        self.lengths = np.concatenate([self.lengths, np.asarray(lengths, dtype=np.float32)])
        self._pending.append((np.asarray(rows, np.int64), np.asarray(cols, np.int64), np.asarray(vals, np.float32)))

    def remove(self, ids: Iterable[int]) -> int:
        """Drop clause ``ids``; returns how many were present."""
        n = 0
        for cid in ids:
            row = self.row_of.pop(int(cid), None)
            if row is not None:
                self.alive[row] = False
                n += 1
        return n

    def _flush(self) -> None:
        # The pending rows' counts are merged into the column matrix only when needed.
        shape = (len(self.ids), len(self.vocab))
        if self._pending:
            rows = np.concatenate([p[0] for p in self._pending])
            cols = np.concatenate([p[1] for p in self._pending])
            vals = np.concatenate([p[2] for p in self._pending])
            self._pending = []
            new = sp.csc_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)
            old = self.matrix
            old.resize(shape)
            self.matrix = (old + new).tocsc()
        elif self.matrix.shape != shape:
            self.matrix.resize(shape)

    def compact(self) -> None:
        """Drop tombstoned rows (ids keep their meaning; rows are renumbered)."""
        self._flush()
        keep = np.flatnonzero(self.alive)
        if len(keep) == len(self.alive):
            return
        self.matrix = self.matrix.tocsr()[keep].tocsc()
        self.ids = self.ids[keep]
        self.lengths = self.lengths[keep]
        self.alive = np.ones(len(keep), dtype=bool)
        self.row_of = {int(c): r for r, c in enumerate(self.ids)}

    # -- search -----------------------------------------------------------
    def scores(self, query: str, *, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every row for ``query`` (0 for dead rows and rows outside ``mask``)."""
        self._flush()
        n_rows = len(self.ids)
        out = np.zeros(n_rows, dtype=np.float32)
        n_alive = len(self.row_of)
        if n_alive == 0:
            return out
        k1, b = self.settings.k1, self.settings.b
        avgdl = float(self.lengths[self.alive].mean()) or 1.0
        m = self.matrix
        # first-seen order, not set order: float32 sums then come out the same in every process
        for term in dict.fromkeys(self.tokenizer(query)):
            col = self.vocab.get(term)
            if col is None:
                continue
            rows = m.indices[m.indptr[col] : m.indptr[col + 1]]
            tf = m.data[m.indptr[col] : m.indptr[col + 1]]
            live = self.alive[rows]
            rows, tf = rows[live], tf[live]
            df = len(rows)
            if df == 0:
                continue
            idf = math.log(1.0 + (n_alive - df + 0.5) / (df + 0.5))
            norm = k1 * (1.0 - b + b * self.lengths[rows] / avgdl)
            out[rows] += idf * tf * (k1 + 1.0) / (tf + norm)
        if mask is not None:
            out[~mask] = 0.0
        return out

    def search(self, query: str, *, k: int = 10, allowed: set[int] | None = None,
               excluded: set[int] | None = None, extra: Sequence[tuple[str, float]] = ()) -> list[Scored]:
        """Top ``k`` clauses with a positive BM25 score, restricted to ``allowed`` minus ``excluded``;
        ``extra`` (text, weight) pairs add their weighted BM25 scores (query expansion terms)."""
        mask = self.mask(allowed=allowed, excluded=excluded)
        s = self.scores(query, mask=mask)
        for text, weight in extra:
            s += np.float32(weight) * self.scores(text, mask=mask)
        pos = np.flatnonzero(s > 0)
        if len(pos) == 0:
            return []
        top = pos[np.argsort(-s[pos], kind="stable")[:k]] if len(pos) > k else pos[np.argsort(-s[pos], kind="stable")]
        return [Scored(clause_id=int(self.ids[r]), score=float(s[r])) for r in top]

    def mask(self, *, allowed: set[int] | None = None, excluded: set[int] | None = None) -> np.ndarray | None:
        """Boolean row mask for an allowed/excluded id restriction (None = no restriction)."""
        if allowed is None and not excluded:
            return None
        n = len(self.ids)
        if allowed is None:
            mask = np.ones(n, dtype=bool)
        else:
            mask = np.zeros(n, dtype=bool)
            rows = [self.row_of[i] for i in allowed if i in self.row_of]
            mask[rows] = True
        if excluded:
            mask[[self.row_of[i] for i in excluded if i in self.row_of]] = False
        return mask

    def candidates(self, text: str) -> set[int]:
        """Clause ids whose tokens include every token of ``text`` (a superset of those containing it)."""
        self._flush()
        tokens = set(self.tokenizer(text))
        if not tokens:
            return set(self.row_of)
        m = self.matrix
        rows: np.ndarray | None = None
        for term in tokens:
            col = self.vocab.get(term)
            if col is None:
                return set()
            r = m.indices[m.indptr[col] : m.indptr[col + 1]]
            rows = r if rows is None else np.intersect1d(rows, r, assume_unique=True)
        rows = rows[self.alive[rows]]
        return {int(i) for i in self.ids[rows]}

    # -- persistence ------------------------------------------------------
    def save(self, path: str | Path, *, generation: int) -> None:
        """Write the index atomically (temp file + ``os.replace``), stamped with ``generation``."""
        if (~self.alive).sum() > 0.25 * max(len(self.alive), 1):
            self.compact()
        self._flush()
        self.generation = generation
        path = Path(path)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # one per writer
        m = self.matrix
        terms = sorted(self.vocab, key=self.vocab.get)
        with open(tmp, "wb") as f:
            np.savez(
                f, format=np.int64(FORMAT), generation=np.int64(generation),
                tokenizer=np.str_(self.settings.tokenizer),
                ids=self.ids, alive=self.alive, lengths=self.lengths,
                data=m.data, indices=m.indices, indptr=m.indptr, shape=np.asarray(m.shape, np.int64),
                vocab=np.str_("\n".join(terms)),
            )
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path, *, settings: LexicalSettings) -> "LexicalIndex | None":
        """Read a saved index; None when missing, unreadable, or built with another tokeniser."""
        try:
            with np.load(path) as z:
                if int(z["format"]) != FORMAT or str(z["tokenizer"]) != settings.tokenizer:
                    return None
                idx = cls(settings=settings)
                idx.generation = int(z["generation"])
                idx.ids, idx.alive, idx.lengths = z["ids"], z["alive"].copy(), z["lengths"]
                idx.matrix = sp.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
                vocab = str(z["vocab"])
        except (OSError, ValueError, KeyError):
            return None
        idx.vocab = {t: i for i, t in enumerate(vocab.split("\n"))} if vocab else {}
        idx.row_of = {int(c): r for r, c in enumerate(idx.ids) if idx.alive[r]}
        return idx
