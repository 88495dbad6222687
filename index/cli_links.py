"""``python -m index refs|versions|compare``: links between documents (index/links.py, index/compare.py)."""
from __future__ import annotations

from index.cli_args import doc_id
from index.compare import compare
from index.jsonout import dumps
from index.links import references, versions
from index.records import KBError


def add_link_commands(sub, *, kb_arg) -> None:
    """Register the refs, versions and compare subcommands."""
    r = sub.add_parser("refs", help="documents a document cites and is cited by",
                       description="References of a document: what it cites (resolved when in the KB) and who cites it.")
    r.add_argument("doc_id", type=doc_id)
    v = sub.add_parser("versions", help="status and version chain of a document",
                       description="Status (current/superseded/repealed/unknown) and the version chain of a document.")
    v.add_argument("doc_id", type=doc_id)
    c = sub.add_parser("compare", help="对照: two documents article by article",
                       description="Align two documents article by article with character-level differences.")
    c.add_argument("doc_a", type=doc_id)
    c.add_argument("doc_b", type=doc_id)
    for p in (r, v, c):
        kb_arg(p)
        p.add_argument("--json", action="store_true", help="print JSON")


def _doc(kb, doc_id: int):
    for d in kb.documents():
        if d.doc_id == doc_id:
            return d
    raise KBError(f"no document {doc_id} in {kb.path}/: see `python -m index stats` or the page's document list")


def _dump(out, obj) -> int:
    out.write(dumps(obj))
    return 0


def _refs(kb, args, out) -> int:
    _doc(kb, args.doc_id)
    res = references(kb, args.doc_id)
    if args.json:
        return _dump(out, res)
    out.write(f"cites ({len(res['cites'])}):\n")
    for c in res["cites"]:
        target = f"doc {c['doc_id']}" if c["doc_id"] is not None else "not in KB"
        out.write(f"  《{c['title']}》 [{c['cue'] or '-'}] clause {c['clause_id']} → {target}\n")
    out.write(f"cited by ({len(res['cited_by'])}):\n")
    for c in res["cited_by"]:
        out.write(f"  doc {c['doc_id']} {c['title']} clause {c['clause_id']}\n")
    return 0


def _versions(kb, args, out) -> int:
    _doc(kb, args.doc_id)
    res = versions(kb, args.doc_id)
    if args.json:
        return _dump(out, res)
    out.write(f"status {res['status']}" + (f" (repealed by clause {res['repealed_by']})" if res["repealed_by"] else "")
              + "\n")
    for v in res["chain"]:
        out.write(f"  {'>' if v['doc_id'] == args.doc_id else ' '} doc {v['doc_id']} {v['date'] or '?'} "
                  f"{v['status']} {v['title']}\n")
    return 0


def _compare(kb, args, out) -> int:
    _doc(kb, args.doc_a), _doc(kb, args.doc_b)
    res = compare(kb.document_clauses(args.doc_a), kb.document_clauses(args.doc_b))
    if args.json:
        return _dump(out, res)
    for p in res["pairs"]:
        if p["change"] == "same":
            continue
        label = (p["b"] or p["a"])["label"] or ""
        out.write(f"[{p['change']}] {label}\n")
        if p["change"] == "changed":
            out.write("   " + "".join(t if op == "=" else f"[{op}{t}]" for op, t in p["diff"]) + "\n")
        else:
            out.write("   " + (p["b"] or p["a"])["text"] + "\n")
    counts = {k: sum(p["change"] == k for p in res["pairs"]) for k in ("same", "changed", "added", "removed")}
    out.write(" ".join(f"{k} {v}" for k, v in counts.items()) + "\n")
    return 0


LINK_COMMANDS = {"refs": _refs, "versions": _versions, "compare": _compare}
