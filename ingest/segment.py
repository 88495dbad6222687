"""Clause segmentation with hierarchy.

Heading kinds (``headings.HeadingKind``): 第X编/篇, 第X章, 第X节, 第X条, 一、, （一）, 1./1．,
（1）, ①, and the reader's heading hints (DOCX styles, markdown ``#``). Their nesting is
learned from the document by ``outline.Outline``.

A clause is the smallest citable unit:
- an article ``第X条`` with all its paragraphs (never split; laws are cited by article);
- a paragraph that starts with a number and carries body text (``（五）培育发展西安都市圈。
  发挥…``): label ``（五）``, text the whole paragraph; its heading sentence also goes into
  the path of what follows it until the next heading of its level;
- a ``——引领语。`` lead-in paragraph: label the lead-in phrase;
- an enumerated point inside a paragraph (``一是…。二是…``): label ``一是``, …;
- any other paragraph (label "").
A heading without body text (``三、优化城市群空间发展格局``) is not a clause; it goes into
the path of the clauses below it. When it heads nothing (the next heading is of its level
or higher) it is kept as a clause so that no text is lost.
- a table (``Paragraph.table``, see ``ingest.tables``): never a heading, never labelled, cut
  between rows only; each piece after the first starts with the caption and header rows,
  so its text is that prefix plus ``text[char_start:char_end]`` (the only clauses whose
  text is not exactly the slice their offsets point to).
A closing call among the last plain paragraphs (``让我们…``, ``…团结在以习近平同志为核心的党中央
周围…``) is addressed to the whole document (path ``()``), like the preamble: it answers to no
numbered item, and citing it under the last one (``（二十七）``) would misattribute it.
Long clauses are split at sentence ends, tiny unlabelled ones merged with a neighbour
(bounds in ``SegmentSettings``).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Sequence

from ingest.headings import LEAD, HeadingKind, cn_value, heading_kind, heading_number, is_marker
from ingest.normalize import Paragraph
from ingest.outline import Outline
from ingest.boxes import span_boxes, unique
from ingest.records import Box, Clause
from ingest.tables import table_chunks
from ingest.text import CLOSERS, INNER_END, ends_sentence

__all__ = ["SegmentSettings", "heading_kind", "heading_number", "is_marker", "segment"]

_ENUM_INNER = re.compile(r"(?:^|(?<=[。；;！？：:]))([一二三四五六七八九十]{1,3})是")
_SENT_SPLIT = re.compile(rf"[{INNER_END}][{CLOSERS}]*")
# The closing call of a document (``让我们更加紧密地团结在以习近平同志为核心的党中央周围…``)
# speaks for the whole document, not for the last numbered item above it.
_CLOSING = re.compile(r"^(?:\S{0,12}！)?让我们|团结在以习近平同志为(?:核心|总书记)的党中央周围")
_CLOSING_WINDOW = 3  # it is one of the last paragraphs, with only plain paragraphs after it


@dataclass(frozen=True)
class SegmentSettings:
    """Bounds for clause sizes, in characters.

    Measured with ``python -m ingest.lengths corpus ../shared/realdocs`` (1,888 clauses):
    p25 56, p50 124, p75 224, p90 336, p95 432, p99 597; on laws (宪法, 民法典, 刑法: 2,286
    articles) p50 84, p95 263, p99 403. ``max_chars=600`` sits at the policy p99: it keeps
    95+% of paragraphs whole (an official cites a whole 条/款/项) and only cuts the walls of
    the five-year plans and flattened tables, at sentence or row ends; articles are never
    cut. ``min_chars=20`` is below the p10 (27): shorter unlabelled pieces are stray lines
    or table cells that cannot answer a query alone. The retrieval eval will tune both.
    """

    max_chars: int = 600
    min_chars: int = 20
    max_heading_chars: int = 60


@dataclass(frozen=True)
class _Draft:
    path: tuple[str, ...]
    label: str
    start: int
    end: int
    whole: bool = False  # an article or a table piece: never split or merged
    prefix: str = ""  # a table piece's repeated caption and header rows


def _heading_title(text: str) -> str:
    """The heading part of a paragraph: its first sentence, with the punctuation that ends it
    (``（五）培育发展西安都市圈。发挥…`` → ``（五）培育发展西安都市圈。``), as in the document."""
    m = _SENT_SPLIT.search(text)
    return text[: m.end()] if m else text.rstrip()


def _is_heading_only(text: str, kind: HeadingKind, next_kind: HeadingKind | None, hint: int | None,
                     settings: SegmentSettings) -> bool:
    """A heading without body text: it goes into the path of what follows."""
    if hint is not None and kind.is_hint:
        return True
    if len(text) > settings.max_heading_chars:
        return False
    inner = re.sub(rf"[。；;：:][{CLOSERS}]*$", "", text)
    if re.search(rf"[{INNER_END}]", inner):
        return False
    # one-sentence items in a row (``1．…。`` ``2．…。``) are clauses, not headings, and so
    # is a full sentence with clauses of its own (``十五、市、区人大常委会应当…，加强监督。``)
    return not (ends_sentence(text) and (next_kind == kind or "，" in text))


def _enumerations(text: str, base: int, path: tuple[str, ...]) -> list[_Draft]:
    """A plain paragraph, cut before each enumerated point (``一是…。二是…``) that counts on."""
    cuts: list[tuple[int, str]] = []
    expected = None
    for m in _ENUM_INNER.finditer(text):
        n = cn_value(m.group(1))
        if (m.start() == 0) or n == 1 or n == expected:
            cuts.append((m.start(), m.group()))
            expected = n + 1
    if not cuts:
        return [_Draft(path, "", base, base + len(text))]
    drafts = []
    if cuts[0][0] > 0:
        drafts.append(_Draft(path, "", base, base + cuts[0][0]))
    for (start, label), nxt in zip(cuts, cuts[1:] + [(len(text), "")]):
        drafts.append(_Draft(path, label, base + start, base + nxt[0]))
    return drafts


def _merge_tiny(drafts: list[_Draft], text: str, settings: SegmentSettings) -> list[_Draft]:
    """Merge a tiny unlabelled draft into the one before it (or that one into it)."""
    out: list[_Draft] = []
    for d in drafts:
        tiny = not d.whole and not d.label and len(text[d.start : d.end].strip()) < settings.min_chars
        adjacent = bool(out) and out[-1].path == d.path and not text[out[-1].end : d.start].strip()
        if tiny and adjacent and not out[-1].whole:
            out[-1] = replace(out[-1], end=d.end)
        elif adjacent and not out[-1].whole and not out[-1].label and not d.whole and not d.label \
                and len(text[out[-1].start : out[-1].end].strip()) < settings.min_chars:
            # forward only into unlabelled text: a numbered clause must start at its number
            out[-1] = replace(d, start=out[-1].start)
        else:
            out.append(d)
    return out


def _split_long(d: _Draft, text: str, settings: SegmentSettings) -> list[_Draft]:
    """Cut a long draft at sentence ends or line ends (table rows), each piece at most
    ``max_chars`` unless one sentence alone is longer."""
    if d.whole or d.end - d.start <= settings.max_chars:
        return [d]
    body = text[d.start : d.end]
    bounds = sorted({m.end() for m in _SENT_SPLIT.finditer(body)} | {m.end() for m in re.finditer("\n", body)})
    if not bounds or bounds[-1] != len(body):
        bounds.append(len(body))
    pieces, start, last = [], 0, 0
    for b in bounds:
        if b - start > settings.max_chars and last > start:
            pieces.append((start, last))
            start = last
        last = b
    pieces.append((start, len(body)))
    return [replace(d, start=d.start + a, end=d.start + b) for a, b in pieces]


@dataclass(frozen=True)
class _Doc:
    """The paragraphs being cut, their offsets in the document text and their heading kinds
    (None for a plain paragraph or a table)."""

    paragraphs: Sequence[Paragraph]
    offsets: tuple[int, ...]
    kinds: tuple[HeadingKind | None, ...]
    text: str

    @classmethod
    def of(cls, paragraphs: Sequence[Paragraph]) -> _Doc:
        """The document text is the paragraphs joined by newlines."""
        offsets, pos = [], 0
        for p in paragraphs:
            offsets.append(pos)
            pos += len(p.text) + 1
        return cls(paragraphs, tuple(offsets), tuple(_kind_of(p) for p in paragraphs),
                   "\n".join(p.text for p in paragraphs))

    def end_of(self, j: int) -> int:
        """The offset where paragraph ``j`` ends."""
        return self.offsets[j] + len(self.paragraphs[j].text)

    def plain(self, j: int) -> bool:
        """Paragraph ``j`` is body text: no heading, no table."""
        return self.kinds[j] is None and not self.paragraphs[j].table

    def boxes(self, lo: int, hi: int) -> tuple[Box, ...]:
        """The boxes of the lines that the text ``[lo, hi)`` touches, in order."""
        out: list[Box] = []
        j = max(bisect_right(self.offsets, lo) - 1, 0)
        while j < len(self.paragraphs) and self.offsets[j] < hi:
            p, base = self.paragraphs[j], self.offsets[j]
            if p.line_boxes:
                out += span_boxes([s for s, _ in p.line_starts], p.line_boxes, len(p.text), lo - base, hi - base)
            j += 1
        return unique(out)

    def next_kind(self, i: int) -> HeadingKind | None:
        """The heading kind of the paragraph after ``i`` (None at the end)."""
        return self.kinds[i + 1] if i + 1 < len(self.kinds) else None


def segment(
    paragraphs: Sequence[Paragraph], settings: SegmentSettings = SegmentSettings()
) -> tuple[str, tuple[Clause, ...]]:
    """Turn paragraphs into the document text (paragraphs joined by newlines) and its clauses."""
    doc = _Doc.of(paragraphs)
    outline = Outline()
    closing = _closing_start(doc)
    drafts: list[_Draft] = []
    i = 0
    while i < len(paragraphs):
        if i == closing:
            outline.clear()
        i = _cut(doc, i, outline, drafts, settings)
    drafts = _merge_tiny(drafts, doc.text, settings)
    pieces = [piece for d in drafts for piece in _split_long(d, doc.text, settings)]
    return doc.text, _clauses(doc, pieces)


def _cut(doc: _Doc, i: int, outline: Outline, drafts: list[_Draft], settings: SegmentSettings) -> int:
    """Draft the clauses of paragraph ``i`` (and of the paragraphs that belong to it);
    return the index of the next paragraph to cut."""
    p, kind, base = doc.paragraphs[i], doc.kinds[i], doc.offsets[i]
    path = outline.path
    if p.table:
        drafts.extend(_Draft(path, "", base + c.start, base + c.end, True, c.prefix)
                      for c in table_chunks(p, settings.max_chars))
    elif kind is HeadingKind.TIAO:
        return _article(doc, i, outline, drafts)
    elif kind is HeadingKind.LEAD:
        m = LEAD.match(p.text)
        drafts.append(_Draft(path, m.group(1) if m else "——", base, base + len(p.text)))
    elif kind is not None:
        return _numbered(doc, i, outline, drafts, settings)
    else:
        drafts.extend(_enumerations(p.text, base, path))
    return i + 1


def _article(doc: _Doc, i: int, outline: Outline, drafts: list[_Draft]) -> int:
    """An article 第X条 with all its paragraphs, up to the next article, heading or table."""
    outline.open(HeadingKind.TIAO)
    j = i + 1
    while j < len(doc.paragraphs) and not doc.paragraphs[j].table and not (
            (k := doc.kinds[j]) is not None and (k.is_statute or k.is_hint or k is HeadingKind.NAMED)):
        j += 1
    p = doc.paragraphs[i]
    drafts.append(_Draft(outline.path, heading_number(p.text), doc.offsets[i], doc.end_of(j - 1), True))
    return j


def _numbered(doc: _Doc, i: int, outline: Outline, drafts: list[_Draft], settings: SegmentSettings) -> int:
    """A paragraph that starts with a heading number (or a reader's heading level)."""
    p, kind, base = doc.paragraphs[i], doc.kinds[i], doc.offsets[i]
    rank = outline.open(kind)
    path = outline.path
    label = heading_number(p.text)
    if _is_heading_only(p.text, kind, doc.next_kind(i), p.hint, settings):
        next_level = outline.level(doc.next_kind(i))
        if i + 1 >= len(doc.paragraphs) or (next_level is not None and next_level <= rank):
            drafts.append(_Draft(path, label, base, base + len(p.text)))  # heads nothing: keep it
        else:
            # ``前 言`` is letter-spaced in extracted text; the name itself has no space
            outline.push(rank, re.sub(r"\s+", "", p.text) if kind is HeadingKind.NAMED else p.text.strip())
        return i + 1
    title = _heading_title(p.text)
    if len(title) <= settings.max_heading_chars and not (title == p.text and "，" in title):
        drafts.append(_Draft(path, label, base, base + len(p.text)))
        outline.push(rank, title)
        return i + 1
    # a numbered paragraph, not a heading: its unnumbered follow-on paragraphs belong to it
    # (a decision's ``二、…。`` + ``本市…``), like an article's
    j = i + 1
    while j < len(doc.paragraphs) and doc.plain(j):
        j += 1
    drafts.append(_Draft(path, label, base, doc.end_of(j - 1)))
    return j


def _clauses(doc: _Doc, drafts: Sequence[_Draft]) -> tuple[Clause, ...]:
    """The clauses of the drafts: surrounding whitespace trimmed, empty ones dropped."""
    text, clauses = doc.text, []
    for d in drafts:
        start, end = d.start, d.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        clauses.append(Clause(
            ordinal=len(clauses),
            path=d.path,
            label=d.label,
            text=d.prefix + text[start:end],
            page_start=_page(doc, start),
            page_end=_page(doc, end - 1),
            char_start=start,
            char_end=end,
            boxes=doc.boxes(start, end),
        ))
    return tuple(clauses)


def _closing_start(doc: _Doc) -> int | None:
    """The index of the document's closing call, when one of its last plain paragraphs is one."""
    n = len(doc.paragraphs)
    start = n
    while start > 0 and doc.plain(start - 1) and n - start < _CLOSING_WINDOW:
        start -= 1
    for i in range(start, n):
        if _CLOSING.search(doc.paragraphs[i].text):
            return i
    return None


def _kind_of(p: Paragraph) -> HeadingKind | None:
    """The heading kind of a paragraph: its number's, else the reader's level; None for a table."""
    if p.table:
        return None
    kind = heading_kind(p.text)
    if kind is None and p.hint is not None:
        return HeadingKind.from_hint(p.hint)
    return kind


def _page(doc: _Doc, pos: int) -> int | None:
    """The page of the character at ``pos`` in the document text."""
    lo, hi = 0, len(doc.offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc.offsets[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return doc.paragraphs[lo].page_at(pos - doc.offsets[lo])
