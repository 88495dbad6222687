"""Quantitative statements in the knowledge base: the statements table (filled at ingest, removed
with its document, rebuilt, back-filled into an older KB), the synonyms file, ``kb.targets`` and
``python -m index targets``, and search ranking clauses that state a named indicator first."""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import CORPUS, copy_kb, make_doc, run_index
from index.indicator_query import IndicatorNames, promote
from index.kb import KnowledgeBase
from index.query import parse_query
from index.records import TARGET_KEYS, Scored
from index.targets import SYNONYMS_FILE, SynonymsError
from ingest.pipeline import parse_file
from ingest.targets import canonical_name, extract_document

GUANZHONG = "关中平原城市群建设“十四五”实施方案"
TARGETS_CLAUSE = "《关中平原城市群建设“十四五”实施方案》二、（三）"


def run(*args):
    return run_index(*args)


def only(rows):
    assert len(rows) == 1, [(r.indicator, r.value) for r in rows]
    return rows[0]


def statement_count(kb_dir) -> int:
    with sqlite3.connect(kb_dir / "kb.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM statements").fetchone()[0]


# -- the seed-003 statements, each with its fields and its clause's citation ---------------
@pytest.mark.parametrize("name, value, unit, comparator, kind, year, phrase, citation", [
    ("常住人口城镇化率", 65, "%", "达到", "target", 2025, "常住人口城镇化率达到65%", TARGETS_CLAUSE),
    ("研发经费投入强度", 3, "%", "以上", "target", 2025, "研发经费投入强度稳定在3%以上", TARGETS_CLAUSE),
    ("万元GDP用水量", 6, "%", "下降", "target", 2025, "万元GDP用水量下降6%", TARGETS_CLAUSE),
    ("高速公路网总规模", 4100, "公里", "超过", "actual", None, "高速公路网总规模超过4100公里",
     "《关中平原城市群建设“十四五”实施方案》一、"),
    ("城市生活污水集中收集率", 70, "%", "以上", "target", 2025, "城市生活污水集中收集率达到70%以上",
     "《关中平原城市群建设“十四五”实施方案》六、（十八）"),
])
def test_seed_statements_found_with_their_fields_and_citation(corpus_kb, name, value, unit, comparator, kind,
                                                              year, phrase, citation):
    row = only(corpus_kb.targets(indicator=name))
    assert (row.value, row.value_high, row.unit, row.comparator, row.kind, row.year) == \
        (value, None, unit, comparator, kind, year)
    assert row.citation == citation and row.doc_title == GUANZHONG
    assert phrase in row.text and row.text[row.start:row.end] in phrase
    assert corpus_kb.context(row.clause_id, n=0)[0].text == row.text


def test_targets_command_json_gives_the_65_percent_target_with_its_citation(corpus_kb_dir):
    r = run("targets", "--indicator", "常住人口城镇化率", "--json", "--kb", str(corpus_kb_dir))
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 1 and tuple(rows[0]) == TARGET_KEYS
    row = rows[0]
    assert {k: row[k] for k in ("indicator", "canonical", "value", "value_high", "unit", "comparator", "kind",
                                "year", "base", "subject", "citation", "page")} == {
        "indicator": "常住人口城镇化率", "canonical": "城镇化率", "value": 65.0, "value_high": None, "unit": "%",
        "comparator": "达到", "kind": "target", "year": 2025, "base": None, "subject": "关中平原城市群",
        "citation": TARGETS_CLAUSE, "page": None}
    assert "常住人口城镇化率达到65%" in row["text"]


def test_targets_command_filters_and_prints_a_table(corpus_kb_dir):
    r = run("targets", "人均支出", "--subject", "成渝", "--year-from", "2022", "--year-to", "2022",
            "--kind", "actual", "--kb", str(corpus_kb_dir))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["指标", "数值", "类型", "年份", "主体", "出处"]
    assert [line.split()[:3] for line in lines[1:4]] == [
        ["教育领域人均支出", "达到", "2289"], ["社会保障和就业人均支出", "达到", "2352"],
        ["科学技术领域人均支出", "达到", "468"]]
    assert lines[-1] == "3 statements"
    r = run("targets", "--kind", "target", "--year-to", "2024", "--kb", str(corpus_kb_dir))
    assert r.stdout.startswith("no matching statements")


