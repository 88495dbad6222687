"""The FAISS side: exact and HNSW indexes agree, restrictions hold, and a KB above the
HNSW threshold switches to HNSW and still finds the right clause."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import make_doc
from index.dense import DenseIndex, DenseSettings
from index.kb import KBSettings, KnowledgeBase


def unit_vectors(n: int, dim: int, seed: int = 7) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def vectors():
    return unit_vectors(3000, 32)


def build(vectors, *, hnsw: bool) -> DenseIndex:
    idx = DenseIndex(32, settings=DenseSettings(hnsw_m=16, hnsw_ef_search=64), hnsw=hnsw)
    idx.add(range(1000, 1000 + len(vectors)), vectors)
    return idx


@pytest.mark.parametrize("hnsw", [False, True])
def test_a_stored_vector_finds_its_own_id_first(vectors, hnsw):
    idx = build(vectors, hnsw=hnsw)
    hits = idx.search(vectors[[5, 1234, 2999]], k=3)
    assert [h[0].clause_id for h in hits] == [1005, 2234, 3999]
    assert hits[0][0].score == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("hnsw", [False, True])
def test_allowed_and_excluded_ids_are_applied_inside_the_search(vectors, hnsw):
    idx = build(vectors, hnsw=hnsw)
    allowed = {1010, 1020, 1030}
    hits = idx.search(vectors[5], k=10, allowed=allowed)[0]
    assert {h.clause_id for h in hits} == allowed
    hits = idx.search(vectors[5], k=5, excluded={1005})[0]
    assert 1005 not in {h.clause_id for h in hits} and len(hits) == 5


def test_hnsw_top10_overlaps_exact_search(vectors):
    exact, approx = build(vectors, hnsw=False), build(vectors, hnsw=True)
    queries = unit_vectors(50, 32, seed=11)
    e = exact.search(queries, k=10)
    a = approx.search(queries, k=10)
    recall = np.mean([len({h.clause_id for h in x} & {h.clause_id for h in y}) / 10 for x, y in zip(e, a)])
    assert recall >= 0.9


def test_save_and_load_keep_the_index_and_its_stamp(vectors, tmp_path):
    idx = build(vectors, hnsw=True)
    idx.save(tmp_path / "dense.npz", generation=7, model="m")
    back = DenseIndex.load(tmp_path / "dense.npz", model="m", dim=32, settings=DenseSettings())
    assert back.hnsw and back.generation == 7 and len(back) == 3000
    assert back.search(vectors[42], k=1)[0][0].clause_id == 1042
    assert DenseIndex.load(tmp_path / "dense.npz", model="other", dim=32, settings=DenseSettings()) is None
    with pytest.raises(NotImplementedError):
        back.remove([1042])


def test_kb_above_the_threshold_uses_hnsw_and_survives_a_removal(tmp_path, demo_embedder):
    settings = KBSettings(dense=DenseSettings(hnsw_threshold=3))
    kb = KnowledgeBase.open(tmp_path / "kb", settings=settings, embedder=demo_embedder)
    try:
        kb.ingest_parsed([
            make_doc("a.txt", "甲方案", [((), "", "推进公共交通一卡通互联互通。"), ((), "", "建设城市绿道和郊野公园。")]),
            make_doc("b.txt", "乙方案", [((), "", "提高基层医疗卫生服务能力。"), ((), "", "加强中小学教师队伍建设。")]),
        ])
        assert kb.stats().dense_index == "hnsw"
        assert kb.search("医疗卫生服务", mode="semantic", k=1)[0].text == "提高基层医疗卫生服务能力。"
        assert kb.remove("b.txt")
        texts = {h.text for h in kb.search("医疗卫生服务", mode="semantic", k=10)}
        assert texts == {"推进公共交通一卡通互联互通。", "建设城市绿道和郊野公园。"}
    finally:
        kb.close()
