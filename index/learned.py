"""The learned fusion and the relevance estimate: a small logistic model over features of each
candidate clause (both lists' scores and ranks, agreement, clause length, document kind).

``features`` turns a query's lexical and dense candidate lists into one row per candidate;
``estimate`` applies a mode's coefficients (``index.fusion.LearnedSettings``) and gives each
candidate the probability that it is relevant. In 综合 mode that probability is the ranking; in
关键词/语义 mode the list keeps its own order and the probability is only the estimate. The
coefficients were fitted on the train halves of the three eval sets by
``python -m evaluation.fusion_fit`` (numpy logistic regression) and calibrated there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.doc_kinds import ClauseFacts, DocKind
from index.records import Scored

FEATURES: tuple[str, ...] = (
    "bias",
    "lex_ratio",     # BM25 score / the list's top score (0 when not in the lexical list)
    "lex_rr",        # 10 / (10 + lexical rank)
    "lex_log",       # log(1 + BM25 score): absolute lexical evidence
    "dense_cos",     # cosine (the list's lowest when not in the dense list)
    "dense_gap",     # cosine − the list's top cosine
    "dense_rr",      # 10 / (10 + dense rank)
    "both",          # in both lists
    "lex_conf_rr",   # lex_rr × the lexical list's margin (top − 5th) / top: a confident list counts more
    "dense_conf_rr", # dense_rr × (top − 5th cosine) × 10
    "log_len",       # log(clause characters)
    "amendment",     # clause of an amendment decision (index.doc_kinds)
    "lex_minmax",    # BM25 score min-max scaled over the list (0 when not in it)
    "dense_minmax",  # cosine min-max scaled over the list (0 when not in it)
    "lex_cover",     # idf-weighted share of the query's tokens in the clause (index.coverage)
    "cover_x_lex",   # lex_minmax × lex_cover: BM25 evidence counts in proportion to the query it covers
    "cover_sq",      # lex_cover²: near-complete coverage is strong evidence on its own
)
RR_K = 10.0
# what the relevance estimate reads (the other coefficients of the estimate are 0)
ESTIMATE_FEATURES = ("bias", "lex_log", "dense_cos", "both", "log_len", "amendment", "lex_cover", "cover_sq")


def _margin(scores: Sequence[float], *, relative: bool) -> float:
    if not scores:
        return 0.0
    top, fifth = scores[0], scores[min(4, len(scores) - 1)]
    if relative:
        return (top - fifth) / top if top > 0 else 0.0
    return (top - fifth) * 10.0


def _minmax(x: np.ndarray, row: dict[int, int], ranked: Sequence, *, column: int) -> None:
    hi, lo = ranked[0].score, ranked[-1].score
    for r in ranked:
        x[row[r.clause_id], column] = (r.score - lo) / (hi - lo) if hi > lo else 1.0


def features(lexical: Sequence, dense: Sequence, facts: dict[int, ClauseFacts],
             cover: dict[int, float] | None = None) -> tuple[list[int], np.ndarray]:
    """Candidate ids (lexical list first, then dense-only ones) and their feature rows (``FEATURES``);
    ``cover``: clause id -> ``index.coverage.coverage`` (0 when missing)."""
    ids = list(dict.fromkeys([r.clause_id for r in lexical] + [r.clause_id for r in dense]))
    x = np.zeros((len(ids), len(FEATURES)), dtype=np.float64)
    if not ids:
        return ids, x
    row = {c: i for i, c in enumerate(ids)}
    x[:, 0] = 1.0
    if lexical:
        top = lexical[0].score or 1.0
        conf = _margin([r.score for r in lexical], relative=True)
        for rank, r in enumerate(lexical, start=1):
            i = row[r.clause_id]
            rr = RR_K / (RR_K + rank)
            x[i, 1], x[i, 2], x[i, 3], x[i, 8] = r.score / top, rr, math.log1p(max(r.score, 0.0)), rr * conf
        _minmax(x, row, lexical, column=12)
    if dense:
        top, low = dense[0].score, dense[-1].score
        conf = _margin([r.score for r in dense], relative=False)
        x[:, 4], x[:, 5] = low, low - top
        for rank, r in enumerate(dense, start=1):
            i = row[r.clause_id]
            rr = RR_K / (RR_K + rank)
            x[i, 4], x[i, 5], x[i, 6], x[i, 9] = r.score, r.score - top, rr, rr * conf
            x[i, 7] = 1.0 if x[i, 2] > 0 else 0.0
        _minmax(x, row, dense, column=13)
    cover = cover or {}
    for c, i in row.items():
        x[i, 14] = cover.get(c, 0.0)
        x[i, 15], x[i, 16] = x[i, 12] * x[i, 14], x[i, 14] ** 2
        f = facts.get(c)
        if f is not None:
            x[i, 10] = math.log(max(f.length, 1))
            x[i, 11] = 1.0 if f.kind == DocKind.AMENDMENT else 0.0
    return ids, x


def estimate(x: np.ndarray, coefficients: Sequence[float]) -> np.ndarray:
    """P(relevant) of each feature row under a mode's coefficients."""
    if len(x) == 0:
        return np.zeros(0)
    z = x @ np.asarray(coefficients, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class LearnedModel:
    """Coefficients over ``FEATURES`` (fitted by ``python -m evaluation.fusion_fit`` on the train
    halves of the own set, NCP and STARD, each set weighing the same; e5-int8 KBs, 200 candidates).

    ``rank``: listwise (softmax) fit, the 综合 ranking. On train, MRR@10 / R@5 / R@10 / R@100
    against min-max 0.5/0.5: STARD 0.506/0.517/0.597/0.820 vs 0.487/0.505/0.580/0.819; NCP
    0.722/0.831/0.893/0.958 vs 0.711/0.811/0.889/0.958; own 0.959/0.973/0.973/1.000 vs
    0.976/0.973/1.000/1.000 (one of 37 queries from 1st to 2nd). ``hybrid``/``lexical``:
    logistic fits on the first 3 hits each train query shows in that mode, over the
    absolute features only (``ESTIMATE_FEATURES``: ranks, ratios and min-max scalings depend on
    the size of the KB), the relevance estimate of a hit in each mode (reliability tables in
    docs/EVALUATION.md, "Search quality (issue 15)"). 语义 mode uses ``hybrid`` with the BM25
    scores of its candidates (``index.search.Searcher._estimates``).
    """

    rank: tuple[float, ...] = (-0.0000, 0.0266, -1.0493, -0.3504, 0.8082, 0.8082, 1.2760, 0.9610, 4.8360, 2.7154,
                                0.4183, -0.9980, 2.5580, 1.6930, 4.4204, 0.4833, -0.7192)
    hybrid: tuple[float, ...] = (-3.0918, 0.0000, 0.0000, 0.6444, -2.0336, 0.0000, 0.0000, -0.5309, 0.0000, 0.0000,
                                  0.2167, -0.4020, 0.0000, 0.0000, 3.1472, 0.0000, 1.4787)
    lexical: tuple[float, ...] = (-5.9203, 0.0000, 0.0000, 0.4650, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000,
                                   0.3709, -0.7545, 0.0000, 0.0000, 3.5561, 0.0000, 1.5507)


MODEL = LearnedModel()


def learned_ranking(lexical: Sequence, dense: Sequence, facts: dict[int, ClauseFacts],
                    cover: dict[int, float] | None = None, *, model: LearnedModel = MODEL) -> list[Scored]:
    """The candidates ordered by the listwise score (the score kept is that linear score)."""
    ids, x = features(lexical, dense, facts, cover)
    if not ids:
        return []
    z = x @ np.asarray(model.rank, dtype=np.float64)
    order = np.argsort(-z, kind="stable")  # ties keep the lexical-first order
    return [Scored(clause_id=ids[i], score=float(z[i])) for i in order]


def relevance(lexical: Sequence, dense: Sequence, facts: dict[int, ClauseFacts],
              cover: dict[int, float] | None = None, *, mode: str, model: LearnedModel = MODEL) -> dict[int, float]:
    """Clause id -> calibrated P(relevant) under the mode's coefficients (``mode``: hybrid or lexical)."""
    ids, x = features(lexical, dense, facts, cover)
    return dict(zip(ids, (float(p) for p in estimate(x, getattr(model, str(mode))))))
