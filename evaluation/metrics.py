"""Judging one system's ranking of one query, and R@k / MRR@10 / nDCG@10 over a query set."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from evaluation.queries import EvalQuery
from evaluation.relevance import RelevanceRule, cached_match, gold_matcher


@dataclass(frozen=True)
class QueryOutcome:
    """Where one system ranked the gold of one query.

    ``gold_ranks[i]`` is the 1-based rank of the first hit matching gold passage i (None when
    none of the returned hits does); ``relevant_ranks`` are the ranks of all relevant hits.
    """

    qid: str
    kind: str
    system: str
    gold_ranks: tuple[int | None, ...]
    relevant_ranks: tuple[int, ...]
    n_hits: int


def score_hits(query: EvalQuery, hit_texts: Sequence[str], *, system: str, rule: RelevanceRule) -> QueryOutcome:
    """Judge a ranked list of hit texts against the query's gold passages."""
    matchers = [gold_matcher(g, rule) for g in query.gold]
    gold_ranks: list[int | None] = [None] * len(matchers)
    relevant: list[int] = []
    for rank, text in enumerate(hit_texts, start=1):
        hit_rel = False
        for i, m in enumerate(matchers):
            if cached_match(m, text):
                hit_rel = True
                if gold_ranks[i] is None:
                    gold_ranks[i] = rank
        if hit_rel:
            relevant.append(rank)
    return QueryOutcome(query.qid, query.kind, system, tuple(gold_ranks), tuple(relevant), len(hit_texts))


@dataclass(frozen=True)
class Metrics:
    """Mean metrics over a group of queries."""

    n: int
    recall: dict = field(default_factory=dict)  # k -> mean R@k
    mrr10: float = 0.0
    ndcg10: float = 0.0


def recall_at(o: QueryOutcome, k: int) -> float:
    """Share of the query's gold passages matched within the top k."""
    if not o.gold_ranks:
        return 0.0
    return sum(1 for r in o.gold_ranks if r is not None and r <= k) / len(o.gold_ranks)


def mrr_at(o: QueryOutcome, k: int = 10) -> float:
    """1/rank of the first relevant hit within the top k, else 0."""
    first = min(o.relevant_ranks, default=None)
    return 1.0 / first if first is not None and first <= k else 0.0


def ndcg_at(o: QueryOutcome, k: int = 10) -> float:
    """Binary nDCG@k where a hit gains 1 for each gold passage it is the first to match."""
    dcg = sum(1.0 / math.log2(r + 1) for r in o.gold_ranks if r is not None and r <= k)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(o.gold_ranks), k) + 1))
    return min(1.0, dcg / ideal) if ideal else 0.0


def aggregate(outcomes: Sequence[QueryOutcome], ks: Sequence[int]) -> Metrics:
    """Average R@k, MRR@10 and nDCG@10 over ``outcomes``."""
    n = len(outcomes)
    if not n:
        return Metrics(0, {k: 0.0 for k in ks})
    return Metrics(
        n=n,
        recall={k: sum(recall_at(o, k) for o in outcomes) / n for k in ks},
        mrr10=sum(mrr_at(o) for o in outcomes) / n,
        ndcg10=sum(ndcg_at(o) for o in outcomes) / n,
    )


def per_query(row: dict, metric: str) -> float:
    """One query's value of ``metric`` (``mrr10`` or ``r@K``) from a ``--out`` ranks line."""
    if metric == "mrr10":
        first = min(row["relevant_ranks"], default=None)
        return 1.0 / first if first is not None and first <= 10 else 0.0
    k = int(metric.removeprefix("r@"))
    golds = row["gold_ranks"]
    return sum(1 for r in golds if r is not None and r <= k) / len(golds) if golds else 0.0


def paired_bootstrap(old: Sequence[float], new: Sequence[float], *, samples: int = 10000,
                     seed: int = 0) -> tuple[float, float, float]:
    """Mean difference new − old over paired per-query values and its 95 % percentile interval
    (queries resampled with replacement, the same resample for both systems)."""
    import numpy as np

    a, b = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
    if a.shape != b.shape or not len(a):
        raise ValueError("paired_bootstrap needs two equally long, non-empty lists")
    diff = b - a
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(samples, len(diff)))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(diff.mean()), float(lo), float(hi)
