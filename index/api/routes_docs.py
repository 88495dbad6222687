"""Browsing endpoints: clauses and their context, documents with metadata and clauses, references,
versions, 对照 and citations; ``/stats`` and ``/health``. Answers are the CLIs' ``--json`` objects."""
from __future__ import annotations

import os
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from index.api.auth import writes_enabled
from index.api.deps import MAX_ID, AnId, kb
from index.api.errors import not_found
from index.api.models import CitationOut, CompareOut, DocumentOut, HealthOut, RefsOut, VersionsOut
from index.cite import CiteStyle, cite, lookup
from index.compare import compare as align
from index.jsonout import clauses_json, documents_json
from index.kb import KnowledgeBase
from index.links import references, versions as version_chain
from index.records import ClauseRow, DocumentRow, KBStats

router = APIRouter(tags=["browse"])
ClauseId = Annotated[int, Path(ge=1, le=MAX_ID, description="a clause id (from /search)")]
DocId = Annotated[int, Path(ge=1, le=MAX_ID, description="a document id (from /documents)")]
DocParam = Annotated[int, Query(ge=1, le=MAX_ID, description="a document id (from /documents)")]


def document(base: KnowledgeBase, doc_id: int) -> DocumentRow:
    """The document ``doc_id``; 404 when the KB has none."""
    for d in base.documents():
        if d.doc_id == doc_id:
            return d
    raise not_found(f"no document {doc_id} in the knowledge base", "take a document id from GET /documents")


def _clauses_around(base: KnowledgeBase, clause_id: int, n: int) -> list[dict]:
    rows = base.context(clause_id, n=n)
    if not rows:
        raise not_found(f"no clause {clause_id} in the knowledge base", "take a clause id from GET /search")
    return clauses_json(rows)


@router.get("/clauses/{clause_id}", response_model=ClauseRow, summary="one clause with its address")
def clause(clause_id: ClauseId, base: KnowledgeBase = Depends(kb)) -> dict:
    """The clause (id, document, ordinal, heading path, label, text, pages)."""
    return _clauses_around(base, clause_id, 0)[0]


@router.get("/clauses/{clause_id}/context", response_model=list[ClauseRow], summary="a clause with its neighbours")
def context(clause_id: ClauseId, n: Annotated[int, Query(ge=0, le=50, description="neighbours on each side")] = 2,
            base: KnowledgeBase = Depends(kb)) -> list[dict]:
    """``python -m index context ID --n N --json``."""
    return _clauses_around(base, clause_id, n)


@router.get("/documents", response_model=list[DocumentRow], summary="documents with their metadata")
def documents(offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
              limit: Annotated[int, Query(ge=1, le=10_000)] = 1_000,
              base: KnowledgeBase = Depends(kb)) -> list[dict]:
    """Documents in id order, ``limit`` from ``offset``."""
    return documents_json(base.documents()[offset:offset + limit])


@router.get("/documents/{doc_id}", response_model=DocumentOut, summary="a document's metadata and clauses")
def document_detail(doc_id: DocId, base: KnowledgeBase = Depends(kb)) -> dict:
    """The document's metadata and its clauses in order."""
    doc = document(base, doc_id)
    return {"document": documents_json([doc])[0], "clauses": clauses_json(base.document_clauses(doc_id))}


@router.get("/documents/{doc_id}/refs", response_model=RefsOut, summary="documents it cites and is cited by")
def refs(doc_id: DocId, base: KnowledgeBase = Depends(kb)) -> dict:
    """``python -m index refs DOC --json``."""
    document(base, doc_id)
    return references(base, doc_id)


@router.get("/versions", response_model=VersionsOut, summary="status and version chain of a document")
def versions(doc: DocParam, base: KnowledgeBase = Depends(kb)) -> dict:
    """``python -m index versions DOC --json``."""
    document(base, doc)
    return version_chain(base, doc)


@router.get("/compare", response_model=CompareOut, summary="对照: two documents article by article")
def compare(a: DocParam, b: DocParam, base: KnowledgeBase = Depends(kb)) -> dict:
    """``python -m index compare A B --json``."""
    document(base, a), document(base, b)
    return align(base.document_clauses(a), base.document_clauses(b))


@router.get("/cite", response_model=list[CitationOut], summary="citations of clauses")
def citations(id: Annotated[list[AnId], Query(min_length=1, max_length=1_000, description="clause ids (repeatable)")],
              style: CiteStyle = CiteStyle.PLAIN, base: KnowledgeBase = Depends(kb)) -> list[dict]:
    """``python -m index cite ID... --style S``, one object per clause."""
    return [{"clause_id": c.clause_id, "style": str(style), "citation": cite(c, d, style)}
            for c, d in lookup(base, id)]


@router.get("/stats", response_model=KBStats, summary="documents, clauses, model and sizes")
def stats(base: KnowledgeBase = Depends(kb)) -> dict:
    """``python -m index stats --json``."""
    return base.stats().to_dict()


@router.get("/health", response_model=HealthOut, summary="the server is up and its KB open")
def health(base: KnowledgeBase = Depends(kb)) -> dict:
    """Counts, generation and model of the served KB; whether the write endpoints are on."""
    s = base.stats()
    return {"status": "ok", "documents": s.documents, "clauses": s.clauses, "generation": s.generation,
            "model": s.model, "writes_enabled": writes_enabled(),
            "worker": os.getpid()}
