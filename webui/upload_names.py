"""Where uploads live and what they were called (``<kb>/uploads/``, ``names.json``), and the sweep of
uploads orphaned by a killed server. No page imports here: ``webui.kbstore`` calls the sweep."""
from __future__ import annotations

import json
import os
from pathlib import Path

NAMES_FILE = "names.json"


def uploads_dir(kb_dir: str | Path) -> Path:
    """The folder holding uploaded bytes inside the KB directory."""
    return Path(kb_dir) / "uploads"


def display_names(kb_dir: str | Path) -> dict[str, str]:
    """Saved file name (``<hash><ext>``) -> the name the user uploaded it under."""
    path = uploads_dir(kb_dir) / NAMES_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_names(kb_dir: str | Path, names: dict[str, str]) -> None:
    path = uploads_dir(kb_dir) / NAMES_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(names, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


ORPHAN_AGE_S = 600  # an upload younger than this may still be ingesting in another session


def sweep_orphans(kb_dir: str | Path, sources: set[str], *, older_than_s: float = ORPHAN_AGE_S) -> list[str]:
    """Remove uploaded files that no document comes from (a server killed between saving and
    ingesting them) and ``names.json`` entries without a file; run when the page's process starts.
    Files younger than ``older_than_s`` are left: another process may be ingesting them."""
    import time

    folder = uploads_dir(kb_dir)
    if not folder.is_dir():
        return []
    known = {Path(s).name for s in sources if Path(s).parent.resolve() == folder.resolve()}
    now, removed = time.time(), []
    for f in folder.iterdir():
        if f.name == NAMES_FILE or f.name in known or not f.is_file():
            continue
        if now - f.stat().st_mtime >= older_than_s:
            f.unlink(missing_ok=True)
            removed.append(f.name)
    names = display_names(kb_dir)
    kept = {n: v for n, v in names.items() if (folder / n).exists()}
    if kept != names:
        _write_names(kb_dir, kept)
    return removed
