"""The knowledge base of one server worker process: opened once (never created), kept in step
with the database (an ingestion by another worker or a CLI bumps the generation: the derived
indexes are brought up to it, and the KB is reopened when a rebuild changed its model)."""
from __future__ import annotations

import threading
from pathlib import Path

from index.kb import KnowledgeBase


class KBHolder:
    """Opens the KB at ``path`` on first use and hands out the current ``KnowledgeBase``."""

    def __init__(self, path: Path):
        self.path = path
        self._kb: KnowledgeBase | None = None
        self._generation: int | None = None
        self._lock = threading.Lock()

    def get(self) -> KnowledgeBase:
        """The KB, up to date with the database's generation (KBMissing, FormatError… when it cannot open)."""
        with self._lock:
            if self._kb is None:
                self._kb = KnowledgeBase.open(self.path, create=False)
            generation, model = self._recorded(self._kb)
            if generation != self._generation:
                if model != self._kb.model:  # a rebuild with another model: start from the new manifest
                    self._kb.close()
                    self._kb = KnowledgeBase.open(self.path, create=False)
                self._kb.refresh()
                self._generation = generation
            return self._kb

    @staticmethod
    def _recorded(kb: KnowledgeBase) -> tuple[int, str | None]:
        # the KB's one SQLite connection is shared by the worker's threads: use it under the KB's lock
        with kb._lock:
            return kb.store.generation(), kb.store.get_meta("model")

    def warm_up(self) -> None:
        """Load jieba, the indexes and the embedding model now rather than on the first request."""
        self.get().search("公共服务 人均支出", k=1)

    def close(self) -> None:
        """Release the database connection."""
        with self._lock:
            if self._kb is not None:
                self._kb.close()
                self._kb = None
