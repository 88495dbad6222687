"""BM25 split into sparse clause weights and query idf (for Milvus) scores as ``index.lexical``
does; filters become the Milvus expressions that select what the store's SQL selects."""
from __future__ import annotations

import pytest

from index.backend import IndexesConfig, Restriction, is_lite
from index.bm25_sparse import BM25Stats, doc_weights, fingerprint, term_counts
from index.lexical import LexicalIndex, LexicalSettings
from index.milvus_schema import expression, sqlite_year
from index.records import Filters, KBError
from index.tokenize import get_tokenizer

TEXTS = ["推进公共服务共建共享，提高人均支出水平。", "公共交通一体化，公交卡互通。", "人均支出998元，公共服务水平有待提质。",
         "科技创新 R&D 投入强度达到3%以上。"]


def sparse_scores(texts, query, settings=LexicalSettings()):
    tok = get_tokenizer(settings.tokenizer)
    stats = BM25Stats()
    counted = [term_counts(t, tok) for t in texts]
    for c, n in counted:
        stats.add(c, n)
    q = stats.query_weights(query, tok)
    out = []
    for c, n in counted:
        w = doc_weights(c, n, avgdl=stats.avgdl, settings=settings)
        out.append(sum(q.get(t, 0.0) * v for t, v in w.items()))
    return out


@pytest.mark.parametrize("query", ["公共服务 人均支出", "公交卡", "R&D 强度", "没有的词"])
def test_inner_product_of_the_two_sides_is_bm25(query):
    idx = LexicalIndex()
    idx.add(range(1, len(TEXTS) + 1), TEXTS)
    expected = idx.scores(query).tolist()
    assert sparse_scores(TEXTS, query) == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_statistics_count_in_and_out_and_survive_json():
    tok = get_tokenizer("bigram")
    stats = BM25Stats()
    for t in TEXTS:
        stats.add(*term_counts(t, tok))
    c, n = term_counts(TEXTS[1], tok)
    stats.remove(c.keys(), n)
    again = BM25Stats()
    for t in (TEXTS[0], TEXTS[2], TEXTS[3]):
        again.add(*term_counts(t, tok))
    assert (stats.n, stats.total_len) == (again.n, again.total_len) and +stats.df == +again.df
    stats.generation, stats.ids = 7, fingerprint([1, 3, 4])
    back = BM25Stats.from_json(stats.to_json())
    assert +back.df == +again.df and (back.n, back.generation, back.ids) == (3, 7, fingerprint([4, 3, 1]))
    assert fingerprint([1, 3, 4]) != fingerprint([1, 2, 5])  # same count and sum, other squares


def test_reweighting_starts_beyond_ten_percent_drift():
    s = BM25Stats(n=10, total_len=1000, avgdl_used=95.0)
    assert not s.drifted()
    s.avgdl_used = 89.0
    assert s.drifted()


def test_filters_become_field_conditions_and_phrases_ids():
    f = Filters(doc_ids=(3, 4), issuers=('陕西省"人民政府',), doc_types=("通知",), year_from=2020, year_to=2024)
    expr = expression(Restriction(allowed={1, 2}, excluded={9}, filters=f, narrowed={2, 1}))
    assert expr == ('doc_id in [3, 4] and issuer in ["陕西省\\"人民政府"] and doc_type in ["通知"] and year >= 2020'
                    ' and (year >= 0 and year <= 2024) and id in [1, 2] and id not in [9]')
    assert expression(Restriction()) is None


@pytest.mark.parametrize("date,year", [("2024-04-02", 2024), (None, -1), ("", 0), ("二〇二四年", 0), ("2024", 2024)])
def test_year_field_reads_the_date_as_the_store_filter_does(date, year):
    assert sqlite_year(date) == year


def test_backend_config(tmp_path):
    cfg = IndexesConfig.for_new_kb(tmp_path / "kb", kind="milvus", uri=str(tmp_path / "kb" / "m.db"))
    assert cfg.uri == "m.db" and cfg.collection.startswith("policy_kb_")
    assert IndexesConfig.from_dict(cfg.to_dict()) == cfg and IndexesConfig.from_dict(None).kind == "local"
    assert is_lite("kb/milvus.db") and not is_lite("http://host:19530")
    with pytest.raises(KBError, match="needs a URI"):
        IndexesConfig(kind="milvus")


def test_a_clause_without_tokens_still_has_one_nonzero_weight_no_query_meets():
    from index.bm25_sparse import EMPTY_DIM, term_id

    tok = get_tokenizer("bigram")
    counts, n = term_counts("", tok)
    assert n == 0 and doc_weights(counts, n, avgdl=10.0, settings=LexicalSettings()) == {EMPTY_DIM: 1e-6}
    assert all(term_id(t) < EMPTY_DIM for t in ("公共", "服务", "x", "ab12"))
