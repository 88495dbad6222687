"""Vectors for the dense scale run: clustered random unit vectors, or a built KB's real vectors recombined."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def random_unit(n: int, dim: int, seed: int, *, clusters: int = 2000, spread: float = 0.7) -> np.ndarray:
    """``n`` random unit vectors (float32) around ``clusters`` random topic centres.

    Uniform noise has no neighbours worth finding (every ANN index looks bad on it); real
    embeddings cluster by topic, so each vector is ``centre + spread * noise`` normalised
    (cosine to its centre ~0.8, to a same-topic vector ~0.67).
    """
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(0).standard_normal((clusters, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    for i in range(0, n, 100_000):
        m = min(100_000, n - i)
        x = centres[rng.integers(0, clusters, m)] + spread * rng.standard_normal((m, dim), dtype=np.float32) / np.sqrt(dim)
        out[i : i + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def kb_vectors(kb_dir: str | Path) -> np.ndarray:
    """All cached clause vectors of a built KB (read-only SQL on its ``embeddings`` table)."""
    import sqlite3

    db = sqlite3.connect(f"file:{Path(kb_dir) / 'kb.sqlite'}?mode=ro", uri=True)
    rows = db.execute("SELECT vector FROM embeddings").fetchall()
    db.close()
    return np.stack([np.frombuffer(r[0], dtype=np.float32) for r in rows])


def real_vectors(real: np.ndarray, n: int, *, queries: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(base, queries) from real clause vectors: ``queries`` held-out clauses as queries; above the real
    count, recombined vectors (the normalised sum of two real ones, like the recombined texts)."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(real))
    xq, pool = real[perm[:queries]], real[perm[queries:]]
    if n <= len(pool):
        return np.ascontiguousarray(pool[:n]), xq
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    out[: len(pool)] = pool
    for i in range(len(pool), n, 100_000):
        m = min(100_000, n - i)
        x = pool[rng.integers(0, len(pool), m)] + pool[rng.integers(0, len(pool), m)]
        out[i : i + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out, xq
