"""The 引用篮 (citation basket) as data and as files: Word (.docx), Markdown, CSV and Excel.

An item keeps a snapshot of the clause and its three citations, taken when it was added, so
the basket exports the same text even if the KB is rebuilt meanwhile. Pure functions: the
page (``webui/basket.py``) keeps the list in ``st.session_state``.

.docx layout: a title, then per item the clause text and, below it, its 公文-style citation
followed by the number of its entry in the reference list; then 参考文献 with the numbered
GB/T 7714 entries (one per distinct entry, in the order first cited).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook

from index.cite import CiteStyle, cite
from index.records import ClauseRow, DocumentRow
from webui.export import cell  # one rule for formula-looking cells (OWASP)

TITLE = "引用条文"
REFERENCES = "参考文献"
COLUMNS: tuple[str, ...] = ("序号", "条文", "公文引用", "参考文献（GB/T 7714）", "引用", "文件", "条款编号")


@dataclass(frozen=True)
class BasketItem:
    """A clause in the basket with its citations in every style."""

    clause_id: int
    text: str
    doc_title: str
    plain: str  # the result line
    gongwen: str  # 《标题》（文号）三、（一）
    gbt7714: str  # reference-list entry


def make_item(clause: ClauseRow, document: DocumentRow) -> BasketItem:
    """A basket item for ``clause`` of ``document``."""
    return BasketItem(clause_id=clause.clause_id, text=clause.text, doc_title=document.title,
                      plain=cite(clause, document, CiteStyle.PLAIN),
                      gongwen=cite(clause, document, CiteStyle.GONGWEN),
                      gbt7714=cite(clause, document, CiteStyle.GBT7714))


def added(items: Sequence[BasketItem], item: BasketItem) -> list[BasketItem]:
    """``items`` with ``item`` at the end (unchanged when that clause is already in)."""
    if any(i.clause_id == item.clause_id for i in items):
        return list(items)
    return [*items, item]


def moved(items: Sequence[BasketItem], index: int, delta: int) -> list[BasketItem]:
    """``items`` with the one at ``index`` moved by ``delta`` places (clamped to the ends)."""
    out = list(items)
    if not 0 <= index < len(out):
        return out
    target = min(max(index + delta, 0), len(out) - 1)
    out.insert(target, out.pop(index))
    return out


def removed(items: Sequence[BasketItem], index: int) -> list[BasketItem]:
    """``items`` without the one at ``index``."""
    return [i for n, i in enumerate(items) if n != index]


def references(items: Sequence[BasketItem]) -> tuple[list[str], list[int]]:
    """The distinct GB/T 7714 entries in the order first cited, and each item's entry number (1-based)."""
    entries: list[str] = []
    numbers: list[int] = []
    for item in items:
        if item.gbt7714 not in entries:
            entries.append(item.gbt7714)
        numbers.append(entries.index(item.gbt7714) + 1)
    return entries, numbers


def to_docx(items: Sequence[BasketItem]) -> bytes:
    """A Word document: each clause's text, its 公文 citation with [n], then the numbered reference list."""
    doc = Document()
    doc.add_heading(TITLE, level=1)
    entries, numbers = references(items)
    for item, number in zip(items, numbers):
        doc.add_paragraph(item.text)
        cited = doc.add_paragraph(item.gongwen)
        mark = cited.add_run(f"[{number}]")
        mark.font.superscript = True
        for run in cited.runs:
            run.font.size = Pt(10)
    doc.add_heading(REFERENCES, level=2)
    for n, entry in enumerate(entries, 1):
        doc.add_paragraph(f"[{n}] {entry}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def to_markdown(items: Sequence[BasketItem]) -> str:
    """Markdown: each clause as a quote with its 公文 citation and [n], then 参考文献."""
    entries, numbers = references(items)
    lines = [f"# {TITLE}", ""]
    for item, number in zip(items, numbers):
        lines += [f"> {line}" if line else ">" for line in item.text.splitlines()]
        lines += [">", f"> ——{item.gongwen}[{number}]", ""]
    lines += [f"## {REFERENCES}", ""]
    lines += [f"[{n}] {entry}  " for n, entry in enumerate(entries, 1)]
    return "\n".join(lines).rstrip() + "\n"


def rows(items: Sequence[BasketItem]) -> list[list]:
    """One row per item in the order of ``COLUMNS``."""
    return [[cell(v) for v in (n, i.text, i.gongwen, i.gbt7714, i.plain, i.doc_title, i.clause_id)]
            for n, i in enumerate(items, 1)]


def to_csv(items: Sequence[BasketItem]) -> bytes:
    """CSV bytes, UTF-8 with a BOM so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(items))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(items: Sequence[BasketItem]) -> bytes:
    """An .xlsx workbook with one sheet 引用篮."""
    book = Workbook()
    sheet = book.active
    sheet.title = "引用篮"
    sheet.append(list(COLUMNS))
    for row in rows(items):
        sheet.append(row)
    for column, width in zip("ABCDEFG", (6, 80, 48, 60, 48, 30, 10)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
