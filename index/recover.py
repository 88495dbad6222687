"""A damaged ``kb.sqlite``: how it is reported (``CorruptKB`` with the recovery command) and the
recovery itself (``set_aside``: the damaged files are moved into ``damaged-<time>/`` so that
``python -m index rebuild --reset PATH...`` starts a new KB from the source files and the uploads)."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from index.location import DB_FILE, DENSE_FILE, LEXICAL_FILE
from index.records import CorruptKB

UPLOADS_DIR = "uploads"
_DAMAGED = (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", LEXICAL_FILE, DENSE_FILE)


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """True for a damaged database ("file is not a database", "database disk image is malformed"),
    False for an OperationalError (disk full, locked, read-only): those are not fixed by a rebuild."""
    return not isinstance(exc, sqlite3.OperationalError)


def corrupt(path: Path, exc: sqlite3.DatabaseError) -> CorruptKB:
    """The one-line error for a database SQLite cannot read, with the command that recovers."""
    return CorruptKB(f"the knowledge-base database {path / DB_FILE} is damaged (sqlite: {exc}): rebuild it from "
                     f"the source files with `python -m index rebuild --reset --kb {path} PATH...` (the damaged "
                     f"files are kept in {path}/damaged-<time>/; uploaded files are re-added)")


def set_aside(path: Path) -> Path | None:
    """Move a KB's database and index files into ``path/damaged-<time>/``; returns that folder
    (None when there was nothing to move). ``config.json`` stays: it keeps the model and settings."""
    present = [path / name for name in _DAMAGED if (path / name).exists()]
    if not present:
        return None
    folder = path / time.strftime("damaged-%Y%m%d-%H%M%S", time.gmtime())
    folder.mkdir(exist_ok=True)
    for f in present:
        f.rename(folder / f.name)
    return folder


def uploads(path: Path) -> list[str]:
    """The KB's uploaded files (re-added by a reset: they have no other copy)."""
    folder = path / UPLOADS_DIR
    return [str(folder)] if folder.is_dir() else []


def sweep_temp_files(path: Path) -> list[Path]:
    """Remove the temp files (``NAME.<pid>.<thread>.tmp``) of processes that are gone (killed while
    saving an index); those of live processes are left to finish. Returns the removed files."""
    import os

    removed = []
    for f in path.glob("*.tmp"):
        parts = f.name.split(".")
        pid = int(parts[-3]) if len(parts) >= 4 and parts[-3].isdigit() else None
        if pid is None or pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            f.unlink(missing_ok=True)
            removed.append(f)
        except PermissionError:
            pass  # alive, another user's
    return removed
