"""Quantitative statements in the knowledge base: filled at ingest, grouped by the KB's
synonyms file, queried by the ``targets`` command and the 指标 page, and used by search.

- **At ingest** the Writer calls ``extract`` on each parsed document before its write
  transaction and ``write`` inside it, so a document's statements commit with its clauses
  (and go with them: ``ON DELETE CASCADE``); a rebuild re-reads every source, so it rebuilds them.
- **Older KBs and extractor changes**: ``statement_docs`` records which ``EXTRACTOR_VERSION``
  made each document's statements. A document without a current mark (a KB made before this
  table existed, or by an older extractor) is extracted again **from its stored clauses** (the
  clause texts, headings, ordinals, pages and the document's title, type and date are all the
  extractor reads, so the result equals extraction at ingest): on open and after every write
  batch (``catch_up``). No format version bump: older code ignores the tables.
- **Canonical names**: ``canonical = apply_synonyms(indicator, synonyms.tsv)`` (the file,
  ``variant<TAB>canonical`` lines, lives in the KB directory and is optional). The digest of
  the mapping applied is kept in ``meta``; when the file changes, every row's ``canonical`` is
  recomputed (checked on open, after writes, and before each targets query or search, by the
  file's modification time and size).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from index.config import KBConfig
from index.indicator_query import IndicatorNames
from index.query import ParsedQuery, parse_query
from index.records import KBError, TargetRow
from index.statements import TargetFilter
from index.store_api import StoreAPI
from ingest.records import Clause, DocumentMeta, ParsedDocument
from ingest.targets import ClauseStatement, Kind, Synonyms, apply_synonyms, extract_document, load_synonyms

EXTRACTOR_VERSION = 1  # bump when ingest.targets gives other statements for the same clauses
SYNONYMS_FILE = "synonyms.tsv"
_DIGEST, _STAMP = "synonyms_digest", "statements_stamp"  # meta keys


class SynonymsError(KBError):
    """The KB's synonyms file has a malformed line (the message names it)."""


def _digest(synonyms: Synonyms) -> str:
    return hashlib.sha256(json.dumps(sorted(synonyms.mapping.items()), ensure_ascii=False).encode()).hexdigest()


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


