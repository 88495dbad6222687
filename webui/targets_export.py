"""The 指标 page's table as CSV (UTF-8 with BOM, so Excel shows Chinese) and Excel (.xlsx).

Text from documents goes into cells a spreadsheet may read as a formula (``=``, ``+``,
``-``, ``@``, or a tab / carriage return first): such a cell is written with a leading
apostrophe, so it stays text (CSV/formula injection). Numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from index.records import TargetRow
from ingest.targets import Kind
from webui.export import cell  # one rule for formula-looking cells (OWASP)

COLUMNS: tuple[str, ...] = ("指标", "原文指标", "比较", "数值", "上限", "单位", "类型", "年份", "基期", "主体",
                            "文件", "出处", "条文ID", "条文")
KIND_LABELS: dict[str, str] = {Kind.TARGET: "目标", Kind.ACTUAL: "实际"}
def rows(targets: Sequence[TargetRow]) -> list[list]:
    """One row per statement in the order of ``COLUMNS``, every text cell made safe."""
    return [
        [cell(v) for v in (
            t.canonical, t.indicator, t.comparator, t.value, t.value_high if t.value_high is not None else "",
            t.unit, KIND_LABELS.get(t.kind, t.kind), t.year if t.year is not None else "", t.base or "",
            t.subject or "", t.doc_title, t.citation, t.clause_id, t.text)]
        for t in targets
    ]


def to_csv(targets: Sequence[TargetRow]) -> bytes:
    """CSV bytes, UTF-8 with a BOM so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(targets))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(targets: Sequence[TargetRow]) -> bytes:
    """An .xlsx workbook with one sheet 指标 holding the statements."""
    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    sheet.append(list(COLUMNS))
    for row in rows(targets):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKLMN", (22, 22, 10, 10, 8, 8, 6, 6, 10, 16, 30, 40, 8, 80)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
