"""The furniture pass: every rule that drops a line which is not the document's own text.

``strip_furniture(raw)`` runs once over a document's lines, in this order:
1. lines as written, page by page (``page_keep``, PDF text lines only: a table row is never
   furniture): blanks, decorated folios (``— 3 —``), scanner stamps (``扫描全能王 创建``), bare
   page numbers that run with the pages, running headers and footers, tables of contents
   (``目录`` blocks, leader lines); without pages ``unpaged_keep``, DOCX TOC-style paragraphs;
2. the PDF outline dumped after the end (tab-indented lines); 3. each line cleaned (``clean_line``,
   Markdown marks read), dropped when a tab-and-page-number TOC entry, a folio, a TOC line or a stamp;
4. a TOC with its page numbers on lines of their own; 5. short lines repeated as headers; 6.
(flattened tables gathered, ``tables.join_flat_tables``: no cell is read as a closing line) 7.
the closing block: 抄送/送/发 lines, ``…印发``, ``公开方式``, ``（执笔：…）``. Every rule is a function over
literal lines (tests/test_readers.py, tests/test_furniture.py); line boxes become points here.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from ingest.dates import DATE
from ingest.headings import is_marker
from ingest.normalize import SourceLine, clean_line, markdown_line
from ingest.boxes import line_box
from ingest.records import Line, RawDocument
from ingest.tables import is_unit_line, join_flat_tables

# How many lines at the top and the bottom of a page may hold headers, footers, folios.
EDGE_LINES = 2

_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2500\uff0d\u2212"
# Folios that cannot be confused with content: "— 3 —", "—1—", "- 3 -", "第3页", "第 3 页 共 11 页",
# "共11页 第3页", "Page 3 of 11", "·3·". OCR reads the dashes of "— 1 —" as the ideograph 一
# ("一1一", "-2一"): a line of nothing else is a folio too.
_DECORATED_FOLIO = re.compile(
    rf"^(?:[{_DASH}一]+\s*\d{{1,4}}\s*[{_DASH}一]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"
    r"|[·•]\s*\d{1,4}\s*[·•]"
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?)$"
)
# Folios that are also plausible content ("3", "3/25"): on a page removed only at its edge
# and only when their value follows the page number (see ``_numeric_folio_drops``); a
# cleaned "3/25" line is taken for a folio anywhere.
_BARE_FOLIO = re.compile(r"^(\d{1,4})(?:\s*/\s*(\d{1,4}))?$")
_FRACTION_FOLIO = re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$")
_WATERMARK = re.compile(
    r"扫描全能王|全能扫描王|夸克扫描王|CamScanner|扫描王\s*创建|由\s*\S{1,10}\s*扫描创建"
    r"|(?i:scanned\s+(?:with|by)\s+\w+)|(?i:adobe\s+scan)|(?i:office\s+lens)"
)
_WATERMARK_MAX_LEN = 30
_TOC_TITLE = re.compile(r"^\s*(?:目\s*录|目\s*次|(?i:contents|table\s+of\s+contents))\s*$")
# A TOC entry with leaders and a page number: "第一章 总则……………3", "1.食品工业……（116）".
_TOC_LEADER = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|．{3,}|。{3,}|-{4,}|－{3,}|_{4,}|—{3,})\s*[（(]?\d{1,4}[）)]?\s*$")
_LEADER_TAIL = re.compile(r"(?:\.{2,}|…+|·{2,}|．{2,}|。{2,}|-{3,}|－{2,}|_{3,}|—{2,})\s*(?:[（(]?\d{1,4}[）)]?)?\s*$")
# Inside a TOC: an entry followed by a page number after a tab or spaces ("前 言\t1").
_TOC_PAGE_SUFFIX = re.compile(r"^(?P<entry>.*?\S)[\t ]+[（(]?\d{1,4}[）)]?\s*$")
# Anywhere, before cleaning: a heading, a tab, a page number.
_TAB_TOC = re.compile(r"\S[ \u3000]*\t+[ \u3000]*\d{1,4}[ \u3000]*$")
_BARE_PAGE = re.compile(r"^\d{1,3}$")
_SENTENCE_MARK = re.compile(r"[。；;！？]")
# A TOC that does not end within this many lines is not a TOC: keep the text.
_TOC_MAX_LINES = 400
_HAS_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月")
_DISTRIBUTION = re.compile(r"^(?:抄\s*送|抄\s*报|分\s*送|主\s*送|送|报|发|印\s*发)\s*[：:]")
_PRINTED = re.compile(rf"^.{{2,40}}?{DATE.pattern}\s*印发$")
_PUBLIC = re.compile(r"^[（(]\s*此件.{0,12}[）)]$|^公开方式[：:]")
_WRITER = re.compile(r"^[（(]\s*(?:执笔|撰稿)")
# The closing block starts in the last 40% of the lines; a writer note in the last 12.
_CLOSING_SHARE, _WRITER_WINDOW = 0.6, 12


def is_folio(text: str) -> bool:
    """True for a line that is unmistakably a page number (``— 3 —``, ``第3页``, ``- 3 -``)."""
    return bool(_DECORATED_FOLIO.match(text.strip()))


def is_line_folio(text: str) -> bool:
    """A page number once lines are cleaned: a decorated folio or a fraction (``3/25``)."""
    return is_folio(text) or bool(_FRACTION_FOLIO.match(text.strip()))


def is_watermark(text: str) -> bool:
    """True for a scanner-app stamp such as ``扫描全能王 创建`` or ``Scanned with CamScanner``."""
    stripped = text.strip()
    return 0 < len(stripped) <= _WATERMARK_MAX_LEN and bool(_WATERMARK.search(stripped))


def is_toc_leader(text: str) -> bool:
    """True for a table-of-contents entry with dot leaders and a page number."""
    return bool(_TOC_LEADER.search(text.strip()))


def is_toc_title(text: str) -> bool:
    """True for the heading of a table of contents (``目录``, ``目 录``, ``目次``)."""
    return bool(_TOC_TITLE.match(text))


def is_toc_line(text: str) -> bool:
    """A table-of-contents line: ``目录`` or an entry with ``……`` leaders and a page number."""
    return is_toc_title(text) or is_toc_leader(text)


def is_public_line(text: str) -> bool:
    """A publication note: ``（此件主动公开）``, ``公开方式：主动公开``."""
    return bool(_PUBLIC.match(text))


def is_distribution_line(text: str) -> bool:
    """The start of the distribution block: ``送：``, ``发：``, ``抄送：``, ``报：``."""
    return bool(_DISTRIBUTION.match(text.strip()))


# --- rules on the lines as written, page by page ------------------------------------

Drops = set[tuple[int, int]]  # (page index, line index) of lines to drop


def _mask(text: str) -> str:
    """The comparison key of a header/footer line: digits masked, whitespace dropped."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _edge_indexes(count: int) -> list[int]:
    """Indexes of the first and last ``EDGE_LINES`` lines of a page of ``count`` lines."""
    return sorted(set(range(min(EDGE_LINES, count))) | set(range(max(count - EDGE_LINES, 0), count)))


