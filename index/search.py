"""Ranking: restrictions (filters, phrases, exclusions), fusion, hits and citations."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from index.query import ParsedQuery
from index.records import Hit
from index.tokenize import query_words

MODES = ("hybrid", "lexical", "semantic")


@dataclass(frozen=True)
class SearchSettings:
    """Fusion parameters (recorded in the KB manifest; the eval engineer tunes them).

    ``candidates``: depth of the lexical and dense lists fed to fusion;
    ``rrf_k``: the reciprocal-rank-fusion constant; weights scale each list.
    """

    fusion: str = "rrf"
    rrf_k: int = 60
    candidates: int = 100
    lexical_weight: float = 1.0
    dense_weight: float = 1.0


@dataclass(frozen=True)
class Ranked:
    """A clause id with the score it is ranked by."""

    clause_id: int
    score: float


def fuse(lexical: list, dense: list, *, settings: SearchSettings) -> list[Ranked]:
    """Reciprocal rank fusion of two ranked lists of records with ``clause_id``."""
    if settings.fusion != "rrf":
        raise ValueError(f"unknown fusion {settings.fusion!r}")
    scores: dict[int, float] = {}
    for weight, ranked in ((settings.lexical_weight, lexical), (settings.dense_weight, dense)):
        for rank, h in enumerate(ranked, start=1):
            scores[h.clause_id] = scores.get(h.clause_id, 0.0) + weight / (settings.rrf_k + rank)
    # ties (equal fused score) keep the lexical-first order of insertion
    order = sorted(scores.items(), key=lambda kv: -kv[1])
    return [Ranked(clause_id=c, score=s) for c, s in order]


_HEADING_FALLBACK = re.compile(
    r"^\s*(第[一二三四五六七八九十百千零〇\d]+[编章节条款篇]|[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[）)]"
    r"|\d+(?:\.\d+)*[、.．]|[一二三四五六七八九十]+是)"
)


def heading_number(text: str) -> str:
    """The number prefix of a heading (``三、``, ``（五）``, ``第三章``); "" when none."""
    try:
        from ingest.segment import heading_number as hn
    except ImportError:  # until the segmenter provides it
        m = _HEADING_FALLBACK.match(text)
        return m.group(1) if m else ""
    return hn(text)


def citation(*, title: str, path: tuple[str, ...], label: str, doc_number: str | None,
             page_start: int | None, page_end: int | None) -> str:
    """《标题》 + heading numbers of the path + label, then （发文字号） and 第N页 / 第N–M页 when known."""
    numbers = [n for n in (heading_number(p) for p in path) if n]
    if label and (not numbers or numbers[-1] != label):
        numbers.append(label)
    out = f"《{title}》" + "".join(numbers)
    if doc_number:
        out += f"（{doc_number}）"
    if page_start is not None:
        if page_end is not None and page_end != page_start:
            out += f"第{page_start}–{page_end}页"
        else:
            out += f"第{page_start}页"
    return out


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
