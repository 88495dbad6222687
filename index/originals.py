"""Copies of the original files behind 看原文 and the download button.

A KB records only the path it read a document from, and that file may move or change. On
add, a PDF or page image is copied into ``originals/`` in the KB directory, named by its
content hash (``originals/<sha256>.pdf``): the same file added twice is stored once, and a
document always finds the very bytes it was parsed from. Copies no document points to any
more are deleted after each write (``prune``). A KB made before this keeps no copies; its
documents fall back to their source path while the file there is unchanged.
"""
from __future__ import annotations

import hashlib
import shutil
from functools import lru_cache
from collections.abc import Iterable
from pathlib import Path

ORIGINALS_DIR = "originals"
# Formats with pages to show: what ``ingest`` reads page by page with line boxes.
KEPT_FORMATS = ("pdf", "png", "jpg", "jpeg", "tif", "tiff")


def file_sha256(path: Path) -> str:
    """sha256 hex of a file's bytes (same as ``RawDocument.content_hash``)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def copy_path(kb_dir: Path, content_hash: str, fmt: str) -> Path:
    """Where the copy of a file with this content and format lives."""
    return kb_dir / ORIGINALS_DIR / f"{content_hash}.{fmt}"


def keep(kb_dir: Path, source: str | Path, *, content_hash: str, fmt: str) -> Path | None:
    """Copy ``source`` into the KB (once per content; a file already inside the KB directory,
    a page upload, is not copied); None for formats without pages or when the file is gone."""
    if fmt not in KEPT_FORMATS:
        return None
    if Path(source).resolve().is_relative_to(Path(kb_dir).resolve()):
        return Path(source)  # an upload the page saved in the KB already: no second copy
    target = copy_path(kb_dir, content_hash, fmt)
    if target.exists():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(source, partial)
        partial.replace(target)  # atomic: a crash never leaves a truncated copy under the final name
    except OSError:
        return None
    return target


def find(kb_dir: Path, *, source: str, content_hash: str, fmt: str) -> Path | None:
    """The original of a document: its copy in the KB, else its source path when the file
    there still has the recorded content; None when neither."""
    if fmt not in KEPT_FORMATS:
        return None
    copy = copy_path(kb_dir, content_hash, fmt)
    if copy.is_file():
        return copy
    path = Path(source)
    try:
        stat = path.stat()
    except OSError:
        return None
    return path if _sha_of(str(path), stat.st_mtime_ns, stat.st_size) == content_hash else None


@lru_cache(maxsize=256)
def _sha_of(path: str, mtime_ns: int, size: int) -> str:
    """A file's hash, computed once per version of the file (the page asks on every rerun)."""
    return file_sha256(Path(path))


def prune(kb_dir: Path, hashes: Iterable[str]) -> int:
    """Delete the copies whose content hash is not in ``hashes``; returns how many."""
    folder = kb_dir / ORIGINALS_DIR
    if not folder.is_dir():
        return 0
    wanted = set(hashes)
    gone = 0
    for f in folder.iterdir():
        if f.name.split(".")[0] not in wanted:
            f.unlink(missing_ok=True)
            gone += 1
    return gone
