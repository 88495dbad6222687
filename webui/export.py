"""The current results as CSV (UTF-8 with BOM, so Excel shows Chinese) and Excel (.xlsx)."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from index.records import Hit
from index.hits import page_label

COLUMNS: tuple[str, ...] = ("引用", "条文", "文件", "发文字号", "页码", "得分")
# A cell starting with one of these is read as a formula by Excel/LibreOffice (OWASP "CSV injection").
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """``value`` safe for a spreadsheet cell: text that would start a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def rows(hits: Sequence[Hit]) -> list[list]:
    """One row per hit in the order of ``COLUMNS`` (citation, text, document, 发文字号, page, score), cells
    neutralised by ``cell`` — the one path of every export."""
    return [
        [cell(value) for value in row]
        for row in _raw_rows(hits)
    ]


def _raw_rows(hits: Sequence[Hit]) -> list[list]:
    return [
        [
            hit.citation,
            hit.text,
            hit.doc_title,
            hit.doc_number or "",
            page_label(hit.page_start, hit.page_end),
            round(float(hit.score), 4),
        ]
        for hit in hits
    ]


def to_csv(hits: Sequence[Hit]) -> bytes:
    """CSV bytes, UTF-8 with a BOM so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(hits))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(hits: Sequence[Hit]) -> bytes:
    """An .xlsx workbook with one sheet 检索结果 holding the results."""
    book = Workbook()
    sheet = book.active
    sheet.title = "检索结果"
    sheet.append(list(COLUMNS))
    for row in rows(hits):
        sheet.append(row)
    for column, width in zip("ABCDEF", (48, 80, 30, 18, 10, 8)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
