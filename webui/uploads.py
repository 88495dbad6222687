"""Uploaded files: saved under ``<kb>/uploads/<sha256[:16]><ext>`` (the user's file name is
never a path; it is kept in ``names.json`` for display only), ingested, and removed
again when ingestion fails, so a bad upload leaves the KB as it was."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from index.records import IngestReport
from ingest.records import SUPPORTED_SUFFIXES
from webui.kbstore import KBHandle
from webui.upload_names import NAMES_FILE, _write_names, display_names, uploads_dir

ALLOWED_SUFFIXES = SUPPORTED_SUFFIXES  # the formats the readers know
MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024


@dataclass(frozen=True)
class UploadedFile:
    """One file as the browser sent it: the user's name (display only) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Rejected:
    """A file refused or failed, with the reason in Chinese."""

    name: str
    reason: str


@dataclass(frozen=True)
class UploadOutcome:
    """What an upload batch did: the KB's report and the files refused before or during ingestion."""

    report: IngestReport
    rejected: tuple[Rejected, ...]
    names: dict  # saved path -> original name


def display_name(kb_dir: str | Path, source: str) -> str:
    """How a document's source is shown: the uploaded name for uploads, else the file name."""
    path = Path(source)
    if path.parent.resolve() == uploads_dir(kb_dir).resolve():
        return display_names(kb_dir).get(path.name, path.name)
    return path.name


def check(file: UploadedFile) -> str | None:
    """Why the file is refused before saving (type or size), or None."""
    suffix = PurePath(file.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return f"不支持的文件类型「{suffix or '无扩展名'}」，请上传 PDF、DOCX、DOC、TXT、MD、网页（HTML/MHTML）或图片（PNG/JPG/TIF） 文件"
    if len(file.data) > MAX_UPLOAD_BYTES:
        return f"文件有 {len(file.data) / 1048576:.1f} MB，超过 {MAX_UPLOAD_MB} MB 的上限"
    if not file.data:
        return "文件是空的"
    return None


def saved_path(kb_dir: str | Path, file: UploadedFile) -> Path:
    """``<kb>/uploads/<sha256[:16]><ext>``; only the whitelisted extension comes from the user's name."""
    suffix = PurePath(file.name).suffix.lower()
    assert suffix in ALLOWED_SUFFIXES
    return uploads_dir(kb_dir) / (hashlib.sha256(file.data).hexdigest()[:16] + suffix)


def ingest_uploads(
    handle: KBHandle, files: Sequence[UploadedFile], *, progress: Callable[[int, int, str], None] | None = None,
    page_progress: Callable[[int, int, str], None] | None = None,
) -> UploadOutcome:
    """Save, ingest and, for each file that fails, delete its bytes again."""
    folder = uploads_dir(handle.path)
    folder.mkdir(parents=True, exist_ok=True)
    rejected: list[Rejected] = []
    to_ingest: dict[str, str] = {}  # saved path -> original name
    created: set[str] = set()
    for file in files:
        reason = check(file)
        if reason:
            rejected.append(Rejected(name=file.name, reason=reason))
            continue
        path = saved_path(handle.path, file)
        if not path.exists():
            path.write_bytes(file.data)
            created.add(str(path))
        to_ingest[str(path)] = file.name
    if not to_ingest:
        return UploadOutcome(report=IngestReport(), rejected=tuple(rejected), names={})
    with handle.names_lock:
        names = display_names(handle.path)
        names.update({Path(p).name: n for p, n in to_ingest.items()})
        _write_names(handle.path, names)
    with handle.writer() as kb:  # not the shared lock: searches in other sessions go on (webui/kbstore.py)
        try:
            report = kb.ingest(list(to_ingest), progress=progress, page_progress=page_progress)
        except BaseException:
            _discard(handle, [p for p in to_ingest if p in created])
            raise
        # match by file name: the KB may report the source in another spelling of the path
        by_name = {Path(p).name: p for p in to_ingest}
        failed = [(by_name.get(Path(source).name), reason) for source, reason in report.failed]
        _discard(handle, [p for p, _ in failed if p])
    for path, reason in failed:
        rejected.append(Rejected(name=to_ingest.get(path, "?") if path else "?", reason=reason))
    return UploadOutcome(report=report, rejected=tuple(rejected), names=to_ingest)


def _discard(handle: KBHandle, paths: Sequence[str]) -> None:
    """Delete saved bytes that did not make it into the KB, and their display names."""
    if not paths:
        return
    with handle.names_lock:
        names = display_names(handle.path)
        for path in paths:
            Path(path).unlink(missing_ok=True)
            names.pop(Path(path).name, None)
        _write_names(handle.path, names)


def delete_document(handle: KBHandle, source: str) -> bool:
    """Remove a document from the KB and, if it was uploaded, its saved bytes."""
    with handle.use() as kb:
        removed = kb.remove(source)
    path = Path(source)
    if removed and path.parent.resolve() == uploads_dir(handle.path).resolve():
        _discard(handle, [source])
    return removed

