"""Query understanding (index/analyse.py): question forms, named documents, lexicon expansions, and
their effect on search and on the CLI, on a tiny KB of two text files (demo embedder)."""
from __future__ import annotations

import pytest

from index.analyse import (DocumentNames, Expansion, Lexicon, LexiconEntry, NamedDocument, QueryAnalyser,
                           QueryAnalysis, QuerySettings, load_lexicon, short_names, strip_question)
from index.config import KBSettings
from index.query import parse_query

PROPERTY = ("物业管理条例\n\n第一条 为了规范物业管理活动，维护业主和物业服务企业的合法权益，制定本条例。\n\n"
            "第二条 业主可以自行管理建筑物及其附属设施，也可以委托物业服务企业管理。\n\n"
            "第三条 物业服务企业应当按照合同约定提供服务，对业主违反规定的行为予以劝阻。\n")
NOISE = ("城市环境噪声污染防治办法\n\n第一条 为防治环境噪声污染，保护居民生活环境，制定本办法。\n\n"
         "第二条 在住宅楼内进行装修活动的，应当限定作业时间，防止噪声干扰业主和居民正常生活。\n\n"
         "第三条 业主委员会可以协助处理业主之间的纠纷和违反规定的行为。\n")


def analyser(known=lambda term: True) -> QueryAnalyser:
    names = DocumentNames([(1, "物业管理条例"), (2, "中华人民共和国民法典"), (3, "城市环境噪声污染防治办法")])
    return QueryAnalyser(names=names, lexicon=Lexicon([LexiconEntry("噪音", "噪声", 1.0)]), known=known)


def test_question_forms_are_stripped_and_listed():
    assert strip_question("楼上噪音扰民怎么办？") == ("楼上噪音扰民", ("怎么办",))
    assert strip_question("什么吗") == ("什么吗", ())  # nothing would remain: kept whole


def test_short_names_drop_the_state_prefix_editions_and_the_issuer():
    assert short_names("中华人民共和国民法典") == {"中华人民共和国民法典", "民法典"}
    assert short_names("中华人民共和国刑法（2020修正）") == {"中华人民共和国刑法（2020修正）", "刑法（2020修正）", "刑法"}
    assert short_names("国务院关于加强个人所得税纳税信用建设的通知") == {
        "国务院关于加强个人所得税纳税信用建设的通知", "关于加强个人所得税纳税信用建设的通知"}


def test_analysis_of_a_question_with_an_everyday_word():
    got = analyser().analyse(parse_query("楼上噪音扰民怎么办"), settings=QuerySettings(expansion_weight=0.4))
    assert got == QueryAnalysis(query="楼上噪音扰民怎么办", question_forms=("怎么办",), lexical_terms=("楼上噪音扰民",),
                                named=(), expansions=(Expansion(word="噪音", term="噪声", weight=0.4),))
    assert got.also_searched == ("噪声",)
    assert got.match_text == "楼上噪音扰民"


def test_expansion_needs_a_weight_and_a_term_the_kb_holds():
    assert analyser().analyse(parse_query("噪音"), settings=QuerySettings(expansion_weight=0.0)).expansions == ()
    none_known = analyser(known=lambda term: False)
    assert none_known.analyse(parse_query("噪音"), settings=QuerySettings(expansion_weight=0.4)).expansions == ()


def test_named_documents_bare_boost_and_quoted_restrict():
    got = analyser().analyse(parse_query("民法典 物业管理条例 业主的权利是什么"), settings=QuerySettings())
    assert got.named == (NamedDocument(name="民法典", title="中华人民共和国民法典", doc_ids=(2,), quoted=False),
                         NamedDocument(name="物业管理条例", title="物业管理条例", doc_ids=(1,), quoted=False))
    assert got.boosted == (1, 2) and got.restricted_to == ()
    assert got.lexical_terms == ("民法典", "物业管理条例", "业主的权利是")
    quoted = analyser().analyse(parse_query("《物业管理条例》业主"), settings=QuerySettings())
    assert quoted.named == (NamedDocument(name="物业管理条例", title="物业管理条例", doc_ids=(1,), quoted=True),)
    assert quoted.restricted_to == (1,) and quoted.lexical_terms == ("业主",)
    # a quoted title the KB lacks: the known one is boosted, not a restriction
    partly = analyser().analyse(parse_query("《物业管理条例》《铁路法》业主"), settings=QuerySettings())
    assert partly.restricted_to == () and partly.boosted == (1,)


def test_lexicon_file_reading(tmp_path):
    f = tmp_path / "lex.tsv"
    f.write_text("# comment\n噪音\t噪声\t0.8\tmined 0.961\n坏行\n同\t同\t1\n", encoding="utf-8")
    assert load_lexicon(f) == (LexiconEntry("噪音", "噪声", 0.8),)
    assert load_lexicon(tmp_path / "missing.tsv") == ()


