"""Writing endpoints, behind the token (``index.api.auth``): upload a file, delete a document,
rebuild. One writer at a time across processes (the KB's write lock): a second gets 409."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, File, UploadFile

from index.api import uploads
from index.api.auth import require_token
from index.api.deps import kb
from index.api.errors import ApiError
from index.api.models import ErrorOut, RemovedOut, UploadOut
from index.api.routes_docs import DocId, document
from index.jsonout import documents_json
from index.kb import KnowledgeBase
from index.records import IngestReport

ERRORS = {s: {"model": ErrorOut} for s in (400, 401, 403, 404, 409, 413, 422)}
router = APIRouter(tags=["write (token)"], dependencies=[Depends(require_token)], responses=ERRORS)


async def _read_bounded(file: UploadFile) -> bytes:
    """The upload's bytes; 413 as soon as it passes the limit (never held whole beyond it)."""
    chunks, size = [], 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
        if size > uploads.MAX_UPLOAD_BYTES:
            uploads.check(file.filename or "", b"x" * (uploads.MAX_UPLOAD_BYTES + 1))
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/documents", response_model=UploadOut, summary="upload a file into the KB")
async def upload(file: UploadFile = File(description="PDF, DOCX, DOC, TXT, MD, HTML/MHTML or image, ≤ 50 MB"),
                 base: KnowledgeBase = Depends(kb)) -> dict:
    """Save the file under ``<kb>/uploads/``, ingest it; an unreadable file is removed again (422)."""
    name = file.filename or ""
    uploads.check(name, b"x")  # the type before reading the body
    data = await _read_bounded(file)
    return _ingest(base, name, data)


def _ingest(base: KnowledgeBase, name: str, data: bytes) -> dict:
    path, created = uploads.save(base.path, name, data)
    try:
        report = base.ingest([str(path)])
    except BaseException:
        if created:
            uploads.discard(base.path, path)
        raise
    if report.failed:
        if created:
            uploads.discard(base.path, path)
        raise ApiError(422, f"cannot read {Path(name).name}: {report.failed[0][1]}",
                       "upload a readable PDF, DOCX, DOC, TXT, MD, HTML or image file")
    doc = next((d for d in base.documents() if Path(d.source).name == path.name), None)
    return {"report": report, "document": documents_json([doc])[0] if doc else None}


@router.delete("/documents/{doc_id}", response_model=RemovedOut, summary="remove a document from every index")
def delete(doc_id: DocId, base: KnowledgeBase = Depends(kb)) -> dict:
    """Remove the document (and its uploaded file, if it was uploaded)."""
    doc = document(base, doc_id)
    if not base.remove(doc.source):
        raise ApiError(404, f"document {doc_id} was removed meanwhile", "list the documents again with GET /documents")
    uploads.discard(base.path, Path(doc.source))
    return {"doc_id": doc_id, "source": doc.source}


@router.post("/rebuild", response_model=IngestReport, summary="re-read every recorded source, rebuild the indexes")
def rebuild(base: KnowledgeBase = Depends(kb)) -> IngestReport:
    """``python -m index rebuild --kb DIR`` with the KB's own model."""
    return base.rebuild()
