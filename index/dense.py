"""FAISS vector index keyed by clause id, persistent and stamped with a KB generation.

Exact inner product (``IndexIDMap2`` over ``IndexFlatIP``) by default; above
``DenseSettings.hnsw_threshold`` vectors an HNSW graph is used instead (it cannot
remove vectors, so a removal rebuilds it). Vectors are unit length, so inner
product is cosine similarity. Restrictions (filters, exclusions) are applied
inside the search with an ``IDSelector``, never by trimming a top-k.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

from index.records import Scored

FORMAT = 1
EXACT_SUBSET = 20_000  # an allowed set up to this size is scored exactly, whatever the index


@dataclass(frozen=True)
class DenseSettings:
    """FAISS index choice: exact search up to ``hnsw_threshold`` vectors, HNSW above."""

    hnsw_threshold: int = 200_000
    hnsw_m: int = 32
    hnsw_ef_search: int = 128


class DenseIndex:
    """Clause-id keyed FAISS index with add/remove/search and atomic save/load."""

    def __init__(self, dim: int, *, settings: DenseSettings = DenseSettings(), hnsw: bool = False):
        self.dim = dim
        self.settings = settings
        self.hnsw = hnsw
        self.generation = -1
        self.model = ""
        if hnsw:
            base = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efSearch = settings.hnsw_ef_search
        else:
            base = faiss.IndexFlatIP(dim)
        self.index = faiss.IndexIDMap2(base)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def id_set(self) -> set[int]:
        """The clause ids currently indexed."""
        return set(faiss.vector_to_array(self.index.id_map).tolist())

    def add(self, ids: Iterable[int], vectors: np.ndarray) -> None:
        """Add unit ``vectors`` under clause ``ids``."""
        ids = np.asarray(list(ids), dtype=np.int64)
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)

    def remove(self, ids: Iterable[int]) -> int:
        """Remove clause ``ids``; HNSW cannot, so it raises NotImplementedError (rebuild instead)."""
        ids = np.asarray(list(ids), dtype=np.int64)
        if not len(ids):
            return 0
        if self.hnsw:
            raise NotImplementedError("HNSW index cannot remove vectors")
        return int(self.index.remove_ids(faiss.IDSelectorBatch(ids)))

    def search(self, queries: np.ndarray, *, k: int, allowed: set[int] | None = None,
               excluded: set[int] | None = None) -> list[list[Scored]]:
        """Top ``k`` clauses per query row, restricted to ``allowed`` minus ``excluded``."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if self.index.ntotal == 0 or k <= 0 or (allowed is not None and not allowed):
            return [[] for _ in range(len(queries))]
        if allowed is not None and len(allowed) <= EXACT_SUBSET:
            return self._search_subset(queries, k=k, ids=sorted(allowed - (excluded or set())))
        keep = []  # selectors must outlive the search call
        params = None
        if allowed is not None:
            sel = faiss.IDSelectorBatch(np.asarray(sorted(allowed - (excluded or set())), dtype=np.int64))
            keep.append(sel)
        elif excluded:
            inner = faiss.IDSelectorBatch(np.asarray(sorted(excluded), dtype=np.int64))
            sel = faiss.IDSelectorNot(inner)
            keep += [inner, sel]
        else:
            sel = None
        if sel is not None:
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=self.settings.hnsw_ef_search) if self.hnsw \
                else faiss.SearchParameters(sel=sel)
        k = min(k, int(self.index.ntotal))
        scores, ids = self.index.search(queries, k, params=params)
        return [[Scored(clause_id=int(i), score=float(s)) for s, i in zip(srow, irow) if i >= 0]
                for srow, irow in zip(scores, ids)]

    def _search_subset(self, queries: np.ndarray, *, k: int, ids: list[int]) -> list[list[Scored]]:
        # Exact scores over a small allowed set: HNSW's graph walk under a selective filter
        # misses allowed vectors (measured: 2 of 3 found), and scoring a few thousand
        # reconstructed vectors is cheaper than a filtered scan of the whole index anyway.
        if not ids:
            return [[] for _ in range(len(queries))]
        keys = np.asarray(ids, dtype=np.int64)
        try:
            vecs = self.index.reconstruct_batch(keys)
        except RuntimeError:  # an id the index lacks: keep the ones it has
            pairs = []
            for i in ids:
                try:
                    pairs.append((i, self.index.reconstruct(int(i))))
                except RuntimeError:
                    continue
            if not pairs:
                return [[] for _ in range(len(queries))]
            keys = np.asarray([i for i, _ in pairs], dtype=np.int64)
            vecs = np.vstack([v for _, v in pairs])
        sims = queries @ vecs.T
        out = []
        for row in sims:
            top = np.argsort(-row, kind="stable")[:k]
            out.append([Scored(clause_id=int(keys[j]), score=float(row[j])) for j in top])
        return out

    def save(self, path: str | Path, *, generation: int, model: str) -> None:
        """Write atomically (temp file + ``os.replace``), stamped with ``generation`` and ``model``."""
        self.generation, self.model = generation, model
        path = Path(path)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # one per writer
        blob = faiss.serialize_index(self.index)
        with open(tmp, "wb") as f:
            np.savez(f, format=np.int64(FORMAT), generation=np.int64(generation), model=np.str_(model),
                     dim=np.int64(self.dim), hnsw=np.bool_(self.hnsw), index=blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path, *, model: str, dim: int, settings: DenseSettings) -> "DenseIndex | None":
        """Read a saved index; None when missing, unreadable, or built for another model."""
        try:
            with np.load(path) as z:
                if int(z["format"]) != FORMAT or str(z["model"]) != model or int(z["dim"]) != dim:
                    return None
                idx = cls(dim, settings=settings, hnsw=bool(z["hnsw"]))
                idx.index = faiss.deserialize_index(z["index"])
                idx.generation, idx.model = int(z["generation"]), model
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        if idx.hnsw:
            faiss.downcast_index(idx.index.index).hnsw.efSearch = settings.hnsw_ef_search
        return idx
