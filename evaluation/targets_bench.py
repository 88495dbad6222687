"""Speed of the quantitative-statement extractor against parsing, on ``../shared``.

    python -m evaluation targets-bench [--laws 300] [--repeat 3]

For each file: parse (``ingest.pipeline.parse_file``) once, then extract
(``ingest.targets.extract_document``) ``--repeat`` times and keep the fastest run. Laws are
measured twice: as ingest runs it (laws are recognised and skipped: no statements) and with
``legal=True`` (every clause read: the cost if they were not skipped). Prints statements per
second and extraction time as a fraction of parse time (the issue allows 10 % at most).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # runnable as a script from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.pipeline import iter_files, parse_file
from ingest.records import IngestError
from ingest.targets import extract_document

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def law_sample(n: int) -> list[Path]:
    """``n`` law files picked by a hash of their path (a fixed, spread-out sample)."""
    files = [p for p in iter_files([SHARED / "laws"]) if not p.name.startswith("_")]
    files.sort(key=lambda p: hashlib.sha1(str(p.relative_to(SHARED)).encode("utf-8")).hexdigest())
    return files[:n]


def measure(files: list[Path], *, repeat: int, legal: bool) -> dict:
    """Parse and extraction seconds, clause and statement counts over ``files``."""
    parse_s = extract_s = 0.0
    clauses = statements = docs = 0
    for path in files:
        t0 = time.perf_counter()
        try:
            doc = parse_file(path)
        except IngestError:
            continue
        parse_s += time.perf_counter() - t0
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            found = extract_document(doc, legal=legal)
            best = min(best, time.perf_counter() - t0)
        extract_s += best
        docs += 1
        clauses += len(doc.clauses)
        statements += len(found)
    return {"docs": docs, "clauses": clauses, "statements": statements, "parse_s": parse_s, "extract_s": extract_s}


def _line(name: str, m: dict) -> str:
    rate = m["statements"] / m["extract_s"] if m["extract_s"] else 0.0
    share = m["extract_s"] / m["parse_s"] if m["parse_s"] else 0.0
    return (f"{name:<28} docs {m['docs']:>4}  clauses {m['clauses']:>6}  statements {m['statements']:>6}  "
            f"parse {m['parse_s']:7.2f} s  extract {m['extract_s']:6.3f} s  "
            f"{rate:8.0f} statements/s  {m['clauses'] / m['extract_s'] if m['extract_s'] else 0:8.0f} clauses/s  "
            f"extract/parse {share:6.1%}")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation targets-bench``."""
    p.add_argument("--laws", type=int, default=300, help="how many law files to sample")
    p.add_argument("--repeat", type=int, default=3, help="extraction runs per file (the fastest is kept)")


def main(argv: list[str] | None = None) -> int:
    """Print the speed table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(p)
    return run(p.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Measure and print the speed table (see ``main``)."""
    if not SHARED.exists():
        print(f"error: {SHARED} not found", file=sys.stderr)
        return 2
    laws = law_sample(args.laws)
    realdocs = [f for f in iter_files([SHARED / "realdocs"]) if not f.name.endswith("_a.txt")]
    # text files parse fastest, so extraction weighs most against them
    texts = [f for f in realdocs if f.suffix in (".txt", ".md", ".docx")] + sorted(CORPUS.glob("*.txt"))
    print(_line("laws (as ingested: skipped)", measure(laws, repeat=args.repeat, legal=False)))
    print(_line("laws (legal=True: all read)", measure(laws, repeat=args.repeat, legal=True)))
    print(_line("realdocs (all formats)", measure(realdocs, repeat=args.repeat, legal=False)))
    print(_line("text files (realdocs+corpus)", measure(texts, repeat=args.repeat, legal=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
