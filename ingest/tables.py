"""Tables as blocks: table rows (``a | b | c``, from PDF tables or Word tables) gathered into
one table paragraph, with its caption and header rows, and cut between rows; a table
flattened into one short line per cell gathered back into one table line.

Rules:
- consecutive rows with the same number of cells are one table, also across a page break
  (a table continued on the next page); header rows repeated at the top of the next page
  are dropped, since every chunk gets them anyway;
- the header rows are the leading rows without a number cell (``项目 | 决算数``), at most
  ``MAX_HEADER_ROWS``; a table without numbers has its first row as header;
- the caption lines right above the table (``收入支出决算总表``, ``单位：万元``: short,
  unnumbered, no sentence end) belong to it;
- a long table is cut between rows only, and every piece after the first starts with the
  caption and header rows again, so that each clause can be read (and cited) alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ingest.headings import HeadingKind, heading_kind, is_marker
from ingest.normalize import Paragraph, SourceLine
from ingest.text import ends_sentence

MAX_HEADER_ROWS = 5
MAX_CAPTION_LINES = 3
MAX_CAPTION_CHARS = 40
_NUMBER_CELL = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")
# A cell of a flattened table: a figure (``38.9``, ``[约5%]``, ``—``).
_CELL_NUMERIC = re.compile(r"^[\[［(（]?[-—+<>≥≤约]?\s*[\d.,，%]+\s*[%倍万亿元个年]*[\]］)）]?$|^[—–\-/]+$")
_STRUCTURAL = {HeadingKind.BIAN, HeadingKind.ZHANG, HeadingKind.JIE, HeadingKind.TIAO, HeadingKind.CN, HeadingKind.PCN}
_MIN_FLAT_RUN = 6
_UNIT_LINE = re.compile(r"^(?:.{0,30}\s*)?(?:计量)?单\s*位\s*[：:]\s*\S{1,8}$")


@dataclass(frozen=True)
class TableChunk:
    """A piece of a table paragraph: ``start``/``end`` offsets into its text, and the
    ``prefix`` (caption and header rows, newline-terminated) printed before it, "" for the first."""

    start: int
    end: int
    prefix: str = ""


def is_unit_line(text: str) -> bool:
    """True for a table's unit line: ``单位：万元``, ``部门：XX局 单位：万元`` (it belongs to the
    table below it however often it recurs: never a running header)."""
    return bool(_UNIT_LINE.match(text.strip()))


def cells(row: str) -> list[str]:
    """The cells of a rendered row (``"201 | 06 | | 1.5"`` → ``["201", "06", "", "1.5"]``)."""
    return [c.strip() for c in row.split("|")]


def header_count(rows: Sequence[str]) -> int:
    """How many leading rows form the header: those before the first row with a number cell;
    1 when no number comes within ``MAX_HEADER_ROWS`` rows (a table of text)."""
    for k, row in enumerate(rows[: MAX_HEADER_ROWS + 1]):
        if any(_NUMBER_CELL.match(c) for c in cells(row)):
            return k
    return 1 if len(rows) > 1 else 0


def _is_row(p: Paragraph) -> bool:
    return p.table and "\n" not in p.text


def _is_caption(p: Paragraph) -> bool:
    return (not p.table and p.hint is None and len(p.line_starts) == 1 and len(p.text) <= MAX_CAPTION_CHARS
            and not is_marker(p.text) and not ends_sentence(p.text))


def merge_tables(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Gather each run of table-row paragraphs (one row each) into one table paragraph with
    its caption lines; other paragraphs pass through."""
    out: list[Paragraph] = []
    i = 0
    while i < len(paragraphs):
        p = paragraphs[i]
        if not _is_row(p):
            out.append(p)
            i += 1
            continue
        width = len(cells(p.text))
        j = i + 1
        while j < len(paragraphs) and _is_row(paragraphs[j]) and len(cells(paragraphs[j].text)) == width:
            j += 1
        rows = list(paragraphs[i:j])
        header = header_count([r.text for r in rows])
        rows = _drop_repeated_headers(rows, header)
        captions: list[Paragraph] = []
        while out and len(captions) < MAX_CAPTION_LINES and _is_caption(out[-1]):
            captions.insert(0, out.pop())
        out.append(_join(captions + rows, head=len(captions) + header))
        i = j
    return out


