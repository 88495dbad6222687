"""Dense peers: exact FAISS search over one embedder's vectors of the clauses (``dense-SPEC``)."""
from __future__ import annotations

import re
import time
from typing import Callable

import numpy as np

from evaluation.data import artifacts_dir
from evaluation.peers.base import ClauseSet, Peer, Ranked


def cached_passage_vectors(clauses: ClauseSet, spec: str, *, log: Callable[[str], None] = print) -> np.ndarray:
    """Embed all clause texts with ``spec`` once; later runs load ``artifacts/embcache/KEY-SPEC.npy``."""
    from index.embed import get_embedder

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", spec)
    cache_dir = artifacts_dir() / "embcache"
    path = cache_dir / f"{clauses.key()}-{safe}.npy"
    if path.exists():
        return np.load(path)
    emb = get_embedder(spec)
    t0 = time.perf_counter()
    vecs = emb.encode_passages(list(clauses.texts))
    secs = time.perf_counter() - t0
    log(f"embedded {len(clauses.texts)} clauses with {spec} in {secs:.1f}s "
        f"({len(clauses.texts) / max(secs, 1e-9):.0f} clauses/s)")
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


class DensePeer(Peer):
    """Exact inner-product search over one embedder's vectors of the same clauses."""

    def __init__(self, clauses: ClauseSet, spec: str, *, log: Callable[[str], None] = print):
        import faiss
        from index.embed import get_embedder

        super().__init__(clauses)
        self.name = f"dense-{spec}"
        vecs = cached_passage_vectors(clauses, spec, log=log)
        self.embedder = get_embedder(spec)
        self.index = faiss.IndexFlatIP(vecs.shape[1])
        self.index.add(vecs)

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        q = self.embedder.encode_queries(queries)
        scores, idx = self.index.search(q, min(k, self.index.ntotal))
        return [Ranked(tuple(int(i) for i in row if i >= 0), tuple(float(s) for s, i in zip(srow, row) if i >= 0))
                for srow, row in zip(scores, idx)]
