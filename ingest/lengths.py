"""``python -m ingest.lengths PATH...``: the clause length distribution (characters) of the
parsed files, for choosing ``SegmentSettings`` bounds. Prints percentiles per format and
overall; writes nothing."""
from __future__ import annotations

import argparse
import sys

from ingest.pipeline import iter_files, parse_file
from ingest.records import IngestError

PERCENTILES = (5, 10, 25, 50, 75, 90, 95, 99, 100)


def percentiles(values: list[int]) -> dict[int, int]:
    """Nearest-rank percentiles of ``values`` (non-empty)."""
    ordered = sorted(values)
    return {p: ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))] for p in PERCENTILES}


def main(argv: list[str] | None = None) -> int:
    """Print the clause length percentiles of every readable file under the given paths."""
    parser = argparse.ArgumentParser(prog="python -m ingest.lengths", description=__doc__)
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (walked recursively)")
    args = parser.parse_args(argv)
    by_format: dict[str, list[int]] = {}
    for path in iter_files(args.paths):
        try:
            doc = parse_file(path)
        except IngestError as exc:
            print(f"skipped {exc}", file=sys.stderr)
            continue
        by_format.setdefault(doc.format, []).extend(len(c.text) for c in doc.clauses)
    by_format["all"] = [n for fmt, ns in by_format.items() for n in ns]
    print("format  clauses  " + "  ".join(f"p{p:<4}" for p in PERCENTILES))
    for fmt, ns in by_format.items():
        if ns:
            print(f"{fmt:<7} {len(ns):>7}  " + "  ".join(f"{v:<5}" for v in percentiles(ns).values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
