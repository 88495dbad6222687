"""Fusion study: dump each query's lexical and dense candidate lists with relevance labels, so
fusion variants can be compared (and the learned fusion fitted) offline without re-searching.

``python -m evaluation.fusion_study dump QUERIES --kb DIR --split train --out FILE.pkl``
"""
from __future__ import annotations

import argparse
import pickle
import sys
import time

from evaluation.queries import load_queries
from evaluation.relevance import RelevanceRule, cached_match, gold_matcher

DEPTH = 200


def dump(queries_path: str, *, kb_dir: str, split: str, out: str, depth: int = DEPTH) -> None:
    """Write per query: lexical and dense lists (clause id, score), candidate rows and gold labels."""
    from index.kb import KnowledgeBase
    from index.coverage import coverage
    from index.query import parse_query

    queries = load_queries(queries_path, split=split)
    kb = KnowledgeBase.open(kb_dir, create=False)
    s = kb._searcher
    s.indexes.refresh()
    parsed = [parse_query(q.query) for q in queries]
    free = [(None, set()) for _ in parsed]
    t0 = time.perf_counter()
    lex = s._lexical_lists(parsed, free, depth=depth)
    dense = s._dense_lists(parsed, free, depth=depth, encode_queries=kb.embedder.encode_queries)
    print(f"lists in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    ids = {r.clause_id for rs in lex + dense for r in rs}
    with s.store.transaction():
        rows = s.store.hit_rows(ids)
    rule = RelevanceRule()
    records = []
    for q, pq, lx, dn in zip(queries, parsed, lex, dense):
        matchers = [gold_matcher(g, rule) for g in q.gold]
        cand = {r.clause_id for r in lx} | {r.clause_id for r in dn}
        labels = {c: tuple(i for i, m in enumerate(matchers) if cached_match(m, rows[c].text)) for c in cand}
        records.append({"id": q.qid, "query": q.query, "kind": q.kind, "n_gold": len(q.gold),
                        "lex": [(r.clause_id, r.score) for r in lx], "dense": [(r.clause_id, r.score) for r in dn],
                        "labels": {c: v for c, v in labels.items() if v},
                        "cover": coverage(s.indexes.lexical, pq.match_text, cand)})
    info = {c: (r.match_text, r.doc_id, r.title, len(r.text), r.text[:200]) for c, r in rows.items()}
    with open(out, "wb") as fh:
        pickle.dump({"records": records, "rows": info}, fh)
    kb.close()


def main(argv: list[str] | None = None) -> int:
    """``dump`` command line."""
    p = argparse.ArgumentParser(prog="python -m evaluation.fusion_study")
    p.add_argument("command", choices=("dump",))
    p.add_argument("queries")
    p.add_argument("--kb", required=True)
    p.add_argument("--split", default="train")
    p.add_argument("--out", required=True)
    p.add_argument("--depth", type=int, default=DEPTH, help="candidates taken from each list")
    a = p.parse_args(argv)
    dump(a.queries, kb_dir=a.kb, split=a.split, out=a.out, depth=a.depth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