def _running_drops(pages: Sequence[Sequence[str]]) -> Drops:
    """Header/footer lines that recur, digits masked, at the top or bottom of at least three
    pages and of at least half of the pages that have text."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update(k for k in {_mask(lines[i]) for i in _edge_indexes(len(lines))} if k)
    threshold = max(3, (sum(1 for lines in pages if lines) + 1) // 2)
    # A sentence is body text however often it recurs; headers and footers are labels.
    # A table's unit line (单位：万元) recurs above every table and belongs to each.
    running = {key for key, n in counts.items() if n >= threshold and not key.endswith("。") and not is_unit_line(key)}
    return {(p, i) for p, lines in enumerate(pages) for i in _edge_indexes(len(lines)) if _mask(lines[i]) in running}


def strip_running_lines(pages: Sequence[Sequence[str]]) -> list[list[str]]:
    """Drop running headers and footers (see ``_running_drops``) from pages of lines."""
    drops = _running_drops(pages)
    return [[ln for i, ln in enumerate(lines) if (p, i) not in drops] for p, lines in enumerate(pages)]


def _numeric_value(text: str) -> int | None:
    match = _BARE_FOLIO.match(text.strip())
    return int(match.group(1)) if match else None


def _numeric_folio_drops(pages: Sequence[Sequence[str]], numbers: Sequence[int]) -> Drops:
    """Bare page numbers (``3``, ``3/25``) on the top or bottom line of pages, when they run
    with the page number: their offset from the physical page number (printed 1 on page 3
    gives -2) is shared by at least two pages and by most candidates, so a stray table
    figure on one page stays."""
    candidates = [(p, i, value - number) for p, (lines, number) in enumerate(zip(pages, numbers))
                  for i in ({0, len(lines) - 1} if lines else ()) if (value := _numeric_value(lines[i])) is not None]
    if not candidates:
        return set()
    offset, n = Counter(off for _, _, off in candidates).most_common(1)[0]
    if n < 2 or n * 2 < len(candidates):
        return set()
    return {(p, i) for p, i, off in candidates if off == offset}


def _toc_key(text: str) -> str:
    """An entry's text without leaders, page number and whitespace, for matching headings."""
    stripped = text.strip()
    match = _TOC_PAGE_SUFFIX.match(stripped)
    if match:
        stripped = match.group("entry")
    return re.sub(r"\s+", "", _LEADER_TAIL.sub("", stripped))


