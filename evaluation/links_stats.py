"""Figures of issue 13 over a built KB: version chains, amendments, repeals, references and the share resolved.

    python -m index add ../shared/laws --kb /tmp/laws-all --model demo --quiet
    python -m evaluation.links_stats --kb /tmp/laws-all

A reference is resolved when its key names another document of the KB (title key, the key without the
issuing bodies before 关于, or the 发文字号), as ``index.links.references`` resolves it.
"""
from __future__ import annotations

import argparse
from collections import Counter

from index.kb import KnowledgeBase
from index.links import _keys, _lookup, store_links


def links_figures(kb) -> dict:
    """Counts of chains, amendments, statuses and references (resolved to another document or not)."""
    with kb._lock:
        links = store_links(kb.store)
        refs = kb.store.all_ref_counts()
    by_key = _keys(kb.documents())
    chains = {link.chain for link in links.values() if len(link.chain) > 1}
    resolved = sum(1 for doc_id, key in refs if any(d.doc_id != doc_id for d in _lookup(by_key, key)))
    return {"documents": len(links), "chains": len(chains), "documents_in_chains": sum(len(c) for c in chains),
            "amendments": sum(1 for link in links.values() if link.amends is not None),
            "status": dict(Counter(link.status for link in links.values())),
            "references": len(refs), "resolved": resolved}


def main(argv: list[str] | None = None) -> int:
    """Print the figures of a KB."""
    p = argparse.ArgumentParser(prog="python -m evaluation.links_stats", description=__doc__.splitlines()[0])
    p.add_argument("--kb", required=True)
    args = p.parse_args(argv)
    with KnowledgeBase.open(args.kb, create=False) as kb:
        f = links_figures(kb)
    share = f["resolved"] / f["references"] if f["references"] else 0.0
    print(f"{f['documents']:,} documents · {f['chains']} version chains ({f['documents_in_chains']} documents) · "
          f"{f['amendments']} amending documents linked · status {f['status']}")
    print(f"{f['references']:,} references, {f['resolved']:,} resolved to another document ({share:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
