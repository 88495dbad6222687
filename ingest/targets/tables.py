"""Statements in tables: rows with `` | `` cells (PDF and Word tables, which the segmenter
gives with their caption and header rows repeated in every clause), and flattened tables of
numbered rows (``1.地区生产总值（亿元） 16803 24130 ≥7.5 预期性``) under a header line that
names the years (``指标 2015年 2020年 年均增长（%）``).

A cell's indicator is its row's label (``行政运行``), joined to its column header with ``·``
when the header says more than "the amount" (``行政运行·基本支出``); its unit comes from the
caption (``单位：万元``), the header or the label (``（亿元）``); its year and kind from the
column (``2020年``, ``预算数``) or the context.
"""
from __future__ import annotations

import re

from ingest.tables import cells, header_count
from ingest.targets.numbers import normalise_unit, parse_number
from ingest.targets.records import LEVEL, Kind, Statement, TargetContext

_VALUE_CELL = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")
_CODE_CELL = re.compile(r"^\d{1,3}$")
_CAPTION_UNIT = re.compile(r"单位\s*[：:]\s*([^\s|，,）)]+)")
_LABEL_UNIT = re.compile(r"[（(]([^（）()]{1,8})[）)]\s*$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])\s*")
_GENERIC_COLUMNS = {"决算数", "预算数", "金额", "数值", "数额", "本年数", "合计", "总计", "决算", "预算", "项目", ""}
_GENERIC_ROWS = {"合计", "总计", "小计", "共计"}
_CODE_HEADERS = {"类", "款", "项", "科目编码", "经济分类", "支出功能分类", "功能分类", "序号", "编号", "代码",
                 "科目名称", "支出功能分类科目编码"}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BUDGET_COLUMN = re.compile(r"预算数|年初预算|全年预算|调整预算|^预算$")  # not 一般公共预算财政拨款
_FLAT_ROW = re.compile(r"^(\d{1,3})[.．、]\s*(?P<name>[^\s\d（(：:]+)(?:[（(](?P<unit>[^）)]{1,10})[）)])?[：:]?\s+(?P<rest>.+)$")
_FLAT_TOKEN = re.compile(r"(?P<pre>累计|下降|减少|降低|提高|增加|[≥≤＜<>＞])?\s*(?P<open>[\[［])?"
                         r"(?P<num>\d+(?:\.\d+)?)(?P<close>[\]］])?(?P<unit>[%‰倍])?|(?P<dash>—|－|-)")


def is_table_text(text: str) -> bool:
    """True for a table clause: two or more `` | `` rows, or numbered flattened rows."""
    lines = text.split("\n")
    if sum(1 for l in lines if "|" in l) >= 2:
        return True
    return sum(1 for l in lines if _FLAT_ROW.match(l.strip())) >= 2


def flat_header(text: str) -> str | None:
    """The header line of a flattened table in ``text`` (the line naming two or more years
    before the first numbered row), or None."""
    for line in text.split("\n"):
        if _FLAT_ROW.match(line.strip()):
            return None
        if len(_YEAR.findall(line)) >= 2:
            return line
    return None


def table_statements(text: str, *, context: TargetContext) -> list[Statement]:
    """The statements in a table clause (pipe rows or flattened rows)."""
    if sum(1 for l in text.split("\n") if "|" in l) >= 2:
        return _pipe_statements(text, context)
    return _flat_statements(text, context)


def _column_headers(rows: list[list[str]], n_header: int, width: int) -> list[str]:
    """For each column, the lowest header cell that says something (codes headers skipped)."""
    out = []
    for j in range(width):
        label = ""
        for row in reversed(rows[:n_header]):
            cell = row[j] if j < len(row) else ""
            if cell and cell not in _CODE_HEADERS:
                label = cell
                break
        out.append(label)
    return out


def _pipe_statements(text: str, ctx: TargetContext) -> list[Statement]:
    lines = text.split("\n")
    captions = [l.strip() for l in lines if "|" not in l and l.strip()]
    m = _CAPTION_UNIT.search(" ".join(captions))
    unit = normalise_unit(m.group(1)) if m else ""
    title = next((c for c in captions if not _CAPTION_UNIT.search(c)), "")
    row_lines = [(i, l) for i, l in enumerate(lines) if "|" in l]
    rows = [cells(l) for _, l in row_lines]
    n_header = header_count([l for _, l in row_lines])
    headers = _column_headers(rows, n_header, max(len(r) for r in rows))
    offsets = [0]
    for l in lines:
        offsets.append(offsets[-1] + len(l) + 1)
    out: list[Statement] = []
    for (i, line), row in list(zip(row_lines, rows))[n_header:]:
        out.extend(_row_statements(line, row, headers, unit, offsets[i], ctx, title))
    return out


