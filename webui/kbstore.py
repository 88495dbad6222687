"""The knowledge base behind the page: opened once per process, built from ``corpus/``
when empty, and used under one lock (Streamlit runs each session in its own thread,
and a KnowledgeBase holds one SQLite connection). An upload writes through a KnowledgeBase
of its own (``KBHandle.writer``), so the other sessions' searches go on meanwhile.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jieba
import streamlit as st

from webui.safe import as_text

from index.kb import KnowledgeBase
from index.ocr_notes import page_progress_text
from index.records import IngestReport
from webui.upload_names import sweep_orphans

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"



@dataclass
class KBHandle:
    """The shared KnowledgeBase of one directory with the lock that serialises its use."""

    path: str
    kb: KnowledgeBase
    lock: threading.RLock = field(default_factory=threading.RLock)
    seeded: bool = False  # the empty-KB build from corpus/ has run in this process
    names_lock: threading.Lock = field(default_factory=threading.Lock)  # uploads/names.json

    @contextmanager
    def use(self) -> Iterator[KnowledgeBase]:
        """Hold the lock while calling the KnowledgeBase."""
        with self.lock:
            yield self.kb

    @contextmanager
    def writer(self) -> Iterator[KnowledgeBase]:
        """A KnowledgeBase of its own for a long write (an upload), outside the shared lock: the other
        sessions keep searching the shared one (SQLite WAL snapshots; readers never take the write
        lock), which picks the write up by its generation on the next search. The store's writer
        lock still lets one write run at a time (a second gets KBBusy). The embedding model is the
        shared one (an ONNX Runtime session may be run from several threads)."""
        with self.lock:
            embedder = self.kb.embedder
        kb = KnowledgeBase.open(self.path, create=False, embedder=embedder)
        try:
            yield kb
        finally:
            kb.close()


@st.cache_resource(show_spinner="正在加载知识库和向量模型…")
def get_handle(path: str) -> KBHandle:
    """Open (creating if needed) the KB at ``path`` once per process; cached by path."""
    # load jieba's dictionary, the indexes and the embedding model now, not on the first query;
    # the dictionary in a thread while the model loads (or is prepared, on a first start)
    words = threading.Thread(target=jieba.initialize, name="jieba-initialize", daemon=True)
    words.start()
    kb = KnowledgeBase.open(path, create=True)
    # uploads orphaned by a server killed mid-upload (their bytes saved, never ingested)
    sweep_orphans(path, {d.source for d in kb.documents()})
    words.join()
    kb.search("公共服务 人均支出", k=1)
    return KBHandle(path=path, kb=kb)


def seed_if_empty(handle: KBHandle, *, progress: Callable[[int, int, str], None]) -> IngestReport | None:
    """Build an empty KB from ``corpus/`` once per process; None when there was nothing to do."""
    with handle.lock:
        if handle.seeded:
            return None
        handle.seeded = True
        with handle.use() as kb:
            if kb.documents():
                return None
            sources = sorted(str(p) for p in CORPUS.iterdir() if p.is_file())
            return kb.ingest(sources, progress=progress)


def progress_text(text: str, done: int, total: int, source: str) -> str:
    """The bar's line: ``text 已向量化 N/M 条 · file`` (M = clauses of the files read so far)."""
    name = f" · {Path(source).name}" if source else ""
    return f"{text} 已向量化 {done}/{total} 条{name}"


def progress_bar(text: str) -> tuple[Callable[[int, int, str], None], Callable[[], None]]:
    """An ``st.progress`` bar and the ``progress(done, total, source)`` callback that moves it
    (clauses embedded of the clauses known so far, see ``index.progress``); the second
    function removes the bar."""
    bar = st.progress(0, text=text)

    def update(done: int, total: int, source: str) -> None:
        fraction = min(max(done / total, 0.0), 1.0) if total else 0.0
        bar.progress(fraction, text=as_text(progress_text(text, done, total, source)))

    return update, bar.empty


def page_progress_line() -> tuple[Callable[[int, int, str], None], Callable[[], None]]:
    """A caption that follows OCR page by page (``OCR 第 n/N 页 文件名``) and the function that
    removes it."""
    slot = st.empty()

    def update(done: int, total: int, source: str) -> None:
        slot.caption(as_text(page_progress_text(done, total, source)))

    return update, slot.empty
