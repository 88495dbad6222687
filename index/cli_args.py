"""argparse pieces every ``python -m index`` command module shares: ``--kb``, integer types that
validate their range at the edge (an id of 2^64 would overflow SQLite, a k of 10^9 take minutes), a
parser whose usage errors are one line with exit status 2, how names are shown in messages, and
``one_line_errors``: what a command on a KB can meet, as one line on stderr."""
from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Callable, NoReturn

from index.location import kb_path
from index.records import KBError
from index.recover import corrupt, is_damage
from ingest.limits import LIMITS
from ingest.records import IngestError
from ingest.text import shown

SQLITE_MAX = 2**63 - 1  # the largest SQLite INTEGER: ids and years beyond it raise OverflowError


def kb_arg(p: argparse.ArgumentParser) -> None:
    """The ``--kb DIR`` option every command takes."""
    p.add_argument("--kb", default=None, help="knowledge-base directory (default: $POLICY_KB or kb/)")


def int_in(lo: int, hi: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``lo`` to ``hi``; anything else is one line naming ``what``."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:  # also a number of more than 4,300 digits
            n = None
        if n is None or not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{what} is a whole number from {lo} to {hi}, not {shown(text)[:40]}")
        return n

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def positive(text: str) -> int:
    """An argparse type: an integer of at least 1 (argparse reports anything else in one line)."""
    return int_in(1, SQLITE_MAX, "the number")(text)


k_arg = int_in(1, LIMITS.max_k, "k (Limits.max_k)")
clause_id = int_in(1, SQLITE_MAX, "a clause id (from `search --json`)")
doc_id = int_in(1, SQLITE_MAX, "a document id (from `stats` or `search --json`)")
year = int_in(1, 9999, "a year")
neighbours = int_in(0, 1000, "the number of neighbours")


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (``prog: error: …; see --help``), exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print one line and exit with status 2 (argparse's code for a usage error)."""
        self.exit(2, f"{self.prog}: error: {shown(message)} (see {self.prog} --help)\n")


def one_line_errors(kb: str | Path | None, body: Callable[[], int]) -> int:
    """``body()``'s exit status, with what a command on the KB at ``kb`` can meet turned into one
    line on stderr and exit status 2: a KB or input error (its message names the fix), a damaged
    database (the recovery command). ``… | head`` closing the pipe is not an error (status 0)."""
    try:
        return body()
    except (KBError, IngestError) as e:
        print(f"error: {shown(e)}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as e:
        where = kb_path(kb)
        line = shown(corrupt(where, e)) if is_damage(e) else f"{shown(e)} ({where}/kb.sqlite)"
        print(f"error: {line}", file=sys.stderr)  # the latter: damage met after the database opened
        return 2
    except BrokenPipeError:
        quiet_broken_pipe()
        return 0


def quiet_broken_pipe() -> None:
    """After ``… | head`` closed stdout: point stdout at /dev/null so the interpreter's final flush
    does not raise BrokenPipeError again (Python's documented recipe)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
