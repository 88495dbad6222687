"""The Milvus index backend against the embedded one: agreement of the top results, query
latency, insert rate, and the sizes behind the capacity estimate in SCALING.md.

    python -m evaluation.bench.backends copy SRC DST [--clauses N] [--backend milvus|local]
    python -m evaluation.bench.backends compare KB_A KB_B --queries Q.jsonl [--limit N] [--k 3]
    python -m evaluation.bench.backends latency KB --queries Q.jsonl [--limit N] [--modes hybrid,lexical]
    python -m evaluation.bench.backends sizes KB

``copy`` clones a KB's store (documents, clauses and the cached vectors: nothing is embedded
again), keeps whole documents up to N clauses, records the backend and opens it: for Milvus the
open inserts every row (the insert rate printed), for local files it builds FAISS and BM25.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import time
from pathlib import Path


def copy_kb(src: Path, dst: Path, *, clauses: int | None, backend: str) -> None:
    """Clone ``src``'s store into ``dst`` (trimmed to whole documents up to ``clauses``), set the backend, open it."""
    from index.backend import IndexesConfig
    from index.kb import KnowledgeBase
    from index.store import Store

    dst.mkdir(parents=True, exist_ok=False)
    with sqlite3.connect(f"file:{src / 'kb.sqlite'}?mode=ro", uri=True) as a, sqlite3.connect(dst / "kb.sqlite") as b:
        a.backup(b)
    (dst / "config.json").write_text((src / "config.json").read_text(encoding="utf-8"), encoding="utf-8")
    store = Store(dst / "kb.sqlite")
    cfg = IndexesConfig.for_new_kb(dst, kind=backend, uri=str(dst / "milvus.db"))
    with store.transaction(write=True):
        kept = 0
        for d in store.documents():
            if clauses is not None and kept + d.clauses > clauses:
                store.delete_document(d.doc_id)
            else:
                kept += d.clauses
        store.set_meta("indexes", cfg.to_dict())
        store.bump_generation()
    store.db.execute("VACUUM")
    store.close()
    t = time.perf_counter()
    kb = KnowledgeBase.open(dst, create=False)
    seconds = time.perf_counter() - t
    n = kb.store.counts().clauses
    kb.close()
    print(f"{dst}: {n} clauses, backend {backend}; open (index build) {seconds:.1f} s = {n / seconds:.0f} rows/s")


def _queries(path: Path, limit: int | None) -> list[str]:
    from evaluation.queries import load_queries

    return [q.query for q in load_queries(path, limit=limit)]


def _shown(hits) -> list[tuple[str, str]]:
    return [(h.doc_title, h.text) for h in hits]


def compare(a: Path, b: Path, *, queries: list[str], k: int, modes: list[str]) -> None:
    """How many queries have the same top-``k`` (document title and text, in order) on both KBs."""
    from index.kb import KnowledgeBase

    kb_a, kb_b = KnowledgeBase.open(a, create=False), KnowledgeBase.open(b, create=False)
    try:
        for mode in modes:
            ra, rb = kb_a.batch_search(queries, k=k, mode=mode), kb_b.batch_search(queries, k=k, mode=mode)
            same = sum(_shown(x) == _shown(y) for x, y in zip(ra, rb))
            same_set = sum(set(_shown(x)) == set(_shown(y)) for x, y in zip(ra, rb))
            first = sum(_shown(x)[:1] == _shown(y)[:1] for x, y in zip(ra, rb))
            print(f"{mode:9s} same top-{k} in order {same}/{len(queries)} ({same / len(queries):.3f}), "
                  f"same set {same_set}/{len(queries)}, same first {first}/{len(queries)}")
    finally:
        kb_a.close()
        kb_b.close()


def latency(path: Path, *, queries: list[str], modes: list[str], k: int = 10) -> None:
    """p50/p95 of one query at a time (query embedding included), after one warm-up query."""
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(path, create=False)
    try:
        kb.search(queries[0], k=k)
        for mode in modes:
            times = []
            for q in queries:
                t = time.perf_counter()
                kb.search(q, k=k, mode=mode)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
            print(f"{path} [{kb.stats().dense_index}, {kb.store.counts().clauses} clauses] {mode}: "
                  f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms over {len(times)} queries")
    finally:
        kb.close()


def sizes(path: Path) -> None:
    """Mean distinct bigrams (sparse non-zeros) and tokens per clause; vector dimension."""
    from index.bm25_sparse import term_counts
    from index.kb import KnowledgeBase
    from index.tokenize import get_tokenizer

    kb = KnowledgeBase.open(path, create=False)
    try:
        tok = get_tokenizer(kb.settings.lexical.tokenizer)
        rows = kb.store.clauses_for_index(None)
        counted = [term_counts(r.match_text, tok) for r in rows]
        nnz = statistics.mean(len(c) for c, _ in counted)
        length = statistics.mean(n for _, n in counted)
        chars = statistics.mean(len(r.text) for r in rows)
        print(json.dumps({"clauses": len(rows), "dim": kb.dim, "sparse_nnz_mean": round(nnz, 1),
                          "tokens_mean": round(length, 1), "chars_mean": round(chars, 1)}))
    finally:
        kb.close()


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m evaluation.bench.backends", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("copy")
    c.add_argument("src", type=Path)
    c.add_argument("dst", type=Path)
    c.add_argument("--clauses", type=int, default=None)
    c.add_argument("--backend", choices=("milvus", "local"), default="milvus")
    for name in ("compare", "latency"):
        s = sub.add_parser(name)
        s.add_argument("kbs", type=Path, nargs=2 if name == "compare" else 1)
        s.add_argument("--queries", type=Path, required=True)
        s.add_argument("--limit", type=int, default=None)
        s.add_argument("--k", type=int, default=3 if name == "compare" else 10)
        s.add_argument("--modes", default="hybrid,lexical,semantic")
    z = sub.add_parser("sizes")
    z.add_argument("kb", type=Path)
    args = p.parse_args(argv)
    if args.cmd == "copy":
        copy_kb(args.src, args.dst, clauses=args.clauses, backend=args.backend)
    elif args.cmd == "sizes":
        sizes(args.kb)
    else:
        queries, modes = _queries(args.queries, args.limit), args.modes.split(",")
        if args.cmd == "compare":
            compare(args.kbs[0], args.kbs[1], queries=queries, k=args.k, modes=modes)
        else:
            latency(args.kbs[0], queries=queries, modes=modes, k=args.k)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
