"""Text-level cleaning: one clean display form per line, a match form for searching,
text-level page furniture, and re-joining of wrapped lines into paragraphs.

Display rules (each has a unit test in tests/test_normalize.py):
- full-width ASCII letters/digits/space become half-width; Chinese punctuation
  (，。（）〔〕“”：；) stays as it is;
- half-width ``,;:?!()`` next to Chinese text become their full-width forms;
- spaces between a CJK character and an ASCII letter/digit are dropped, so the
  PDF-extraction spacing ``2020 年 1`` + ``月`` reads ``2020年1月`` and
  ``教育领域人均支出 998 元`` reads ``教育领域人均支出998元``;
- markdown bold ``**…**`` markers are dropped (seed 003's ``——**优势互补**。``).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from ingest import furniture

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007"
# Chinese punctuation and brackets count as CJK context for spacing rules.
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018\u2019\u201c\u201d\u2026"
SENTENCE_END = "。！？；：!?;"
CLOSERS = "”’」』）)】》"
_INNER_END = re.compile(r"[。！？；!?;]")
_SENT_END_RE = re.compile(rf"[。！？；!?;：:][{CLOSERS}]*$")

_FULLWIDTH_ALNUM = {c: chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}
_FULLWIDTH_ALNUM.update({c: chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})
_FULLWIDTH_ALNUM.update({c: chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})
_FULLWIDTH_ALNUM.update({0xFF05: "%", 0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x200B: "", 0xFEFF: ""})

_SPACE_CJK_ALNUM = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t]+(?=[A-Za-z0-9%])|(?<=[A-Za-z0-9%.])[ \t]+(?=[{CJK}{CJK_PUNCT}])")
_SPACE_CJK_PUNCT = re.compile(rf"(?<=[{CJK}])[ \t]+(?=[{CJK_PUNCT}])|(?<=[{CJK_PUNCT}])[ \t]+(?=[{CJK}{CJK_PUNCT}])")
_HALF_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF_AFTER_CJK = re.compile(rf"(?<=[{CJK}])([,;:?!])(?!\d)")
_HALF_PARENS = re.compile(rf"\(([^()]*[{CJK}][^()]*)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
ENUM_START = re.compile(r"^[一二三四五六七八九十]{1,3}是")


def clean_line(text: str) -> str:
    """Return the display form of one line (see the module docstring for the rules)."""
    text = text.translate(_FULLWIDTH_ALNUM)
    text = _BOLD.sub(r"\1", text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    text = _SPACE_CJK_ALNUM.sub("", text)
    text = _SPACE_CJK_PUNCT.sub("", text)
    text = _HALF_AFTER_CJK.sub(lambda m: _HALF_PUNCT[m.group(1)], text)
    text = _HALF_PARENS.sub(r"（\1）", text)
    return text


_MATCH_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "〔": "(", "〕": ")", "【": "(", "】": ")",
                               "[": "(", "]": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "、": ","})


def match_form(text: str) -> str:
    """Return the form used for exact-phrase matching: NFKC, case-folded, no whitespace,
    one form for dashes, brackets and quotes. Apply it to both the phrase and the text."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_MATCH_DASHES)
    return re.sub(r"\s+", "", text)


def ends_sentence(text: str) -> bool:
    """True when the text ends with sentence-final punctuation (closing quotes allowed after it)."""
    return bool(_SENT_END_RE.search(text.rstrip()))


def display_width(text: str) -> float:
    """Width in em: CJK and full-width characters 1, ASCII 0.5, spaces 0.25."""
    width = 0.0
    for ch in text:
        if ch == " ":
            width += 0.25
        elif ord(ch) < 128:
            width += 0.5
        else:
            width += 1.0
    return width


# --- text-level furniture -------------------------------------------------------

# In text without pages a bare "3/25" line can only be a folio; the other rules are the
# reader's (ingest.furniture), so paged and unpaged text obey the same ones.
_FRACTION_FOLIO = re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$")
_DISTRIBUTION = re.compile(r"^(?:抄\s*送|抄\s*报|分\s*送|主\s*送|送|报|发|印\s*发)\s*[：:]")


def is_folio(text: str) -> bool:
    """A page number line: ``— 3 —``, ``- 3 -``, ``第3页``, ``第3页 共25页``, ``3/25``."""
    return furniture.is_folio(text) or bool(_FRACTION_FOLIO.match(text.strip()))


def is_toc_line(text: str) -> bool:
    """A table-of-contents line: ``目录`` or an entry with ``……`` leaders and a page number."""
    return furniture.is_toc_title(text) or furniture.is_toc_leader(text)


def is_distribution_line(text: str) -> bool:
    """The start of the distribution block: ``送：``, ``发：``, ``抄送：``, ``报：``."""
    return bool(_DISTRIBUTION.match(text.strip()))


def is_watermark(text: str) -> bool:
    """A scanner watermark line such as ``扫描全能王 创建``."""
    return furniture.is_watermark(text)


