"""The index backend a KB's config names (kept apart from ``index.backend``, the contract the
backends import)."""
from __future__ import annotations

from pathlib import Path

from index.backend import BackendKind, IndexBackend, IndexesConfig, is_lite
from index.config import KBConfig
from index.indexes import Indexes
from index.store_api import StoreAPI


def make_indexes(*, config: KBConfig, store: StoreAPI) -> IndexBackend:
    """The backend ``config.indexes`` names, over ``store``."""
    if config.indexes.kind == BackendKind.MILVUS:
        from index.milvus_backend import MilvusIndexes  # pymilvus is imported only for a Milvus KB

        return MilvusIndexes(config=config, store=store)
    return Indexes(config=config, store=store)


def check_reachable(indexes: IndexesConfig, *, kb_dir: Path) -> None:
    """Raise the backend's KBError when a new KB's index server cannot be reached, so that nothing
    of the KB is recorded yet (a KB recorded with a mistyped server URI could not be opened, nor
    made again with other indexes). Local indexes and a milvus-lite file need no check."""
    if indexes.kind == BackendKind.MILVUS and not is_lite(indexes.uri):
        from index.milvus_schema import connect

        connect(indexes, kb_dir=kb_dir).close()