def _drop_repeated_headers(rows: list[Paragraph], header: int) -> list[Paragraph]:
    """Drop the header rows printed again where the table goes on to the next page."""
    if not header:
        return rows
    head = [r.text for r in rows[:header]]
    out = rows[:header]
    k = header
    while k < len(rows):
        new_page = rows[k].line_starts[0][1] != out[-1].line_starts[0][1]
        if new_page and [r.text for r in rows[k : k + header]] == head:
            k += header
            continue
        out.append(rows[k])
        k += 1
    return out


def _join(parts: Sequence[Paragraph], *, head: int) -> Paragraph:
    text, starts, boxes = "", [], []
    for part in parts:
        if text:
            text += "\n"
        starts.extend((len(text) + off, page) for off, page in part.line_starts)
        boxes.extend(part.line_boxes or (None,) * len(part.line_starts))
        text += part.text
    return Paragraph(text=text, line_starts=tuple(starts), table=True, head=head, line_boxes=tuple(boxes))


def table_chunks(p: Paragraph, max_chars: int) -> list[TableChunk]:
    """Cut a table paragraph between rows into pieces of about ``max_chars`` characters,
    each piece after the first prefixed with the caption and header rows."""
    bounds, pos = [], 0
    for line in p.text.split("\n"):
        bounds.append((pos, pos + len(line)))
        pos += len(line) + 1
    head = min(p.head, len(bounds) - 1)
    if len(p.text) <= max_chars or len(bounds) - head <= 1:
        return [TableChunk(0, len(p.text))]
    prefix = p.text[: bounds[head - 1][1]] + "\n" if head else ""
    chunks: list[TableChunk] = []
    start, end = 0, bounds[head][1]  # the first piece holds the head and at least one row
    for row_start, row_end in bounds[head + 1 :]:
        extra = len(prefix) if chunks else 0
        if row_end - start + extra > max_chars:
            chunks.append(TableChunk(start, end, prefix if chunks else ""))
            start = row_start
        end = row_end
    chunks.append(TableChunk(start, end, prefix if chunks else ""))
    return chunks


def join_flat_tables(lines: Sequence[SourceLine]) -> list[SourceLine]:
    """A flattened table (a run of 6+ short lines, a third of them numbers) becomes one
    table line: a row per line, starting at each numbered row name (``9.城镇化率：``), its
    cells separated by spaces. So rows are never taken for headings, and a long table is
    split between rows. Other lines pass through."""
    out: list[SourceLine] = []
    run: list[SourceLine] = []
    for line in lines:
        # a row name may end with a colon (``9.城镇化率：``) but no cell ends a sentence
        if len(line.text) <= 40 and line.hint is None and not line.table \
                and heading_kind(line.text) not in _STRUCTURAL and not ends_sentence(line.text.rstrip("：:")):
            run.append(line)
        else:
            out.extend(_flat_table(run))
            run = []
            out.append(line)
    out.extend(_flat_table(run))
    return out


def _flat_table(run: list[SourceLine]) -> list[SourceLine]:
    """A run of short lines as one table line when it is a flattened table, else as it is."""
    numeric = sum(1 for l in run if _CELL_NUMERIC.match(l.text))
    if len(run) < _MIN_FLAT_RUN or numeric < len(run) / 3:
        return run
    rows: list[list[str]] = [[]]
    for l in run:
        if heading_kind(l.text) is HeadingKind.NUM and rows[-1]:
            rows.append([])
        rows[-1].append(l.text)
    return [SourceLine(text="\n".join(" ".join(cells) for cells in rows), page=run[0].page, table=True)]
