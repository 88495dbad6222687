"""The write path of the knowledge base: ingest, rebuild, remove.

Files are parsed in a worker process (``index.parse_queue``) while this process embeds the
clauses of the file before, with progress counted in clauses (``index.progress``). Each batch
is parsed and embedded first (vectors are cached in the database as they come,
so a crash loses no embedding work) and its quantitative statements extracted
(``index.targets``), then written in one store transaction (documents, clauses, statements)
that bumps the generation; only then are the derived indexes updated and atomically replaced (see
``index.indexes``). One writer at a time (the store's writer lock): a second one gets ``KBBusy``.
OCR page progress (``page_progress``) reaches the caller when the batch is parsed in this process
(one file, a small batch, or ``POLICY_PARSE_WORKERS=0``): a parse worker's OCR reports nowhere.
"""
from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from index.backend import IndexBackend
from index.config import FORMAT_VERSION, KBConfig
from index.embed import Embedder, get_embedder
from index.originals import file_sha256, keep as keep_original, prune as prune_originals
from index.parse_queue import ParseQueue
from index.progress import ClauseProgress, Progress
from index.recover import sweep_temp_files
from index.records import IngestReport
from index.store_api import StoreAPI
from index.store_sql import text_hash
from index.targets import TargetIndex
from ingest.limits import TooLarge, check_clauses
from ingest.records import IngestError, ParsedDocument

# clauses embedded (and their vectors committed) per step: small enough for a smooth clause
# bar (a step is 1-6 s at 10-60 clauses/s), large enough to keep both ONNX sessions busy
EMBED_CHUNK = 64


def _iter_files(paths: Iterable[str | Path]):
    from ingest.pipeline import iter_files

    return iter_files(paths)


def _pages_followed(page_progress: Progress | None):
    """A context in which OCR reports each recognised page to ``page_progress`` (none: no-op)."""
    if page_progress is None:
        return nullcontext()
    from ingest.ocr import ocr_progress  # the OCR engine loads only when asked for

    return ocr_progress(page_progress)


