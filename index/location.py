"""Where a knowledge base lives and what its directory holds: one rule for the CLIs, the page
and the writer (argument, else the environment variable ``POLICY_KB``, else ``kb/`` in the
working directory)."""
from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "POLICY_KB"
DEFAULT_DIR = "kb"

# The files of a KB directory (README "Where the knowledge base lives").
DB_FILE = "kb.sqlite"
LEXICAL_FILE = "lexical.npz"
DENSE_FILE = "dense.npz"
MANIFEST_FILE = "config.json"
LOCK_FILE = ".write.lock"
SIZED_FILES = (DB_FILE, DB_FILE + "-wal", LEXICAL_FILE, DENSE_FILE, MANIFEST_FILE)  # what ``stats`` measures


def kb_path(arg: str | Path | None = None) -> Path:
    """The KB directory: ``arg`` when given, else ``$POLICY_KB``, else ``kb/`` (relative to the working directory)."""
    if arg is not None:
        return Path(arg)
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DIR)
