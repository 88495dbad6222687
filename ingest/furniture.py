"""Page furniture removal: folios, running headers/footers, scanner stamps, tables of contents.

The functions work on plain line strings so that every rule can be tested on literal
page lines. ``clean_pages`` applies all rules to a paged document (PDF);
``clean_unpaged`` applies the rules that make sense without pages (text, Word).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

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
# Folios that are also plausible content ("3", "3/25"): removed only at a page edge and only
# when their value follows the page number (see ``_numeric_folios``).
_BARE_FOLIO = re.compile(r"^(\d{1,4})(?:\s*/\s*(\d{1,4}))?$")

_WATERMARK = re.compile(
    r"扫描全能王|全能扫描王|夸克扫描王|CamScanner|扫描王\s*创建|由\s*\S{1,10}\s*扫描创建"
    r"|(?i:scanned\s+(?:with|by)\s+\w+)|(?i:adobe\s+scan)|(?i:office\s+lens)"
)
_WATERMARK_MAX_LEN = 30

_TOC_TITLE = re.compile(r"^\s*(?:目\s*录|目\s*次|(?i:contents|table\s+of\s+contents))\s*$")
# A TOC entry with leaders and a page number: "第一章 总则……………3", "1.食品工业……（116）".
_TOC_LEADER = re.compile(
    r"(?:\.{3,}|…{2,}|·{3,}|．{3,}|。{3,}|-{4,}|－{3,}|_{4,}|—{3,})\s*[（(]?\d{1,4}[）)]?\s*$"
)
# Inside a TOC: an entry followed by a page number after a tab or spaces ("前 言\t1").
_TOC_PAGE_SUFFIX = re.compile(r"^(?P<entry>.*?\S)[\t ]+[（(]?\d{1,4}[）)]?\s*$")
_SENTENCE_MARK = re.compile(r"[。；;！？]")
# A TOC that does not end within this many lines is not a TOC: keep the text.
_TOC_MAX_LINES = 400


_UNIT_LINE = re.compile(r"^(?:.{0,30}\s*)?(?:计量)?单\s*位\s*[：:]\s*\S{1,8}$")


def is_unit_line(text: str) -> bool:
    """True for a table's unit line: ``单位：万元``, ``部门：XX局 单位：万元``."""
    return bool(_UNIT_LINE.match(text.strip()))


def is_folio(text: str) -> bool:
    """True for a line that is unmistakably a page number (``— 3 —``, ``第3页``, ``- 3 -``)."""
    return bool(_DECORATED_FOLIO.match(text.strip()))


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


