"""``python -m evaluation targets-eval`` and ``targets-bench``: the quantitative-statement
extractor's precision/recall on the labelled set (``evaluation.targets_eval``) and its speed
against parsing (``evaluation.targets_bench``). The command objects import those modules (and
through them the parser) only when run, so ``--help`` stays light."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Command:
    """What ``evaluation.__main__`` needs of a command: one-line help, description, options, run."""

    HELP: str
    DESCRIPTION: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--split", choices=("train", "test", "all"), default="test", help="which half to score")
    p.add_argument("--labels", default=None, help="labelled JSONL (default eval/targets_labelled.jsonl)")
    p.add_argument("--misses", type=int, default=60, help="how many misses and false positives to print")


def _run_eval(args: argparse.Namespace) -> int:
    from evaluation import targets_eval

    if args.labels is None:
        args.labels = str(targets_eval.DEFAULT_LABELS)
    return targets_eval.run(args)


def _bench_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--laws", type=int, default=300, help="how many law files to sample")
    p.add_argument("--repeat", type=int, default=3, help="extraction runs per file (the fastest is kept)")


def _run_bench(args: argparse.Namespace) -> int:
    from evaluation import targets_bench

    return targets_bench.run(args)


TARGETS_EVAL = Command(
    HELP="precision/recall of the target extractor on eval/targets_labelled.jsonl",
    DESCRIPTION="Precision and recall of indicator+value+unit+year on a half of the labelled statements.",
    add_arguments=_eval_arguments, run=_run_eval)
TARGETS_BENCH = Command(
    HELP="target extraction speed against parsing (../shared realdocs and laws)",
    DESCRIPTION="Statements/s and extraction time as a share of parse time on ../shared.",
    add_arguments=_bench_arguments, run=_run_bench)
