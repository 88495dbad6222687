"""``python -m evaluation parse-bench [PATH...]``: parsing speed (default: the shared ``realdocs``).

Parses every file through ``ingest.pipeline.parse_file`` and prints, per file and in
total, the time taken, pages/s for PDFs, characters/s for text formats, and the clause
count. Files that cannot be read are listed with their reason and left out of the totals.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from evaluation.data import shared_dir

HELP = "parsing speed per file and in total (default: ../shared/realdocs)"
DESCRIPTION = "Ingestion speed: parse every file and print seconds, pages/s, chars/s and clauses."


@dataclass(frozen=True)
class FileTiming:
    """One file's parse: seconds, pages (PDF) or characters (text formats), clauses."""

    path: Path
    format: str
    seconds: float
    pages: int | None
    chars: int
    clauses: int
    ocr_pages: int = 0  # pages read by OCR (scans): timed apart from text-layer PDFs


def time_file(path: Path) -> FileTiming:
    """Parse one file and measure it (raises IngestError when it cannot be read)."""
    from ingest.pipeline import parse_file

    start = time.perf_counter()
    doc = parse_file(path)
    seconds = time.perf_counter() - start
    return FileTiming(path=path, format=doc.format, seconds=seconds, pages=doc.meta.pages,
                      chars=len(doc.text), clauses=len(doc.clauses), ocr_pages=len(doc.ocr.pages) if doc.ocr else 0)


def _rate(amount: float, seconds: float) -> str:
    return f"{amount / seconds:,.0f}" if seconds > 0 else "inf"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation parse-bench``."""
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="files or folders to parse (default: realdocs in the shared data)")


def _time_all(paths: list[Path]) -> list[FileTiming]:
    """Parse every file under ``paths``, printing one line per file (skipped files on stderr)."""
    from ingest.pipeline import iter_files
    from ingest.records import IngestError

    timings: list[FileTiming] = []
    print(f"{'file':<48} {'fmt':<4} {'sec':>7} {'pages':>5} {'pages/s':>8} {'chars':>8} {'chars/s':>10} {'clauses':>7}")
    for path in iter_files(paths):
        try:
            t = time_file(path)
        except IngestError as exc:
            print(f"{path.name[:48]:<48} skipped: {exc.reason}", file=sys.stderr)
            continue
        timings.append(t)
        pages = t.pages if t.format == "pdf" else None
        print(f"{t.path.name[:48]:<48} {t.format:<4} {t.seconds:7.2f} {pages or '':>5} "
              f"{_rate(pages, t.seconds) if pages else '':>8} {t.chars:8d} {_rate(t.chars, t.seconds):>10} {t.clauses:7d}")
    return timings


def _print_totals(timings: list[FileTiming]) -> None:
    scans = [t for t in timings if t.ocr_pages]
    if scans:
        secs = sum(t.seconds for t in scans)
        print(f"TOTAL OCR: {len(scans)} files, {sum(t.ocr_pages for t in scans)} pages in {secs:.2f} s")
    pdfs = [t for t in timings if t.format == "pdf" and not t.ocr_pages]
    texts = [t for t in timings if t.format != "pdf" and not t.ocr_pages]
    if pdfs:
        secs = sum(t.seconds for t in pdfs)
        pages = sum(t.pages or 0 for t in pdfs)
        print(f"TOTAL pdf: {len(pdfs)} files, {pages} pages in {secs:.2f} s = {_rate(pages, secs)} pages/s, "
              f"{sum(t.clauses for t in pdfs)} clauses")
    if texts:
        secs = sum(t.seconds for t in texts)
        chars = sum(t.chars for t in texts)
        print(f"TOTAL text (txt/md/docx/doc): {len(texts)} files, {chars:,} chars in {secs:.2f} s = "
              f"{_rate(chars, secs)} chars/s, {sum(t.clauses for t in texts)} clauses")


def run(args: argparse.Namespace) -> int:
    """Print per-file and total parsing speed; exit 2 on a missing path, 1 when no file could be read."""
    paths = list(args.paths) or [shared_dir() / "realdocs"]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    timings = _time_all(paths)
    if not timings:
        print("no file could be read", file=sys.stderr)
        return 1
    _print_totals(timings)
    return 0