def _check_name(path: Path) -> None:
    """Refuse a path with undecodable bytes (Python hands them on as lone surrogates): the database
    stores sources as UTF-8 text, so such a file could never be found, replaced or removed."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise IngestError(path, "the file name is not valid UTF-8; rename it (e.g. `convmv -f gbk -t utf-8`) "
                                "and add it again") from None


def record_model(store: StoreAPI, config: KBConfig) -> None:
    """Record the model, its dimension and the format version in the database (inside the
    caller's write transaction: a rebuild commits them with the rows they describe)."""
    store.set_meta("model", config.model)
    store.set_meta("dim", config.dim)
    store.set_meta("format_version", FORMAT_VERSION)
    config.format_version = FORMAT_VERSION


class Writer:
    """Adds, replaces and removes documents of one KB (its caller holds the KB's thread lock)."""

    def __init__(self, *, config: KBConfig, store: StoreAPI, indexes: IndexBackend, embedder: Callable[[], Embedder],
                 targets: TargetIndex):
        self.config = config
        self.store = store
        self.indexes = indexes
        self.targets = targets
        self.embedder = embedder  # the KB's embedder, loaded on first call

    def _write_lock(self):
        """The KB's writer lock (the store's: a file lock, or a PostgreSQL advisory lock), taken
        at once or refused with KBBusy; ``release()`` it."""
        lock = self.store.write_lock(self.config.path)
        sweep_temp_files(self.config.path)  # left by a process killed while saving an index
        return lock

    def ingest(self, paths: Iterable[str | Path], *, progress: Progress | None = None,
               page_progress: Progress | None = None) -> IngestReport:
        """Add new files, replace changed ones, skip unchanged ones (by content hash), in one batch;
        ``page_progress(done, total, source)`` follows the pages of each file read by OCR."""
        lock = self._write_lock()
        try:
            with _pages_followed(page_progress):
                return self._ingest(list(paths), progress=progress, rebuild=False)
        finally:
            lock.release()

    def ingest_parsed(self, docs: Iterable[ParsedDocument]) -> IngestReport:
        """Write already parsed documents (keyed by their ``source``) in one batch."""
        lock = self._write_lock()
        try:
            todo, skipped, failed = [], [], []
            for doc in docs:
                try:  # the writer's edge: parsed documents from elsewhere meet the same limits
                    check_clauses(doc.source, [c.text for c in doc.clauses])
                except TooLarge as e:
                    failed.append((doc.source, e.reason))
                    continue
                old = self.store.document_by_source(doc.source)
                if old and old.content_hash == doc.content_hash:
                    skipped.append(doc.source)
                else:
                    todo.append((doc.source, doc, old.doc_id if old else None))
            t = time.perf_counter()
            embedded = sum(self._embed_missing(doc) for _, doc, _ in todo)
            timings = {"parse": 0.0, "embed": time.perf_counter() - t}
            report = self._write(todo, skipped=skipped, failed=failed, timings=timings, rebuild=False)
            return replace(report, clauses_embedded=embedded, clauses=sum(len(doc.clauses) for _, doc, _ in todo))
        finally:
            lock.release()

    def rebuild(self, *, progress: Progress | None = None, paths: Iterable[str | Path] = (),
                model: str | None = None, page_progress: Progress | None = None) -> IngestReport:
        """Start over: re-read the recorded sources plus ``paths`` (optionally with another ``model``)."""
        lock = self._write_lock()
        try:
            config = self.config
            if model is not None and model != config.model:
                emb = get_embedder(model)
                config.model, config.dim, config.embedder = model, int(emb.dim), emb
            sources = self.store.sources() + [str(Path(p).resolve()) for p in paths]
            self.indexes.forget(delete_files=True)
            try:
                with _pages_followed(page_progress):
                    return self._ingest(list(dict.fromkeys(sources)), progress=progress, rebuild=True)
            except BaseException:
                self._adopt_recorded_model()
                raise
        finally:
            lock.release()

    def _adopt_recorded_model(self) -> None:
        """After a failed rebuild, take back the model the database records: a rebuild that
        switched models but never committed must not leave this object searching with vectors
        the database does not hold."""
        recorded = self.store.get_meta("model")
        if recorded is not None and recorded != self.config.model:
            self.config.model, self.config.dim, self.config.embedder = recorded, self.store.get_meta("dim"), None
            self.indexes.forget()

    def _ingest(self, paths: list, *, progress: Progress | None, rebuild: bool) -> IngestReport:
        t0 = time.perf_counter()
        to_parse, skipped, failed = self._plan(paths, rebuild=rebuild)
        todo: list = []
        timings = {"parse": 0.0, "parse_wait": 0.0, "embed": 0.0}
        embedded = 0
        with ParseQueue([f for f, _ in to_parse]) as queue:
            counter = ClauseProgress(progress, ahead=queue.clauses_ahead)
            counter.start()
            if queue.workers:
                self.embedder()  # load the model while the worker parses the first files
            parsed_files = iter(queue)
            for f, old_id in to_parse:
                t = time.perf_counter()
                parsed = next(parsed_files)
                timings["parse_wait"] += time.perf_counter() - t
                timings["parse"] += parsed.seconds
                if parsed.doc is None:
                    failed.append((str(f), parsed.reason))
                    continue
                todo.append((str(f), parsed.doc, old_id))
                counter.file(source=str(f), clauses=len(parsed.doc.clauses))
                t = time.perf_counter()
                embedded += self._embed_texts([c.text for c in parsed.doc.clauses], progress=counter.embedded)
                counter.file_done()
                timings["embed"] += time.perf_counter() - t
        report = self._write(todo, skipped=skipped, failed=failed, timings=timings, rebuild=rebuild)
        report = replace(report, clauses_embedded=embedded, clauses=sum(len(doc.clauses) for _, doc, _ in todo),
                         ocr=tuple((source, doc.ocr) for source, doc, _ in todo if doc.ocr is not None))
        report.seconds["total"] = time.perf_counter() - t0
        return report

    def _plan(self, paths: list, *, rebuild: bool) -> tuple[list, list, list]:
        """The files to parse (with the id of the version they replace), the unchanged ones
        (same content hash; none on a rebuild) and the unreadable ones, in file order."""
        failed: list[tuple[str, str]] = []
        files: list[Path] = []
        for p in paths:
            p = Path(p)
            if not p.exists():
                failed.append((str(p), "no such file or directory"))
            elif p.is_dir():
                files += [Path(f) for f in _iter_files([p])]
            else:
                files.append(p)
        to_parse, skipped = [], []
        for f in dict.fromkeys(f.resolve() for f in files):
            try:
                _check_name(f)
                h = file_sha256(f)
            except IngestError as e:
                failed.append((str(f), e.reason))
                continue
            except OSError as e:
                failed.append((str(f), e.strerror or str(e)))
                continue
            old = self.store.document_by_source(str(f))
            if old and old.content_hash == h and not rebuild:
                skipped.append(str(f))
            else:
                to_parse.append((f, old.doc_id if old else None))
        return to_parse, skipped, failed

    def _embed_missing(self, doc: ParsedDocument) -> int:
        """Embed the document's clause texts that have no cached vector (see ``_embed_texts``)."""
        return self._embed_texts([c.text for c in doc.clauses])

    def _embed_texts(self, texts: list[str], *, progress: Callable[[int], None] | None = None) -> int:
        """Embed the texts with no cached vector; each chunk is committed as it comes.
        ``progress(n)``: ``n`` texts have a vector so far (the cached ones count at once)."""
        by_hash = {text_hash(t): t for t in texts}
        with self.store.transaction():
            missing = self.store.missing_embeddings(by_hash, model=self.config.model)
        hashes = [h for h in by_hash if h in missing]
        cached = len(texts) - len(hashes)
        if progress and cached:
            progress(cached)
        for i in range(0, len(hashes), EMBED_CHUNK):
            chunk = hashes[i : i + EMBED_CHUNK]
            vecs = self.embedder().encode_passages([by_hash[h] for h in chunk])
            with self.store.transaction(write=True):
                self.store.put_embeddings(chunk, vecs, model=self.config.model)
            if progress:
                progress(cached + i + len(chunk))
        return len(hashes)

    def _kept_on_rebuild(self, failed: list) -> tuple[set[int], list]:
        """Documents whose source could not be read again during a rebuild keep the version
        already indexed (their stored texts are embedded with the current model), so a rebuild
        after files moved loses nothing; returns their ids and the failures, so annotated."""
        kept: set[int] = set()
        notes = []
        for source, reason in failed:
            with self.store.transaction():
                old = self.store.document_by_source(source)
            if old is None:
                notes.append((source, reason))
                continue
            kept.add(old.doc_id)
            notes.append((source, f"{reason}; kept the version already in the knowledge base"))
        with self.store.transaction():
            texts = [c.text for d in sorted(kept) for c in self.store.document_clauses(d)]
        self._embed_texts(texts)
        return kept, notes

    def _write(self, todo: list, *, skipped: list, failed: list, timings: dict, rebuild: bool) -> IngestReport:
        t = time.perf_counter()
        statements = [self.targets.extract(doc) for _, doc, _ in todo]
        timings["extract"] = time.perf_counter() - t
        t = time.perf_counter()
        added, replaced = [], []
        kept: set[int] = set()
        if rebuild:
            kept, failed = self._kept_on_rebuild(failed)
        if todo or rebuild:
            with self.store.transaction(write=True):
                if rebuild:
                    for d in self.store.documents():
                        if d.doc_id not in kept:
                            self.store.delete_document(d.doc_id)
                    record_model(self.store, self.config)
                for (source, doc, old_id), found in zip(todo, statements):
                    if old_id is not None and not rebuild:
                        self.store.delete_document(old_id)
                        replaced.append(source)
                    else:
                        added.append(source)
                    self.targets.write(self.store.insert_document(doc, source=source), found)
                    keep_original(self.config.path, source, content_hash=doc.content_hash, fmt=doc.format)
                self.targets.catch_up()  # documents kept by a rebuild, or made by older code
                gen = self.store.bump_generation()
            self.indexes.sync()
            self.indexes.save(gen)
            self._prune_originals()
        timings["write"] = time.perf_counter() - t
        return IngestReport(added=tuple(added), replaced=tuple(replaced), skipped=tuple(skipped),
                            failed=tuple(failed), seconds=timings)

    def _prune_originals(self) -> None:
        """Delete the kept originals (``index.originals``) no document points to any more."""
        with self.store.transaction():
            hashes = [d.content_hash for d in self.store.documents()]
        prune_originals(self.config.path, hashes)

    def remove(self, source: str | Path) -> bool:
        """Remove the document ingested from ``source`` from every index; False when unknown."""
        lock = self._write_lock()
        try:
            with self.store.transaction(write=True):
                old = self.store.document_by_source(str(source)) or \
                    self.store.document_by_source(str(Path(source).resolve()))
                if old is None:
                    return False
                self.store.delete_document(old.doc_id)
                gen = self.store.bump_generation()
            self.indexes.sync()
            self.indexes.save(gen)
            self._prune_originals()
            return True
        finally:
            lock.release()