class TargetIndex:
    """The statements of one KB (its caller holds the KB's thread lock)."""

    def __init__(self, *, config: KBConfig, store: StoreAPI):
        self.config = config
        self.store = store
        self._synonyms: tuple[object, Synonyms] = (object(), Synonyms())  # (file stamp, mapping)
        self._synced: object = object()  # the file stamp the database was last checked against
        self._names: tuple[object, IndicatorNames] = (object(), IndicatorNames())
        self._memo: tuple[Synonyms | None, dict[str, str]] = (None, {})  # query runs -> canonical, per mapping

    @property
    def synonyms_path(self) -> Path:
        """The KB's synonyms file (``variant<TAB>canonical`` lines; optional)."""
        return self.config.path / SYNONYMS_FILE

    def synonyms(self) -> Synonyms:
        """The synonyms file's overrides, read again when the file changed; SynonymsError when malformed."""
        stamp = _file_stamp(self.synonyms_path)
        if stamp != self._synonyms[0]:
            try:
                self._synonyms = (stamp, load_synonyms(self.synonyms_path))
            except ValueError as e:
                raise SynonymsError(f"{e}: correct the line (or delete the file)") from None
        return self._synonyms[1]

    def canonical(self, name: str) -> str:
        """The canonical name of an indicator under the KB's synonyms."""
        return apply_synonyms(name, self.synonyms())

    # -- writing (inside the caller's write transaction) -------------------
    @staticmethod
    def extract(doc: ParsedDocument) -> list[ClauseStatement]:
        """The statements of a parsed document (laws and regulations give none)."""
        return extract_document(doc)

    def write(self, doc_id: int, found: list[ClauseStatement]) -> None:
        """Store a just-inserted document's statements."""
        self.store.statements.insert(doc_id, found, canonical=self.canonical, extractor=EXTRACTOR_VERSION)
        self._touch()

    def catch_up(self) -> int:
        """Recompute canonical names if the synonyms changed, and extract the documents without
        a current mark from their stored clauses; returns how many documents were extracted."""
        synonyms = self.synonyms()
        if self.store.get_meta(_DIGEST) != _digest(synonyms):
            if self.store.statements.recanonicalise(lambda name: apply_synonyms(name, synonyms)):
                self._touch()
            self.store.set_meta(_DIGEST, _digest(synonyms))
        todo = self.store.statements.unextracted(EXTRACTOR_VERSION)
        docs = {d.doc_id: d for d in self.store.documents()} if todo else {}
        for doc_id in todo:
            self.store.statements.clear(doc_id)
            self.write(doc_id, self.extract(self._stored_document(docs[doc_id])))
        return len(todo)

    def _stored_document(self, d) -> ParsedDocument:
        """A document as the extractor reads it, rebuilt from the store."""
        clauses = tuple(Clause(ordinal=c.ordinal, path=c.path, label=c.label, text=c.text, page_start=c.page_start,
                               page_end=c.page_end, char_start=0, char_end=0)
                        for c in self.store.document_clauses(d.doc_id))
        meta = DocumentMeta(title=d.title, issuer=d.issuer, doc_number=d.doc_number, date=d.date,
                            doc_type=d.doc_type, author=d.author, pages=d.pages)
        return ParsedDocument(source=d.source, format="", content_hash=d.content_hash, meta=meta, text="",
                              clauses=clauses)

    def _touch(self) -> None:
        self.store.set_meta(_STAMP, int(self.store.get_meta(_STAMP, 0)) + 1)

    # -- reading ------------------------------------------------------------
    def sync(self, *, documents: bool = False, strict: bool = True) -> None:
        """Bring the stored statements up to the synonyms file (and, with ``documents``, to the
        extractor: on open). A database that cannot be written now (read-only, or locked past
        the timeout) is left as it is and tried again on the next call; so is a malformed
        synonyms file unless ``strict`` (then SynonymsError)."""
        stamp = _file_stamp(self.synonyms_path)
        if stamp == self._synced and not documents:
            return
        try:
            digest = _digest(self.synonyms())
        except SynonymsError:
            if strict:
                raise
            return
        with self.store.transaction():
            stale = self.store.get_meta(_DIGEST) != digest or \
                (documents and bool(self.store.statements.unextracted(EXTRACTOR_VERSION)))
        if stale:
            try:
                with self.store.transaction(write=True):
                    self.catch_up()
            except self.store.busy_errors:  # another writer held the database past the wait
                return
        self._synced = stamp

    def rows(self, query: str | None = None, *, indicator: str | None = None, subject: str | None = None,
             kind: Kind | str | None = None, year_from: int | None = None, year_to: int | None = None) -> list[TargetRow]:
        """The statements matching every given condition (see ``KnowledgeBase.targets``)."""
        self.sync()
        words = tuple((w, self.canonical(w)) for w in (parse_query(query).terms if query else ()))
        f = TargetFilter(words=words, canonical=self.canonical(indicator) if indicator else None,
                         subject=subject or None, kind=Kind(kind) if kind else None,
                         year_from=year_from, year_to=year_to)
        with self.store.transaction():
            return self.store.statements.rows(f)

    def indicators(self) -> list[tuple[str, int]]:
        """(canonical name, number of statements), most stated first."""
        self.sync()
        with self.store.transaction():
            return self.store.statements.canonical_counts()

    def stating(self, pq: ParsedQuery) -> set[int]:
        """Ids of the clauses stating a value of an indicator the query names (inside the
        caller's read transaction; call ``sync`` before it)."""
        stamp = self.store.get_meta(_STAMP, 0)
        if stamp != self._names[0]:
            self._names = (stamp, IndicatorNames.build(n for n, _ in self.store.statements.canonical_counts()))
        try:
            synonyms = self.synonyms()
        except SynonymsError:  # a search is not refused for a bad synonyms line: the last good file is used
            synonyms = self._synonyms[1]
        named = self._names[1].named(pq, self._canonicaliser(synonyms),
                                     declared=frozenset(synonyms.mapping.values()))
        return self.store.statements.clauses_stating(named) if named else set()

    def _canonicaliser(self, synonyms: Synonyms):
        """``apply_synonyms`` under ``synonyms``, remembered (a query tries up to ~20 runs of words)."""
        if self._memo[0] is not synonyms or len(self._memo[1]) > 100_000:
            self._memo = (synonyms, {})
        memo = self._memo[1]

        def canonical(name: str) -> str:
            if name not in memo:
                memo[name] = apply_synonyms(name, synonyms)
            return memo[name]

        return canonical
