"""The one query parser: what BM25, the phrase lookup, the embedder, highlighting and the page
each take from a query, and the highlight words computed once per query."""
from __future__ import annotations

import index.query as query_mod
from index.query import cjk_runs, parse_query
from webui.render import query_terms

QUERY = '公共服务均等化 “公交卡互通” -咸阳 人均支出 「西咸」 -"成渝" "" -'


def test_one_parse_gives_every_form_of_the_query():
    pq = parse_query(QUERY)
    assert pq.terms == ("公共服务均等化", "人均支出")
    assert pq.phrases == ("公交卡互通", "西咸") and pq.excluded == ("咸阳", "成渝")
    assert pq.text == "公共服务均等化 人均支出 公交卡互通 西咸"  # embedded
    assert pq.match_text == "公共服务均等化 人均支出 公交卡互通 西咸"  # BM25
    assert pq.shown == ("公共服务均等化", "公交卡互通", "人均支出", "西咸")  # as typed, in order
    assert query_terms(QUERY) == list(pq.shown)  # the page highlights the same words


def test_phrases_and_exclusions_are_in_match_form_terms_as_typed():
    pq = parse_query('ＧＤＰ 增速 "Ｘi’an  Ｍetro" -ＡＢＣ')
    assert pq.terms == ("ＧＤＰ", "增速")
    assert pq.phrases == ("xi'anmetro",) and pq.excluded == ("abc",)
    assert pq.match_text == "gdp 增速 xi'anmetro"
    assert pq.shown == ("ＧＤＰ", "增速", "Ｘi’an  Ｍetro")


def test_matched_words_whole_terms_first_then_a_terms_words():
    pq = parse_query(QUERY)
    assert pq.matched_in("推进基本公共服务和公交卡互通，教育领域人均支出998元") == ("公交卡互通", "人均支出", "公共服务")
    assert pq.matched_in("西咸一体化 服务") == ("服务", "西咸")
    assert pq.matched_in("与本查询无关") == ()


def test_highlight_words_are_cut_once_per_query(monkeypatch):
    calls = []

    def counting(term):
        calls.append(term)
        return ["公共", "服务", "公共服务"] if term == "公共服务" else []

    monkeypatch.setattr(query_mod, "query_words", counting)
    pq = parse_query("公共服务 教育")
    for text in ("提升服务水平", "公共交通", "教育公平", "服务公共"):
        pq.matched_in(text)
    assert calls == ["公共服务", "教育"]  # one jieba cut per term, not per term per hit
    assert pq.matched_in("提升服务水平") == ("服务",)


def test_words_shown_when_nothing_is_found():
    assert parse_query('"营商环境" 审批 -咸阳').segmented == ("营商", "环境", "审批")


def test_cjk_runs_for_the_phrase_lookup():
    assert cjk_runs("人均支出998元") == ["人均支出"]  # 元 alone has no bigram
    assert cjk_runs("西安—咸阳一体化") == ["西安", "咸阳一体化"]
    assert cjk_runs("65%") == []
