"""Ranking: restrictions (filters, phrases, exclusions), fusion, hits and citations."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from index.query import ParsedQuery
from index.records import Hit, Scored
from index.tokenize import query_words
from ingest.segment import heading_number

MODES = ("hybrid", "lexical", "semantic")


@dataclass(frozen=True)
class SearchSettings:
    """Fusion parameters (recorded in the KB manifest).

    ``fusion``: ``minmax`` (each list's scores scaled to 0–1 by its own min and max, then
    weighted and added; a clause missing from a list gets 0 from it) or ``rrf`` (reciprocal
    rank fusion with constant ``rrf_k``). ``candidates``: depth of the lexical and dense lists
    fed to fusion. Defaults chosen on the train halves of three eval sets (docs/EVALUATION.md):
    min-max 0.5/0.5 over 200 candidates beat RRF k=60 on MRR@10 on every set.
    """

    fusion: str = "minmax"
    rrf_k: int = 10
    candidates: int = 200
    lexical_weight: float = 0.5
    dense_weight: float = 0.5


def fuse(lexical: list, dense: list, *, settings: SearchSettings) -> list[Scored]:
    """Fuse two ranked lists of records with ``clause_id`` and ``score`` (see SearchSettings)."""
    if settings.fusion not in ("minmax", "rrf"):
        raise ValueError(f"unknown fusion {settings.fusion!r}; use minmax or rrf")
    scores: dict[int, float] = {}
    for weight, ranked in ((settings.lexical_weight, lexical), (settings.dense_weight, dense)):
        if not ranked:
            continue
        if settings.fusion == "rrf":
            parts = [1.0 / (settings.rrf_k + rank) for rank in range(1, len(ranked) + 1)]
        else:
            hi, lo = max(h.score for h in ranked), min(h.score for h in ranked)
            # a list whose scores are all equal (e.g. one hit) gives each of them full weight
            parts = [(h.score - lo) / (hi - lo) if hi > lo else 1.0 for h in ranked]
        for h, part in zip(ranked, parts):
            scores[h.clause_id] = scores.get(h.clause_id, 0.0) + weight * part
    # ties (equal fused score) keep the lexical-first order of insertion
    order = sorted(scores.items(), key=lambda kv: -kv[1])
    return [Scored(clause_id=c, score=s) for c, s in order]


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


def matched_terms(pq: ParsedQuery, text: str) -> tuple[str, ...]:
    """The query's terms (or, failing a whole term, its words) that occur in ``text``, longest first."""
    found: list[str] = []
    for phrase in pq.phrases:
        if phrase in text:
            found.append(phrase)
    for term in pq.terms:
        if term in text:
            found.append(term)
            continue
        for w in query_words(term):
            if len(w) > 1 and w in text:
                found.append(w)
    uniq = sorted(set(found), key=lambda s: (-len(s), s))
    # drop a word already covered by a longer matched word
    return tuple(w for i, w in enumerate(uniq) if not any(w in longer for longer in uniq[:i]))


def make_hit(*, rank: int, score: float, row: tuple, pq: ParsedQuery) -> Hit:
    """Build a Hit from a ``Store.hit_rows`` row."""
    clause_id, doc_id, text, path_json, label, p0, p1, title, number, date = row
    path = tuple(json.loads(path_json))
    return Hit(
        rank=rank, score=float(score), text=text, matched=matched_terms(pq, text), doc_title=title,
        doc_number=number, date=date, path=path, label=label, page_start=p0, page_end=p1,
        citation=citation(title=title, path=path, label=label, doc_number=number, page_start=p0, page_end=p1),
        clause_id=int(clause_id), doc_id=int(doc_id),
    )


def mark(text: str, matched: tuple[str, ...], *, left: str = "【", right: str = "】") -> str:
    """``text`` with every occurrence of the matched terms wrapped in ``left``/``right``."""
    if not matched:
        return text
    pattern = re.compile("|".join(re.escape(m) for m in sorted(matched, key=len, reverse=True)))
    return pattern.sub(lambda m: f"{left}{m.group(0)}{right}", text)
