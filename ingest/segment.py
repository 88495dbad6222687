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
Long clauses are split at sentence ends, tiny unlabelled ones merged with a neighbour
(bounds in ``SegmentSettings``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from ingest.normalize import ENUM_START, Paragraph, ends_sentence
from ingest.records import Clause

_CN = "一二三四五六七八九十百千零〇两"
_NUM = rf"[{_CN}\d]+"
# (kind, pattern of the number prefix); order matters: 第X条 before the generic ones.
_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bian", re.compile(rf"^第{_NUM}(?:[编篇]|部分)(?=[\s　]|$|[^\s的中])")),
    ("zhang", re.compile(rf"^第{_NUM}章(?=[\s　]|$|[^\s的中])")),
    ("jie", re.compile(rf"^第{_NUM}节(?=[\s　]|$|[^\s的中])")),
    ("tiao", re.compile(rf"^第{_NUM}条(?:之[{_CN}]+)?(?=[\s　]|$|[^\s的规所至、，,和或中第之及])")),
    ("cn", re.compile(rf"^[{_CN}]{{1,4}}[、．.](?![\d])")),
    ("pcn", re.compile(rf"^[（(][{_CN}]{{1,4}}[）)]")),
    ("num", re.compile(r"^\d{1,2}[.．、](?![\d.．])")),
    ("pnum", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circ", re.compile(r"^[①-⑳]")),
)
_LEAD = re.compile(r"^——(.{2,30}?)(?:[。：:]|$)")
_ARTICLE_STOP = {"bian", "zhang", "jie", "tiao"}
_ENUM_INNER = re.compile(rf"(?:^|(?<=[。；;！？：:]))([一二三四五六七八九十]{{1,3}})是")
_SENT_SPLIT = re.compile(r"[。！？；!?;][”’」』）)】》]*")


@dataclass(frozen=True)
class SegmentSettings:
    """Bounds for clause sizes, in characters.

    Defaults measured on corpus/ + realdocs (see the engineer's note): paragraphs of
    policy texts have a median of ~150 characters and a 95th percentile of ~600; 600
    keeps almost every paragraph whole while splitting the 1,000+ character walls of the
    five-year plans. Fragments under 20 characters are table cells or stray lines.
    """

    max_chars: int = 600
    min_chars: int = 20
    max_heading_chars: int = 60


def heading_kind(text: str) -> str | None:
    """The heading kind of a paragraph's number prefix (``"pcn"`` for ``（五）…``), or None."""
    for kind, pattern in _HEADINGS:
        if pattern.match(text):
            return kind
    if _LEAD.match(text):
        return "lead"
    return None


def heading_number(text: str) -> str:
    """The number prefix of a heading: ``"三、优化…"`` → ``"三、"``, ``"（五）培育…"`` →
    ``"（五）"``, ``"第三章 总则"`` → ``"第三章"``, ``"1．加快…"`` → ``"1．"``; "" when none."""
    for _, pattern in _HEADINGS:
        m = pattern.match(text)
        if m:
            return m.group()
    return ""


def is_marker(text: str) -> bool:
    """True when a line starts a heading, an article, a lead-in or an enumerated point."""
    return heading_kind(text) is not None or bool(ENUM_START.match(text))


def _cn_value(numeral: str) -> int:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + digits.get(numeral[1:], 0)
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return digits.get(tens, 0) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(numeral, 0)


@dataclass(frozen=True)
class _Draft:
    path: tuple[str, ...]
    label: str
    start: int
    end: int
    whole: bool = False  # an article: never split or merged


def _heading_title(text: str) -> str:
    """The heading part of a paragraph: up to its first sentence end, without that punctuation."""
    m = _SENT_SPLIT.search(text)
    head = text[: m.start()] if m else text
    return head.rstrip("：:，, ")


def _is_heading_only(text: str, kind: str, next_kind: str | None, hint: int | None, settings: SegmentSettings) -> bool:
    if hint is not None and kind.startswith("h"):
        return True
    if len(text) > settings.max_heading_chars:
        return False
    inner = re.sub(r"[。；;：:][”’」』）)】》]*$", "", text)
    if re.search(r"[。！？；!?;]", inner):
        return False
    # one-sentence items in a row (``1．…。`` ``2．…。``) are clauses, not headings
    return not (ends_sentence(text) and next_kind == kind)


def _enumerations(text: str, base: int, path: tuple[str, ...]) -> list[_Draft]:
    cuts: list[tuple[int, str]] = []
    expected = None
    for m in _ENUM_INNER.finditer(text):
        n = _cn_value(m.group(1))
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
        elif adjacent and not out[-1].whole and not out[-1].label and not d.whole \
                and len(text[out[-1].start : out[-1].end].strip()) < settings.min_chars:
            out[-1] = replace(d, start=out[-1].start)
        else:
            out.append(d)
    return out


def _split_long(d: _Draft, text: str, settings: SegmentSettings) -> list[_Draft]:
    if d.whole or d.end - d.start <= settings.max_chars:
        return [d]
    body = text[d.start : d.end]
    bounds = [m.end() for m in _SENT_SPLIT.finditer(body)]
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
    rank: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    drafts: list[_Draft] = []

    def open_level(kind: str) -> int:
        r = rank.setdefault(kind, len(rank))
        while stack and stack[-1][0] >= r:
            stack.pop()
        return r

    i = 0
    while i < len(paragraphs):
        p, kind, base = paragraphs[i], kinds[i], offsets[i]
        path = tuple(t for _, t in stack)
        if kind == "tiao":
            open_level(kind)
            path = tuple(t for _, t in stack)
            j = i + 1
            while j < len(paragraphs) and kinds[j] not in _ARTICLE_STOP and not (kinds[j] or "").startswith("h"):
                j += 1
            drafts.append(_Draft(path, heading_number(p.text), base, offsets[j - 1] + len(paragraphs[j - 1].text), True))
            i = j
            continue
        if kind == "lead":
            m = _LEAD.match(p.text)
            drafts.append(_Draft(path, m.group(1) if m else "——", base, base + len(p.text)))
        elif kind is not None:
            r = open_level(kind)
            path = tuple(t for _, t in stack)
            next_kind = kinds[i + 1] if i + 1 < len(paragraphs) else None
            label = heading_number(p.text)
            if _is_heading_only(p.text, kind, next_kind, p.hint, settings):
                last = i + 1 >= len(paragraphs)
                heads_nothing = last or (
                    next_kind not in (None, "lead") and rank.get(next_kind, len(rank)) <= r
                )
                if heads_nothing:
                    drafts.append(_Draft(path, label, base, base + len(p.text)))
                else:
                    stack.append((r, p.text.rstrip("。；;：: ")))
            else:
                drafts.append(_Draft(path, label, base, base + len(p.text)))
                stack.append((r, _heading_title(p.text)))
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
                text=text[start:end],
                page_start=_page(paragraphs, offsets, start),
                page_end=_page(paragraphs, offsets, end - 1),
                char_start=start,
                char_end=end,
            )
        )
    return text, tuple(clauses)


def _kind_of(p: Paragraph) -> str | None:
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
