"""Share of ``kb.search`` time spent in the steps issue 15 added (candidate facts, lexical evidence,
learned ranking, relevance estimates), timed inside the same calls: a comparison that the load of
a shared machine does not skew the way two separate bench runs are skewed.

``python -m evaluation.bench.added_steps --kb /work/kbs/laws100k --queries /work/kbs/stard.jsonl --n 40``
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np


def main(argv: list[str] | None = None) -> int:
    """Print per mode: search p50/p95, added steps p50/p95 and their share of the total."""
    import index.fusion as fusion
    import index.search as search
    from evaluation.bench.laws_kb import RandomPassageEmbedder
    from index.kb import KnowledgeBase

    p = argparse.ArgumentParser(prog="python -m evaluation.bench.added_steps")
    p.add_argument("--kb", required=True)
    p.add_argument("--queries", required=True, help="JSONL with a query field")
    p.add_argument("--n", type=int, default=40)
    a = p.parse_args(argv)
    spent = [0.0]

    def timed(fn):
        def wrap(*args, **kw):
            t = time.perf_counter()
            out = fn(*args, **kw)
            spent[0] += time.perf_counter() - t
            return out
        return wrap

    for mod, name in ((search, "clause_facts"), (search, "lexical_evidence"), (search, "relevance"),
                      (fusion, "learned_ranking")):
        setattr(mod, name, timed(getattr(mod, name)))
    model = json.loads(open(f"{a.kb}/config.json", encoding="utf-8").read())["embedding"]["model"]
    extra = {"model": model, "embedder": RandomPassageEmbedder()} if model == RandomPassageEmbedder.name else {}
    kb = KnowledgeBase.open(a.kb, create=False, **extra)
    qs = [json.loads(line)["query"] for line in open(a.queries, encoding="utf-8") if line.strip()][: a.n]
    for mode in ("lexical", "semantic", "hybrid"):
        kb.search(qs[0], k=10, mode=mode)
        tot, add = [], []
        for q in qs:
            spent[0] = 0.0
            t = time.perf_counter()
            kb.search(q, k=10, mode=mode)
            tot.append(time.perf_counter() - t)
            add.append(spent[0])
        tot_ms, add_ms = np.array(tot) * 1000, np.array(add) * 1000
        print(f"{mode:<9} search p50 {np.percentile(tot_ms, 50):7.1f} ms p95 {np.percentile(tot_ms, 95):7.1f} ms; "
              f"added steps p50 {np.percentile(add_ms, 50):5.1f} ms p95 {np.percentile(add_ms, 95):5.1f} ms; "
              f"share {add_ms.sum() / tot_ms.sum():.1%}")
    kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
