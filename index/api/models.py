"""Response models of the HTTP API (what ``/docs`` shows). Records that the CLIs print with
``asdict`` (``Hit``, ``ClauseRow``, ``DocumentRow``, ``KBStats``, ``IngestReport``) are used as
they are; the dict-shaped answers (targets, precedents, links, 对照) get pydantic models with
exactly the keys of the CLI's ``--json``."""
from __future__ import annotations

from typing import get_type_hints

from pydantic import BaseModel, Field, create_model

from index.records import TARGET_KEYS, ClauseRow, DocumentRow, Hit, IngestReport, TargetRow


class ErrorOut(BaseModel):
    """Every answer other than 200."""

    error: str = Field(description="what went wrong, one line")
    fix: str = Field(description="what to do about it, one line")


class SearchOut(BaseModel):
    """``python -m index search --json``: the hits, each with its relevance estimate, and whether any
    of the first ones reaches the floor (false: 没有找到足够相关的条款, the hits are only 可能相关)."""

    good_match: bool
    floor: float
    analysis: dict = Field(description="the query's analysis: question_forms, also_searched, named_documents")
    hits: list[Hit]


# the ``TargetRow`` fields the CLI prints (``TARGET_KEYS``), typed as ``TargetRow`` types them
TargetOut = create_model("TargetOut", __doc__="A quantitative statement (``python -m index targets --json``).",
                         **{k: (t, ...) for k, t in get_type_hints(TargetRow).items() if k in TARGET_KEYS})


class PrecedentOut(BaseModel):
    """A clause that already says a draft sentence; ``shared``: [start, end) runs in ``text``."""

    clause_id: int
    citation: str
    text: str
    doc_title: str
    date: str | None
    issuer: str | None
    similarity: float
    shared: list[list[int]]


class SentenceOut(BaseModel):
    """One draft sentence (offsets into the draft) with its precedents; ``new``: 无先例."""

    sentence: str
    start: int
    end: int
    hits: list[PrecedentOut]
    new: bool


class PrecedentsOut(BaseModel):
    """``python -m index similar --json``."""

    sentences: list[SentenceOut]


class CiteRef(BaseModel):
    """A document this one cites; ``doc_id`` null when it is not in the KB."""

    title: str
    doc_id: int | None
    clause_id: int
    cue: str


class CitedBy(BaseModel):
    """A document citing this one, through one of its clauses."""

    doc_id: int
    title: str
    clause_id: int


class RefsOut(BaseModel):
    """``python -m index refs DOC --json``."""

    cites: list[CiteRef]
    cited_by: list[CitedBy]


class VersionOut(BaseModel):
    """One version in a chain."""

    doc_id: int
    title: str
    date: str | None
    status: str


class DocBrief(BaseModel):
    """A document named by a link: an amended document or an amending one."""

    doc_id: int
    title: str
    date: str | None


class VersionsOut(BaseModel):
    """``python -m index versions DOC --json``: status current/superseded/repealed/unknown; the
    document it amends (a 修改决定 / 修正案) and the documents amending it."""

    doc_id: int
    status: str
    repealed_by: int | None
    chain: list[VersionOut]
    amends: DocBrief | None
    amendments: list[DocBrief]


class PairOut(BaseModel):
    """Two aligned clauses (either may be missing); ``diff``: [op, text] with op ``=``, ``-``, ``+``."""

    a: ClauseRow | None
    b: ClauseRow | None
    change: str
    diff: list[list[str]]


class CompareOut(BaseModel):
    """``python -m index compare A B --json``."""

    pairs: list[PairOut]


class CitationOut(BaseModel):
    """The citation of one clause in one style."""

    clause_id: int
    style: str
    citation: str


class DocumentOut(BaseModel):
    """A document's metadata and its clauses in order."""

    document: DocumentRow
    clauses: list[ClauseRow]


class HealthOut(BaseModel):
    """The server is up and its KB open."""

    status: str
    documents: int
    clauses: int
    generation: int
    model: str
    writes_enabled: bool
    worker: int = Field(description="the answering worker's process id")


class UploadOut(BaseModel):
    """What an upload did and the document it became (null when skipped as unchanged and unknown)."""

    report: IngestReport
    document: DocumentRow | None


class RemovedOut(BaseModel):
    """The document deleted from every index."""

    doc_id: int
    source: str
