"""Segmentation and metadata on ../shared/realdocs and ../shared/laws (skipped without them)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

# Integration tests on ../shared/realdocs (real PDFs, DOC, DOCX parsed page by page): part of the full run.
pytestmark = pytest.mark.slow

from ingest.pipeline import parse_file

from conftest import SHARED, parse_cached, read_cached  # noqa: E402
REAL = SHARED / "realdocs"
LAWS = SHARED / "laws"
if not REAL.is_dir():
    pytest.skip("../shared/realdocs is absent", allow_module_level=True)

YUMMY = REAL / "policyreader-yummyjacky"
PLANS = REAL / "five-year-plans-txt"


def parsed(path: Path):
    return parse_cached(path)


def labelled_headings(path: Path) -> list[str]:
    """一级标题/二级标题 spans of a GovDoc-CN character label file (``字 B_标签`` a line)."""
    spans: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        char, _, tag = line.rpartition(" ")
        if tag.startswith("B_"):
            spans.append([tag[2:], char])
        elif tag.startswith("I_") and spans and spans[-1][0] == tag[2:]:
            spans[-1][1] += char
    return [text for label, text in spans if label in ("一级标题", "二级标题")]


def test_397_txt_headings_appear_exactly_as_labelled():
    headings = labelled_headings(REAL / "govdoc-cn" / "397_a.txt")
    addresses = {part for c in parsed(REAL / "govdoc-cn" / "397.txt").clauses for part in c.path}
    assert len(headings) == 14
    assert [h for h in headings if h not in addresses] == []  # final 。 kept as in the document


def test_2026_pdf_title_is_the_headline_and_matches_the_docx():
    pdf, docx = parsed(YUMMY / "2026年中央一号文件.pdf"), parsed(YUMMY / "2026年中央一号文件.docx")
    assert pdf.meta.title == docx.meta.title == "2026年中央一号文件"
    assert [c.text for c in pdf.clauses] == [c.text for c in docx.clauses]


@pytest.mark.parametrize("suffix", [".pdf", ".doc"])
def test_hainan_notice_title_issuer_date_and_attachment(suffix):
    doc = parsed(YUMMY / f"海南省农机购置与应用补贴实施方案的通知{suffix}")
    assert doc.meta.title == "海南省农业农村厅 海南省财政厅关于印发2024-2026年海南省农机购置与应用补贴实施方案的通知"
    assert (doc.meta.issuer, doc.meta.date) == ("海南省农业农村厅、海南省财政厅", "2024-07-01")
    assert doc.clauses[0].text.endswith("请遵照执行。")
    (overall,) = [c for c in doc.clauses if c.text.startswith("以习近平新时代")]
    assert overall.path == ("2024—2026年海南省农机购置与应用补贴实施方案", "一、总体要求")
    assert any(c.path[:1] == ("附件 2024—2026年海南省农机购置与应用补贴机具种类范围（21大类40个小类91个品目）",)
               and c.path[-1] == "1.耕整地机械" for c in doc.clauses)


def test_nanning_issuer_date_and_attached_plan():
    doc = parsed(PLANS / "example_scientific_development_nanning_135.txt")
    assert (doc.meta.issuer, doc.meta.date, doc.meta.doc_number) == ("南宁市人民政府办公厅", "2016-11-23", "南府办〔2016〕71号")
    assert doc.clauses[0].text.endswith("认真组织实施。")
    assert doc.clauses[2].path[:3] == ("南宁市科学技术发展“十三五”规划", "第一篇 建设创新型南宁", "第一章 把握发展新形势")
    assert not any("公开方式" in c.text for c in doc.clauses)


def test_guangxi_table_rows_are_not_headings():
    doc = parsed(PLANS / "example_guangxi_135.txt")
    assert [p for c in doc.clauses for p in c.path if re.match(r"\d+[.．]", p)] == []
    (row,) = [c for c in doc.clauses if "9.城镇化率： 常住人口城镇化率（%） 户籍人口城镇化率（%） 47.06 32.4" in c.text]
    assert row.path == ("第一篇 乘势而上 奋力实现“两个建成”宏伟目标", "第四章 主要目标")
    assert max(len(c.text) for c in doc.clauses) <= 600


def test_information_plan_toc_byline_and_preface():
    doc = parsed(PLANS / "example_information_guangxi_135.txt")
    assert (doc.meta.title, doc.meta.issuer, doc.meta.date) == (
        "广西工业和信息化发展“十三五”规划", "广西壮族自治区工业和信息化委员会", "2016-11")
    assert [c.text for c in doc.clauses if re.fullmatch(r"[\d\s]+", c.text) or len(c.text) < 10] == []
    assert doc.clauses[0].path == ("前言",) and doc.clauses[0].text.startswith("“十三五”时期")
    assert sum(1 for c in doc.clauses if c.path[:1] == ("第一章 发展回顾和发展环境",)) >= 10


def law(rel: str):
    path = LAWS / rel
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return parse_file(path)


def test_law_articles_are_whole_clauses_with_their_items():
    doc = law("民法典/物权编.md")
    assert (doc.meta.title, doc.meta.date) == ("中华人民共和国民法典 物权编", "2020-05-28")
    (art,) = [c for c in doc.clauses if c.label == "第二百七十八条"]
    assert art.path == ("第二分编 所有权", "第六章 业主的建筑物区分所有权")
    assert art.text.startswith("第二百七十八条 下列事项由业主共同决定：\n（一）制定和修改业主大会议事规则；")
    assert "（九）有关共有和共同管理权利的其他重大事项。\n业主共同决定事项" in art.text
    assert all(c.label.startswith("第") and c.label.endswith("条") for c in doc.clauses)


def test_constitution_preamble_and_articles():
    doc = law("宪法/宪法.md")
    assert (doc.meta.title, doc.meta.date) == ("中华人民共和国宪法", "2018-03-11")
    assert doc.clauses[0].path == ("序言",) and doc.clauses[0].label == ""
    first = next(c for c in doc.clauses if c.label == "第一条")
    assert first.path == ("第一章 总纲",)
    assert first.text.startswith("第一条 中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。")


# --- tables in the Putuo budget PDFs ----------------------------------------------------
BUDGETS = REAL / "putuo-budgets"
CZJ = BUDGETS / "上海市普陀区财政局2024年度部门决算.pdf"
SGB = BUDGETS / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"


def test_budget_table_row_is_one_line_in_a_table_clause_with_caption_and_header():
    doc = parsed(CZJ)
    (clause,) = [c for c in doc.clauses if "201 | 06 | 01 | 行政运行 | 1,511.90 | 1,511.89 | | | | | 0.01" in c.text]
    assert clause.path == ("第二部分 上海市普陀区财政局2024年度部门决算表",) and clause.label == ""
    assert (clause.page_start, clause.page_end) == (8, 8)
    assert clause.text.startswith("收入决算表\n单位：万元\n项目 | | | | 本年收入合计 | 财政拨款收入 | 上级补助收入")


def test_budget_table_rows_never_become_numbered_clauses_or_headings():
    doc = parsed(CZJ)
    tables = [c for c in doc.clauses if 6 <= c.page_start <= 20]
    assert tables and all(c.label == "" for c in tables)
    assert {c.path for c in tables} == {("第二部分 上海市普陀区财政局2024年度部门决算表",)}
    assert "十、节能环保支出" not in [c.text for c in doc.clauses]


def test_budget_table_continued_on_the_next_page_is_one_table():
    doc = parsed(CZJ)
    (last,) = [c for c in doc.clauses if "总计 | 2,995.39 | 总计 | 2,995.39" in c.text]
    assert (last.page_start, last.page_end) == (6, 7)  # rows of page 6 and the three rows on page 7
    assert last.text.startswith("收入支出决算总表\n单位：万元\n收入 | | 支出 |\n项目 | 决算数 | 项目 | 决算数\n")
    first = doc.clauses[last.ordinal - 1]
    assert first.text.startswith("收入支出决算总表\n单位：万元\n") and "一、一般公共预算财政拨款收入 | 2,940.05" in first.text


def test_budget_title_and_wrapped_prose():
    assert parsed(CZJ).meta.title == "上海市普陀区财政局2024年度部门决算"
    assert parsed(CZJ).meta.doc_type == "决算"
    doc = parsed(SGB)
    assert any("负责贯彻落实党中央有关方针政策、决策部署和市委、区委有关工作要求" in c.text for c in doc.clauses)
    part3 = [c for c in doc.clauses if c.path[:1] == ("第三部分 中共上海市普陀区委社会工作部2024年度部门决算情况说明",)]
    assert len(part3) >= 20 and "说明" not in [c.text for c in doc.clauses]


@pytest.mark.parametrize("name", ["beijing-report/2024年北京市政府工作报告.pdf", "govdoc-cn/397.pdf",
                                  "policyreader-yummyjacky/2026年中央一号文件.pdf",
                                  "policyreader-yummyjacky/海南省农机购置与应用补贴实施方案的通知.pdf"])
def test_pdfs_without_ruled_tables_gain_no_table_rows(name):
    raw = read_cached(REAL / name)
    assert [l.text for p in raw.pages for l in p.lines if l.table] == []


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_closing_call_of_the_2026_document_belongs_to_the_whole_document(suffix):
    doc = parsed(YUMMY / f"2026年中央一号文件{suffix}")
    last = doc.clauses[-1]
    assert last.text.startswith("我们要更加紧密地团结在以习近平同志为核心的党中央周围")
    assert (last.path, last.label) == ((), "")
    assert doc.clauses[-2].label == "（二十七）"
