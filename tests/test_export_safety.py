"""Exports neutralise spreadsheet formulas (OWASP CSV injection): a hostile title is a text cell."""
from __future__ import annotations

import csv
import dataclasses
import io

from openpyxl import load_workbook

from webui.export import cell, to_csv, to_xlsx

FORMULA = "=cmd|' /C calc'!A0"


def test_cell_quotes_every_formula_prefix():
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert cell(prefix + "1+1") == "'" + prefix + "1+1"
    assert cell("第一条 总则") == "第一条 总则" and cell(0.5) == 0.5


def test_a_formula_title_is_text_in_csv_and_excel(corpus_kb):
    hit = dataclasses.replace(corpus_kb.search("公共服务", k=1)[0], doc_title=FORMULA, doc_number="@SUM(A1:A2)")
    table = list(csv.reader(io.StringIO(to_csv([hit]).decode("utf-8-sig"))))
    assert table[1][2] == "'" + FORMULA and table[1][3] == "'@SUM(A1:A2)"
    sheet = load_workbook(io.BytesIO(to_xlsx([hit]))).active
    assert sheet["C2"].value == "'" + FORMULA and sheet["C2"].data_type == "s"
    assert sheet["D2"].data_type == "s"
