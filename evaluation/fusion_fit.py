"""Fit and compare fusion variants offline on the lists dumped by ``evaluation.fusion_study``.

``python -m evaluation.fusion_fit artifacts/study/{own,ncp,stard}-train.pkl`` prints, per set,
MRR@10 / R@5 / R@10 / R@100 of each variant (repeated texts dropped as the product does; the
version demotion and indicator promotion are not applied), fits the learned coefficients of the
three modes and prints them with the reliability table of the hybrid estimate.
"""
from __future__ import annotations

import pickle
import sys
from types import SimpleNamespace as NS

import numpy as np

from index.doc_kinds import ClauseFacts, doc_kind
from index.fusion import FusionMethod, SearchSettings, fuse
from index.hits import FLOOR_WITHIN
from index.learned import ESTIMATE_FEATURES, FEATURES, estimate, features

# The estimate reads only absolute features (index.learned.ESTIMATE_FEATURES): ranks, ratios and
# min-max scalings depend on how many clauses a KB has (a 78-clause KB puts an off-topic clause 5th
# of the dense list, 0.009 below the top).


def load(path: str) -> dict:
    """A dump with its facts (length, kind) per clause."""
    with open(path, "rb") as fh:
        d = pickle.load(fh)
    d["facts"] = {c: ClauseFacts(length=v[3], kind=doc_kind(v[2])) for c, v in d["rows"].items()}
    return d


def lists(rec: dict, mode: str) -> tuple[list, list]:
    """The record's lists as the mode sees them."""
    lx = [NS(clause_id=c, score=s) for c, s in rec["lex"]] if mode != "semantic" else []
    dn = [NS(clause_id=c, score=s) for c, s in rec["dense"]] if mode != "lexical" else []
    return lx, dn


def judge(rec: dict, order: list[int], rows: dict) -> tuple[list, list]:
    """(gold ranks, relevant ranks) of a ranking after dropping repeated texts, top 100."""
    gold: list = [None] * rec["n_gold"]
    relevant, seen, rank = [], set(), 0
    for c in order:
        key = rows[c][0]
        if key in seen:
            continue
        seen.add(key)
        rank += 1
        if rank > 100:
            break
        lab = rec["labels"].get(c, ())
        if lab:
            relevant.append(rank)
        for g in lab:
            if gold[g] is None:
                gold[g] = rank
    return gold, relevant


def metrics(outcomes: list) -> dict:
    """Mean MRR@10, R@5, R@10, R@100."""
    def rec_at(g, k):
        return sum(1 for r in g if r is not None and r <= k) / len(g)
    out = {"mrr10": np.mean([1 / min(rel) if rel and min(rel) <= 10 else 0 for _, rel in outcomes])}
    for k in (5, 10, 100):
        out[f"r{k}"] = np.mean([rec_at(g, k) for g, _ in outcomes])
    return out


def run_variant(d: dict, rank_fn) -> dict:
    """Metrics of ``rank_fn(rec) -> ordered ids`` over a dump."""
    return metrics([judge(r, rank_fn(r), d["rows"]) for r in d["records"]])


def fused(settings: SearchSettings):
    """A ranking function through the product's ``fuse``."""
    return lambda rec: [s.clause_id for s in fuse(*lists(rec, "hybrid"), settings=settings)]


def learned(coef, facts):
    """A ranking function through the learned estimate."""
    def rank(rec):
        ids, x = features(*lists(rec, "hybrid"), facts, rec.get("cover"))
        p = estimate(x, coef)
        return [ids[i] for i in np.argsort(-p, kind="stable")]
    return rank


def adaptive(rec: dict) -> list[int]:
    """Min-max fusion whose weights follow each list's confidence: (top − 5th) / (top − last)."""
    lx, dn = lists(rec, "hybrid")
    def conf(ranked):
        if len(ranked) < 2:
            return 1.0
        top, fifth, last = ranked[0].score, ranked[min(4, len(ranked) - 1)].score, ranked[-1].score
        return (top - fifth) / (top - last) if top > last else 1.0
    cl, cd = conf(lx), conf(dn)
    w = cl / (cl + cd) if cl + cd > 0 else 0.5
    settings = SearchSettings(fusion=FusionMethod.MINMAX, lexical_weight=w, dense_weight=1 - w)
    return [s.clause_id for s in fuse(lx, dn, settings=settings)]


