"""Repeated texts are folded, and the search fetches deeper until it has k distinct texts (or the
candidates run out): 30 copies of one clause no longer crowd out the 26 other matches."""
from __future__ import annotations

import pytest

from conftest import make_doc
from index.kb import KnowledgeBase

SAME = "推进公共服务均等化。"
OTHERS = [f"第{i}项：推进公共服务均等化，建设{name}设施{i}处。" for i, name in
          enumerate("社区养老托育医疗文化体育教育就业交通水利环保住房旅游", start=1)]


@pytest.fixture()
def kb(tmp_path, demo_embedder):
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    copies = [make_doc(f"/x/copy{i}.txt", f"副本{i}", [((), "", SAME)]) for i in range(30)]
    others = [make_doc("/x/others.txt", "其他", [((), "", t) for t in OTHERS])]
    kb.ingest_parsed(copies + others)
    yield kb
    kb.close()


@pytest.mark.parametrize("mode", ["lexical", "hybrid", "semantic"])
def test_k_distinct_texts_despite_thirty_copies(kb, mode):
    assert len(OTHERS) == 26
    hits = kb.search("推进公共服务均等化", k=10, mode=mode)
    texts = [h.text for h in hits]
    assert len(texts) == 10 and len(set(texts)) == 10
    if mode == "lexical":
        assert texts[0] == SAME  # the copies rank first: shown once


def test_the_search_stops_when_the_candidates_run_out(kb):
    hits = kb.search("推进公共服务均等化", k=50, mode="lexical")
    assert sorted(h.text for h in hits) == sorted([SAME] + OTHERS)  # 27 distinct texts in all
    assert [h.rank for h in hits] == list(range(1, 28))
