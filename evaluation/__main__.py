"""``python -m evaluation eval|lexicon|bench|sets|parse-bench|page-bench|api-bench|crash-bench|targets-eval|targets-bench``: the research commands, one entry.

Each sub-command lives in its own module, which gives ``HELP`` (one line for this list),
``DESCRIPTION``, ``add_arguments(parser)`` and ``run(args) -> exit code``. The modules import the
product only inside ``run``, so ``--help`` answers without loading models or indexes.
"""
from __future__ import annotations

import argparse
import sys

from evaluation import eval_cli, lexicon
from evaluation.bench import cli as bench_cli
from evaluation.bench import api_load, crash, page, parse
from evaluation.sets import cli as sets_cli
from evaluation.targets_cli import TARGETS_BENCH, TARGETS_EVAL

COMMANDS = {
    "eval": eval_cli,
    "lexicon": lexicon,
    "bench": bench_cli,
    "sets": sets_cli,
    "parse-bench": parse,
    "page-bench": page,
    "targets-eval": TARGETS_EVAL,
    "targets-bench": TARGETS_BENCH,
    "api-bench": api_load,
    "crash-bench": crash,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m evaluation`` with one sub-parser per command."""
    parser = argparse.ArgumentParser(prog="python -m evaluation",
                                     description="Retrieval evaluation, eval-set builders and benchmarks.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        p = sub.add_parser(name, help=module.HELP, description=module.DESCRIPTION)
        module.add_arguments(p)
        p.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; its return value is the exit code."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
