"""``python -m evaluation.compare_runs OLD.jsonl NEW.jsonl [--system hybrid]``: two ``eval --out``
runs of the same queries side by side, with paired bootstrap 95 % intervals for the differences."""
from __future__ import annotations

import argparse
import json
import sys

from evaluation.metrics import paired_bootstrap, per_query

METRICS = ("mrr10", "r@5", "r@10", "r@100")


def _rows(path: str, system: str) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return {r["id"]: r for r in rows if r["system"] == system}


def compare(old_path: str, new_path: str, *, system: str = "hybrid") -> list[tuple]:
    """(metric, old mean, new mean, difference, low, high) per metric over the queries both runs have."""
    old, new = _rows(old_path, system), _rows(new_path, system)
    ids = sorted(set(old) & set(new))
    out = []
    for m in METRICS:
        a = [per_query(old[i], m) for i in ids]
        b = [per_query(new[i], m) for i in ids]
        d, lo, hi = paired_bootstrap(a, b)
        out.append((m, sum(a) / len(a), sum(b) / len(b), d, lo, hi))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the side-by-side table."""
    p = argparse.ArgumentParser(prog="python -m evaluation.compare_runs")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--system", default="hybrid")
    a = p.parse_args(argv)
    for m, o, n, d, lo, hi in compare(a.old, a.new, system=a.system):
        print(f"{m:<7} {o:.3f} → {n:.3f}  {d:+.3f} [{lo:+.3f}, {hi:+.3f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
