"""argparse pieces every ``python -m index`` command module shares."""
from __future__ import annotations

import argparse


def kb_arg(p: argparse.ArgumentParser) -> None:
    """The ``--kb DIR`` option every command takes."""
    p.add_argument("--kb", default=None, help="knowledge-base directory (default: $POLICY_KB or kb/)")


def positive(text: str) -> int:
    """An argparse type: an integer of at least 1 (argparse reports anything else in one line)."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return n