def test_indicators_are_counted_most_stated_first(corpus_kb):
    names = dict(corpus_kb.indicators())
    assert names["城镇化率"] == 1 and names["人均地区生产总值"] == 3
    counts = [n for _, n in corpus_kb.indicators()]
    assert counts == sorted(counts, reverse=True)


# -- the table: filled at ingest, removed with its document, rebuilt, back-filled ---------
def test_filled_at_ingest_removed_with_its_document_and_rebuilt(tmp_path, demo_embedder):
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest([CORPUS])
    expected = {p.name: len(extract_document(parse_file(p))) for p in CORPUS.glob("*.txt")}
    assert statement_count(tmp_path / "kb") == sum(expected.values())
    before = [r.to_dict() | {"clause_id": None} for r in kb.targets()]
    guanzhong = next(p for p in CORPUS.glob("*.txt") if p.name.startswith("关中"))
    assert kb.remove(guanzhong)
    assert statement_count(tmp_path / "kb") == sum(n for name, n in expected.items() if name != guanzhong.name)
    assert kb.targets(indicator="城镇化率") == []
    kb.rebuild(paths=[guanzhong])
    assert sorted(map(json.dumps, [r.to_dict() | {"clause_id": None} for r in kb.targets()])) == \
        sorted(map(json.dumps, before))
    kb.close()


def test_statements_commit_with_their_document(tmp_path, demo_embedder):
    doc = make_doc("/x/plan.txt", "某市国民经济和社会发展第十四个五年规划纲要",
                   [((), "", "到2025年，全市常住人口城镇化率达到70%。")])
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest_parsed([doc])
    row = only(kb.targets(indicator="城镇化率"))
    assert (row.value, row.year, row.kind, row.page) == (70.0, 2025, "target", 1)
    kb.close()


def test_an_older_kb_gets_its_statements_from_its_stored_clauses(corpus_kb_dir, corpus_kb, tmp_path, demo_embedder):
    kb_dir = copy_kb(corpus_kb_dir, tmp_path / "kb")
    with sqlite3.connect(kb_dir / "kb.sqlite") as db:  # as a KB made before the statements table
        db.executescript("DROP TABLE statements; DROP TABLE statement_docs;"
                         "DELETE FROM meta WHERE key IN ('synonyms_digest', 'statements_stamp');")
    kb = KnowledgeBase.open(kb_dir, create=False, embedder=demo_embedder)
    assert [r.to_dict() for r in kb.targets()] == [r.to_dict() for r in corpus_kb.targets()]
    kb.close()


# -- synonyms ----------------------------------------------------------------------------
def test_the_synonyms_file_overrides_canonical_names(corpus_kb_dir, tmp_path, demo_embedder):
    kb_dir = copy_kb(corpus_kb_dir, tmp_path / "kb")
    kb = KnowledgeBase.open(kb_dir, create=False, embedder=demo_embedder)
    assert only(kb.targets(indicator="常住人口城镇化率")).canonical == "城镇化率"
    (kb_dir / SYNONYMS_FILE).write_text("# 研究口径\n常住人口城镇化率\t常住人口城镇化水平\n", encoding="utf-8")
    row = only(kb.targets(indicator="常住人口城镇化率"))  # the open KB sees the edit
    assert (row.indicator, row.canonical) == ("常住人口城镇化率", "常住人口城镇化水平")
    assert ("常住人口城镇化水平", 1) in kb.indicators() and "城镇化率" not in dict(kb.indicators())
    assert kb.search("常住人口城镇化水平", k=1, mode="semantic")[0].clause_id == row.clause_id
    kb.close()
    kb = KnowledgeBase.open(kb_dir, create=False, embedder=demo_embedder)
    assert only(kb.targets(query="城镇化水平")).clause_id == row.clause_id
    (kb_dir / SYNONYMS_FILE).write_text("常住人口城镇化率 城镇化水平\n", encoding="utf-8")  # no tab
    with pytest.raises(SynonymsError, match=r"synonyms.tsv:1: expected 'variant<TAB>canonical'"):
        kb.targets()
    # search goes on with the last good file: the variant still names the indicator
    assert kb.search("常住人口城镇化率 目标", k=1, mode="semantic")[0].clause_id == row.clause_id
    (kb_dir / SYNONYMS_FILE).unlink()
    assert only(kb.targets(indicator="常住人口城镇化率")).canonical == "城镇化率"
    kb.close()


