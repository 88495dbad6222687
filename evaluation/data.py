"""Where the evaluation finds its data: the read-only shared data and the artifacts it writes."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared data (``realdocs``, ``laws``, ``eval``, ``seeds``): env ``POLICY_SHARED``, else
    the ``shared`` folder beside the repository root (``../shared`` seen from the repository)."""
    env = os.environ.get("POLICY_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def artifacts_dir() -> Path:
    """Where eval sets, their KBs, embedding caches and per-query ranks are written:
    ``artifacts/`` in the working directory (git-ignored; the commands run from the repository root)."""
    return Path("artifacts")
