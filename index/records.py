"""Records and errors of the knowledge base (the contract for app.py, the CLIs and eval)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ingest.records import OcrSummary


@dataclass(frozen=True)
class Filters:
    """Search filters; an empty field does not filter."""

    doc_ids: tuple[int, ...] = ()
    issuers: tuple[str, ...] = ()  # 发文机关
    doc_types: tuple[str, ...] = ()  # 文种
    year_from: int | None = None
    year_to: int | None = None
    status: str | None = None  # current / superseded / repealed / unknown (index/links.py)


@dataclass(frozen=True)
class Scored:
    """A clause id with the score one ranker (BM25, FAISS, fusion) gives it."""

    clause_id: int
    score: float


@dataclass(frozen=True)
class Hit:
    """One search result, ready to cite."""

    rank: int
    score: float
    text: str
    matched: tuple[str, ...]  # terms to highlight in ``text``
    doc_title: str
    doc_number: str | None
    date: str | None
    path: tuple[str, ...]
    label: str
    page_start: int | None
    page_end: int | None
    citation: str  # 《标题》三、（五）（发文字号）第N页
    clause_id: int
    doc_id: int
    relevance: float | None = None  # calibrated P(relevant) of the learned model (index.learned), 0–1


@dataclass(frozen=True)
class DocumentRow:
    """A document of the knowledge base with its metadata."""

    doc_id: int
    source: str
    title: str
    issuer: str | None
    doc_number: str | None
    date: str | None
    doc_type: str | None
    author: str | None
    pages: int | None
    clauses: int
    content_hash: str
    added_at: str


@dataclass(frozen=True)
class ClauseRow:
    """A stored clause with its address (for context and document views)."""

    clause_id: int
    doc_id: int
    ordinal: int
    path: tuple[str, ...]
    label: str
    text: str
    page_start: int | None
    page_end: int | None


@dataclass(frozen=True)
class TargetRow:
    """A quantitative statement found in a clause (``index.targets``), ready to cite.

    ``indicator`` as written and its ``canonical`` group name; ``value`` (``value_high`` the
    upper end of a range); ``comparator`` 达到/以上/下降…; ``kind`` target or actual; ``year``;
    ``base`` (a base year or value); ``subject`` (the region or body); the clause (``text``,
    ``page`` it starts on, ``citation``); ``start``/``end`` the statement's span in ``text``.
    """

    indicator: str
    canonical: str
    value: float
    value_high: float | None
    unit: str
    comparator: str
    kind: str  # "target" or "actual" (an ``ingest.targets.Kind``)
    year: int | None
    base: str | None
    subject: str | None
    clause_id: int
    citation: str
    text: str
    page: int | None
    doc_id: int
    doc_title: str
    start: int
    end: int

    def to_dict(self) -> dict:
        """JSON form (the keys of ``python -m index targets --json``)."""
        out = {k: getattr(self, k) for k in TARGET_KEYS}
        out["kind"] = str(self.kind)
        return out


TARGET_KEYS: tuple[str, ...] = ("indicator", "canonical", "value", "value_high", "unit", "comparator", "kind", "year",
                                "base", "subject", "clause_id", "citation", "text", "page")


@dataclass(frozen=True)
class HitRow:
    """What a hit needs from the store: the clause, its address and its document's citation fields."""

    clause_id: int
    doc_id: int
    text: str
    path: tuple[str, ...]
    label: str
    page_start: int | None
    page_end: int | None
    title: str
    doc_number: str | None
    date: str | None
    match_text: str  # the stored match form of ``text`` (what repeated texts are recognised by)


@dataclass(frozen=True)
class IndexRow:
    """A clause as the derived indexes take it: BM25 reads ``match_text``, FAISS the vector cached under ``text_hash``."""

    clause_id: int
    text: str
    match_text: str
    text_hash: str


@dataclass(frozen=True)
class KnownDocument:
    """A document already in the store under a source path, with the hash of the bytes it was read from."""

    doc_id: int
    content_hash: str


@dataclass(frozen=True)
class StoreCounts:
    """Row counts of the store."""

    documents: int
    clauses: int
    embeddings: int


@dataclass(frozen=True)
class Facets:
    """The distinct values the filters offer: 发文机关 and 文种 (sorted), years (ascending)."""

    issuers: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    def to_dict(self) -> dict:
        """JSON form: lists under ``issuers``, ``doc_types``, ``years``."""
        return {"issuers": list(self.issuers), "doc_types": list(self.doc_types), "years": list(self.years)}


@dataclass(frozen=True)
class KBStats:
    """Counts, model, tokeniser, generation and sizes on disk (bytes) of a KB."""

    path: str
    documents: int
    clauses: int
    embeddings_cached: int
    model: str
    dim: int | None
    tokenizer: str
    generation: int
    dense_index: str  # "flat" or "hnsw"
    sizes: dict[str, int]  # file name -> bytes, for the files present
    total_bytes: int

    def to_dict(self) -> dict:
        """JSON form (the keys of ``python -m index stats --json``)."""
        return asdict(self)


@dataclass(frozen=True)
class IngestReport:
    """What one ingestion batch did: sources added/replaced/skipped/removed, and failures."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (source, reason)
    clauses_embedded: int = 0  # clause texts embedded (those without a cached vector)
    clauses: int = 0  # clauses of the documents added or replaced
    # stage -> seconds: parse (in the parse worker, overlapping embed), parse_wait (embedding
    # waited for the parser), embed, extract, write (database and indexes), total
    seconds: dict = field(default_factory=dict)
    ocr: tuple[tuple[str, OcrSummary], ...] = ()  # (source, its OCR summary) of the files read by OCR


class KBError(Exception):
    """A knowledge-base problem; the message says what happened and how to fix it."""


class KBMissing(KBError):
    """No knowledge base at the given directory."""


class ModelMismatch(KBError):
    """The KB was built with another embedding model or dimension."""


class KBBusy(KBError):
    """Another ingestion holds the KB's write lock."""


class FormatError(KBError):
    """The KB's on-disk format is not the one this program reads."""


class FormatTooOld(FormatError):
    """The KB was made by an older version; the message carries the rebuild command."""


class FormatTooNew(FormatError):
    """The KB was made by a newer version of this program; it is refused, not touched."""


class QueryRejected(KBError, ValueError):
    """A query over ``ingest.limits.Limits`` (too long, k out of range); the message names the limit."""


class CorruptKB(KBError):
    """The KB's database cannot be read; the message carries the recovery command."""