@pytest.fixture(scope="module")
def tiny_kb_dir(tmp_path_factory, demo_embedder):
    from index.kb import KnowledgeBase

    root = tmp_path_factory.mktemp("tiny")
    (root / "物业管理条例.txt").write_text(PROPERTY, encoding="utf-8")
    (root / "噪声办法.txt").write_text(NOISE, encoding="utf-8")
    settings = KBSettings(query=QuerySettings(expansion_weight=0.5, named_boost=0.5))
    with KnowledgeBase.open(root / "kb", embedder=demo_embedder, settings=settings) as kb:
        kb.ingest([root / "物业管理条例.txt", root / "噪声办法.txt"])
    (root / "kb" / "lexicon.tsv").write_text("噪音\t噪声\t1.0\ttest\n", encoding="utf-8")
    return root / "kb"


def test_named_document_ranks_its_clause_first(tiny_kb_dir, demo_embedder):
    from index.kb import KnowledgeBase

    with KnowledgeBase.open(tiny_kb_dir, create=False, embedder=demo_embedder) as kb:
        plain = kb.search("业主 违反规定的行为", k=3, mode="lexical")
        named = kb.search("物业管理条例 业主 违反规定的行为", k=3, mode="lexical")
        quoted = kb.search("《物业管理条例》业主", k=5, mode="hybrid")
    assert plain[0].citation.startswith("《城市环境噪声污染防治办法》")  # without the name, the other law wins
    assert named[0].citation == "《物业管理条例》第三条"
    assert {h.citation.split("》")[0] for h in quoted} == {"《物业管理条例"}


def test_expansion_finds_the_document_word_and_the_cli_says_so(tiny_kb_dir, demo_embedder):
    from index.kb import KnowledgeBase
    from test_cli import run_here

    with KnowledgeBase.open(tiny_kb_dir, create=False, embedder=demo_embedder) as kb:
        assert kb.analyse("装修噪音怎么办").also_searched == ("噪声",)
        hits = kb.search("装修噪音怎么办", k=1, mode="lexical")
    assert hits[0].citation == "《城市环境噪声污染防治办法》第二条"
    assert "噪声" in hits[0].matched  # the expansion term is marked in the hit
    r = run_here("index", "search", "装修噪音怎么办", "--kb", str(tiny_kb_dir), "--k", "1", "--mode", "lexical")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "也检索了：噪声"
    r = run_here("index", "search", "物业管理条例 业主", "--kb", str(tiny_kb_dir), "--k", "1", "--mode", "lexical")
    assert r.stdout.splitlines()[0] == "优先文件：《物业管理条例》"


def test_a_searched_query_is_analysed_once_until_the_documents_change(tmp_path, demo_embedder, monkeypatch):
    """Search, then the analysis shown beside it (CLI, API, page): one analysis; a write makes a new one."""
    from index.kb import KnowledgeBase

    made: list[str] = []
    analyse = QueryAnalyser._analyse
    monkeypatch.setattr(QueryAnalyser, "_analyse", lambda self, pq, **kw: made.append(pq.raw) or analyse(self, pq, **kw))
    (tmp_path / "物业管理条例.txt").write_text(PROPERTY, encoding="utf-8")
    (tmp_path / "噪声办法.txt").write_text(NOISE, encoding="utf-8")
    with KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder) as kb:
        kb.ingest([tmp_path / "噪声办法.txt"])
        kb.search("物业管理条例 业主", k=1, mode="lexical")
        assert kb.analyse("物业管理条例 业主").named == ()  # no such document yet
        assert made == ["物业管理条例 业主"]
        kb.ingest([tmp_path / "物业管理条例.txt"])
        assert [n.title for n in kb.analyse("物业管理条例 业主").named] == ["物业管理条例"]
        assert made == ["物业管理条例 业主"] * 2


def test_search_page_shows_the_expansion_under_the_box(tiny_kb_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from conftest import ROOT

    monkeypatch.setenv("POLICY_KB", str(tiny_kb_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["q"] = "装修噪音怎么办"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "也检索了：噪声" in [c.value for c in at.caption]


def test_lexicon_miner_pairs_a_missing_question_word_with_the_nearest_gold_word():
    from evaluation.lexicon import mine_candidates, mined_pairs
    from evaluation.queries import EvalQuery

    qs = [EvalQuery(qid=str(i), query="社保怎么交？", gold=("用人单位应当依法为职工办理社会保险。",)) for i in range(2)]
    cands = mine_candidates(qs, frozenset())
    assert cands[0][0] == "社保" and "社会保险" in cands[0][1]

    class Vectors:  # 社保 is near 社会保险 only
        def cos(self, a, b):
            return 0.97 if {a, b} == {"社保", "社会保险"} else 0.5

    assert mined_pairs(cands, Vectors(), min_count=2, min_cos=0.93, high_cos=0.99) == {("社保", "社会保险"): 0.97}
    assert mined_pairs(cands[:1], Vectors(), min_count=2, min_cos=0.93, high_cos=0.99) == {}  # seen once, not high