def union_top(n: int):
    """Each side's top ``n`` first (interleaved, lexical first), then the min-max order."""
    def rank(rec: dict) -> list[int]:
        lx, dn = lists(rec, "hybrid")
        head = [c for pair in zip([r.clause_id for r in lx[:n]], [r.clause_id for r in dn[:n]]) for c in pair]
        rest = [s.clause_id for s in fuse(lx, dn, settings=SearchSettings(fusion=FusionMethod.MINMAX))]
        return list(dict.fromkeys(head + rest))
    return rank


def design(dumps: list[dict], mode: str, *, set_weights: list[float], rank=None, top: int = 3) -> tuple:
    """Feature rows (``ESTIMATE_FEATURES`` only), labels and weights of the first ``top`` hits each
    query shows (hybrid: in the order of the ``rank`` coefficients): the estimate is calibrated
    on what users see, not on the deep candidates. Each set weighs its weight in all."""
    keep = np.array([f in ESTIMATE_FEATURES for f in FEATURES])
    xs, ys, ws = [], [], []
    for d, sw in zip(dumps, set_weights):
        for rec in d["records"]:
            ids, x = features(*lists(rec, mode), d["facts"], rec.get("cover"))
            if not ids:
                continue
            order = np.argsort(-(x @ rank), kind="stable")[:top] if mode == "hybrid" else np.arange(min(top, len(ids)))
            xs.append(x[order] * keep)
            ys.append(np.array([1.0 if rec["labels"].get(ids[i]) else 0.0 for i in order]))
            ws.append(np.full(len(order), sw / len(d["records"]) / len(order)))
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def fit_logistic(x, y, w, *, ridge: float = 1e-3, iters: int = 30) -> np.ndarray:
    """Weighted L2 logistic regression by Newton steps (constant columns keep coefficient 0)."""
    active = x.std(axis=0) > 0
    active[0] = True
    xa = x[:, active]
    beta = np.zeros(xa.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(xa @ beta, -30, 30)))
        g = xa.T @ (w * (p - y)) + ridge * beta
        h = (xa * (w * p * (1 - p))[:, None]).T @ xa + ridge * np.eye(xa.shape[1])
        step = np.linalg.solve(h, g)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    out = np.zeros(x.shape[1])
    out[active] = beta
    return out


def reliability(dumps: list[dict], coef, mode: str, rank, bins=(0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1.0001)):
    """Rows (bin, n, mean estimate, share relevant) for the top hit of each query."""
    est, rel = [], []
    for d in dumps:
        for rec in d["records"]:
            ids, x = features(*lists(rec, mode), d["facts"], rec.get("cover"))
            if not ids:
                continue
            p = estimate(x, coef)
            i = int(np.argmax(x @ rank)) if mode == "hybrid" else 0
            est.append(p[i])
            rel.append(1.0 if rec["labels"].get(ids[i]) else 0.0)
    est, rel = np.array(est), np.array(rel)
    rows = []
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (est >= lo) & (est < hi)
        if m.any():
            rows.append((f"{lo:.1f}–{min(hi, 1):.1f}", int(m.sum()), est[m].mean(), rel[m].mean()))
    return rows


def query_blocks(dumps: list[dict], *, set_weights: list[float], drop: tuple[str, ...] = ()) -> list[tuple]:
    """Per query with a relevant candidate: (feature rows, target distribution, weight);
    ``drop``: features left out (their column zeroed, so their coefficient stays 0)."""
    keep = np.array([f not in drop for f in FEATURES], dtype=float)
    out = []
    for d, sw in zip(dumps, set_weights):
        for rec in d["records"]:
            ids, x = features(*lists(rec, "hybrid"), d["facts"], rec.get("cover"))
            y = np.array([1.0 if rec["labels"].get(c) else 0.0 for c in ids])
            if y.sum() > 0:
                out.append((x * keep, y / y.sum(), sw / len(d["records"])))
    return out


