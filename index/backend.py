"""The index backends of a KB and the contract they share.

A KB's derived indexes (a lexical and a dense ranking over its clauses) live either in local
files (``index.indexes.Indexes``: BM25 + FAISS, the default) or in a Milvus collection
(``index.milvus_backend.MilvusIndexes``; milvus-lite file or server). Both follow
``IndexBackend``: the store is the truth, the backend is brought up to the store's
generation by diffing id sets (``refresh``/``sync``), and searches return the two candidate
lists separately so that ``index.fusion`` ranks the same way whatever the backend.
The choice is made when the KB is created and recorded in ``config.json`` under
``"indexes"`` (``{"kind": "local"}`` or ``{"kind": "milvus", "uri": ..., "collection": ...}``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from index.records import Filters, KBError, Scored


class BackendKind(StrEnum):
    """Where the derived indexes live."""

    LOCAL = "local"
    MILVUS = "milvus"


@dataclass(frozen=True)
class IndexesConfig:
    """The ``"indexes"`` entry of ``config.json``; the Milvus token comes from ``MILVUS_TOKEN``, never the file."""

    kind: BackendKind = BackendKind.LOCAL
    uri: str | None = None  # a path ending .db = milvus-lite file (relative = inside the KB directory), http://… = server
    collection: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", BackendKind(self.kind))
        except ValueError:
            raise KBError(f"unknown index backend {self.kind!r}: use local or milvus") from None
        if self.kind == BackendKind.MILVUS and not self.uri:
            raise KBError("the milvus backend needs a URI: --milvus-uri DIR/milvus.db or http://host:19530")

    def to_dict(self) -> dict:
        """JSON form (only the keys that apply)."""
        if self.kind == BackendKind.LOCAL:
            return {"kind": "local"}
        return {"kind": "milvus", "uri": self.uri, "collection": self.collection}

    @classmethod
    def from_dict(cls, d: dict | None) -> "IndexesConfig":
        """Read back ``to_dict`` (None or {} = local)."""
        d = d or {}
        return cls(kind=d.get("kind", "local"), uri=d.get("uri"), collection=d.get("collection"))

    @classmethod
    def for_new_kb(cls, kb_dir: Path, *, kind: str, uri: str | None, collection: str | None = None) -> "IndexesConfig":
        """The config of a KB being created: a lite file inside ``kb_dir`` is recorded relative
        to it (the directory can move); the collection defaults to one named after the KB."""
        if BackendKind(kind) == BackendKind.LOCAL:
            return cls()
        if uri and is_lite(uri):
            p = Path(uri).resolve()
            try:
                uri = str(p.relative_to(Path(kb_dir).resolve()))
            except ValueError:
                uri = str(p)
        if not collection:
            digest = hashlib.sha1(str(Path(kb_dir).resolve()).encode()).hexdigest()[:10]
            collection = f"policy_kb_{digest}"
        return cls(kind=BackendKind(kind), uri=uri, collection=collection)


def is_lite(uri: str) -> bool:
    """True for a milvus-lite file URI (a path ending ``.db``)."""
    return not uri.startswith(("http://", "https://", "tcp://", "unix:")) and uri.endswith(".db")


@dataclass(frozen=True)
class Restriction:
    """What a query may return: ``allowed`` ids (None = all; filters, phrases and status
    applied), minus ``excluded``. A backend that pushes filters down uses ``filters`` as an
    expression and ``narrowed`` (the ids phrases/status allow; None = no such restriction)."""

    allowed: set[int] | None = None
    excluded: set[int] = field(default_factory=set)
    filters: Filters = Filters()
    narrowed: set[int] | None = None


class IndexBackend(Protocol):
    """What ``Searcher``, ``Writer`` and ``KnowledgeBase`` need of the derived indexes."""

    def refresh(self, *, save: bool = False) -> bool:
        """Bring the indexes up to the store's generation (reconciling id sets); True when they changed."""

    def sync(self) -> int:
        """Diff the indexes' id set with the store's and apply the difference; returns the generation."""

    def save(self, generation: int) -> None:
        """Persist what the indexes hold, stamped with ``generation`` (and the manifest)."""

    def forget(self, *, delete_files: bool = False) -> None:
        """Drop what is held in memory (with ``delete_files``, the persisted indexes too: a rebuild)."""

    def lexical_search(self, texts: Sequence[str], *, k: int, restrictions: Sequence[Restriction],
                       extras: Sequence[Sequence[tuple[str, float]]] | None = None) -> list[list[Scored]]:
        """BM25 candidates of each match text ("" = none), best first; ``extras[i]``: (text, weight)
        pairs whose weighted BM25 scores are added (the query analyser's expansion terms)."""

    def dense_search(self, vectors: np.ndarray, *, k: int,
                     restrictions: Sequence[Restriction]) -> list[list[Scored]]:
        """Inner-product candidates of each query vector row, best first."""

    def candidates(self, text: str) -> set[int] | None:
        """Ids whose tokens include every token of ``text`` (None: not known here, scan the store)."""

    def evidence(self, text: str, ids: set[int]) -> "LexicalEvidence":
        """BM25 score and idf-weighted token coverage of the clauses ``ids`` for the match text
        ``text`` (``index.coverage``): features of the learned fusion and relevance estimate."""

    def id_sets(self) -> dict[str, set[int]]:
        """The clause ids each index holds (``lexical``, ``dense``), for checks against the store."""

    def dense_kind(self) -> str:
        """A short name of the dense index in use."""

    def close(self) -> None:
        """Release what the backend holds open (a connection)."""