# -- search knows numbers ----------------------------------------------------------------
@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_a_query_naming_an_indicator_ranks_its_statement_first(corpus_kb, mode):
    for query, phrase in (("城镇化率 目标", "常住人口城镇化率达到65%"), ("研发投入强度", "研发经费投入强度稳定在3%以上"),
                          ("万元GDP用水量下降多少", "万元GDP用水量下降6%")):
        assert phrase in corpus_kb.search(query, k=3, mode=mode)[0].text, (query, mode)


def test_search_command_puts_the_65_percent_clause_first(corpus_kb_dir):
    r = run("search", "城镇化率 目标", "--kb", str(corpus_kb_dir), "--k", "3")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"1. {TARGETS_CLAUSE}")
    assert "常住人口【城镇化率】达到65%" in lines[1]


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_with_the_real_model_the_65_percent_clause_comes_first(real_corpus_kb, mode):
    hits = real_corpus_kb.search("城镇化率 目标", k=3, mode=mode)
    assert "常住人口城镇化率达到65%" in hits[0].text


def test_the_promotion_keeps_filters_phrases_and_exclusions(corpus_kb):
    hits = corpus_kb.search("城镇化率 目标 -关中平原城市群", k=5)
    assert all("关中平原城市群" not in h.text for h in hits)
    hits = corpus_kb.search('城镇化率 "组织实施"', k=5)
    assert hits and all("组织实施" in h.text for h in hits)


def test_which_runs_of_a_query_name_an_indicator():
    names = IndicatorNames.build(["城镇化率", "人口", "教育领域人均支出", "科学技术领域人均支出", "地区生产总值增长率",
                                  "研发经费投入强度"])

    def named(query):
        return sorted(names.named(parse_query(query), canonical_name))

    assert named("常住人口城镇化率目标") == ["城镇化率"]
    assert named("研发投入强度要达到多少") == ["研发经费投入强度"]  # a variant, by the rules
    assert named("公共服务 人均支出") == ["教育领域人均支出", "科学技术领域人均支出"]  # a head noun of two words
    assert named("人口") == ["人口"]
    assert named("中心城区要瘦身，降低人口的密集程度") == []  # a short name inside a longer term
    assert named("人口增长率") == []  # one generic word names only an indicator of exactly that name
    counted = IndicatorNames.build(["纳税人", "疫情防控物资"])  # counted things, not measures
    assert counted.named(parse_query("纳税人 疫情防控物资多少吨"), canonical_name) == set()
    assert counted.named(parse_query("纳税人"), canonical_name, declared=frozenset({"纳税人"})) == {"纳税人"}
    assert named("城" * 41 + "城镇化率") == []  # a pasted paragraph


def test_promote_moves_stating_clauses_first_with_falling_scores():
    ranked = [Scored(1, 0.9), Scored(2, 0.5), Scored(3, 0.2)]
    out = promote(ranked, {3, 7, 8}, allowed=None, excluded={8})
    assert [s.clause_id for s in out] == [3, 7, 1, 2]
    assert [round(s.score, 3) for s in out] == [0.9, 0.9, 0.9, 0.5]
    assert promote(ranked, {3}, allowed={1, 2}, excluded=set()) == ranked
