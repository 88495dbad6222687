"""The derived indexes of a KB in one Milvus collection (milvus-lite file or server): the
``index.backend.IndexBackend`` contract over ``index.milvus_schema``.

The store stays the truth. ``sync`` lists the collection's ids, deletes the orphans (by
document id) and inserts the clauses it lacks, as the FAISS/BM25 files are diffed today, so a
crash anywhere is repaired on the next open. BM25 is computed by the project
(``index.bm25_sparse``): clause weights are stored as sparse vectors; the query side needs
document frequencies, kept as ``BM25Stats`` in the **store's meta table** (key
``milvus_bm25``), written after each sync and stamped with the fingerprint of the id set it
describes, so every API replica reads the same IDF from the shared store. When the stamp does
not match the collection (a crash between Milvus and the store), the statistics are counted
again from the store's clause texts.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from index.backend import Restriction, is_lite
from index.bm25_sparse import EMPTY_DIM, BM25Stats, doc_weights, fingerprint, term_counts, text_evidence
from index.config import KBConfig, write_manifest
from index.milvus_schema import (OUTPUT, SEARCH_LIMIT, connect, create_collection, doc_fields, empty,
                                 expression, release_lite, resolved_uri)
from index.records import KBBusy, Scored
from index.store_api import StoreAPI
from index.coverage import LexicalEvidence
from index.tokenize import get_tokenizer

STATS_KEY = "milvus_bm25"
INSERT_BATCH = 512  # rows per insert call
LIST_BATCH = 8_192  # ids per page when listing the collection


class MilvusIndexes:
    """Lexical (sparse BM25) and dense search over a KB's Milvus collection, kept in step with its store."""

    def __init__(self, *, config: KBConfig, store: StoreAPI):
        self.config = config
        self.store = store
        self.lite = is_lite(config.indexes.uri)
        self.name = config.indexes.collection
        self.tokenizer = get_tokenizer(config.settings.lexical.tokenizer)
        self.stats: BM25Stats | None = None
        self.generation = -1
        self._client = None

    @property
    def client(self):
        """The Milvus client, connected on first use; the collection is created when missing."""
        if self._client is None:
            self._client = connect(self.config.indexes, kb_dir=self.config.path)
            self._ensure_collection()
        return self._client

    def _ensure_collection(self) -> None:
        create_collection(self._client, self.name, dim=int(self.config.dim), lite=self.lite,
                          dense=self.config.settings.dense)
        self._client.load_collection(self.name)  # a reopened collection starts released

    def close(self) -> None:
        """Release the connection (milvus-lite: the file's server process)."""
        if self._client is not None:
            self._client.close()
            self._client = None
            if self.lite:
                release_lite(resolved_uri(self.config.indexes, kb_dir=self.config.path))

    # -- keeping in step with the store ---------------------------------------
    def refresh(self, *, save: bool = False) -> bool:
        """Bring the collection up to the store's generation. The first refresh of a process (the
        KB's open) always reconciles the id sets; later ones adopt the statistics a writer saved
        for this generation (it saves them after syncing the collection), and reconcile only
        when there are none. While another process holds the write lock, the statistics it last
        saved are read back."""
        gen = self.store.generation()
        if self.generation == gen and self.stats is not None and not save:
            return False
        if self.stats is not None and not save:
            saved = self._saved_stats()
            if saved is not None and saved.generation == gen:
                self.stats, self.generation = saved, gen
                return True
        try:
            # the store's writer lock (a file lock, or PostgreSQL's advisory lock across machines)
            lock = self.store.write_lock(self.config.path)
        except KBBusy:
            self.stats = self._saved_stats() or BM25Stats()
            self.generation = self.stats.generation
            return True
        try:
            gen = self.sync()
            self.save(gen)
        finally:
            lock.release()
        return True

    def _saved_stats(self) -> BM25Stats | None:
        with self.store.transaction():
            saved = self.store.get_meta(STATS_KEY)
        return BM25Stats.from_json(saved) if saved else None

    def list_ids(self) -> dict[int, int]:
        """clause id -> document id of every row in the collection."""
        it = self.client.query_iterator(self.name, output_fields=OUTPUT, batch_size=LIST_BATCH)
        out: dict[int, int] = {}
        try:
            while batch := it.next():
                out.update((int(r["id"]), int(r["doc_id"])) for r in batch)
        finally:
            it.close()
        return out

    def sync(self) -> int:
        """Diff the collection's ids with the store's and apply the difference; returns the generation."""
        with self.store.transaction():
            gen = self.store.generation()
            db_ids = self.store.clause_ids()
            live_docs = {d.doc_id for d in self.store.documents()}
        have = self.list_ids()
        orphans, missing = set(have) - db_ids, db_ids - set(have)
        stats, avgdl_used = self._base_stats(fingerprint(have))
        if stats is None:  # unknown or stale (a crash): count again from the store's texts (the final state)
            stats = self._count(BM25Stats(avgdl_used=avgdl_used), db_ids)
        else:
            self._count_out(stats, sorted(orphans))
            self._count(stats, missing)
        self._delete(orphans, have, live_docs)
        if stats.avgdl_used is not None and stats.drifted():
            stats.avgdl_used = stats.avgdl  # every clause's weights are rewritten with today's avgdl
            self._write_rows(sorted(db_ids), stats)
        else:
            stats.avgdl_used = stats.avgdl_used or stats.avgdl
            self._write_rows(sorted(missing), stats)
        stats.generation, stats.ids = gen, fingerprint(db_ids)
        self.stats, self.generation = stats, gen
        return gen

    def _base_stats(self, have_fp: tuple[int, int, int]) -> tuple[BM25Stats | None, float | None]:
        """Statistics that describe the collection as it is (held here, or saved in the store),
        or None; and the avgdl its rows were weighted with, as last recorded."""
        if self.stats is not None and self.stats.ids == have_fp:
            return self.stats, self.stats.avgdl_used
        stats = self._saved_stats()
        if have_fp[0] == 0:
            return BM25Stats(), None
        if stats is not None and stats.ids == have_fp:
            return stats, stats.avgdl_used
        return None, stats.avgdl_used if stats is not None else None

    def _count(self, stats: BM25Stats, ids: set[int]) -> BM25Stats:
        """Count clauses ``ids`` (their texts from the store) into ``stats``."""
        with self.store.transaction():
            rows = self.store.clauses_for_index(ids)
        for r in rows:
            stats.add(*term_counts(r.match_text, self.tokenizer))
        return stats

    def _count_out(self, stats: BM25Stats, ids: list[int]) -> None:
        """Count the orphans out of the statistics with their terms and lengths as the collection holds them."""
        for i in range(0, len(ids), INSERT_BATCH):
            chunk = ids[i : i + INSERT_BATCH]
            for r in self.client.get(self.name, ids=chunk, output_fields=["sparse", "bm25_len"]):
                stats.remove(_sparse_keys(r["sparse"]), int(r["bm25_len"]))

    def _delete(self, orphans: set[int], have: dict[int, int], live_docs: set[int]) -> None:
        """Delete by document id the documents gone from the store; stray rows of live documents by id."""
        if not orphans:
            return
        gone = sorted({have[i] for i in orphans} - live_docs)
        for i in range(0, len(gone), 1000):
            self.client.delete(self.name, filter=f"doc_id in [{', '.join(map(str, gone[i:i + 1000]))}]")
        stray = sorted(i for i in orphans if have[i] in live_docs)
        if stray:
            self.client.delete(self.name, ids=stray)

    def _write_rows(self, ids: list[int], stats: BM25Stats) -> None:
        """Upsert the rows of clauses ``ids`` in batches, weighted with ``stats.avgdl_used``. An
        upsert, not an insert: a row written twice (two processes reconciling at once) stays one."""
        if not ids:
            return
        with self.store.transaction():
            rows = self.store.clauses_for_index(ids)
            doc_of = {i: h.doc_id for i, h in self.store.hit_rows(ids).items()}
            fields = {d.doc_id: doc_fields(d) for d in self.store.documents()}
        lexical = self.config.settings.lexical
        for i in range(0, len(rows), INSERT_BATCH):
            part = rows[i : i + INSERT_BATCH]
            with self.store.transaction():
                vecs = self.store.get_embeddings([r.text_hash for r in part], model=self.config.model,
                                                 dim=self.config.dim)
            data = []
            for r, vec in zip(part, vecs):
                counts, length = term_counts(r.match_text, self.tokenizer)
                data.append({"id": r.clause_id, **fields[doc_of[r.clause_id]], "bm25_len": length,
                             "dense": np.asarray(vec, dtype=np.float32).tolist(),
                             "sparse": doc_weights(counts, length, avgdl=stats.avgdl_used, settings=lexical)})
            self.client.upsert(self.name, data)

    def save(self, generation: int) -> None:
        """Record the BM25 statistics in the store (shared by every replica) and rewrite the manifest."""
        if self.stats is None:
            return
        with self.store.transaction(write=True):
            self.store.set_meta(STATS_KEY, self.stats.to_json())
        counts = self.store.counts()
        write_manifest(self.config.path, self.config.manifest(), generation=self.store.generation(),
                       documents=counts.documents, clauses=counts.clauses)

    def forget(self, *, delete_files: bool = False) -> None:
        """Drop the statistics held here; with ``delete_files`` the collection too (a rebuild starts over)."""
        self.stats, self.generation = None, -1
        if delete_files:
            self.client.drop_collection(self.name)
            self._ensure_collection()

    # -- searching -----------------------------------------------------------
    def lexical_search(self, texts: Sequence[str], *, k: int, restrictions: Sequence[Restriction],
                       extras: Sequence[Sequence[tuple[str, float]]] | None = None) -> list[list[Scored]]:
        """BM25 candidates of each match text: idf-weighted query terms against the stored weights;
        an expansion term's idf weights, times its weight, are added to the query vector (the inner
        product is linear, so this is the local index's weighted sum of BM25 scores)."""
        out = []
        for text, r, extra in zip(texts, restrictions, extras or [()] * len(texts)):
            weights = self.stats.query_weights(text, self.tokenizer) if text and self.stats else {}
            for term, w in (extra if weights else ()):
                for tid, idf in self.stats.query_weights(term, self.tokenizer).items():
                    weights[tid] = weights.get(tid, 0.0) + w * idf
            out.append(self._search([weights], "sparse", k=k, r=r) if weights and not empty(r) else [])
        return out

    def dense_search(self, vectors: np.ndarray, *, k: int,
                     restrictions: Sequence[Restriction]) -> list[list[Scored]]:
        """Inner-product candidates of each query vector row."""
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        return [self._search([v.tolist()], "dense", k=k, r=r) if not empty(r) else []
                for v, r in zip(vectors, restrictions)]

    def _search(self, data: list, field: str, *, k: int, r: Restriction) -> list[Scored]:
        params = {"metric_type": "IP"}
        if field == "dense" and not self.lite:
            params["params"] = {"ef": max(self.config.settings.dense.hnsw_ef_search, k)}
        found = self.client.search(self.name, data=data, anns_field=field, limit=min(k, SEARCH_LIMIT),
                                   filter=expression(r) or "", search_params=params, output_fields=["id"])[0]
        # ties in the order of the local indexes (ascending clause id), not Milvus's
        hits = sorted(((float(h["distance"]), int(h["id"])) for h in found), key=lambda t: (-t[0], t[1]))
        return [Scored(clause_id=i, score=s) for s, i in hits]

    def candidates(self, text: str) -> None:
        """No postings are held here: phrases are found by scanning the store."""
        return None

    def evidence(self, text: str, ids: set[int]) -> LexicalEvidence:
        """BM25 and coverage of ``ids`` from their match texts in the store and the collection's
        BM25 statistics (the same weights the sparse vectors carry, without a Milvus call)."""
        if not ids or self.stats is None:
            return LexicalEvidence(bm25={}, cover={})
        with self.store.transaction():
            texts = self.store.match_texts(ids)
        return text_evidence(self.stats, text, texts, tokenizer=self.tokenizer, settings=self.config.settings.lexical)

    def id_sets(self) -> dict[str, set[int]]:
        """The clause ids the collection holds (one row carries both the dense and the sparse vector)."""
        ids = set(self.list_ids())
        return {"lexical": ids, "dense": ids}

    def dense_kind(self) -> str:
        """``milvus-flat`` (milvus-lite) or ``milvus-hnsw`` (server)."""
        return "milvus-flat" if self.lite else "milvus-hnsw"


def _sparse_keys(vec) -> list[int]:
    """The dimensions of a sparse vector as pymilvus returns it (a dict, or a scipy row)."""
    keys = vec.keys() if isinstance(vec, dict) else getattr(vec, "indices", [])
    return [int(t) for t in keys if int(t) != EMPTY_DIM]


