"""Uploaded files as the page stores them: ``<kb>/uploads/<sha256[:16]><ext>`` (the user's file
name is never a path; it is kept in ``uploads/names.json`` for display), removed again when the
upload fails or its document is deleted."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePath

from index.api.errors import ApiError
from ingest.records import SUPPORTED_SUFFIXES

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
NAMES_FILE = "names.json"


def uploads_dir(kb_dir: Path) -> Path:
    """The folder holding uploaded bytes inside the KB directory."""
    return kb_dir / "uploads"


def check(name: str, data: bytes) -> str:
    """The file's suffix; ApiError 400 (type, empty) or 413 (size) when it is refused."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ApiError(400, f"unsupported file type {suffix or '(none)'!r}",
                       "upload one of " + " ".join(sorted(SUPPORTED_SUFFIXES)))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, f"the file is larger than {MAX_UPLOAD_MB} MB",
                       f"upload files of at most {MAX_UPLOAD_MB} MB (split a larger document)")
    if not data:
        raise ApiError(400, "the file is empty", "upload a file with content")
    return suffix


def save(kb_dir: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Save ``data`` under its hash name; (path, True when the file was written now)."""
    suffix = check(name, data)
    folder = uploads_dir(kb_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (hashlib.sha256(data).hexdigest()[:16] + suffix)
    created = not path.exists()
    if created:
        path.write_bytes(data)
    _set_name(kb_dir, path.name, PurePath(name).name)
    return path, created


def discard(kb_dir: Path, path: Path) -> None:
    """Delete an uploaded file and its display name (a path outside ``uploads/`` is left alone)."""
    if path.parent.resolve() != uploads_dir(kb_dir).resolve():
        return
    path.unlink(missing_ok=True)
    _set_name(kb_dir, path.name, None)


def _set_name(kb_dir: Path, key: str, name: str | None) -> None:
    file = uploads_dir(kb_dir) / NAMES_FILE
    try:
        names = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        names = {}
    if name is None:
        names.pop(key, None)
    else:
        names[key] = name
    tmp = file.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(names, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, file)
