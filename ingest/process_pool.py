"""A pool of worker processes started on first use and kept for the next batch: the parse workers
(``index.parse_queue``) and the OCR workers (``ingest.ocr.pool``) are each one ``KeptPool``.

Processes are started with ``spawn``: a forked copy of a threaded parent (ONNX Runtime sessions,
the Streamlit server) can deadlock. Asking for another number of workers, or ``shutdown()`` (after
a worker died, and at exit), stops the processes; the next ``get`` starts new ones. Submit work
inside ``bare_main()``, so the children do not re-run the parent's main script.
"""
from __future__ import annotations

import atexit
import multiprocessing
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


class KeptPool:
    """One process pool of a given size at a time, each process prepared by ``initializer``."""

    def __init__(self, initializer: Callable[..., None] | None = None):
        self._initializer = initializer
        self._executor: ProcessPoolExecutor | None = None
        self._workers = 0
        atexit.register(self.shutdown)

    def get(self, workers: int, *initargs) -> ProcessPoolExecutor:
        """The pool of ``workers`` processes: the running one, or a new one (``initializer(*initargs)``
        runs in each of its processes) when none runs or it has another size."""
        if self._executor is None or self._workers != workers:
            self.shutdown()
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=self._initializer, initargs=initargs)
            self._workers = workers
        return self._executor

    def shutdown(self) -> None:
        """Stop the processes, cancelling what has not started (the next ``get`` starts new ones)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor, self._workers = None, 0


@contextmanager
def bare_main() -> Iterator[None]:
    """Start workers without re-running the parent's main script: a spawned child imports
    ``__main__`` from its file, and a script that reads files at its top level (no
    ``if __name__ == "__main__"``) would read them again in each child. The worker functions
    live in importable modules, so the child needs nothing from ``__main__``.
    ProcessPoolExecutor starts its processes inside ``submit``: submit inside this block."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main
