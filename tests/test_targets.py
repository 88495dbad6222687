"""Quantitative statements (ingest.targets): the seed-003 targets, numerals and units,
tables, document context, indicator grouping, and the labelled set's own sanity."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from conftest import CORPUS, ROOT, SHARED, make_doc, parse_cached
from ingest.text import match_form
from ingest.pipeline import parse_file
from ingest.targets import (Kind, Synonyms, TargetContext, apply_synonyms, canonical_name, extract_document,
                            extract_statements, group_indicators, load_synonyms, normalise_unit, parse_number,
                            same_quantity, save_synonyms, to_base)
from ingest.targets.numbers import fraction_percent
from ingest.targets.quantities import find_quantities

SEED003 = CORPUS / "关中平原城市群建设十四五实施方案.txt"
LABELS = ROOT / "eval" / "targets_labelled.jsonl"


@pytest.fixture(scope="module")
def seed003():
    doc = parse_file(SEED003)
    return doc, extract_document(doc)


def _find(seed003, indicator, value):
    doc, found = seed003
    hits = [cs for cs in found if cs.statement.indicator == indicator and cs.statement.value == value]
    assert len(hits) == 1, [(cs.statement.indicator, cs.statement.value) for cs in found]
    cs = hits[0]
    clause = next(c for c in doc.clauses if c.ordinal == cs.ordinal)
    return cs.statement, clause


@pytest.mark.parametrize("indicator, value, unit, comparator, kind, year, phrase", [
    ("常住人口城镇化率", 65, "%", "达到", Kind.TARGET, 2025, "常住人口城镇化率达到 65%"),
    ("研发经费投入强度", 3, "%", "以上", Kind.TARGET, 2025, "研发经费投入强度稳定在3%以上"),
    ("万元GDP用水量", 6, "%", "下降", Kind.TARGET, 2025, "万元GDP用水量下降6%"),
    ("高速公路网总规模", 4100, "公里", "超过", Kind.ACTUAL, None, "高速公路网总规模超过4100公里"),
    ("城市生活污水集中收集率", 70, "%", "以上", Kind.TARGET, 2025, "城市生活污水集中收集率达到70%以上"),
])
def test_seed003_statement_found_with_its_fields_and_clause(seed003, indicator, value, unit, comparator, kind,
                                                            year, phrase):
    st, clause = _find(seed003, indicator, value)
    assert (st.unit, st.comparator, st.kind, st.year) == (unit, comparator, kind, year)
    # cited to the clause that states it: the span is the statement's own phrase
    assert match_form(clause.text[st.start:st.end]) == match_form(phrase)


def test_seed003_target_subject_is_the_city_cluster(seed003):
    st, clause = _find(seed003, "常住人口城镇化率", 65)
    assert st.subject == "关中平原城市群"
    assert clause.path == ("二、总体要求", "（三）发展目标")


def test_seed003_water_reuse_target_keeps_the_2025_scope_in_a_later_chapter(seed003):
    st, clause = _find(seed003, "缺水城市再生水利用率", 25)
    assert (st.comparator, st.kind, st.year) == ("以上", Kind.TARGET, 2025)
    assert clause.path[0] == "六、推进生态共建环境共保"


# --- numerals and units ------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("1,511.89", 1511.89), ("4100", 4100.0), ("二千", 2000.0), ("十四", 14.0), ("两", 2.0), ("百", 100.0),
    ("三百二十五", 325.0), ("一万二千", 12000.0), ("abc", None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_fractions_are_percent_shares():
    assert fraction_percent("1/5") == 20.0
    assert fraction_percent("三分之一") == 33.33
    assert fraction_percent("1/6") == 16.67


@pytest.mark.parametrize("text, value, unit, high", [
    ("高速公路网总规模超过4100公里。", 4100.0, "公里", None),
    ("城镇新增就业28.1万人，", 28.1, "万人", None),
    ("财政收入1163.1亿元，", 1163.1, "亿元", None),
    ("提高5个百分点以上", 5.0, "个百分点", None),
    ("约两成企业", 20.0, "%", None),
    ("近七成受灾乡村民宿", 70.0, "%", None),
    ("贡献了超1/5的经济总量", 20.0, "%", None),
    ("比2010年翻一番以上", 2.0, "倍", None),
    ("疏散转移54.2万名群众", 54.2, "万人", None),
    ("入驻企业数量百家左右，", 100.0, "家", None),
    ("建设8-10个农业科技示范区", 8.0, "个", 10.0),
    ("人均GDP为7.8万元/人，", 7.8, "万元/人", None),
    ("10人以上30人以下死亡", 10.0, "人", 30.0),
])
def test_quantity_numerals_and_units_normalised(text, value, unit, high):
    (q,) = find_quantities(text)
    assert (q.value, q.unit, q.value_high) == (value, unit, high)


@pytest.mark.parametrize("text", [
    "加快推进G5蒲城至涝峪", "第14个中央一号文件", "地铁16号线全线贯通", "建设20万吨级集装箱码头",
    "到2025年", "三个智慧城市应用终端", "“3个100”市重点工程", "于2个工作日内受理", "50米内换乘",
])
def test_names_dates_and_qualifiers_are_not_quantities(text):
    assert find_quantities(text) == []


def test_units_compare_across_magnitudes():
    assert to_base(4.4, "万亿元") == (4.4e12, "元")
    assert same_quantity((4.4, "万亿元"), (44000, "亿元"))
    assert same_quantity((8, "千亿元"), (8000, "亿元"))
    assert not same_quantity((5, "%"), (5, "个百分点"))
    assert normalise_unit("万名") == "万人" and normalise_unit("％") == "%" and normalise_unit("千米") == "公里"


# --- sentences ------------------------------------------------------------------------

def _one(text, **context):
    out = extract_statements(text, context=TargetContext(**context) if context else None)
    return [(s.indicator, s.value, s.unit, s.comparator) for s in out]


def test_comparators_and_inherited_indicator():
    assert _one("全市地区生产总值增长5.2%、约4.4万亿元。") == [
        ("地区生产总值", 5.2, "%", "增长"), ("地区生产总值", 4.4, "万亿元", "左右")]
    assert _one("对外贸易总额年均增长超14%。") == [("对外贸易总额", 14.0, "%", "年均增长超过")]
    assert _one("城镇调查失业率控制在5%以内。") == [("城镇调查失业率", 5.0, "%", "以下")]


def test_share_respectively_and_number_first():
    assert _one("一般公共财政收入为1090.52亿元，占全国比重为0.5%。")[1] == (
        "一般公共财政收入占全国比重", 0.5, "%", "达到")
    assert _one("诉求解决率、群众满意率分别达到95.5%和96.1%。") == [
        ("诉求解决率", 95.5, "%", "达到"), ("群众满意率", 96.1, "%", "达到")]
    assert _one("怀柔科学城加快建设，16个科技设施平台进入科研状态。") == [
        ("科技设施平台进入科研状态", 16.0, "个", "达到")]
    assert _one("新增“专精特新”中小企业421家、瞪羚企业432家。")[1][0] == "新增瞪羚企业"


def test_year_base_and_kind_from_the_sentence():
    (a, b) = extract_statements("研发经费从2017年的375.75亿元增长到2022年的626.22亿元。",
                                context=TargetContext(now_year=2024))
    assert (a.indicator, b.indicator, b.comparator) == ("研发经费", "研发经费", "达到")
    assert (a.year, b.year, a.kind, b.kind) == (2017, 2022, Kind.ACTUAL, Kind.ACTUAL)
    assert extract_statements("从2017年的375.75亿元增长到2022年的626.22亿元。") == []  # no indicator named
    (c,) = extract_statements("到2025年，常住人口城镇化率达到65%。", context=TargetContext(now_year=2020))
    assert (c.year, c.kind) == (2025, Kind.TARGET)
    (d,) = extract_statements("两市GDP较2017年增长了52.51%。", context=TargetContext(year=2023))
    assert (d.base, d.year) == ("2017年", 2023)


def test_legal_conditions_and_penalties_are_not_statements():
    assert extract_statements("职工连续工作满12个月以上的，享受带薪年休假。") == []
    assert extract_statements("处五千元以上五万元以下罚款。") == []


# --- tables ----------------------------------------------------------------------------

BUDGET_TABLE = """一般公共预算财政拨款支出决算表
单位：万元
项目 | | | | 合计 | 基本支出 | 项目支出
支出功能分类 | | | 科目名称 | | |
科目编码 | | | | | |
201 | 06 | 01 | 行政运行 | 1,511.89 | 1,503.52 | 8.37"""


def test_pipe_table_cells_take_row_label_column_header_and_caption_unit():
    out = extract_statements(BUDGET_TABLE, context=TargetContext(year=2024, now_year=2024))
    got = [(s.indicator, s.value, s.unit, s.year, s.kind) for s in out]
    assert got == [("行政运行", 1511.89, "万元", 2024, Kind.ACTUAL),
                   ("行政运行·基本支出", 1503.52, "万元", 2024, Kind.ACTUAL),
                   ("行政运行·项目支出", 8.37, "万元", 2024, Kind.ACTUAL)]
    assert BUDGET_TABLE[out[1].start:out[1].end] == "1,503.52"


def test_flattened_table_rows_use_the_header_years_also_in_a_continuation_clause():
    header = "专栏2 主要指标 指 标 2015年 预计 2020年 年均增长 （%） 五年 累计 指标 属性"
    first = header + "\n1.地区生产总值（亿元） 16803 24130 ≥7.5 预期性\n8.服务业增加值比重（%） 38.9 42 3.1 预期性"
    got = [(s.indicator, s.value, s.unit, s.comparator, s.year, s.kind)
           for s in extract_statements(first, context=TargetContext(now_year=2015))]
    assert got[:3] == [("地区生产总值", 16803.0, "亿元", "达到", 2015, Kind.ACTUAL),
                       ("地区生产总值", 24130.0, "亿元", "达到", 2020, Kind.TARGET),
                       ("地区生产总值", 7.5, "%", "年均增长以上", 2020, Kind.TARGET)]
    assert got[5] == ("服务业增加值比重", 3.1, "个百分点", "增长", 2020, Kind.TARGET)
    more = "25.耕地保有量（万亩） 6613 6544 减少69 约束性\n27.万元生产总值用水量（吨） 179 128 下降6 约束性"
    cont = extract_statements(more, context=TargetContext(now_year=2015, table_header=header))
    assert [(s.value, s.unit, s.comparator) for s in cont if s.comparator == "下降"] == [(69.0, "万亩", "下降"),
                                                                                     (6.0, "%", "下降")]


# --- documents -------------------------------------------------------------------------

def test_document_context_heading_years_and_scope_carried_to_later_clauses():
    doc = make_doc("r.txt", "2024年某市政府工作报告", [
        (("一、2023年工作回顾",), "", "全市地区生产总值增长5.2%。"),
        (("二、2024年重点任务",), "", "到2026年，城镇新增就业30万人。"),
        (("二、2024年重点任务",), "", "新增中小学学位2万个。"),
        (("三、2025年展望",), "", "新增普惠托位1万个。"),
    ], doc_type="报告")
    got = [(cs.ordinal, cs.page, cs.statement.indicator, cs.statement.year, cs.statement.kind)
           for cs in extract_document(doc)]
    assert got == [(0, 1, "地区生产总值", 2023, Kind.ACTUAL), (1, 2, "城镇新增就业", 2026, Kind.TARGET),
                   (2, 3, "新增中小学学位", 2026, Kind.TARGET), (3, 4, "新增普惠托位", 2025, Kind.TARGET)]


def test_laws_give_no_statements_unless_asked():
    doc = make_doc("l.md", "特种设备安全监察条例", [(("第一章",), "第六十一条", "特种设备事故造成30人以上死亡。")],
                   doc_type="条例")
    assert extract_document(doc) == []
    assert [cs.statement.value for cs in extract_document(doc, legal=True)] == [30.0]


# --- grouping --------------------------------------------------------------------------

def test_canonical_names_group_variants_and_keep_different_bases_apart():
    assert canonical_name("常住人口城镇化率") == canonical_name("城镇化率") == "城镇化率"
    assert canonical_name("R&D经费投入强度") == canonical_name("研发经费投入强度") == "研发经费投入强度"
    assert canonical_name("研究与试验发展（R&D）经费支出占地区生产总值比重") == "研发经费投入强度"
    assert canonical_name("万元GDP用水量") == canonical_name("万元生产总值用水量")
    assert canonical_name("户籍人口城镇化率") != canonical_name("城镇化率")
    assert canonical_name("全市公园总数") == "公园总数"
    assert canonical_name("基本工资") == "基本工资"


class _FakeEmbedder:
    """Unit vectors by hand: 公共财政收入 lies next to 一般公共预算收入, 新增托位 far away."""

    vectors = {"一般公共预算收入": [1.0, 0.0], "公共财政收入": [0.96, 0.28], "新增托位": [0.0, 1.0]}

    def encode_passages(self, texts):
        return np.array([self.vectors[t] for t in texts])


def test_embedding_step_merges_near_names_into_the_more_frequent_one(tmp_path):
    names = ["一般公共预算收入", "一般公共预算收入", "公共财政收入", "新增托位"]
    groups = group_indicators(names, embedder=_FakeEmbedder(), threshold=0.9)
    assert groups == {"一般公共预算收入": "一般公共预算收入", "公共财政收入": "一般公共预算收入", "新增托位": "新增托位"}
    assert group_indicators(names)["公共财政收入"] == "公共财政收入"  # rules alone keep them apart


def test_synonyms_file_overrides_grouping(tmp_path):
    path = tmp_path / "synonyms.tsv"
    save_synonyms(path, Synonyms({"公共财政收入": "一般公共预算收入"}))
    syn = load_synonyms(path)
    assert apply_synonyms("公共财政收入", syn) == "一般公共预算收入"
    assert apply_synonyms("常住人口城镇化率", syn) == "城镇化率"
    assert group_indicators(["公共财政收入"], synonyms=syn) == {"公共财政收入": "一般公共预算收入"}
    assert load_synonyms(tmp_path / "absent.tsv").mapping == {}
    path.write_text("只有一列\n", encoding="utf-8")
    with pytest.raises(ValueError, match="synonyms.tsv:1"):
        load_synonyms(path)


# --- the labelled set ------------------------------------------------------------------

def _labels():
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_size_splits_and_fields():
    rows = _labels()
    assert len(rows) >= 150
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["split"] for r in rows} == {"train", "test"}
    for r in rows:
        group = r["id"].split("#")[0]
        expected = "train" if int(hashlib.sha1(group.encode()).hexdigest(), 16) % 2 == 0 else "test"
        assert r["split"] == expected, r["id"]
        assert r["kind"] in ("target", "actual") and isinstance(r["value"], (int, float)) and r["unit"]


def _check_labelled_sources(sources) -> int:
    """Assert each labelled clause text occurs in its parsed source; return the number checked."""
    rows, checked = _labels(), 0
    for source in sources:
        path = ROOT / source if source.startswith("corpus/") else SHARED / source
        text = match_form(parse_cached(path).text)
        for r in rows:
            if r["source"] == source:
                assert match_form(r["clause_text"]) in text, r["id"]
                checked += 1
    return checked


def _label_sources(*, pdf: bool) -> list[str]:
    sources = sorted({r["source"] for r in _labels()})
    if not SHARED.exists():
        sources = [s for s in sources if s.startswith("corpus/")]
    return [s for s in sources if s.endswith(".pdf") == pdf]


def test_labelled_clause_texts_occur_in_their_sources():
    assert _check_labelled_sources(_label_sources(pdf=False)) >= 81  # the corpus alone: 81 labels


@pytest.mark.slow  # parses three real PDFs page by page (6 s)
def test_labelled_clause_texts_occur_in_their_pdf_sources():
    if not SHARED.exists():
        pytest.skip("../shared is absent")
    assert _check_labelled_sources(_label_sources(pdf=True)) == 177
