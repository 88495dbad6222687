"""The scale run: the lexical and dense indexes alone at 10k / 100k / 1M clauses from the shared laws.

The lexical side uses real law clauses (recombined beyond the ~150k that exist); the dense side
uses RANDOM unit vectors, or a built KB's real vectors with ``--vectors-from`` (real embeddings
run at ~4-16 clauses/s on the shared 2-core machine); the output says so on every line it applies to.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

from evaluation.bench.timing import latency, peak_rss_mb
from evaluation.bench.vectors import kb_vectors, random_unit, real_vectors
from evaluation.data import artifacts_dir, shared_dir


def _parse_law_clauses() -> list[str]:
    """Clause texts of every law file in the shared data (unreadable files skipped with a note)."""
    from ingest.pipeline import iter_files, parse_file
    from ingest.records import IngestError

    texts: list[str] = []
    t = time.perf_counter()
    for f in iter_files([shared_dir() / "laws"]):
        try:
            texts += [c.text for c in parse_file(f).clauses]
        except IngestError as exc:
            print(f"  skipped {exc}", file=sys.stderr)
    print(f"  parsed laws into {len(texts)} clauses in {time.perf_counter() - t:.0f}s")
    return texts


def law_clauses(limit: int | None = None) -> list[str]:
    """Clause texts of all laws in the shared data (parsed once, cached under artifacts/bench/)."""
    cache = artifacts_dir() / "bench" / "law_clauses.jsonl"
    if cache.exists():
        texts = [json.loads(line) for line in cache.open(encoding="utf-8")]
    else:
        texts = _parse_law_clauses()
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("w", encoding="utf-8") as fh:
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


def _dense_data(n: int, dim: int, real: np.ndarray | None, queries: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(base vectors, query vectors, the tag printed on every dense line)."""
    if real is None:
        xb = random_unit(n, dim, seed=1)
        xq = random_unit(queries, dim, seed=2)  # fresh draws from the same topics, not stored vectors
        return xb, xq, "[random vectors]"
    xb, xq = real_vectors(real, n, queries=queries)
    return xb, xq, "[real vectors" + (", recombined]" if n > len(real) - queries else "]")


def _reporter(xq: np.ndarray, truth: np.ndarray, tag: str) -> Callable:
    """A function printing one index's build time, size, latency and recall@10 against exact search."""
    def report(name: str, index, build: float, mem_mb: float) -> None:
        lat = latency(lambda i: index.search(xq[i : i + 1], 10), range(len(xq)))
        _, got = index.search(xq, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)])
        print(f"  dense {name:<18} build {build:7.1f}s  index {mem_mb:8.1f} MB   p50 {lat.p50:8.2f} ms  "
              f"p95 {lat.p95:8.2f} ms  recall@10 vs exact {recall:.3f}  {tag}")
    return report


def _bench_hnsw(xb: np.ndarray, report: Callable) -> None:
    import faiss

    n, dim = xb.shape
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 40
    t = time.perf_counter()
    hnsw.add(xb)
    build = time.perf_counter() - t
    for ef in (64, 128):
        hnsw.hnsw.efSearch = ef
        report(f"hnsw M32 ef{ef}", hnsw, build, (n * dim * 4 + n * 32 * 2 * 4) / 1e6)


def _bench_ivf(xb: np.ndarray, report: Callable) -> None:
    import faiss

    n, dim = xb.shape
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


def bench_dense(n: int, dim: int, *, hnsw_max: int, real: np.ndarray | None = None, queries: int = 100) -> None:
    """FAISS exact vs HNSW vs IVF on ``n`` vectors: build, latency, recall@10 against exact search."""
    import faiss

    faiss.omp_set_num_threads(1)  # one query per call on a shared 2-core box: threads only add spin-wait
    xb, xq, tag = _dense_data(n, dim, real, queries)
    dim = xb.shape[1]
    flat = faiss.IndexFlatIP(dim)
    t = time.perf_counter()
    flat.add(xb)
    flat_build = time.perf_counter() - t
    _, truth = flat.search(xq, 10)
    report = _reporter(xq, truth, tag)
    report("flat (exact)", flat, flat_build, n * dim * 4 / 1e6)
    if n <= hnsw_max:
        _bench_hnsw(xb, report)
    else:
        print(f"  dense hnsw: skipped above --hnsw-max {hnsw_max} (build time on 2 shared cores)")
    _bench_ivf(xb, report)


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
