"""The index backend a KB's config names (kept apart from ``index.backend``, the contract the
backends import)."""
from __future__ import annotations

from index.backend import BackendKind, IndexBackend
from index.config import KBConfig
from index.indexes import Indexes
from index.store_api import StoreAPI


def make_indexes(*, config: KBConfig, store: StoreAPI) -> IndexBackend:
    """The backend ``config.indexes`` names, over ``store``."""
    if config.indexes.kind == BackendKind.MILVUS:
        from index.milvus_backend import MilvusIndexes  # pymilvus is imported only for a Milvus KB

        return MilvusIndexes(config=config, store=store)
    return Indexes(config=config, store=store)
