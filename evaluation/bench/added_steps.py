"""Latency of the issue-15 search (learned fusion, relevance estimate, query analyser) against the
old default (min-max fusion, no query analysis), on one open KB, the two settings alternated query
by query so that the load of a shared machine falls on both alike.

``python -m evaluation.bench.added_steps --kb /work/kbs/laws100k --queries /work/kbs/stard.jsonl --n 60``
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

import numpy as np

from index.fusion import FusionMethod


def _old(settings):
    """The settings of the old default: min-max fusion, no question stripping, expansions or named boost."""
    query = replace(settings.query, strip_questions=False, expansion_weight=0.0, named_boost=0.0)
    return replace(settings, search=replace(settings.search, fusion=FusionMethod.MINMAX), query=query)


def _new(settings):
    """The settings of the new default: the learned fusion, the query analyser as shipped."""
    from index.config import QuerySettings

    return replace(settings, search=replace(settings.search, fusion=FusionMethod.LEARNED), query=QuerySettings())


def main(argv: list[str] | None = None) -> int:
    """Print per mode: old and new p50/p95 and the ratio of the p95s."""
    from evaluation.bench.laws_kb import RandomPassageEmbedder
    from index.kb import KnowledgeBase

    p = argparse.ArgumentParser(prog="python -m evaluation.bench.added_steps")
    p.add_argument("--kb", required=True)
    p.add_argument("--queries", required=True, help="JSONL with a query field")
    p.add_argument("--n", type=int, default=60)
    a = p.parse_args(argv)
    model = json.loads(open(f"{a.kb}/config.json", encoding="utf-8").read())["embedding"]["model"]
    extra = {"model": model, "embedder": RandomPassageEmbedder()} if model == RandomPassageEmbedder.name else {}
    kb = KnowledgeBase.open(a.kb, create=False, **extra)
    base = kb.settings
    variants = {"old": _old(base), "new": _new(base)}
    qs = [json.loads(line)["query"] for line in open(a.queries, encoding="utf-8") if line.strip()][: a.n]
    for mode in ("lexical", "semantic", "hybrid"):
        times = {name: [] for name in variants}
        for name, s in variants.items():  # warm-up
            kb.settings = s
            kb.search(qs[0], k=10, mode=mode)
        for q in qs:
            for name, s in variants.items():
                kb.settings = s
                t = time.perf_counter()
                kb.search(q, k=10, mode=mode)
                times[name].append((time.perf_counter() - t) * 1000)
        p95 = {n: float(np.percentile(v, 95)) for n, v in times.items()}
        print(f"{mode:<9} " + "  ".join(f"{n} p50 {np.percentile(v, 50):7.1f} ms p95 {p95[n]:7.1f} ms"
                                       for n, v in times.items()) + f"  new/old p95 {p95['new'] / p95['old']:.2f}")
    kb.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
