"""``python -m ingest PATH... --preview``: parse files and print how they are cut, one JSON
object a line, writing nothing. Adding files to a knowledge base is ``python -m index add``."""
from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from ingest.text import shown

# Options of the former ``python -m ingest`` that wrote to a knowledge base.
_KB_OPTIONS = {"--kb", "--model", "--remove", "--rebuild", "--quiet"}
KB_HINT = ("python -m ingest only parses (with --preview); adding to a knowledge base is "
           "`python -m index add PATH... [--kb DIR]` (also `python -m index remove|rebuild`)")


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line (``prog: error: …``), exit status 2."""

    def error(self, message: str):
        """Print one line and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {shown(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m ingest``."""
    parser = _OneLineParser(
        prog="python -m ingest",
        description="Parse policy documents (.pdf .docx .doc .txt .md) into addressed clauses and print them.",
        epilog="Output: one JSON object a line, a document's metadata then its clauses. Unreadable files "
               "are reported on stderr as 'PATH: reason' (control characters in names escaped); exit status 1 when "
               "no file could be read, 3 when some could not, 2 on a usage error. "
               "To add files to a knowledge base: python -m index add PATH... [--kb DIR].",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (walked recursively)")
    parser.add_argument("--preview", action="store_true",
                        help="print the parsed documents and clauses as JSON lines, writing nothing "
                             "(required: this command only parses)")
    return parser


def main(argv: list[str] | None = None, *, err: TextIO | None = None) -> int:
    """Run the command; return the exit status (2 for a usage error or a knowledge-base request)."""
    err = err or sys.stderr
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        parser.print_usage(err)
    args, extra = parser.parse_known_args(argv)
    unknown = [a for a in extra if a.startswith("-") and a.split("=")[0] not in _KB_OPTIONS]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extra or not args.preview:
        print(KB_HINT, file=err)
        return 2
    if not args.paths:
        parser.error("--preview needs at least one PATH")
    from ingest.preview import main as preview

    try:
        return preview(args.paths)
    except BrokenPipeError:  # `python -m ingest … --preview | head` closed the pipe: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not raise again
        return 0


if __name__ == "__main__":
    sys.exit(main())
