"""Building the knowledge bases of the eval sets (and KBs cut with other clause bounds, for tuning)."""
from __future__ import annotations

import time
from pathlib import Path


def build_kb(paths: list[Path], kb_dir: Path, *, model: str) -> None:
    """Ingest ``paths`` into a KB at ``kb_dir`` and print clause count and stage timings."""
    from index.kb import KnowledgeBase

    t0 = time.perf_counter()
    kb = KnowledgeBase.open(kb_dir, model=model)
    last = [0.0]

    def progress(done: int, total: int, source: str) -> None:
        # counted in clauses (embedded / of the files read so far), every 30 s
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  {done}/{total} clauses, {time.perf_counter() - t0:.0f}s: {Path(source).name}", flush=True)

    report = kb.ingest([str(p) for p in paths], progress=progress)
    stats = kb.stats()
    kb.close()
    secs = {k: round(v, 1) for k, v in report.seconds.items()}
    print(f"KB {kb_dir}: {len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed; "
          f"{report.clauses_embedded} clauses embedded with {model}; seconds {secs}; stats {stats.to_dict()}", flush=True)
    for source, reason in report.failed[:20]:
        print(f"  failed: {source}: {reason}")


def build_kb_segmented(sources: list[str], kb_dir: Path, *, model: str, max_chars: int, min_chars: int) -> None:
    """Build a KB from ``sources`` cut with other clause bounds (``ingest.segment.SegmentSettings``)."""
    from dataclasses import replace

    from index.kb import KnowledgeBase
    from ingest.pipeline import iter_files, parse_file
    from ingest.records import IngestError
    from ingest.segment import SegmentSettings

    settings = replace(SegmentSettings(), max_chars=max_chars, min_chars=min_chars)
    docs = []
    for f in iter_files(sources):
        try:
            docs.append(parse_file(f, settings=settings))
        except IngestError as exc:
            print(f"  skipped {exc}")
    t = time.perf_counter()
    kb = KnowledgeBase.open(kb_dir, model=model)
    rep = kb.ingest_parsed(docs)
    n = kb.stats().clauses
    kb.close()
    print(f"KB {kb_dir}: {len(docs)} documents, {n} clauses with {settings}; {time.perf_counter() - t:.1f}s "
          f"({rep.clauses_embedded} embedded)")
