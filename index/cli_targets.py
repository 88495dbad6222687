"""``python -m index targets [QUERY] [--indicator NAME] [--subject S] [--kind target|actual]
[--year-from Y] [--year-to Y] [--kb DIR] [--json]``: the quantitative statements of a KB.

Text output: one table line per statement (canonical name, value with comparator and unit,
kind, year, subject, citation). ``--json``: a list of objects with the keys
``index.records.TARGET_KEYS``.
"""
from __future__ import annotations

import argparse
import unicodedata
from typing import Callable

from index.cli_args import year
from index.jsonout import dumps, targets_json
from index.records import TargetRow
from ingest.targets import Kind

KIND_LABELS = {Kind.TARGET: "目标", Kind.ACTUAL: "实际"}


def add_targets_command(sub, *, kb_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``targets`` on the sub-command parsers ``sub`` (run through ``READ_COMMANDS``)."""
    t = sub.add_parser("targets", help="quantitative targets and figures, with citations",
                       description="Quantitative statements (targets and actual figures) found in the KB's "
                                   "clauses, with their citations.")
    t.add_argument("query", nargs="?", default=None,
                   help="words each found in the indicator, its canonical name, the subject or the document title")
    kb_arg(t)
    t.add_argument("--indicator", help="an indicator name: statements of the same canonical name "
                                       "(常住人口城镇化率 = 城镇化率)")
    t.add_argument("--subject", help="text in the subject (region or body), e.g. 西安")
    t.add_argument("--kind", choices=[k.value for k in Kind], help="target (a goal) or actual (a reported figure)")
    t.add_argument("--year-from", type=year, help="first year of the statements")
    t.add_argument("--year-to", type=year, help="last year of the statements")
    t.add_argument("--json", action="store_true", help="print a JSON array of statements")


def value_text(row: TargetRow) -> str:
    """``达到 65 %``, ``下降 6 %``, ``8–10 个``: comparator, value (or range) and unit."""
    number = f"{row.value:g}" + (f"–{row.value_high:g}" if row.value_high is not None else "")
    return f"{row.comparator} {number} {row.unit}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def run_targets(kb, args, out) -> int:
    """Print the statements ``args`` select (a table, or JSON with ``--json``)."""
    rows = kb.targets(args.query, indicator=args.indicator, subject=args.subject, kind=args.kind,
                      year_from=args.year_from, year_to=args.year_to)
    if args.json:
        out.write(dumps(targets_json(rows)))
        return 0
    if not rows:
        out.write("no matching statements (list the indicators with `python -m index targets`)\n")
        return 0
    table = [(r.canonical, value_text(r), KIND_LABELS[Kind(r.kind)], str(r.year or ""), r.subject or "",
              f"{r.citation} [clause {r.clause_id}]") for r in rows]
    head = ("指标", "数值", "类型", "年份", "主体", "出处")
    widths = [min(max(_width(x) for x in col), 30) for col in zip(head, *table)][:-1]
    for line in [head, *table]:
        out.write("  ".join(_pad(x, w) for x, w in zip(line, widths)) + "  " + line[-1] + "\n")
    out.write(f"{len(rows)} statements\n")
    return 0
