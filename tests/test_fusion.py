"""The shipped fusion (``index.fusion.fuse``): min-max and RRF arithmetic, equal scores,
tie order, the per-mode choice of lists, and the StrEnums' string compatibility."""
from __future__ import annotations

import json

import pytest

from index.fusion import MODES, FusionMethod, Mode, SearchSettings, combine, fuse, parse_mode
from index.records import Scored


MINMAX = SearchSettings(fusion=FusionMethod.MINMAX)  # the arithmetic tests below are min-max's


def ranked(*pairs) -> list[Scored]:
    return [Scored(clause_id=c, score=s) for c, s in pairs]


def as_pairs(fused) -> list[tuple[int, float]]:
    return [(r.clause_id, round(r.score, 9)) for r in fused]


def test_minmax_scales_each_list_to_0_1_then_weights_and_adds():
    lex = ranked((1, 10.0), (2, 6.0), (3, 2.0))  # scaled: 1.0, 0.5, 0.0
    dense = ranked((2, 0.9), (4, 0.5))  # scaled: 1.0, 0.0
    fused = fuse(lex, dense, settings=SearchSettings(fusion=FusionMethod.MINMAX, lexical_weight=0.3, dense_weight=0.7))
    assert as_pairs(fused) == [(2, 0.85), (1, 0.3), (3, 0.0), (4, 0.0)]


def test_rrf_adds_weighted_reciprocal_ranks():
    lex = ranked((1, 10.0), (2, 6.0))
    dense = ranked((2, 0.9), (3, 0.8))
    settings = SearchSettings(fusion=FusionMethod.RRF, rrf_k=10, lexical_weight=0.5, dense_weight=0.5)
    fused = fuse(lex, dense, settings=settings)
    expected = {1: 0.5 / 11, 2: 0.5 / 12 + 0.5 / 11, 3: 0.5 / 12}
    assert [r.clause_id for r in fused] == [2, 1, 3]
    assert {r.clause_id: r.score for r in fused} == pytest.approx(expected)


def test_rrf_ignores_the_score_values():
    settings = SearchSettings(fusion="rrf", rrf_k=60)
    a = fuse(ranked((1, 100.0), (2, 1.0)), [], settings=settings)
    b = fuse(ranked((1, 0.2), (2, 0.1)), [], settings=settings)
    assert as_pairs(a) == as_pairs(b) == [(1, round(0.5 / 61, 9)), (2, round(0.5 / 62, 9))]


def test_a_list_of_equal_scores_gives_each_clause_full_weight():
    fused = fuse(ranked((7, 3.0)), ranked((8, 0.4), (9, 0.4)), settings=MINMAX)
    assert as_pairs(fused) == [(7, 0.5), (8, 0.5), (9, 0.5)]  # weight x 1.0 each, none x 0


def test_ties_keep_the_lexical_first_order():
    # 5 is only lexical, 6 only dense, both end at 0.5: lexical's clause comes first
    fused = fuse(ranked((5, 2.0), (1, 1.0)), ranked((6, 0.8), (2, 0.1)), settings=MINMAX)
    assert [r.clause_id for r in fused] == [5, 6, 1, 2]
    fused = fuse(ranked((1, 1.0)), ranked((2, 1.0)), settings=MINMAX)
    assert [r.clause_id for r in fused] == [1, 2]


def test_an_empty_list_contributes_nothing():
    assert as_pairs(fuse([], ranked((3, 0.9), (4, 0.1)), settings=MINMAX)) == [(3, 0.5), (4, 0.0)]
    assert fuse([], [], settings=MINMAX) == []


def test_each_mode_takes_its_lists():
    lex, dense = ranked((1, 2.0), (2, 1.0)), ranked((3, 0.9))
    assert combine(lex, dense, mode=Mode.LEXICAL, settings=MINMAX) == lex
    assert combine(lex, dense, mode=Mode.SEMANTIC, settings=MINMAX) == dense
    assert [r.clause_id for r in combine(lex, dense, mode=Mode.HYBRID, settings=MINMAX)] == [1, 3, 2]


def test_modes_and_methods_are_strings():
    assert MODES == ("hybrid", "lexical", "semantic") and Mode.HYBRID == "hybrid"
    assert json.dumps({"mode": Mode.SEMANTIC, "fusion": FusionMethod.RRF}) == '{"mode": "semantic", "fusion": "rrf"}'
    assert parse_mode("lexical") is Mode.LEXICAL
    with pytest.raises(ValueError, match="unknown search mode 'fuzzy'; choose one of hybrid, lexical, semantic"):
        parse_mode("fuzzy")


def test_fusion_names_become_the_enum_and_unknown_ones_are_refused():
    assert SearchSettings(fusion="rrf").fusion is FusionMethod.RRF
    with pytest.raises(ValueError, match="unknown fusion 'borda'; use learned, minmax or rrf"):
        SearchSettings(fusion="borda")