def _row_statements(line: str, row: list[str], headers: list[str], unit: str, offset: int,
                    ctx: TargetContext, title: str) -> list[Statement]:
    out = []
    label, codes = "", True
    pos = 0
    for j, cell in enumerate(row):
        start = line.find(cell, pos) if cell else pos
        pos = start + len(cell)
        if not cell:
            continue
        if not _VALUE_CELL.match(cell):
            label, codes = _ORDINAL.sub("", cell), False
            continue
        header = headers[j] if j < len(headers) else ""
        if (codes and _CODE_CELL.match(cell)) or header in _CODE_HEADERS or _is_code_run(row, j):
            continue
        st = _cell_statement(cell, label, header, unit, ctx, title)
        if st:
            out.append(_with_span(st, offset + start, offset + start + len(cell)))
    return out


def _is_code_run(row: list[str], j: int) -> bool:
    """``302 | 01 | 办公费``: short integers running into a text cell are subject codes."""
    k = j
    while k < len(row) and (not row[k] or _CODE_CELL.match(row[k])):
        k += 1
    return k < len(row) and not _VALUE_CELL.match(row[k])


def _cell_statement(cell: str, label: str, header: str, unit: str, ctx: TargetContext,
                    title: str = "") -> Statement | None:
    value = parse_number(cell.rstrip("%"))
    if value is None:
        return None
    name_unit = _LABEL_UNIT.search(label) or _LABEL_UNIT.search(header)
    cell_unit = "%" if cell.endswith("%") else normalise_unit(name_unit.group(1)) if name_unit else unit
    label = _LABEL_UNIT.sub("", label).strip()
    col = _LABEL_UNIT.sub("", header).strip()
    if label in _GENERIC_ROWS or not label:
        # 合计 of 合计: name the table (一般公共预算财政拨款支出决算表·合计)
        indicator = col if col not in _GENERIC_COLUMNS else (f"{title}·{label}" if title and label else label)
    else:
        indicator = label if col in _GENERIC_COLUMNS or _YEAR.search(col) else f"{label}·{col}"
    if not indicator:
        return None
    ym = _YEAR.search(header)
    year = int(ym.group(1)) if ym else ctx.year
    if _BUDGET_COLUMN.search(header):
        kind = Kind.TARGET
    elif year is not None and ctx.now_year is not None:
        kind = Kind.TARGET if year > ctx.now_year else Kind.ACTUAL
    else:
        kind = ctx.kind or Kind.ACTUAL
    if year is None:
        year = ctx.target_year if kind is Kind.TARGET else ctx.actual_year
    return Statement(indicator=indicator, value=value, unit=cell_unit, comparator=LEVEL, kind=kind, year=year)


def _with_span(st: Statement, start: int, end: int) -> Statement:
    from dataclasses import replace

    return replace(st, start=start, end=end)


def _flat_columns(header: str | None) -> tuple[list[int], bool]:
    """The years of a flattened table's value columns, and whether a growth column follows."""
    if not header:
        return [], False
    compact = re.sub(r"\s+", "", header)
    years = [int(y) for y in _YEAR.findall(compact)]
    return years, bool(re.search(r"年均增长|累计|增长", compact))


def _flat_statements(text: str, ctx: TargetContext) -> list[Statement]:
    header = flat_header(text) or ctx.table_header
    years, growth = _flat_columns(header)
    out: list[Statement] = []
    offset = 0
    for line in text.split("\n"):
        m = _FLAT_ROW.match(line.strip())
        if m and years and not re.search(r"[（(][^）)]*[）)]\s*\S*[（(]", m.group("rest")):
            base = offset + line.find(m.group("rest"))
            out.extend(_flat_row(m, base, years, growth, ctx))
        offset += len(line) + 1
    return out


def _flat_row(m: re.Match, base: int, years: list[int], growth: bool, ctx: TargetContext) -> list[Statement]:
    name = m.group("name").rstrip("：:")
    unit = normalise_unit(m.group("unit") or "")
    out = []
    columns = list(years) + (["growth"] if growth else [])
    for k, t in enumerate(_FLAT_TOKEN.finditer(m.group("rest"))):
        if k >= len(columns):
            break
        if t.group("dash"):
            continue
        value = float(t.group("num"))
        pre = t.group("pre") or ""
        bound = {"≥": "以上", "≤": "以下", "＜": "低于", "<": "低于", ">": "超过", "＞": "超过"}.get(pre, "")
        col = columns[k]
        if col == "growth" or t.group("open"):
            year = years[-1]
            change = "下降" if pre in ("下降", "减少", "降低") else ("增长" if unit == "%" else "年均增长")
            # 减少69 (万亩) is an amount, 下降6 a rate; a share changes by points
            st_unit = unit if pre in ("减少", "增加") else "个百分点" if unit == "%" else (t.group("unit") or "%")
        else:
            year, change, st_unit = col, "", unit
        kind = Kind.TARGET if ctx.now_year is not None and year > ctx.now_year else Kind.ACTUAL
        out.append(Statement(indicator=name, value=value, unit=st_unit, comparator=(change + bound) or LEVEL,
                             kind=kind, year=year, start=base + t.start(), end=base + t.end()))
    return out
