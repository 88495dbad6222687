"""The first stage of the ingestion pipeline: files parsed in a worker process while the
caller embeds the clauses of the files before them.

``ParseQueue(paths)`` starts parsing at once, a few files ahead, and yields one ``Parsed``
per path **in the order given**, whatever order the workers finish in. A file that cannot be
parsed comes back with its reason (the batch goes on); a worker that dies (a reader library
crashing, memory) costs the file it was parsing, and the pool is started again for the rest.

Workers: ``POLICY_PARSE_WORKERS`` when set (``0`` parses in the calling process), else one
worker on a machine with two cores or more (the other core embeds), else none. The pool
(``ingest.process_pool.KeptPool``: ``spawn``ed processes) is started once per process and kept
for the next batch, so the page and the tests pay its start-up (~1-2 s) once; one file, or a
small batch, is parsed in-process.
"""
from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ingest.process_pool import KeptPool, bare_main
from ingest.records import IngestError, ParsedDocument

WORKERS_ENV = "POLICY_PARSE_WORKERS"
# files parsed ahead of the one being embedded, per worker. Far enough that the worker keeps
# reading while a long file embeds (a scan's OCR then overlaps the texts before it: with 2
# files ahead, realdocs waited 266 s for the parser, ~all of the scan); the parsed documents
# are held until the batch's one write transaction anyway, so this costs no extra memory
AHEAD = 64
CRASHED = "the parser process stopped while reading this file (crash or out of memory)"
# below this many bytes to parse (e.g. corpus/: two texts, 48 kB, 0.7 s) the batch is parsed in
# this process: a worker's start-up (~1-2 s: Python and the reader libraries) would cost more
MIN_POOL_BYTES = 256 * 1024


@dataclass(frozen=True)
class Parsed:
    """One file's outcome: its document, or the reason it could not be read; parse seconds."""

    path: Path
    doc: ParsedDocument | None
    reason: str | None
    seconds: float


def default_workers() -> int:
    """Parse worker processes: ``POLICY_PARSE_WORKERS`` when set, else 1 with two cores or more, else 0."""
    env = os.environ.get(WORKERS_ENV, "").strip()
    if env.isdigit():
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 1 if cores >= 2 else 0


def _worker_started() -> None:
    """In each parse worker: stop the OCR pool a scanned file may start before the worker exits.
    A multiprocessing child joins its non-daemon children before its atexit hooks run, so the
    OCR processes would wait for a stop signal that never comes, and the worker for them."""
    from multiprocessing import util

    # before that join, and before the OCR pool's own queues close (their finalizers have priority
    # 10; higher runs first): its stop signals still go through
    util.Finalize(None, _stop_ocr, exitpriority=100)


def _stop_ocr() -> None:
    pool = sys.modules.get("ingest.ocr.pool")  # loaded only if this worker read a scan
    if pool is not None:
        pool.shutdown()


def _total_bytes(paths: Sequence[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # reported by the parser
    return total


def parse_one(path: Path) -> Parsed:
    """Parse one file (in a worker or in-process); a file without clauses is a failure too."""
    from ingest.pipeline import parse_file  # the reader libraries load in the process that parses

    t = time.perf_counter()
    try:
        doc = parse_file(path)
        if not doc.clauses:
            raise IngestError(path, "no clauses found in the text")
    except IngestError as e:
        return Parsed(path=path, doc=None, reason=e.reason, seconds=time.perf_counter() - t)
    except OSError as e:
        return Parsed(path=path, doc=None, reason=e.strerror or str(e), seconds=time.perf_counter() - t)
    return Parsed(path=path, doc=doc, reason=None, seconds=time.perf_counter() - t)


_POOL = KeptPool(_worker_started)


def _submit(workers: int, path: Path) -> Future:
    """``parse_one(path)`` on the process's parse pool of ``workers`` (started on demand)."""
    with bare_main():
        return _POOL.get(workers).submit(parse_one, path)


def shutdown() -> None:
    """Stop the parse workers (started again by the next batch)."""
    _POOL.shutdown()


class ParseQueue:
    """Parse ``paths`` ahead of the caller, yielding ``Parsed`` in the given order.

    Use as a context manager: parsing starts on entry (so the caller can load its model
    meanwhile) and files not yet consumed are cancelled on exit.
    """

    def __init__(self, paths: Sequence[Path], *, workers: int | None = None):
        self.paths = list(paths)
        self.workers = default_workers() if workers is None else workers
        if len(self.paths) < 2 or _total_bytes(self.paths) < MIN_POOL_BYTES:
            self.workers = 0  # nothing worth overlapping: parsing here beats starting a process
        self._todo: Iterator[Path] = iter(self.paths)
        self._pending: deque[tuple[Path, Future]] = deque()

    def __enter__(self) -> "ParseQueue":
        self._fill()
        return self

    def __exit__(self, *exc) -> None:
        for _, future in self._pending:
            future.cancel()
        self._pending.clear()

    def _fill(self) -> None:
        if not self.workers:
            return
        while len(self._pending) < AHEAD * self.workers:
            path = next(self._todo, None)
            if path is None:
                return
            self._pending.append((path, _submit(self.workers, path)))

    def clauses_ahead(self) -> int:
        """Clauses of the files parsed already but not yet taken (for a progress total)."""
        total = 0
        for _, future in self._pending:
            if future.done() and not future.cancelled() and future.exception() is None:
                doc = future.result().doc
                total += len(doc.clauses) if doc is not None else 0
        return total

    def _restart(self) -> None:
        """After a worker died: a new pool, and the files already queued submitted to it again."""
        shutdown()
        queued = [path for path, _ in self._pending]
        self._pending.clear()
        self._pending.extend((path, _submit(self.workers, path)) for path in queued)

    def __iter__(self) -> Iterator[Parsed]:
        if not self.workers:
            for path in self._todo:
                yield parse_one(path)
            return
        while self._pending:
            path, future = self._pending.popleft()
            try:
                parsed = future.result()
            except BrokenProcessPool:
                parsed = Parsed(path=path, doc=None, reason=CRASHED, seconds=0.0)
                self._restart()
            self._fill()  # the worker parses the next files while the caller embeds this one
            yield parsed
