"""Recognition of many pages in a pool of worker processes, with a per-page progress hook.

Each worker holds its own rapidocr engine (one onnxruntime thread per core it gets) and
opens the file itself, so only page references go in and text boxes come out. The pool
(``ingest.process_pool.KeptPool``: ``spawn``ed processes) is started once and kept for the
next document, so a folder of scans pays the start-up once.
"""
from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass

from ingest.ocr.engine import Box, engine, recognise
from ingest.ocr.sources import PageRef, close_documents, load_image
from ingest.process_pool import KeptPool, bare_main

# (pages done, pages in this document, source path)
PageProgress = Callable[[int, int, str], None]
_PROGRESS: contextvars.ContextVar[PageProgress | None] = contextvars.ContextVar("ocr_progress", default=None)


@dataclass(frozen=True)
class PageBoxes:
    """What a worker returns for one page: the page image's size in pixels and its boxes."""

    ref: PageRef
    width: int
    height: int
    boxes: tuple[Box, ...]


def default_workers() -> int:
    """Worker processes: ``POLICY_OCR_WORKERS`` when set, else one per core, at most 2."""
    env = os.environ.get("POLICY_OCR_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


@contextmanager
def ocr_progress(callback: PageProgress) -> Iterator[None]:
    """Within this block, OCR calls ``callback(done, total, source)`` after each page."""
    token = _PROGRESS.set(callback)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def recognise_page(ref: PageRef) -> PageBoxes:
    """Render or load one page and recognise it (runs in a worker, or in-process)."""
    image = load_image(ref)
    return PageBoxes(ref=ref, width=image.width, height=image.height, boxes=tuple(recognise(image)))


def _init_worker(threads: int) -> None:
    engine(threads=threads)  # load the models before the first page arrives


_POOL = KeptPool(_init_worker)


def shutdown() -> None:
    """Stop the worker processes (they are restarted on the next OCR call)."""
    _POOL.shutdown()


def recognise_pages(refs: Sequence[PageRef], *, workers: int | None = None) -> list[PageBoxes]:
    """Recognise ``refs`` (in their order in the result), in ``workers`` processes when
    there is more than one page and more than one worker, else in this process."""
    workers = workers or default_workers()
    progress = _PROGRESS.get()
    total = len(refs)
    results: list[PageBoxes | None] = [None] * total
    if workers <= 1 or total <= 1:
        try:
            for k, ref in enumerate(refs):
                results[k] = recognise_page(ref)
                if progress:
                    progress(k + 1, total, ref.path)
        finally:
            close_documents()
        return results  # type: ignore[return-value]
    pool = _POOL.get(workers, max(1, (os.cpu_count() or 1) // workers))  # each worker's onnxruntime threads
    with bare_main():
        futures = {pool.submit(recognise_page, ref): k for k, ref in enumerate(refs)}
    for done, future in enumerate(as_completed(futures), start=1):
        try:
            results[futures[future]] = future.result()
        except BrokenProcessPool:  # a worker died (out of memory?): start afresh next time
            shutdown()
            raise
        if progress:
            progress(done, total, refs[futures[future]].path)
    return results  # type: ignore[return-value]
