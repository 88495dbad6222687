"""The drafter's commands of ``python -m index``: ``similar`` (查先例, precedents sentence by
sentence) and ``cite`` (citations in the plain, 公文 and GB/T 7714 styles). Errors become one
line on stderr with the fix, exit status 2.

Hook: ``add_commands(subparsers)`` registers both; each sets ``run`` (``args.run(args)``).
"""
from __future__ import annotations

import os
import sys
from typing import TextIO

from index.cli_args import clause_id, k_arg, one_line_errors
from index.cite import CiteStyle, cite, lookup
from index.jsonout import dumps
from index.records import KBError
from index.similar import PrecedentReport, SortBy, find_precedents


def add_commands(sub) -> None:
    """Register ``similar`` and ``cite`` on the sub-command parsers ``sub``."""
    s = sub.add_parser("similar", help="precedents of a draft, sentence by sentence (查先例)",
                       description="For each sentence of TEXT (or --file), the clauses that already say it, "
                                   "with the shared wording marked; a sentence with none is new (无先例).")
    s.add_argument("text", nargs="?", default=None, metavar="TEXT", help="a sentence, paragraph or page")
    s.add_argument("--file", default=None, help="read the draft from this UTF-8 file (- for stdin)")
    s.add_argument("--kb", default=None, help="knowledge-base directory (default: $POLICY_KB or kb/)")
    s.add_argument("--k", type=k_arg, default=5, help="precedents per sentence (default 5, at most 1000)")
    s.add_argument("--sort", choices=[o.value for o in SortBy], default=SortBy.SIMILARITY.value,
                   help="similarity (default): most similar first; date: earliest document first")
    s.add_argument("--json", action="store_true", help='print {"sentences": [...]} as JSON')
    s.set_defaults(run=run_similar)
    c = sub.add_parser("cite", help="citations of clauses (plain, 公文, GB/T 7714)",
                       description="Print the citation of each clause, one a line.")
    c.add_argument("clause_ids", nargs="+", type=clause_id, metavar="CLAUSE_ID", help="clause ids")
    c.add_argument("--style", choices=[st.value for st in CiteStyle], default=CiteStyle.PLAIN.value,
                   help="plain (default): the result line; gongwen: 《标题》（文号）三、（一）; "
                        "gbt7714: a GB/T 7714-2015 reference entry")
    c.add_argument("--kb", default=None, help="knowledge-base directory (default: $POLICY_KB or kb/)")
    c.set_defaults(run=run_cite)


def _draft(args) -> str:
    """The draft from TEXT or --file; KBError (one line with the fix) when neither or both."""
    if (args.text is None) == (args.file is None):
        raise KBError('give the draft either as TEXT or with --file F, e.g. `python -m index similar "句子。"`')
    if args.text is not None:
        return args.text
    try:
        if args.file == "-":
            return sys.stdin.read()
        with open(args.file, encoding="utf-8-sig") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise KBError(f"cannot read {args.file} ({e.__class__.__name__}): give a readable UTF-8 text file") from None


def _marked(text: str, spans, *, tty: bool) -> str:
    left, right = ("\033[1m", "\033[0m") if tty else ("【", "】")
    out, pos = [], 0
    for s, e in spans:
        out += [text[pos:s], left, text[s:e], right]
        pos = e
    return "".join(out + [text[pos:]])


def write_report(report: PrecedentReport, out: TextIO) -> None:
    """The report as readable text: each sentence, then its precedents with shared wording marked."""
    tty = out.isatty()
    for n, s in enumerate(report.sentences, 1):
        out.write(f"[{n}] {s.sentence}\n")
        if s.new:
            out.write("    无先例 (no precedent)\n\n")
            continue
        for i, h in enumerate(s.hits, 1):
            meta = " · ".join(x for x in (h.date, h.issuer) if x)
            out.write(f"    {i}. {h.citation}  [相似度 {h.similarity:.2f}{' · ' + meta if meta else ''}, "
                      f"clause {h.clause_id}]\n")
            out.write(f"       {_marked(h.text, h.shared, tty=tty)}\n")
        out.write("\n")


def _similar(kb, args, out: TextIO) -> int:
    report = find_precedents(kb, args.draft, k=args.k, sort=args.sort)
    if args.json:
        out.write(dumps(report.to_json()))
    elif not report.sentences:
        out.write("no sentence in the text\n")
    else:
        write_report(report, out)
    return 0


def _cite(kb, args, out: TextIO) -> int:
    for clause, document in lookup(kb, args.clause_ids):
        out.write(cite(clause, document, args.style) + "\n")
    return 0


def _on_kb(handler, args) -> int:
    """Open the KB read-only, run ``handler(kb, args, stdout)``; errors are one line, exit 2."""
    from index.kb import KnowledgeBase

    os.environ.setdefault("OMP_NUM_THREADS", "1")  # see index/cli.py: one OpenMP thread per query

    def run() -> int:
        if handler is _similar:
            args.draft = _draft(args)  # a missing or unreadable draft is reported before the model loads
        kb = KnowledgeBase.open(args.kb, create=False)
        try:
            return handler(kb, args, sys.stdout)
        finally:
            kb.close()

    return one_line_errors(args.kb, run)


def run_similar(args) -> int:
    """``python -m index similar``."""
    return _on_kb(_similar, args)


def run_cite(args) -> int:
    """``python -m index cite``."""
    return _on_kb(_cite, args)
