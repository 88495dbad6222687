"""Hits: a ranked clause turned into a result ready to cite (citation, page label,
highlighted words), and the marking of matched words in plain text."""
from __future__ import annotations

import re
from typing import Sequence

from index.query import ParsedQuery
from index.records import Hit, HitRow, Scored
from ingest.headings import heading_number


def citation(*, title: str, path: tuple[str, ...], label: str, doc_number: str | None,
             page_start: int | None, page_end: int | None) -> str:
    """《标题》 + heading numbers of the path + label, then （发文字号） and 第N页 / 第N–M页 when known."""
    numbers = [n for n in (heading_number(p) for p in path) if n]
    if label and (not numbers or numbers[-1] != label):
        numbers.append(label)
    out = f"《{title}》" + "".join(numbers)
    if doc_number:
        out += f"（{doc_number}）"
    return out + page_label(page_start, page_end)


def page_label(page_start: int | None, page_end: int | None) -> str:
    """``第3页`` / ``第3–4页``, or "" for formats without pages."""
    if page_start is None:
        return ""
    if page_end is None or page_end == page_start:
        return f"第{page_start}页"
    return f"第{page_start}–{page_end}页"


def make_hit(*, rank: int, score: float, row: HitRow, pq: ParsedQuery, relevance: float | None = None) -> Hit:
    """Build a Hit from a ``Store.hit_rows`` row (``relevance``: the model's estimate, when known)."""
    return Hit(
        rank=rank, score=float(score), text=row.text, matched=pq.matched_in(row.text), doc_title=row.title,
        doc_number=row.doc_number, date=row.date, path=row.path, label=row.label, page_start=row.page_start,
        page_end=row.page_end,
        citation=citation(title=row.title, path=row.path, label=row.label, doc_number=row.doc_number,
                          page_start=row.page_start, page_end=row.page_end),
        clause_id=row.clause_id, doc_id=row.doc_id, relevance=relevance,
    )


def unique_hits(ranked: Sequence[Scored], rows: dict[int, HitRow], *, pq: ParsedQuery, k: int,
                relevance: dict[int, float] | None = None) -> list[Hit]:
    """The first ``k`` hits of ``ranked`` whose clause text was not already shown: the same
    document ingested twice (its PDF and its DOCX, a .txt copy) must not fill the list twice.
    ``relevance``: clause id -> estimate, carried by each hit."""
    relevance = relevance or {}
    hits: list[Hit] = []
    seen: set[str] = set()
    for r in ranked:
        row = rows.get(r.clause_id)
        if row is None:
            continue
        key = row.match_text  # stored at ingest: no match form computed per hit and query
        if key in seen:
            continue
        seen.add(key)
        hits.append(make_hit(rank=len(hits) + 1, score=r.score, row=row, pq=pq, relevance=relevance.get(r.clause_id)))
        if len(hits) == k:
            break
    return hits


NO_GOOD_MATCH = "没有找到足够相关的条款"  # what the CLI and the page say when ``good_match`` is False
MAYBE_RELEVANT = "可能相关"  # the heading of the best few shown anyway
MAYBE_SHOWN = 3
FLOOR_WITHIN = 3  # the floor reads the first hits: a good match lower down is rare, a lucky one is not


def good_match(hits: Sequence[Hit], *, floor: float) -> bool:
    """Whether a result set holds a good match: one of its first ``FLOOR_WITHIN`` hits has a
    relevance estimate of at least ``floor`` (a hit without an estimate counts as good; no hits
    is no good match). On the train halves a floor of 0.1 flags 4 % of the queries in 综合 mode
    (docs/EVALUATION.md, "Search quality (issue 15)")."""
    return any(h.relevance is None or h.relevance >= floor for h in hits[:FLOOR_WITHIN])


def mark(text: str, matched: tuple[str, ...], *, left: str = "【", right: str = "】") -> str:
    """``text`` with every occurrence of the matched terms wrapped in ``left``/``right``."""
    if not matched:
        return text
    pattern = re.compile("|".join(re.escape(m) for m in sorted(matched, key=len, reverse=True)))
    return pattern.sub(lambda m: f"{left}{m.group(0)}{right}", text)
