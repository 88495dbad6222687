"""Tokenisers and the BM25 index: exact tokens, ranking, incremental add/remove, persistence."""
from __future__ import annotations

import math

import numpy as np

from index.lexical import LexicalIndex, LexicalSettings
from index.tokenize import bigram, get_tokenizer, jieba_search, jieba_words, mixed


def test_bigram_tokens():
    assert bigram("人均支出998元，GDP增长6.5%") == ["人均", "均支", "支出", "998", "元", "gdp", "增长", "6.5"]
    assert bigram("一") == ["一"]


def test_jieba_tokenisers_drop_punctuation():
    assert jieba_words("推进公共服务，人均支出。") == ["推进", "公共服务", "人均", "支出"]
    assert "公共" in jieba_search("公共服务") and "公共服务" in jieba_search("公共服务")
    toks = mixed("公共服务")
    assert toks[:3] == ["公共", "共服", "服务"] and "w:公共服务" in toks
    assert get_tokenizer("jieba_words") is jieba_words


def test_bm25_scores_match_the_formula():
    idx = LexicalIndex(settings=LexicalSettings(k1=1.2, b=0.75))
    idx.add([10, 11, 12], ["公共服务均等化", "交通运输", "公共交通服务"])
    hits = idx.search("公共", k=10)
    assert [h.clause_id for h in hits] == [12, 10]  # the shorter clause first
    # tokens: doc10 6 bigrams, doc11 3, doc12 5; avgdl 14/3; df(公共)=2, N=3
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    expect10 = idf * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 6 / (14 / 3)))
    assert abs(hits[1].score - expect10) < 1e-5


def test_add_remove_without_rebuild_and_restrictions():
    idx = LexicalIndex()
    idx.add([1, 2], ["人均支出较低", "交通设施"])
    idx.add([3], ["人均收入增长"])
    assert [h.clause_id for h in idx.search("人均", k=5)] == [1, 3] or \
        [h.clause_id for h in idx.search("人均", k=5)] == [3, 1]
    assert idx.remove([1]) == 1
    assert [h.clause_id for h in idx.search("人均支出", k=5)] == [3]
    assert idx.id_set() == {2, 3}
    assert [h.clause_id for h in idx.search("人均", allowed={2})] == []
    assert [h.clause_id for h in idx.search("人均", excluded={3})] == []
    assert idx.candidates("收入增长") == {3}


def test_save_load_round_trip_and_tokenizer_mismatch(tmp_path):
    idx = LexicalIndex()
    idx.add(range(100), [f"第{i}条 公共服务{'人均' * (i % 3)}" for i in range(100)])
    idx.remove(range(0, 100, 2))  # enough tombstones to trigger compaction on save
    before = [(h.clause_id, round(h.score, 5)) for h in idx.search("人均 公共", k=20)]
    idx.save(tmp_path / "lex.npz", generation=7)
    back = LexicalIndex.load(tmp_path / "lex.npz", settings=LexicalSettings())
    assert back.generation == 7 and back.id_set() == set(range(1, 100, 2))
    assert [(h.clause_id, round(h.score, 5)) for h in back.search("人均 公共", k=20)] == before
    assert LexicalIndex.load(tmp_path / "lex.npz", settings=LexicalSettings(tokenizer="jieba_words")) is None
    assert LexicalIndex.load(tmp_path / "missing.npz", settings=LexicalSettings()) is None
    assert len(np.load(tmp_path / "lex.npz")["ids"]) == 50
