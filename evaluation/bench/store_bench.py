"""SQLite store against PostgreSQL store, side by side in one run: the same parsed documents
(``corpus/`` plus N laws from ``../shared/laws``) written to a new KB on each store, R rounds
alternating, medians; then query latency on both and the bytes each store holds.

The documents are parsed once and written with ``ingest_parsed`` and the demo embedder (or
``--model``), so the figures are the store's: embedding cache writes, the one write
transaction, the index sync that reads the clauses back. Usage::

    python -m evaluation.bench.store_bench --pg postgresql://user:pw@localhost/postgres [--laws 300] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from evaluation.data import shared_dir

ROOT = Path(__file__).resolve().parents[2]


def law_files(n: int) -> list[Path]:
    """N law files spread over the folders (every k-th of the sorted list, ``_index.md`` left out)."""
    files = sorted(p for p in (shared_dir() / "laws").rglob("*.md") if p.name != "_index.md")
    step = max(1, len(files) // n) if n else 1
    return files[::step][:n]


def parse_all(paths: list[Path]) -> list:
    """Parsed documents with clauses (keyed by their path)."""
    from ingest.pipeline import parse_file

    docs = []
    for p in paths:
        try:
            d = parse_file(p)
        except Exception:  # noqa: BLE001 - a file the parser refuses is left out of both stores alike
            continue
        if d.clauses:
            docs.append(d)
    return docs


def new_database(admin_dsn: str) -> str:
    """A fresh database on the server; its URL."""
    import psycopg

    name = f"policy_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return urlsplit(admin_dsn)._replace(path="/" + name).geturl()


def drop_database(admin_dsn: str, dsn: str) -> None:
    """Drop a database made by ``new_database``."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{urlsplit(dsn).path[1:]}" WITH (FORCE)')


def one_build(docs: list, *, store: str | None, embedder, kb_dir: Path) -> dict:
    """Write ``docs`` to a new KB; seconds by phase and the KB's sizes."""
    from index.kb import KnowledgeBase

    t = time.perf_counter()
    kb = KnowledgeBase.open(kb_dir, embedder=embedder, store=store)
    report = kb.ingest_parsed(docs)
    total = time.perf_counter() - t
    stats = kb.stats()
    kb.close()
    return {"total": total, "embed": report.seconds.get("embed", 0.0), "write": report.seconds.get("write", 0.0),
            "clauses": stats.clauses, "sizes": stats.sizes}


def query_latency(kb_dir: Path, queries: list[str], embedder, *, repeats: int = 5) -> float:
    """Median milliseconds of one hybrid search (k=10) over the queries, repeated."""
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(kb_dir, embedder=embedder)
    kb.search(queries[0])  # warm-up
    times = []
    for _ in range(repeats):
        for q in queries:
            t = time.perf_counter()
            kb.search(q, k=10)
            times.append((time.perf_counter() - t) * 1000)
    kb.close()
    return statistics.median(times)


def main(argv=None) -> int:
    """Run the comparison and print one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pg", required=True, help="postgresql:// URL of a server where databases may be created")
    ap.add_argument("--laws", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", default="demo")
    args = ap.parse_args(argv)
    from index.embed import get_embedder

    embedder = get_embedder(args.model)
    t = time.perf_counter()
    docs = parse_all(sorted((ROOT / "corpus").glob("*")) + law_files(args.laws))
    parse_s = time.perf_counter() - t
    queries = [json.loads(x)["query"] for x in (ROOT / "eval" / "corpus_queries.jsonl").read_text("utf-8").splitlines()
               if x.strip()]
    runs: dict[str, list[dict]] = {"sqlite": [], "postgresql": []}
    tmp = Path(tempfile.mkdtemp(prefix="store_bench_"))
    keep: dict[str, tuple[Path, str | None]] = {}
    try:
        for r in range(args.rounds):
            for kind in ("sqlite", "postgresql"):  # alternating, so machine load falls on both alike
                dsn = new_database(args.pg) if kind == "postgresql" else None
                kb_dir = tmp / f"{kind}{r}"
                runs[kind].append(one_build(docs, store=dsn, embedder=embedder, kb_dir=kb_dir))
                if r == args.rounds - 1:
                    keep[kind] = (kb_dir, dsn)
                elif dsn:
                    drop_database(args.pg, dsn)
        out = {"documents": len(docs), "parse_seconds_once": round(parse_s, 1), "model": args.model}
        for kind, rs in runs.items():
            med = {k: round(statistics.median(x[k] for x in rs), 2) for k in ("total", "embed", "write")}
            out[kind] = {"clauses": rs[-1]["clauses"], "median_seconds": med, "rounds": len(rs),
                         "sizes": rs[-1]["sizes"],
                         "query_ms_median": round(query_latency(keep[kind][0], queries, embedder), 2)}
        if keep["postgresql"][1]:
            out["postgresql"]["tables"] = table_sizes(keep["postgresql"][1])
        print(json.dumps(out, ensure_ascii=False, indent=1))
    finally:
        if keep.get("postgresql", (None, None))[1]:
            drop_database(args.pg, keep["postgresql"][1])
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def table_sizes(dsn: str) -> dict:
    """Per table: rows and pg_total_relation_size (bytes, with indexes and TOAST)."""
    import psycopg

    out = {}
    with psycopg.connect(dsn) as c:
        c.execute("ANALYZE")
        for (name,) in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"):
            rows = c.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            size = c.execute("SELECT pg_total_relation_size(%s::regclass)", (name,)).fetchone()[0]
            out[name] = {"rows": rows, "bytes": size}
    return out


if __name__ == "__main__":
    raise SystemExit(main())