def toc_lines(pages: Sequence[Sequence[str]]) -> Drops:
    """The (page index, line index) of TOC lines: leader lines, the block under a ``目录`` title."""
    flat = [(p, i, ln) for p, lines in enumerate(pages) for i, ln in enumerate(lines)]
    drop: Drops = {(p, i) for p, i, ln in flat if is_toc_leader(ln)}
    pos = 0
    while pos < len(flat):
        block, end = _toc_block(flat, pos) if is_toc_title(flat[pos][2]) else ([], None)
        drop.update(block)
        pos = end if end is not None else pos + 1
    return drop


def _toc_block(flat: Sequence[tuple[int, int, str]], pos: int) -> tuple[list[tuple[int, int]], int | None]:
    """The lines of the TOC under the title at ``pos`` and the position where the body starts:
    at the first line that repeats an entry (the body's first heading) or reads like body
    text (a sentence mark, a long line). A block that never ends is no TOC: ``([], None)``."""
    block = [flat[pos][:2]]
    seen: set[str] = set()
    numbered = []  # positions in block of lines carrying a page number
    for q in range(pos + 1, min(len(flat), pos + 1 + _TOC_MAX_LINES)):
        stripped = flat[q][2].strip()
        has_page = bool(_TOC_PAGE_SUFFIX.match(stripped)) or is_toc_leader(stripped)
        bare = _numeric_value(stripped) is not None
        if has_page or bare:
            numbered.append(len(block))
            if has_page:
                seen.add(_toc_key(stripped))
        if stripped and not has_page and not bare:
            key = _toc_key(stripped)
            if key in seen or _SENTENCE_MARK.search(stripped) or len(key) > 60:
                # In a TOC with page numbers, unnumbered lines after the last number are the
                # body's first heading (``前言``), not entries.
                return (block[: numbered[-1] + 1] if len(numbered) >= 3 else block), q
            seen.add(key)
        block.append(flat[q][:2])
    return [], None


def page_keep(pages: Sequence[Sequence[str]], numbers: Sequence[int] | None = None) -> list[list[int]]:
    """The indexes of the lines of each page that are not furniture (rules of step 1);
    ``numbers`` are the physical page numbers (1-based), by default 1..n."""
    numbers = list(numbers) if numbers is not None else list(range(1, len(pages) + 1))
    kept = [[i for i, ln in enumerate(lines) if ln.strip() and not is_folio(ln) and not is_watermark(ln)]
            for lines in pages]
    # Folios may sit inside a running footer line; bare numbers revealed at the new edge are caught by the second folio rule.
    folios = partial(_numeric_folio_drops, numbers=numbers)
    for rule in (folios, _running_drops, folios, toc_lines):
        drops = rule([[pages[p][i] for i in ix] for p, ix in enumerate(kept)])
        kept = [[i for j, i in enumerate(ix) if (p, j) not in drops] for p, ix in enumerate(kept)]
    return kept


def clean_pages(pages: Sequence[Sequence[str]], numbers: Sequence[int] | None = None) -> list[list[str]]:
    """The lines of each page that ``page_keep`` keeps."""
    return [[pages[p][i] for i in ix] for p, ix in enumerate(page_keep(pages, numbers))]


def unpaged_keep(lines: Sequence[str]) -> list[bool]:
    """For each line of an unpaged document, whether it survives stamps, folios and TOC rules
    (blank lines are kept: in text files they may separate paragraphs)."""
    toc = {i for _, i in toc_lines([lines])}
    return [i not in toc and not (ln.strip() and (is_folio(ln) or is_watermark(ln))) for i, ln in enumerate(lines)]


def _written(raw: RawDocument) -> list[tuple[Line, int | None]]:
    """Step 1: the document's lines with their page, furniture as written dropped."""
    if raw.pages and all(page.number is not None for page in raw.pages):
        text_lines = [[ln.text for ln in page.lines if not ln.table] for page in raw.pages]
        kept = page_keep(text_lines, [page.number for page in raw.pages])
        out = []
        for page, keep in zip(raw.pages, map(set, kept)):
            position = iter(range(len(page.lines)))  # a text line's index among the page's text lines
            out.extend((ln, page.number) for ln in page.lines if ln.table or next(position) in keep)
        return out
    lines = [(ln, page.number) for page in raw.pages for ln in page.lines if not ln.toc]
    return [pair for pair, keep in zip(lines, unpaged_keep([ln.text for ln, _ in lines])) if keep]