def _mask(text: str) -> str:
    """The comparison key of a header/footer line: digits masked, whitespace dropped."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _edge_indexes(count: int) -> list[int]:
    """Indexes of the first and last ``EDGE_LINES`` lines of a page of ``count`` lines."""
    head = list(range(min(EDGE_LINES, count)))
    tail = list(range(max(count - EDGE_LINES, 0), count))
    return sorted(set(head + tail))


def strip_running_lines(pages: Sequence[Sequence[str]]) -> list[list[str]]:
    """Drop header/footer lines that recur, digits masked, at the edge of most pages.

    A line counts as running when its masked form is at the top or bottom of at least
    three pages and of at least half of the pages that have text.
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        keys = {_mask(lines[i]) for i in _edge_indexes(len(lines))}
        counts.update(k for k in keys if k)
    text_pages = sum(1 for lines in pages if lines)
    threshold = max(3, (text_pages + 1) // 2)
    # A sentence is body text however often it recurs; headers and footers are labels.
    # A table's unit line (单位：万元) recurs above every table and belongs to each.
    running = {key for key, n in counts.items() if n >= threshold and not key.endswith("。") and not is_unit_line(key)}
    if not running:
        return [list(lines) for lines in pages]
    out = []
    for lines in pages:
        edges = set(_edge_indexes(len(lines)))
        out.append([ln for i, ln in enumerate(lines) if not (i in edges and _mask(ln) in running)])
    return out


def _numeric_value(text: str) -> int | None:
    match = _BARE_FOLIO.match(text.strip())
    return int(match.group(1)) if match else None


def strip_numeric_folios(pages: Sequence[Sequence[str]], numbers: Sequence[int]) -> list[list[str]]:
    """Drop bare page numbers (``3``, ``3/25``) at the top or bottom line of pages.

    A bare number is only a folio when it runs with the page number: its offset from the
    physical page number (printed 1 on page 3 gives -2) must be shared by at least two
    pages and by most candidates, so a stray table figure on one page stays.
    """
    offsets: Counter[int] = Counter()
    candidates: list[tuple[int, int, int]] = []  # (page index, line index, offset)
    for p, (lines, number) in enumerate(zip(pages, numbers)):
        for i in {0, len(lines) - 1} if lines else ():
            value = _numeric_value(lines[i])
            if value is not None:
                candidates.append((p, i, value - number))
                offsets[value - number] += 1
    if not offsets:
        return [list(lines) for lines in pages]
    offset, n = offsets.most_common(1)[0]
    if n < 2 or n * 2 < len(candidates):
        return [list(lines) for lines in pages]
    drop = {(p, i) for p, i, off in candidates if off == offset}
    return [[ln for i, ln in enumerate(lines) if (p, i) not in drop] for p, lines in enumerate(pages)]


def _toc_key(text: str) -> str:
    """An entry's text without leaders, page number and whitespace, for matching headings."""
    stripped = text.strip()
    match = _TOC_PAGE_SUFFIX.match(stripped)
    if match:
        stripped = match.group("entry")
    stripped = re.sub(r"(?:\.{2,}|…+|·{2,}|．{2,}|。{2,}|-{3,}|－{2,}|_{3,}|—{2,})\s*(?:[（(]?\d{1,4}[）)]?)?\s*$", "", stripped)
    return re.sub(r"\s+", "", stripped)


def strip_toc(pages: Sequence[Sequence[str]]) -> list[list[str]]:
    """Drop tables of contents: leader lines anywhere, and the block under a ``目录`` title."""
    drop = toc_lines(pages)
    return [[ln for i, ln in enumerate(lines) if (p, i) not in drop] for p, lines in enumerate(pages)]


def toc_lines(pages: Sequence[Sequence[str]]) -> set[tuple[int, int]]:
    """The (page index, line index) of table-of-contents lines: leader lines anywhere, and
    the block under a ``目录`` title.

    The block ends at the first line that repeats an entry already listed (the body's first
    heading) or reads like body text (a sentence mark, or a long line); if it never ends,
    it was not a TOC and only the leader lines are dropped.
    """
    flat = [(p, i, ln) for p, lines in enumerate(pages) for i, ln in enumerate(lines)]
    drop: set[tuple[int, int]] = {(p, i) for p, i, ln in flat if is_toc_leader(ln)}
    pos = 0
    while pos < len(flat):
        p, i, ln = flat[pos]
        if not is_toc_title(ln):
            pos += 1
            continue
        block = [(p, i)]
        seen: set[str] = set()
        end = None
        numbered = []  # positions in block of lines carrying a page number
        for q in range(pos + 1, min(len(flat), pos + 1 + _TOC_MAX_LINES)):
            qp, qi, text = flat[q]
            stripped = text.strip()
            has_page = bool(_TOC_PAGE_SUFFIX.match(stripped)) or is_toc_leader(stripped)
            if has_page or _numeric_value(stripped) is not None:
                numbered.append(len(block))
                if has_page:
                    seen.add(_toc_key(stripped))
            if not stripped or has_page or _numeric_value(stripped) is not None:
                block.append((qp, qi))
                continue
            key = _toc_key(stripped)
            if key in seen or _SENTENCE_MARK.search(stripped) or len(key) > 60:
                end = q
                break
            seen.add(key)
            block.append((qp, qi))
        if end is None:
            pos += 1
            continue
        if len(numbered) >= 3:
            # In a TOC with page numbers, unnumbered lines after the last number are the
            # body's first heading (``前言``), not entries.
            block = block[: numbered[-1] + 1]
        drop.update(block)
        pos = end
    return drop


def clean_pages(pages: Sequence[Sequence[str]], numbers: Sequence[int] | None = None) -> list[list[str]]:
    """Apply every furniture rule to the lines of a paged document, page by page.

    ``numbers`` are the physical page numbers (1-based); they default to 1..n.
    """
    numbers = list(numbers) if numbers is not None else list(range(1, len(pages) + 1))
    cleaned = [[ln for ln in lines if ln.strip() and not is_folio(ln) and not is_watermark(ln)] for lines in pages]
    cleaned = strip_numeric_folios(cleaned, numbers)
    cleaned = strip_running_lines(cleaned)
    # Folios may sit inside a running footer line that is gone now; bare numbers revealed
    # at the new edge are caught by a second pass.
    cleaned = strip_numeric_folios(cleaned, numbers)
    return strip_toc(cleaned)


def unpaged_keep(lines: Sequence[str]) -> list[bool]:
    """For each line of an unpaged document, whether it survives stamps, folios and TOC rules.

    Blank lines are kept: in text files they may separate paragraphs.
    """
    toc = {i for _, i in toc_lines([lines])}
    return [
        i not in toc and not (ln.strip() and (is_folio(ln) or is_watermark(ln)))
        for i, ln in enumerate(lines)
    ]


def clean_unpaged(lines: Sequence[str]) -> list[str]:
    """Apply the rules that need no pages (stamps, decorated folios, TOC) to a line list.

    Blank lines are kept: in text files they may separate paragraphs.
    """
    return [ln for ln, keep in zip(lines, unpaged_keep(lines)) if keep]