def fit_listwise(blocks: list[tuple], *, ridge: float = 1e-2, iters: int = 40) -> np.ndarray:
    """Softmax (ListNet-style) ranking fit by Newton steps: each query's relevant candidates should
    take the probability mass of its candidate list."""
    n = blocks[0][0].shape[1]
    beta = np.zeros(n)
    for _ in range(iters):
        g, h = ridge * beta, ridge * np.eye(n)
        for x, t, w in blocks:
            z = x @ beta
            p = np.exp(z - z.max())
            p /= p.sum()
            g = g + w * (x.T @ (p - t))
            xp = x.T @ p
            h = h + w * ((x * p[:, None]).T @ x - np.outer(xp, xp))
        h[0, 0] += 1.0  # the bias does not move a softmax: keep it at 0
        step = np.linalg.solve(h, g)
        step *= min(1.0, 2.0 / max(np.abs(step).max(), 1e-12))  # damped: at most 2 per coefficient a step
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return beta


def floor_table(dumps: list[dict], coef, rank, *, floors=(0.1, 0.15, 0.2, 0.25, 0.3, 0.4)) -> list[tuple]:
    """Per floor: share of train queries flagged "no good match" (best estimate of the first
    ``FLOOR_WITHIN`` hybrid hits below it), and the share of flagged / not flagged queries with a
    relevant hit in the first 10."""
    best, found = [], []
    for d in dumps:
        for rec in d["records"]:
            ids, x = features(*lists(rec, "hybrid"), d["facts"], rec.get("cover"))
            order = np.argsort(-(x @ rank), kind="stable")[:10]
            best.append(estimate(x[order[:FLOOR_WITHIN]], coef).max() if len(order) else 0.0)
            found.append(any(rec["labels"].get(ids[i]) for i in order))
    best, found = np.array(best), np.array(found)
    return [(f, (best < f).mean(), found[best < f].mean() if (best < f).any() else float("nan"),
             found[best >= f].mean()) for f in floors]


def main(paths: list[str]) -> int:
    """Compare the variants on each dump and fit the learned coefficients."""
    dumps = [load(p) for p in paths]
    variants = {
        "minmax 0.5/0.5 (old default)": fused(SearchSettings(fusion=FusionMethod.MINMAX)),
        "rrf k=10": fused(SearchSettings(fusion=FusionMethod.RRF, rrf_k=10)),
        "rrf k=60": fused(SearchSettings(fusion=FusionMethod.RRF, rrf_k=60)),
        "minmax 0.4/0.6": fused(SearchSettings(fusion=FusionMethod.MINMAX, lexical_weight=0.4, dense_weight=0.6)),
        "minmax 0.6/0.4": fused(SearchSettings(fusion=FusionMethod.MINMAX, lexical_weight=0.6, dense_weight=0.4)),
    }
    weights = [1.0, 1.0, 1.0]
    variants["minmax, weights by list confidence"] = adaptive
    variants["each side's top 2 first, then minmax"] = union_top(2)
    variants["each side's top 5 first, then minmax"] = union_top(5)
    rank = fit_listwise(query_blocks(dumps, set_weights=weights), ridge=1e-3)
    for name, drop in (("without coverage", ("lex_cover", "cover_x_lex", "cover_sq")),
                       ("without length and kind", ("log_len", "amendment")),
                       ("without confidence terms", ("lex_conf_rr", "dense_conf_rr"))):
        variants[f"learned listwise {name}"] = fit_listwise(query_blocks(dumps, set_weights=weights, drop=drop),
                                                            ridge=1e-3)
    coefs = {m: fit_logistic(*design(dumps, m, set_weights=weights, rank=rank))
             for m in ("hybrid", "lexical")}  # 语义 mode uses the hybrid estimate (index.search)
    variants["estimate model used as a ranking"] = coefs["hybrid"]
    variants["learned listwise (ranking)"] = rank
    for name, fn in variants.items():
        cells = []
        for p, d in zip(paths, dumps):
            f = learned(fn, d["facts"]) if isinstance(fn, np.ndarray) else fn
            m = run_variant(d, f)
            cells.append(f"{m['mrr10']:.3f}/{m['r5']:.3f}/{m['r10']:.3f}/{m['r100']:.3f}")
        print(f"{name:<42}" + "  ".join(cells))
    print("rank", "(" + ", ".join(f"{v:.4f}" for v in rank) + ")")
    for m, c in coefs.items():
        print(m, "(" + ", ".join(f"{v:.4f}" for v in c) + ")")
        for row in reliability(dumps, c, m, rank):
            print("   ", row[0], row[1], f"{row[2]:.3f}", f"{row[3]:.3f}")
    for row in floor_table(dumps, coefs["hybrid"], rank):
        print("floor %.2f flagged %.3f; relevant in top 10: flagged %.3f, others %.3f" % row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
