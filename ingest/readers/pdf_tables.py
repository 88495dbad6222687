"""Ruled tables in PDF pages: found with pdfplumber's table finder, one text row per table row.

A table's characters are taken out of the page's line flow (``readers.pdf``) and its rows are
emitted instead, cells joined by ``CELL_SEPARATOR``, so that a budget table reads
``201 | 06 | 01 | 行政运行 | 1,511.90 | 1,511.89 | | | | | 0.01`` rather than jumbled lines.

Word documents exported to PDF sometimes draw a grid over the whole page (the Hainan 实施方案
does): the "table" then holds prose lines, one line a row, nearly all in a single cell.
``is_data_table`` rejects those, and one-row or empty grids, so such pages keep their text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from ingest.records import CELL_SEPARATOR
from ingest.text import CJK, CJK_PUNCT

# A page grid holds prose: rows whose only text is one long cell (a line of a paragraph).
_PROSE_CELL_CHARS = 25
_MAX_PROSE_ROWS = 0.3
# Share of a table's cells that hold text: 0.24-0.92 in the budget tables, 0.05-0.14 in the
# Hainan page grids (text drifting across 14-33 narrow grid columns).
_MIN_FILL = 0.2
# pdfplumber's default: ruling lines (rects and lines) make the cells.
_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_LETTER_SPACING = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])\s+(?=[{CJK}{CJK_PUNCT}])")


@dataclass(frozen=True)
class PdfTable:
    """A table found on a page: its bounding box (x0, top, x1, bottom) and its rendered rows."""

    bbox: tuple[float, float, float, float]
    rows: tuple[str, ...]


def render_cell(text: str | None, repair: Callable[[str], str] = lambda ch: ch) -> str:
    """One cell's text on one line: wrapped lines joined (a space only between two Latin
    letters or digits), letter-spacing between Chinese characters dropped
    (``因 公 出 国 （ 境 ） 费`` + ``用`` → ``因公出国（境）费用``)."""
    if not text:
        return ""
    out = ""
    for part in (p.strip() for p in text.split("\n")):
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    out = "".join(repair(ch) for ch in out)
    return _LETTER_SPACING.sub("", re.sub(r"\s+", " ", out)).strip()


def is_data_table(rows: Sequence[Sequence[str]]) -> bool:
    """True for a table of data: two or more columns, two or more rows with text, at least
    a fifth of the cells filled, and few rows whose only text is one long cell. A page grid
    drawn over prose fails: each line of a paragraph is a row, its text spread thinly over
    many narrow grid cells or held in one."""
    filled = [[c for c in r if c] for r in rows]
    filled = [r for r in filled if r]
    columns = max((len(r) for r in rows), default=0)
    if len(filled) < 2 or columns < 2:
        return False
    if sum(len(r) for r in filled) < _MIN_FILL * columns * len(filled):
        return False
    prose = sum(1 for r in filled if len(r) == 1 and len(r[0]) >= _PROSE_CELL_CHARS)
    return prose <= _MAX_PROSE_ROWS * len(filled)


def find_tables(page, repair: Callable[[str], str] = lambda ch: ch) -> list[PdfTable]:
    """The data tables of a pdfplumber page, top to bottom; empty rows are dropped."""
    if not page.rects and not page.lines:
        return []  # no ruling, no table: skip the finder's cost on prose pages
    out = []
    for table in page.find_tables(_SETTINGS):
        cells = [[render_cell(c, repair) for c in row] for row in table.extract()]
        if not is_data_table(cells):
            continue
        rows = tuple(CELL_SEPARATOR.join(r) for r in cells if any(r))
        out.append(PdfTable(bbox=tuple(table.bbox), rows=rows))
    out.sort(key=lambda t: t.bbox[1])
    return out


def inside(ch: dict, tables: Sequence[PdfTable]) -> bool:
    """True when the character's centre lies inside one of the tables."""
    x = (ch["x0"] + ch["x1"]) / 2
    y = (ch["top"] + ch["bottom"]) / 2
    return any(t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3] for t in tables)
