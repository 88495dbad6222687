"""The learned fusion and the relevance estimate (``index.learned``), document kinds, query
coverage and the floor (``index.hits.good_match``)."""
from __future__ import annotations

import numpy as np

from index.coverage import coverage, lexical_evidence
from index.doc_kinds import ClauseFacts, DocKind, doc_kind
from index.fusion import FusionMethod, Mode, SearchSettings, combine
from index.hits import good_match
from index.learned import FEATURES, LearnedModel, features, learned_ranking, relevance
from index.lexical import LexicalIndex
from index.records import Hit, Scored


def ranked(*pairs) -> list[Scored]:
    return [Scored(clause_id=c, score=s) for c, s in pairs]


def test_learned_is_the_default_and_old_methods_stay_selectable():
    assert SearchSettings().fusion is FusionMethod.LEARNED
    assert SearchSettings(fusion="minmax").fusion is FusionMethod.MINMAX
    assert len(LearnedModel().rank) == len(FEATURES) == len(LearnedModel().hybrid) == len(LearnedModel().lexical)


def test_amendment_titles():
    assert doc_kind("中华人民共和国刑法修正案（十一）") is DocKind.AMENDMENT
    assert doc_kind("最高人民法院关于修改《关于上海金融法院案件管辖的规定》的决定") is DocKind.AMENDMENT
    assert doc_kind("全国人民代表大会常务委员会关于修改〈中华人民共和国会计法〉等十一部法律的决定") is DocKind.AMENDMENT
    # naming an amendment inside 《》 does not make a document one; nor does a decision on something else
    assert doc_kind("最高人民法院关于《中华人民共和国刑法修正案（八）》时间效力问题的解释") is DocKind.ARTICLES
    assert doc_kind("北京市人民代表大会常务委员会关于加强市级预算审查监督的决定") is DocKind.ARTICLES


def test_features_of_a_clause_in_one_list_only():
    lex, dense = ranked((1, 8.0), (2, 4.0)), ranked((3, 0.9), (1, 0.8))
    facts = {1: ClauseFacts(length=100, kind=DocKind.ARTICLES), 3: ClauseFacts(length=20, kind=DocKind.AMENDMENT)}
    ids, x = features(lex, dense, facts, {1: 0.5})
    col = {f: i for i, f in enumerate(FEATURES)}
    assert ids == [1, 2, 3]
    assert x[1, col["lex_ratio"]] == 0.5 and x[1, col["both"]] == 0.0 and x[0, col["both"]] == 1.0
    assert x[1, col["dense_cos"]] == 0.8  # not in the dense list: the list's lowest cosine
    assert x[2, col["lex_ratio"]] == 0.0 and x[2, col["amendment"]] == 1.0
    assert x[0, col["lex_cover"]] == 0.5 and x[0, col["cover_sq"]] == 0.25
    assert abs(x[0, col["log_len"]] - np.log(100)) < 1e-12


def test_an_amendment_snippet_ranks_below_the_same_evidence_in_an_article():
    lex, dense = ranked((1, 5.0), (2, 5.0), (3, 1.0)), ranked((1, 0.85), (2, 0.85), (3, 0.80))
    facts = {1: ClauseFacts(length=80, kind=DocKind.AMENDMENT), 2: ClauseFacts(length=80, kind=DocKind.ARTICLES),
             3: ClauseFacts(length=80, kind=DocKind.ARTICLES)}
    order = [r.clause_id for r in learned_ranking(lex, dense, facts)]
    assert order == [2, 1, 3]
    assert [r.clause_id for r in combine(lex, dense, mode=Mode.HYBRID, settings=SearchSettings(), facts=facts)] \
        == [2, 1, 3]


def test_estimates_are_probabilities_that_grow_with_coverage():
    lex, dense = ranked((1, 5.0), (2, 4.0)), ranked((1, 0.85), (2, 0.84))
    facts = {c: ClauseFacts(length=80, kind=DocKind.ARTICLES) for c in (1, 2)}
    for mode in (Mode.HYBRID, Mode.LEXICAL):
        est = relevance(lex, dense if mode != Mode.LEXICAL else [], facts, {1: 1.0, 2: 0.2}, mode=mode)
        assert 0.0 < est[2] < est[1] < 1.0


def test_coverage_weights_tokens_by_idf_and_counts_unknown_ones():
    lex = LexicalIndex()
    lex.add([1, 2, 3], ["航天产业基地", "发射中心", "航天发射场建设"])
    cov = coverage(lex, "航天发射场", [1, 2, 3, 99])
    assert cov[3] == 1.0 and 0.0 < cov[1] < 0.5 and 0.0 < cov[2] < 0.5 and 99 not in cov
    assert coverage(lex, "火星", [1]) == {1: 0.0}


def test_lexical_evidence_gives_the_bm25_scores_of_any_candidates():
    lex = LexicalIndex()
    lex.add([1, 2, 3, 4], ["航天产业基地", "发射中心", "航天发射场建设", "城镇化率"])
    ev = lexical_evidence(lex, "航天发射场", [3, 1, 4])
    full = lex.scores("航天发射场")
    assert set(ev.bm25) == {1, 3}  # clause 4 shares no token: no score
    assert abs(ev.bm25[3] - full[lex.row_of[3]]) < 1e-5 and abs(ev.bm25[1] - full[lex.row_of[1]]) < 1e-5


def _hit(rank: int, relevance: float | None) -> Hit:
    return Hit(rank=rank, score=1.0, text="x", matched=(), doc_title="t", doc_number=None, date=None, path=(),
               label="", page_start=None, page_end=None, citation="《t》", clause_id=rank, doc_id=1,
               relevance=relevance)


def test_good_match_reads_the_first_three_hits():
    assert good_match([_hit(1, 0.05), _hit(2, 0.3)], floor=0.1)
    assert not good_match([_hit(1, 0.05), _hit(2, 0.02), _hit(3, 0.09), _hit(4, 0.9)], floor=0.1)
    assert not good_match([], floor=0.1)
    assert good_match([_hit(1, None)], floor=0.1)
