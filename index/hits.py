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


def make_hit(*, rank: int, score: float, row: HitRow, pq: ParsedQuery) -> Hit:
    """Build a Hit from a ``Store.hit_rows`` row."""
    return Hit(
        rank=rank, score=float(score), text=row.text, matched=pq.matched_in(row.text), doc_title=row.title,
        doc_number=row.doc_number, date=row.date, path=row.path, label=row.label, page_start=row.page_start,
        page_end=row.page_end,
        citation=citation(title=row.title, path=row.path, label=row.label, doc_number=row.doc_number,
                          page_start=row.page_start, page_end=row.page_end),
        clause_id=row.clause_id, doc_id=row.doc_id,
    )


def unique_hits(ranked: Sequence[Scored], rows: dict[int, HitRow], *, pq: ParsedQuery, k: int) -> list[Hit]:
    """The first ``k`` hits of ``ranked`` whose clause text was not already shown: the same
    document ingested twice (its PDF and its DOCX, a .txt copy) must not fill the list twice."""
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
        hits.append(make_hit(rank=len(hits) + 1, score=r.score, row=row, pq=pq))
        if len(hits) == k:
            break
    return hits


def mark(text: str, matched: tuple[str, ...], *, left: str = "【", right: str = "】") -> str:
    """``text`` with every occurrence of the matched terms wrapped in ``left``/``right``."""
    if not matched:
        return text
    pattern = re.compile("|".join(re.escape(m) for m in sorted(matched, key=len, reverse=True)))
    return pattern.sub(lambda m: f"{left}{m.group(0)}{right}", text)
