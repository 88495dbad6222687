"""What the KB hands out are records: hit rows, facets and stats (with the JSON form the CLI prints)."""
from __future__ import annotations

import json

from conftest import make_doc
from index.kb import KnowledgeBase
from index.records import Facets, HitRow, KBStats
from index.embed_demo import DemoEmbedder

DOCS = [
    make_doc("a.txt", "甲市公共服务实施方案", [(("一、总体要求",), "（一）", "推进基本公共服务均等化。")],
             issuer="甲市人民政府", date="2022-03-01", doc_type="方案", doc_number="甲政发〔2022〕5号"),
    make_doc("b.txt", "乙省交通规划", [((), "", "建设综合交通枢纽。")], issuer="乙省发展和改革委员会", date="2021-06",
             doc_type="规划"),
    make_doc("c.txt", "无日期的通知", [((), "", "做好公共服务工作。")], date="某年"),
]


def test_records_and_their_json_forms(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=DemoEmbedder())
    try:
        kb.ingest_parsed(DOCS)
        assert kb.facets() == Facets(issuers=("乙省发展和改革委员会", "甲市人民政府"), doc_types=("方案", "规划"),
                                     years=(2021, 2022))
        assert kb.facets().to_dict() == {"issuers": ["乙省发展和改革委员会", "甲市人民政府"],
                                         "doc_types": ["方案", "规划"], "years": [2021, 2022]}
        stats = kb.stats()
        assert isinstance(stats, KBStats) and (stats.documents, stats.clauses, stats.dim) == (3, 3, 256)
        as_json = json.loads(json.dumps(stats.to_dict()))
        assert list(as_json) == ["path", "documents", "clauses", "embeddings_cached", "model", "dim", "tokenizer",
                                 "generation", "dense_index", "sizes", "total_bytes"]
        assert as_json["total_bytes"] == sum(as_json["sizes"].values()) and as_json["dense_index"] == "flat"
        hit = kb.search("公共服务均等化", mode="lexical", k=1)[0]
        row = kb.store.hit_rows([hit.clause_id])[hit.clause_id]
        assert row == HitRow(clause_id=hit.clause_id, doc_id=hit.doc_id, text="推进基本公共服务均等化。",
                             path=("一、总体要求",), label="（一）", page_start=1, page_end=1,
                             title="甲市公共服务实施方案", doc_number="甲政发〔2022〕5号", date="2022-03-01",
                             match_text="推进基本公共服务均等化。")
        assert hit.citation == "《甲市公共服务实施方案》一、（一）（甲政发〔2022〕5号）第1页"
    finally:
        kb.close()
