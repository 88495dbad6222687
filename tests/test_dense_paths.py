"""The dense index's restricted-search paths: a small allowed set is scored exactly (even in
an HNSW index, and when some ids are missing), a large one goes through a FAISS selector, and
exclusions alone through a negated selector; each agrees with brute force."""
from __future__ import annotations

import numpy as np
import pytest

import index.dense as dense_mod
from index.dense import DenseIndex, DenseSettings

DIM = 24
IDS = np.arange(500, 500 + 1200)


def unit_vectors(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


VECS = unit_vectors(len(IDS), 3)
QUERIES = unit_vectors(4, 9)


def build(*, hnsw: bool) -> DenseIndex:
    idx = DenseIndex(DIM, settings=DenseSettings(hnsw_m=8, hnsw_ef_search=16), hnsw=hnsw)
    idx.add(IDS, VECS)
    return idx


def brute_force(query: np.ndarray, ids, k: int) -> list[int]:
    rows = [int(np.flatnonzero(IDS == i)[0]) for i in sorted(ids)]
    sims = VECS[rows] @ query
    order = np.argsort(-sims, kind="stable")[:k]
    return [sorted(ids)[j] for j in order]


@pytest.mark.parametrize("hnsw", [False, True])
def test_a_small_allowed_set_is_scored_exactly(hnsw):
    idx = build(hnsw=hnsw)
    allowed = set(range(600, 1600, 7))
    for q, hits in zip(QUERIES, idx.search(QUERIES, k=10, allowed=allowed, excluded={607, 614})):
        want = brute_force(q, allowed - {607, 614}, 10)
        assert [h.clause_id for h in hits] == want
        assert [h.score for h in hits] == pytest.approx([float(VECS[i - 500] @ q) for i in want], abs=1e-5)


def test_allowed_ids_the_index_lacks_are_skipped():
    idx = build(hnsw=True)
    hits = idx.search(QUERIES[0], k=5, allowed={510, 520, 99_999, 88_888})[0]
    assert sorted(h.clause_id for h in hits) == [510, 520]
    assert idx.search(QUERIES[0], k=5, allowed={99_999})[0] == []


def test_an_empty_restriction_finds_nothing():
    idx = build(hnsw=False)
    assert idx.search(QUERIES, k=5, allowed=set()) == [[], [], [], []]
    assert idx.search(QUERIES[:1], k=5, allowed={510}, excluded={510}) == [[]]


def test_a_large_allowed_set_goes_through_the_selector_and_agrees_with_exact(monkeypatch):
    monkeypatch.setattr(dense_mod, "EXACT_SUBSET", 10)  # so that 300 ids take the selector path
    idx = build(hnsw=False)
    allowed = set(range(500, 1700, 4))
    for q, hits in zip(QUERIES, idx.search(QUERIES, k=10, allowed=allowed, excluded={504})):
        assert [h.clause_id for h in hits] == brute_force(q, allowed - {504}, 10)
    approx = build(hnsw=True).search(QUERIES, k=10, allowed=allowed)
    assert all({h.clause_id for h in hits} <= allowed and len(hits) == 10 for hits in approx)


def test_exclusions_alone_use_a_negated_selector():
    idx = build(hnsw=False)
    top = brute_force(QUERIES[1], set(IDS.tolist()), 3)
    hits = idx.search(QUERIES[1], k=3, excluded={top[0]})[0]
    assert [h.clause_id for h in hits] == brute_force(QUERIES[1], set(IDS.tolist()) - {top[0]}, 3)
