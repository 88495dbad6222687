"""Paired bootstrap of two per-query rank files (``python -m evaluation eval --out``): the difference
of MRR@10, R@10 and R@100 (after − before) per system, with a 95 % interval and misses fixed/lost.

    python evaluation/paired.py BEFORE.jsonl AFTER.jsonl [--system hybrid] [--rounds 10000]
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np


def per_query(path: str, system: str) -> dict[str, tuple[float, float, float]]:
    """Query id → (MRR@10, R@10, R@100) of ``system`` in a ranks file."""
    out = {}
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        if row["system"] != system:
            continue
        rel = [r for r in row["relevant_ranks"] if r is not None and r <= 10]
        gold = row["gold_ranks"] or [None]
        recall = [sum(1 for r in gold if r is not None and r <= k) / len(gold) for k in (10, 100)]
        out[row["id"]] = (1.0 / min(rel) if rel else 0.0, *recall)
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--system", default="hybrid")
    p.add_argument("--rounds", type=int, default=10000)
    args = p.parse_args()
    a, b = per_query(args.before, args.system), per_query(args.after, args.system)
    ids = sorted(set(a) & set(b))
    x, y = np.array([a[i] for i in ids]), np.array([b[i] for i in ids])
    diff = y - x
    rng = np.random.default_rng(0)
    boots = np.stack([diff[rng.integers(0, len(ids), len(ids))].mean(axis=0) for _ in range(args.rounds)])
    lo, hi = np.percentile(boots, [2.5, 97.5], axis=0)
    fixed = int(((x[:, 0] == 0) & (y[:, 0] > 0)).sum())
    lost = int(((x[:, 0] > 0) & (y[:, 0] == 0)).sum())
    print(f"{args.system}: {len(ids)} queries; top-10 misses fixed {fixed}, lost {lost}")
    for j, name in enumerate(("MRR@10", "R@10", "R@100")):
        print(f"  {name:<7} {x[:, j].mean():.3f} → {y[:, j].mean():.3f}  diff {diff[:, j].mean():+.3f} "
              f"[{lo[j]:+.3f}, {hi[j]:+.3f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
