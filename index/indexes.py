"""The derived indexes of a KB (BM25 in ``lexical.npz``, FAISS in ``dense.npz``): loaded from
their files, brought up to the database generation, and saved atomically.

Clause ids are never reused and clause rows never change, so a stale index is brought up to
date by diffing its id set with the database's and applying the difference. Each file is
stamped with the generation it reflects and replaced with ``os.replace``: a SIGKILL at any
moment leaves files that are either current or repaired on the next open.
"""
from __future__ import annotations


from typing import Sequence

import numpy as np

from index.backend import Restriction
from index.config import KBConfig, write_manifest
from index.coverage import LexicalEvidence, lexical_evidence
from index.dense import DenseIndex
from index.lexical import LexicalIndex
from index.location import DENSE_FILE, LEXICAL_FILE
from index.records import Scored
from index.store_api import StoreAPI


class Indexes:
    """The lexical and dense index of one KB, in memory, kept in step with its store (the
    local ``index.backend.IndexBackend``)."""

    def __init__(self, *, config: KBConfig, store: StoreAPI):
        self.config = config
        self.store = store
        self.lexical: LexicalIndex | None = None
        self.dense: DenseIndex | None = None

    @property
    def lexical_file(self):
        return self.config.path / LEXICAL_FILE

    @property
    def dense_file(self):
        return self.config.path / DENSE_FILE

    def current(self, generation: int) -> bool:
        """True when both indexes are loaded and reflect ``generation``."""
        return self.lexical is not None and self.dense is not None and \
            self.lexical.generation == generation and self.dense.generation == generation

    def refresh(self, *, save: bool = False) -> bool:
        """Bring the in-memory indexes up to the database generation; True when they changed.

        The derived files (and the manifest) are rewritten too when they were stale, or when
        ``save``; readers never take the write lock (see below).
        """
        gen = self.store.generation()
        if self.current(gen) and not save:
            return False
        if self.lexical is None:
            self.lexical = LexicalIndex.load(self.lexical_file, settings=self.config.settings.lexical)
        if self.dense is None:
            self.dense = DenseIndex.load(self.dense_file, model=self.config.model, dim=self.config.dim,
                                         settings=self.config.settings.dense)
        stale_files = save or not self.current(gen)
        gen = self.sync()
        if stale_files and self.store.generation() == gen:
            # No lock: a reader never blocks a writer (an 18.9 s save on 200k clauses made a concurrent
            # ingestion fail as busy). Each file is replaced atomically from a temp file of its own;
            # a writer that commits meanwhile saves newer files, and should this older save land
            # after them, the next open finds them stale by generation and repairs them by id diff.
            self.save(gen)
        return True

    def sync(self) -> int:
        """Diff the indexes' id sets with the database's and apply the difference; returns the generation."""
        settings = self.config.settings
        with self.store.transaction():
            gen = self.store.generation()
            db_ids = self.store.clause_ids()
            if self.lexical is None:
                self.lexical = LexicalIndex(settings=settings.lexical)
            lex_ids = self.lexical.id_set()
            self.lexical.remove(lex_ids - db_ids)
            rows = self.store.clauses_for_index(db_ids - lex_ids)
            self.lexical.add([r.clause_id for r in rows], [r.match_text for r in rows])
            self.lexical.generation = gen

            dense = self.dense
            want_hnsw = len(db_ids) > settings.dense.hnsw_threshold
            # HNSW cannot remove vectors: a removal (or a switch of kind) starts the index over
            if dense is None or dense.hnsw != want_hnsw or (dense.hnsw and dense.id_set() - db_ids):
                dense = DenseIndex(self.config.dim, settings=settings.dense, hnsw=want_hnsw)
            dense_ids = dense.id_set()
            dense.remove(dense_ids - db_ids)
            rows = self.store.clauses_for_index(db_ids - dense_ids)
            if rows:
                vecs = self.store.get_embeddings([r.text_hash for r in rows], model=self.config.model,
                                                 dim=self.config.dim)
                dense.add([r.clause_id for r in rows], vecs)
            dense.generation = gen
            self.dense = dense
        return gen

    def save(self, generation: int) -> None:
        """Write both index files and the manifest, stamped with ``generation``."""
        self.lexical.save(self.lexical_file, generation=generation)
        self.dense.save(self.dense_file, generation=generation, model=self.config.model)
        counts = self.store.counts()
        write_manifest(self.config.path, self.config.manifest(), generation=self.store.generation(),
                       documents=counts.documents, clauses=counts.clauses)

    def forget(self, *, delete_files: bool = False) -> None:
        """Drop the in-memory indexes (they are rebuilt from the store on the next refresh);
        with ``delete_files`` their files too (a rebuild starts over)."""
        self.lexical = self.dense = None
        if delete_files:
            for f in (self.lexical_file, self.dense_file):
                f.unlink(missing_ok=True)

    def dense_kind(self) -> str:
        """``hnsw`` or ``flat``: the kind of FAISS index in use."""
        return "hnsw" if self.dense is not None and self.dense.hnsw else "flat"

    # -- searching (the IndexBackend contract) --------------------------------
    def lexical_search(self, texts: Sequence[str], *, k: int, restrictions: Sequence[Restriction],
                       extras: Sequence[Sequence[tuple[str, float]]] | None = None) -> list[list[Scored]]:
        """BM25 candidates of each match text ("" = none), best first, expansion terms added."""
        extras = extras or [()] * len(texts)
        return [self.lexical.search(t, k=k, allowed=r.allowed, excluded=r.excluded, extra=x) if t else []
                for t, r, x in zip(texts, restrictions, extras)]

    def dense_search(self, vectors: np.ndarray, *, k: int,
                     restrictions: Sequence[Restriction]) -> list[list[Scored]]:
        """FAISS candidates of each query vector row, best first."""
        return [self.dense.search(vectors[row : row + 1], k=k, allowed=r.allowed, excluded=r.excluded)[0]
                for row, r in enumerate(restrictions)]

    def candidates(self, text: str) -> set[int]:
        """Ids whose tokens include every token of ``text`` (bigram postings of the BM25 index)."""
        return self.lexical.candidates(text)

    def evidence(self, text: str, ids: set[int]) -> LexicalEvidence:
        """BM25 and coverage of ``ids`` from the postings of the local BM25 index."""
        return lexical_evidence(self.lexical, text, ids)

    def id_sets(self) -> dict[str, set[int]]:
        """The clause ids each index holds."""
        return {"lexical": self.lexical.id_set(), "dense": self.dense.id_set()}

    def close(self) -> None:
        """Nothing is held open (the files are read whole)."""