# --- re-joining lines into paragraphs -------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    """A cleaned line with its page; ``hint`` is the reader's heading level, if any;
    ``table`` marks a table row (cells joined by `` | ``) or a flattened table (rows
    separated by newlines), never joined with other lines."""

    text: str
    page: int | None = None
    hint: int | None = None
    table: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Joined lines. ``line_starts`` pairs each line's offset in ``text`` with its page.

    A table paragraph (``table``) holds one line per row, separated by newlines; its first
    ``head`` lines (caption and header rows) are repeated atop each clause it is cut into.
    """

    text: str
    line_starts: tuple[tuple[int, int | None], ...]
    hint: int | None = None
    table: bool = False
    head: int = 0

    def page_at(self, offset: int) -> int | None:
        """The page of the character at ``offset``."""
        page = self.line_starts[0][1]
        for start, pg in self.line_starts:
            if start > offset:
                break
            page = pg
        return page


@dataclass(frozen=True)
class JoinSettings:
    """Bounds of the line-joining heuristics (widths in em, see ``display_width``)."""

    wrapped_share: float = 0.5  # share of lines near the typical width that marks wrapped text
    short_margin: float = 2.5  # a line this much narrower than the typical width ends a paragraph
    very_short: float = 0.75  # a line narrower than this share of the typical width always ends one
    indent: float = 2.0  # first-line indent of a paragraph in wrapped text
    para_min_cut: float = 30.0  # in paragraph-per-line text, only lines this wide can be page-cut


def typical_width(lines: Sequence[SourceLine]) -> tuple[float, float]:
    """The most common rounded line width and the share of lines within 3 em of it."""
    widths = [display_width(l.text) for l in lines if display_width(l.text) >= 10]
    if len(widths) < 8:
        return 0.0, 0.0
    counts: dict[int, int] = {}
    for w in widths:
        counts[round(w)] = counts.get(round(w), 0) + 1
    mode = max(counts, key=lambda k: (counts[k], k))
    near = sum(1 for w in widths if mode - 3 <= w <= mode + 1.5)
    return float(mode), near / len(widths)


def join_lines(
    lines: Sequence[SourceLine],
    *,
    is_marker: Callable[[str], bool],
    settings: JoinSettings = JoinSettings(),
) -> list[Paragraph]:
    """Re-join wrapped lines into paragraphs.

    Two layouts occur. In wrapped text (most lines about one width, e.g. seed 000 or a
    PDF page) a paragraph ends at a narrower line that ends a sentence, at a very short
    line, after a heading that fits on one line, or before a line that starts a heading or
    an enumeration (``is_marker``). In paragraph-per-line text (seed 003) every line is a
    paragraph unless a long line stops mid-sentence: that is a paragraph cut by a page
    break (``…更好发挥`` / ``对西北地区…``) and is joined to the next line.
    """
    lines = [l for l in lines if l.text.strip()]
    width, share = typical_width([l for l in lines if not l.table])  # prose width, not table rows
    wrapped = share >= settings.wrapped_share
    paragraphs: list[Paragraph] = []
    buf: list[SourceLine] = []
    first_line = True

    def flush() -> None:
        if not buf:
            return
        text, starts = "", []
        for part in buf:
            if text and text[-1].isascii() and text[-1].isalnum() and part.text[0].isascii() and part.text[0].isalnum():
                text += " "
            starts.append((len(text), part.page))
            text += part.text
        paragraphs.append(Paragraph(text=text, line_starts=tuple(starts), hint=buf[0].hint, table=buf[0].table))
        buf.clear()

    def caption_at(k: int) -> bool:
        """Line ``k`` starts a table's caption: up to three short lines, then table rows."""
        for j in (k, k + 1, k + 2):
            if j + 1 >= len(lines) or lines[j].table or len(lines[j].text) > 40 or ends_sentence(lines[j].text) \
                    or (wrapped and display_width(lines[j].text) >= width - settings.short_margin):
                return False
            if lines[j + 1].table:
                return True
        return False

    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        buf.append(line)
        text = line.text
        heading = is_marker(text) and not ENUM_START.match(text) and len(buf) == 1
        if nxt is None or line.hint is not None or nxt.hint is not None or line.table or nxt.table:
            brk = True
        elif is_marker(nxt.text) and (ends_sentence(text) or not ENUM_START.match(nxt.text)):
            brk = True
        elif caption_at(i) or (ends_sentence(text) and caption_at(i + 1)):
            brk = True  # a table's caption lines stand apart from the text above and each other
        elif wrapped and heading and not ends_sentence(text) and _heading_tail(nxt.text) and not caption_at(i + 1):
            brk = False  # ``第三部分…决算情况`` / ``说明``: a heading wrapped before its last word
        elif wrapped:
            w = display_width(text) + (settings.indent if first_line else 0.0)
            short = w < width - settings.short_margin
            brk = (
                (ends_sentence(text) and short)
                or display_width(text) < settings.very_short * width
                or (heading and display_width(text) < width - settings.short_margin
                    and not _CONTINUES.match(nxt.text))
            )
        else:
            brk = ends_sentence(text) or (
                display_width(text) < settings.para_min_cut and not _INNER_END.search(text)
            )
        if brk:
            flush()
        first_line = brk
    flush()
    return paragraphs


# A line that carries on the sentence of the line before: it starts with punctuation or with
# a bracketed word and punctuation (``5、…（款）行政单位离退休`` / ``（项）。主要用于…``).
_CONTINUES = re.compile(r"^(?:[，。；：、）)”’]|[（(][^（）()]{1,4}[）)][，。；：、])")


def _heading_tail(text: str) -> bool:
    """A line of at most four characters that can only end the heading above it."""
    from ingest.headings import is_marker  # headings imports this module

    return len(text) <= 4 and not ends_sentence(text) and not is_marker(text)
