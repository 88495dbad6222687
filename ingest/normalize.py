"""Line-level text forms: one clean display form per line, Markdown heading marks read
into a heading level, and re-joining of wrapped lines into paragraphs.

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
from dataclasses import dataclass
from typing import Callable, Sequence

from ingest.headings import ENUM_START
from ingest.headings import is_marker as heading_marker
from ingest.records import Box
from ingest.text import CJK, CJK_PUNCT, INNER_END, display_width, ends_sentence

_INNER_END = re.compile(rf"[{INNER_END}]")

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


# A heading line as written (``## 第一章 总则 ##``), then, in what it gives, a heading mark
# that is left (``# # x``, or `` # x`` written with a leading space).
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_HEADING_LEFT = re.compile(r"^(#{1,6})\s+(.*)$")
_INFO_END = "<!-- INFO END -->"


def markdown_line(text: str) -> tuple[str, int | None] | None:
    """A Markdown line's text and heading level (``## 第一章 总则`` → ``("第一章 总则", 2)``,
    level None for body text); None for the opening line of an HTML comment that never
    closes (the Markdown reader removes the closed ones; ``<!-- INFO END -->`` stays)."""
    hint = None
    match = _MD_HEADING.match(text)
    if match and match.group(2):
        text, hint = match.group(2), len(match.group(1))
    match = _MD_HEADING_LEFT.match(text.strip())
    if match:
        return match.group(2), len(match.group(1))
    if text.strip().startswith("<!--") and text.strip() != _INFO_END:
        return None
    return text, hint


# --- re-joining lines into paragraphs -------------------------------------------


@dataclass(frozen=True)
class SourceLine:
    """A cleaned line with its page; ``hint`` is the reader's heading level, if any;
    ``table`` marks a table row (cells joined by `` | ``) or a flattened table (rows
    separated by newlines), never joined with other lines. ``box``: where it is printed
    (PDFs and page images), see ``ingest.boxes``."""

    text: str
    page: int | None = None
    hint: int | None = None
    table: bool = False
    box: Box | None = None


@dataclass(frozen=True)
class Paragraph:
    """Joined lines. ``line_starts`` pairs each line's offset in ``text`` with its page.

    A table paragraph (``table``) holds one line per row, separated by newlines; its first
    ``head`` lines (caption and header rows) are repeated atop each clause it is cut into.
    ``line_boxes`` are the joined lines' boxes, parallel to ``line_starts`` (or empty).
    """

    text: str
    line_starts: tuple[tuple[int, int | None], ...]
    hint: int | None = None
    table: bool = False
    head: int = 0
    line_boxes: tuple[Box | None, ...] = ()

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
    is_marker: Callable[[str], bool] = heading_marker,
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
    layout = _Layout(lines=lines, width=width, wrapped=share >= settings.wrapped_share, settings=settings,
                     is_marker=is_marker)
    paragraphs: list[Paragraph] = []
    buf: list[SourceLine] = []
    first_line = True
    for i, line in enumerate(lines):
        buf.append(line)
        brk = layout.breaks_after(i, first_line=first_line, alone=len(buf) == 1)
        if brk:
            paragraphs.append(_paragraph(buf))
            buf = []
        first_line = brk
    if buf:
        paragraphs.append(_paragraph(buf))
    return paragraphs


def _paragraph(parts: Sequence[SourceLine]) -> Paragraph:
    """The lines of one paragraph joined (a space only between two Latin letters or digits)."""
    text, starts = "", []
    for part in parts:
        if text and text[-1].isascii() and text[-1].isalnum() and part.text[0].isascii() and part.text[0].isalnum():
            text += " "
        starts.append((len(text), part.page))
        text += part.text
    return Paragraph(text=text, line_starts=tuple(starts), hint=parts[0].hint, table=parts[0].table,
                     line_boxes=tuple(part.box for part in parts))


# A line that carries on the sentence of the line before: it starts with punctuation or with
# a bracketed word and punctuation (``5、…（款）行政单位离退休`` / ``（项）。主要用于…``).
_CONTINUES = re.compile(r"^(?:[，。；：、）)”’]|[（(][^（）()]{1,4}[）)][，。；：、])")


@dataclass(frozen=True)
class _Layout:
    """The lines being joined and their typical width; decides where paragraphs end."""

    lines: Sequence[SourceLine]
    width: float
    wrapped: bool
    settings: JoinSettings
    is_marker: Callable[[str], bool]

    def caption_at(self, k: int) -> bool:
        """Line ``k`` starts a table's caption: up to three short lines, then table rows."""
        lines, settings = self.lines, self.settings
        for j in (k, k + 1, k + 2):
            if j + 1 >= len(lines) or lines[j].table or len(lines[j].text) > 40 or ends_sentence(lines[j].text) \
                    or (self.wrapped and display_width(lines[j].text) >= self.width - settings.short_margin):
                return False
            if lines[j + 1].table:
                return True
        return False

    def heading_tail(self, text: str) -> bool:
        """A line of at most four characters that can only end the heading above it."""
        return len(text) <= 4 and not ends_sentence(text) and not self.is_marker(text)

    def breaks_after(self, i: int, *, first_line: bool, alone: bool) -> bool:
        """Whether the paragraph ends after line ``i`` (``first_line``: it starts one;
        ``alone``: it is the only line of the paragraph so far)."""
        line = self.lines[i]
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        text, settings = line.text, self.settings
        heading = self.is_marker(text) and not ENUM_START.match(text) and alone
        if nxt is None or line.hint is not None or nxt.hint is not None or line.table or nxt.table:
            return True
        if self.is_marker(nxt.text) and (ends_sentence(text) or not ENUM_START.match(nxt.text)):
            return True
        if self.caption_at(i) or (ends_sentence(text) and self.caption_at(i + 1)):
            return True  # a table's caption lines stand apart from the text above and each other
        if self.wrapped and heading and not ends_sentence(text) and self.heading_tail(nxt.text) \
                and not self.caption_at(i + 1):
            return False  # ``第三部分…决算情况`` / ``说明``: a heading wrapped before its last word
        if not self.wrapped:
            return ends_sentence(text) or (
                display_width(text) < settings.para_min_cut and not _INNER_END.search(text))
        w = display_width(text) + (settings.indent if first_line else 0.0)
        short = w < self.width - settings.short_margin
        return (
            (ends_sentence(text) and short)
            or display_width(text) < settings.very_short * self.width
            or (heading and display_width(text) < self.width - settings.short_margin
                and not _CONTINUES.match(nxt.text))
        )
