"""Clause segmentation with hierarchy.

Heading kinds: 第X编/篇, 第X章, 第X节, 第X条, 一、, （一）, 1./1．, （1）, ①, and the
reader's heading hints (DOCX styles, markdown ``#``). Their nesting is learned from the
document: the first kind seen is the top level, the next new kind one level deeper, and
so on; a heading pops every open heading of its own level or deeper, so numbering that
runs on across chapters (seed 003: ``（四）`` after ``三、``) nests correctly.

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
from dataclasses import dataclass, replace
from typing import Sequence

from ingest.headings import LEAD, cn_value, heading_kind, heading_number, is_marker
from ingest.normalize import Paragraph, ends_sentence
from ingest.records import Clause
from ingest.tables import table_chunks

__all__ = ["SegmentSettings", "heading_kind", "heading_number", "is_marker", "segment"]

_ARTICLE_STOP = {"bian", "zhang", "jie", "tiao"}
_STATUTE_ORDER = ["bian", "zhang", "jie", "tiao"]
_ENUM_INNER = re.compile(r"(?:^|(?<=[。；;！？：:]))([一二三四五六七八九十]{1,3})是")
_SENT_SPLIT = re.compile(r"[。！？；!?;][”’」』）)】》]*")
# Ranks below every learned level: an attached document's title (reader hint 0) and a
# section name such as 前言 (popped again by the next top-level heading).
_ANNEX_RANK, _NAMED_RANK = -20, -10
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


def _is_heading_only(text: str, kind: str, next_kind: str | None, hint: int | None, settings: SegmentSettings) -> bool:
    if hint is not None and kind.startswith("h"):
        return True
    if len(text) > settings.max_heading_chars:
        return False
    inner = re.sub(r"[。；;：:][”’」』）)】》]*$", "", text)
    if re.search(r"[。！？；!?;]", inner):
        return False
    # one-sentence items in a row (``1．…。`` ``2．…。``) are clauses, not headings, and so
    # is a full sentence with clauses of its own (``十五、市、区人大常委会应当…，加强监督。``)
    return not (ends_sentence(text) and (next_kind == kind or "，" in text))


def _enumerations(text: str, base: int, path: tuple[str, ...]) -> list[_Draft]:
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


def segment(
    paragraphs: Sequence[Paragraph], settings: SegmentSettings = SegmentSettings()
) -> tuple[str, tuple[Clause, ...]]:
    """Turn paragraphs into the document text (paragraphs joined by newlines) and its clauses."""
    offsets, pos = [], 0
    for p in paragraphs:
        offsets.append(pos)
        pos += len(p.text) + 1
    text = "\n".join(p.text for p in paragraphs)
    kinds = [_kind_of(p) for p in paragraphs]
    rank: dict[str, float] = {}
    stack: list[tuple[float, str]] = []
    drafts: list[_Draft] = []

    def open_level(kind: str) -> float:
        if kind == "h0":
            r = _ANNEX_RANK
        elif kind == "named":
            r = _NAMED_RANK
        else:
            r = rank.setdefault(kind, _new_rank(kind, rank))
        # a top-level heading also closes a section name (前言 … 第一章)
        top = r <= min(rank.values(), default=r)
        while stack and (stack[-1][0] >= r or (top and stack[-1][0] == _NAMED_RANK)):
            stack.pop()
        return r

    def level_of(kind: str | None) -> float | None:
        if kind in (None, "lead", "table"):
            return None
        return {"h0": _ANNEX_RANK, "named": _NAMED_RANK}.get(kind, rank.get(kind, _new_rank(kind, rank)))

    def end_of(j: int) -> int:
        return offsets[j] + len(paragraphs[j].text)

    closing = _closing_start(paragraphs, kinds)
    i = 0
    while i < len(paragraphs):
        p, kind, base = paragraphs[i], kinds[i], offsets[i]
        if i == closing:
            stack.clear()
        path = tuple(t for _, t in stack)
        if kind == "tiao":
            open_level(kind)
            path = tuple(t for _, t in stack)
            j = i + 1
            while j < len(paragraphs) and kinds[j] not in _ARTICLE_STOP and not (kinds[j] or "").startswith("h") \
                    and kinds[j] not in ("named", "table"):
                j += 1
            drafts.append(_Draft(path, heading_number(p.text), base, end_of(j - 1), True))
            i = j
            continue
        if kind == "table":
            drafts.extend(_Draft(path, "", base + c.start, base + c.end, True, c.prefix)
                          for c in table_chunks(p, settings.max_chars))
        elif kind == "lead":
            m = LEAD.match(p.text)
            drafts.append(_Draft(path, m.group(1) if m else "——", base, base + len(p.text)))
        elif kind is not None:
            r = open_level(kind)
            path = tuple(t for _, t in stack)
            next_kind = kinds[i + 1] if i + 1 < len(paragraphs) else None
            label = heading_number(p.text)
            if _is_heading_only(p.text, kind, next_kind, p.hint, settings):
                next_level = level_of(next_kind)
                if i + 1 >= len(paragraphs) or (next_level is not None and next_level <= r):
                    drafts.append(_Draft(path, label, base, base + len(p.text)))  # heads nothing: keep it
                else:
                    # ``前 言`` is letter-spaced in extracted text; the name itself has no space
                    stack.append((r, re.sub(r"\s+", "", p.text) if kind == "named" else p.text.strip()))
            else:
                title = _heading_title(p.text)
                if len(title) <= settings.max_heading_chars and not (title == p.text and "，" in title):
                    drafts.append(_Draft(path, label, base, base + len(p.text)))
                    stack.append((r, title))
                else:
                    # a numbered paragraph, not a heading: its unnumbered follow-on paragraphs
                    # belong to it (a decision's ``二、…。`` + ``本市…``), like an article's
                    j = i + 1
                    while j < len(paragraphs) and kinds[j] is None:
                        j += 1
                    drafts.append(_Draft(path, label, base, end_of(j - 1)))
                    i = j
                    continue
        else:
            drafts.extend(_enumerations(p.text, base, path))
        i += 1

    drafts = _merge_tiny(drafts, text, settings)
    clauses = []
    for d in (piece for d in drafts for piece in _split_long(d, text, settings)):
        start, end = d.start, d.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        clauses.append(
            Clause(
                ordinal=len(clauses),
                path=d.path,
                label=d.label,
                text=d.prefix + text[start:end],
                page_start=_page(paragraphs, offsets, start),
                page_end=_page(paragraphs, offsets, end - 1),
                char_start=start,
                char_end=end,
            )
        )
    return text, tuple(clauses)


def _closing_start(paragraphs: Sequence[Paragraph], kinds: list[str | None]) -> int | None:
    """The index of the document's closing call, when one of its last plain paragraphs is one."""
    start = len(paragraphs)
    while start > 0 and kinds[start - 1] is None and len(paragraphs) - start < _CLOSING_WINDOW:
        start -= 1
    for i in range(start, len(paragraphs)):
        if _CLOSING.search(paragraphs[i].text):
            return i
    return None


def _new_rank(kind: str, rank: dict[str, float]) -> float:
    """The level of a kind seen for the first time: one below everything learned so far,
    except that 编 > 章 > 节 > 条 keep their statutory order (a law's first 第一节 comes
    after its first 第一条 and still sits above the articles)."""
    if kind in _STATUTE_ORDER:
        deeper = [rank[k] for k in _STATUTE_ORDER[_STATUTE_ORDER.index(kind) + 1:] if k in rank]
        if deeper:
            return min(deeper) - 0.5
    return max(rank.values(), default=-1) + 1


def _kind_of(p: Paragraph) -> str | None:
    if p.table:
        return "table"
    kind = heading_kind(p.text)
    if kind is None and p.hint is not None:
        return f"h{p.hint}"
    return kind


def _page(paragraphs: Sequence[Paragraph], offsets: list[int], pos: int) -> int | None:
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return paragraphs[lo].page_at(pos - offsets[lo])
