"""``python -m index``: every command on a knowledge base.

Reading: ``search``, ``context``, ``stats``, ``targets`` (``index.cli_targets``). Writing (``index.cli_write``): ``add``, ``remove``,
``rebuild``. Errors become one line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import os
import sys

from index.cli_args import OneLineParser, clause_id, doc_id, k_arg, kb_arg, neighbours, one_line_errors, year
from index.cli_targets import add_targets_command, run_targets
from index.cli_precedent import add_commands as add_precedent_commands
from index.cli_links import LINK_COMMANDS, add_link_commands
from index.cli_write import add_write_commands
from index.api.serve import add_serve_command
from index.e5onnx import add_model_command
from index.fusion import MODES
from index.hits import MAYBE_RELEVANT, MAYBE_SHOWN, NO_GOOD_MATCH, good_match, mark
from index.jsonout import clauses_json, dumps, search_json
from index.records import Filters, KBError


def _add_read_commands(sub) -> None:
    s = sub.add_parser("search", help="search clauses", description="Cited clauses for a query.")
    s.add_argument("query", nargs="+", help='terms separated by spaces; "exact phrase"; -excluded (a query that '
                                            'starts with -TERM: after --, or as is when TERM is Chinese)')
    kb_arg(s)
    s.add_argument("--k", type=k_arg, default=10, help="number of hits (default 10, at most 1000)")
    s.add_argument("--mode", choices=[m.value for m in MODES], default="hybrid",
                   help="hybrid (default): BM25 and vectors fused; lexical: BM25 only; semantic: vectors only")
    s.add_argument("--doc", type=doc_id, action="append", default=[], help="document id (repeatable)")
    s.add_argument("--issuer", action="append", default=[], help="发文机关 (repeatable)")
    s.add_argument("--type", dest="doc_type", action="append", default=[], help="文种 (repeatable)")
    s.add_argument("--year-from", type=year, help="first year of the documents' dates")
    s.add_argument("--year-to", type=year, help="last year of the documents' dates")
    s.add_argument("--status", choices=["current", "superseded", "repealed", "unknown"],
                   help="only documents with this status (versions and repeals, see `versions`)")
    s.add_argument("--json", action="store_true", help='print JSON: {"good_match", "floor", "hits": [...]}')
    c = sub.add_parser("context", help="a clause with its neighbours",
                       description="A clause with its neighbours in its document.")
    c.add_argument("clause_id", type=clause_id, help="a clause id (from `search --json`)")
    kb_arg(c)
    c.add_argument("--n", type=neighbours, default=2, help="neighbours on each side (default 2, 0 to 1000)")
    c.add_argument("--json", action="store_true", help="print a JSON array of clauses")
    st = sub.add_parser("stats", help="documents, clauses, model and sizes",
                        description="Documents, clauses, model, tokeniser and sizes on disk.")
    kb_arg(st)
    st.add_argument("--json", action="store_true", help="print a JSON object")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m index``."""
    parser = OneLineParser(prog="python -m index", description="Search and build a policy knowledge base.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_read_commands(sub)
    add_targets_command(sub, kb_arg=kb_arg)
    add_write_commands(sub, kb_arg=kb_arg)
    add_precedent_commands(sub)
    add_link_commands(sub, kb_arg=kb_arg)
    add_serve_command(sub, kb_arg=kb_arg)
    add_model_command(sub)
    return parser


def _marks(tty: bool) -> tuple[str, str]:
    return ("\033[1m", "\033[0m") if tty else ("【", "】")


def _search(kb, args, out) -> int:
    filters = Filters(doc_ids=tuple(args.doc), issuers=tuple(args.issuer), doc_types=tuple(args.doc_type),
                      year_from=args.year_from, year_to=args.year_to, status=args.status)
    query = " ".join(args.query)
    hits = kb.search(query, k=args.k, mode=args.mode, filters=filters)
    analysis = kb.analyse(query)
    floor = kb.settings.search.floor
    good = good_match(hits, floor=floor)
    if args.json:
        out.write(dumps(search_json(hits, floor=floor, analysis=analysis.to_dict())))
        return 0
    for line in analysis.notes():
        out.write(line + "\n")
    if not hits:
        out.write("no matching clauses\n")
        return 0
    if not good:  # the best few are still shown: the estimate is a guide, not a verdict
        out.write(f"{NO_GOOD_MATCH}；{MAYBE_RELEVANT}：\n\n")
        hits = hits[:MAYBE_SHOWN]
    left, right = _marks(out.isatty())
    for h in hits:
        est = f", 相关度 {h.relevance:.2f}" if h.relevance is not None else ""
        out.write(f"{h.rank}. {h.citation}  [{h.score:.4f}{est}, clause {h.clause_id}]\n")
        out.write(f"   {mark(h.text, h.matched, left=left, right=right)}\n\n")
    return 0


def _stats(kb, args, out) -> int:
    s = kb.stats()
    if args.json:
        out.write(dumps(s.to_dict()))
        return 0
    out.write(f"knowledge base {s.path}/ (generation {s.generation})\n")
    out.write(f"documents   {s.documents}\nclauses     {s.clauses}\n")
    out.write(f"model       {s.model} ({s.dim} dims, {s.dense_index} index)\n")
    out.write(f"tokenizer   {s.tokenizer}\n")
    for name, size in s.sizes.items():
        out.write(f"  {name:<16}{size / 1e6:10.2f} MB\n")
    out.write(f"  {'total':<16}{s.total_bytes / 1e6:10.2f} MB\n")
    return 0


def _context(kb, args, out) -> int:
    rows = kb.context(args.clause_id, n=args.n)
    if not rows:
        raise KBError(f"no clause {args.clause_id} in {kb.path}/: take an id from `python -m index search ... --json`")
    if args.json:
        out.write(dumps(clauses_json(rows)))
        return 0
    for r in rows:
        here = r.clause_id == args.clause_id
        address = " › ".join(r.path) + (f" › {r.label}" if r.label else "")
        out.write(f"{'>>' if here else '  '} [{r.clause_id}] {address}\n")
        out.write(f"{'>>' if here else '  '}   {r.text}\n")
    return 0


READ_COMMANDS = {"search": _search, "stats": _stats, "context": _context, "targets": run_targets,
                 **LINK_COMMANDS}


def _read(args) -> int:
    from index.kb import KnowledgeBase

    def run() -> int:
        kb = KnowledgeBase.open(args.kb, create=False)
        try:
            return READ_COMMANDS[args.command](kb, args, sys.stdout)
        finally:
            kb.close()

    return one_line_errors(args.kb, run)


# Stands in for the leading "-" of a query term while argparse reads the command line (a private-use
# character: never typed, never an option prefix).
_MINUS = "\ue000"


def hide_dashed_terms(argv: list[str]) -> list[str]:
    """Let a query start with an exclusion (``search -合同 公共服务``): an argument that starts with
    ``-`` and a non-ASCII character can be no option (every option is ASCII), so its ``-`` is hidden
    from argparse and given back by ``restore_dashed_terms``. After a ``--`` nothing needs hiding."""
    cut = argv.index("--") if "--" in argv else len(argv)
    return [_MINUS + a[1:] if i < cut and len(a) > 1 and a[0] == "-" and not a[1].isascii() else a
            for i, a in enumerate(argv)]


def restore_dashed_terms(args: argparse.Namespace) -> argparse.Namespace:
    """Give back the ``-`` that ``hide_dashed_terms`` hid, in every string argument."""
    def back(v):
        if isinstance(v, str) and v.startswith(_MINUS):
            return "-" + v[1:]
        return [back(x) for x in v] if isinstance(v, list) else v

    for name, value in vars(args).items():
        setattr(args, name, back(value))
    return args


def main(argv: list[str] | None = None) -> int:
    """Run a ``python -m index`` command; errors become one line on stderr and exit 2."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = restore_dashed_terms(build_parser().parse_args(hide_dashed_terms(argv)))
    # One OpenMP thread per query: on a busy 2-core machine spinning OpenMP workers cost
    # seconds per query (measured: hybrid p50 19 ms with 1 thread, 102 ms / max 2.5 s with 2).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.command in READ_COMMANDS:
        return _read(args)
    return args.run(args)
