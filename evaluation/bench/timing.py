"""Measuring: per-call latency percentiles, peak memory, size on disk."""
from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np


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