# --- rules on cleaned lines ----------------------------------------------------------

def _drop_outline(lines: list[tuple[Line, int | None]]) -> list[tuple[Line, int | None]]:
    """Step 2: the PDF outline dumped after the end (seed 000): tab-indented last lines."""
    end = len(lines)
    while end > 0 and (not lines[end - 1][0].text.strip() or lines[end - 1][0].text.startswith("\t")):
        end -= 1
    return lines[:end] if any(ln.text.startswith("\t") for ln, _ in lines[end:]) else lines


def _source_line(line: Line, page: int | None, markdown: bool) -> SourceLine | None:
    """Step 3: one line cleaned, or None when it is furniture."""
    text, hint = line.text, line.heading_hint
    if markdown:
        read = markdown_line(text)
        if read is None:
            return None
        text, hint = read[0], read[1] if read[1] is not None else hint
    if line.table:
        return SourceLine(text=clean_line(text), page=page, table=True)
    if _TAB_TOC.search(text):  # a TOC entry: heading, tab, page number
        return None
    text = clean_line(text)
    if not text or is_line_folio(text) or is_toc_line(text) or is_watermark(text):
        return None
    return SourceLine(text=text, page=page, hint=hint)


def drop_toc_page_lines(lines: list[SourceLine]) -> list[SourceLine]:
    """Step 4: a table of contents whose page numbers sit on lines of their own: three or
    more pairs of a short heading line and a bare page number (``第一章 …`` / ``6``)."""
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and len(lines[j].text) <= 40 and _BARE_PAGE.match(lines[j + 1].text) \
                and not _BARE_PAGE.match(lines[j].text) and not lines[j].table and not lines[j + 1].table:
            j += 2
        if j - i >= 6:
            keep[i:j] = [False] * (j - i)
            i = j
        else:
            i += 1
    return [l for l, k in zip(lines, keep) if k]


def drop_repeated_lines(lines: list[SourceLine]) -> list[SourceLine]:
    """Step 5: short lines repeated as running headers: on 3+ pages (3+ times, not a heading),
    or a dated header repeated (the first one kept: the metadata may read its date)."""
    pages_of: dict[str, set] = {}
    for l in lines:
        pages_of.setdefault(l.text, set()).add(l.page)
    counts = Counter(l.text for l in lines if len(l.text) <= 40 and not l.table)
    repeated = {
        t for t, c in counts.items()
        if ((len(pages_of[t] - {None}) >= 3 and c >= 3 and not is_marker(t)) or (c >= 2 and _HAS_DATE.search(t) and len(t) <= 30))
        and not is_unit_line(t)
    }
    seen: set[str] = set()
    out = []
    for l in lines:
        if l.text in repeated and not l.table:
            if l.text in seen or len(pages_of[l.text] - {None}) >= 3:
                continue
            seen.add(l.text)
        out.append(l)
    return out


def drop_closing_block(lines: list[SourceLine]) -> list[SourceLine]:
    """Step 7: from the first ``抄送：``/``送：``/``发：`` or ``…印发`` line in the last 40% to the
    end; trailing ``公开方式：…`` lines; a ``（执笔：…）`` note in the last 12 lines."""
    texts = [l.text for l in lines]
    n = len(texts)
    n = next((k for k in range(int(n * _CLOSING_SHARE), n)
              if is_distribution_line(texts[k]) or _PRINTED.match(texts[k])), n)
    while n > 0 and is_public_line(texts[n - 1]):
        n -= 1
    out = lines[:n]
    writer = next((k for k in range(max(0, n - _WRITER_WINDOW), n) if _WRITER.match(texts[k])), None)
    if writer is not None:
        end = next((j for j in range(writer, n) if texts[j].endswith(("）", ")"))), n - 1)
        del out[writer : end + 1]
    return out


def strip_furniture(raw: RawDocument) -> list[SourceLine]:
    """The furniture pass over a reader's document (steps 1-7 of the module docstring):
    its cleaned lines in order, with their pages, furniture gone, flattened tables gathered."""
    written, sizes = _drop_outline(_written(raw)), {p.number: p.size for p in raw.pages}
    lines = [replace(sl, box=line_box(line, page, sizes.get(page))) for line, page in written
             if (sl := _source_line(line, page, raw.format == "md")) is not None]
    lines = drop_repeated_lines(drop_toc_page_lines(lines))
    return drop_closing_block(join_flat_tables(lines))
