"""The 指标 page driven with AppTest on a copy of the corpus KB (demo embedder), and its exports."""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from conftest import copy_kb
from webui.targets import chart, chart_groups, suggestions
from webui.export import cell as safe_cell
from webui.targets_export import COLUMNS, to_csv, to_xlsx

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def only_clause(at: AppTest) -> int:
    """The id of the clause stating the 65 % target, from the KB the page runs on."""
    from index.kb import KnowledgeBase
    import os

    with KnowledgeBase.open(os.environ["POLICY_KB"], create=False, model="demo") as kb:
        return next(h.clause_id for h in kb.search('"常住人口城镇化率达到65"', k=1, mode="lexical"))


@pytest.fixture()
def targets_page(corpus_kb_dir, tmp_path, monkeypatch):
    """An AppTest of app.py on a copy of the corpus KB, switched to the 指标 page."""
    monkeypatch.setenv("POLICY_KB", str(copy_kb(corpus_kb_dir, tmp_path / "kb")))
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("webui/targets.py")
    return at


def test_typing_an_indicator_shows_its_statements_with_citations(targets_page):
    at = targets_page.run()
    assert not at.exception
    assert [i.value for i in at.info] == ["输入一个指标（如「城镇化率」「研发经费投入强度」），查看各文件中的目标值与实际值。"]
    at.text_input(key="t_query").set_value("城镇化率").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table[["指标", "数值", "单位", "比较", "类型", "年份", "主体", "原文指标"]].values.tolist() == [
        ["城镇化率", "65", "%", "达到", "目标", "2025", "关中平原城市群", "常住人口城镇化率"]]
    assert table["出处"].tolist() == ["《关中平原城市群建设“十四五”实施方案》二、（三）"]
    assert table["原文"].tolist() == [f"./?at={only_clause(at)}"]  # the search page's document view
    assert at.query_params["ind"] == "城镇化率"
    assert len(at.get("vega_lite_chart")) == 1


def test_a_suggestion_becomes_the_query_and_kind_filters(targets_page):
    at = targets_page.run()
    at.text_input(key="t_query").set_value("人均支出").run()
    assert list(at.button_group(key="t_pick").options) == [
        "教育领域人均支出", "社会保障和就业人均支出", "科学技术领域人均支出"]
    at.button_group(key="t_pick").set_value("教育领域人均支出").run()
    assert at.text_input(key="t_query").value == "教育领域人均支出"
    assert at.dataframe[0].value["数值"].tolist() == ["998", "2289"]
    at.button_group(key="t_kind").set_value("target").run()
    assert [i.value for i in at.info] == ["没有找到与「教育领域人均支出」有关的数值表述。"]


def test_a_link_opens_the_page_on_its_query(corpus_kb_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_KB", str(copy_kb(corpus_kb_dir, tmp_path / "kb")))
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("webui/targets.py")
    at.query_params["ind"] = "研发经费投入强度"
    at.run()
    assert at.text_input(key="t_query").value == "研发经费投入强度"
    assert at.dataframe[0].value["数值"].tolist() == ["3"]


def test_suggestions_match_the_typed_or_canonical_form():
    names = [("城镇化率", 3), ("户籍人口城镇化率", 2), ("研发经费投入强度", 1)]
    assert suggestions(names, "常住人口城镇化率") == ["城镇化率", "户籍人口城镇化率"]
    assert suggestions(names, "研发投入强度") == ["研发经费投入强度"]
    assert suggestions(names, "", limit=2) == ["城镇化率", "户籍人口城镇化率"]


def test_chart_one_indicator_and_unit_per_chart(corpus_kb):
    rows = corpus_kb.targets("人均支出")
    assert chart_groups(rows)[0] == ("教育领域人均支出", "元")
    spec = chart(rows, ("教育领域人均支出", "元")).to_dict()
    assert spec["encoding"]["shape"]["field"] == "类型" and spec["encoding"]["color"]["field"] == "系列"
    values = next(iter(spec["datasets"].values()))
    assert sorted((v["系列"], v["数值"], v["类型"]) for v in values) == [
        ("成渝双城经济圈", 2289.0, "实际"), ("西安、咸阳", 998.0, "实际")]


def test_exports_hold_the_rows_and_neutralise_formulas(corpus_kb):
    row = corpus_kb.targets(indicator="城镇化率")[0]
    evil = replace(row, subject="=HYPERLINK(\"http://x\")", indicator="+1", base="@SUM(A1)", text="-2+3")
    table = list(csv.reader(io.StringIO(to_csv([row, evil]).decode("utf-8-sig"))))
    assert table[0] == list(COLUMNS)
    assert table[1][:8] == ["城镇化率", "常住人口城镇化率", "达到", "65.0", "", "%", "目标", "2025"]
    assert table[2][1] == "'+1" and table[2][8] == "'@SUM(A1)" and table[2][9] == "'=HYPERLINK(\"http://x\")"
    assert table[2][-1] == "'-2+3"
    sheet = load_workbook(io.BytesIO(to_xlsx([row, evil]))).active
    assert sheet.title == "指标" and sheet["D2"].value == 65 and sheet["J3"].value == "'=HYPERLINK(\"http://x\")"
    assert sheet["J3"].data_type == "s"
    assert safe_cell(-5) == -5 and safe_cell("5") == "5"
