"""Retrieval evaluation: the text relevance rule, R@k / MRR@10 / nDCG@10, and ``python -m index eval``.

Relevance is judged by text, not by clause ids, so a score survives re-segmentation: a hit is
relevant to a gold passage when both share a long run of characters (see ``RelevanceRule``).

Usage::

    python -m index eval QUERIES.jsonl [--kb DIR] [--modes hybrid,lexical,semantic]
        [--peers substring,fts5,bm25-bigram,dense-usem3,...] [--k 1,5,10,100]
        [--split train|test|all] [--out ranks.jsonl]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Protocol, Sequence

DEFAULT_KS = (1, 5, 10, 100)


# ---------------------------------------------------------------- relevance rule


@lru_cache(maxsize=200_000)
def match_form(text: str) -> str:
    """Return ``text`` reduced to letters and digits (NFKC, lower case).

    Whitespace, punctuation and symbols are dropped, so PDF line wraps, full/half-width
    forms and bold markers do not break a run of shared characters.
    """
    norm = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in norm if unicodedata.category(ch)[0] in "LN")


@dataclass(frozen=True)
class RelevanceRule:
    """When a hit text counts as the gold passage.

    On the match forms, let ``s`` be the length of the shorter of hit and gold. The hit is
    relevant when the two share a common substring of at least
    ``max(floor, min(min_run, ceil(fraction * s)))`` characters. So a clause that is a part of a
    long gold article counts (it shares all of itself, or ``min_run`` chars), a clause that
    contains the gold sentence counts, and two texts that only share a stock phrase shorter
    than ``min_run`` (and shorter than ``fraction`` of the shorter text) do not. Texts shorter
    than ``floor`` never count: a bare heading is not an answer.
    """

    min_run: int = 30
    fraction: float = 0.8
    floor: int = 8

    def threshold(self, hit_len: int, gold_len: int) -> int:
        """The common-run length needed between texts of these match-form lengths."""
        shorter = min(hit_len, gold_len)
        return max(self.floor, min(self.min_run, math.ceil(self.fraction * shorter)))

    def is_relevant(self, hit_text: str, gold_text: str) -> bool:
        """True when ``hit_text`` matches ``gold_text`` under this rule."""
        return GoldMatcher(gold_text, self).matches(hit_text)


class GoldMatcher:
    """One gold passage, with its character n-gram sets cached per run length (fast scoring)."""

    def __init__(self, gold_text: str, rule: RelevanceRule):
        self.form = match_form(gold_text)
        self.rule = rule
        self._grams: dict[int, frozenset[str]] = {}

    def _gram_set(self, n: int) -> frozenset[str]:
        grams = self._grams.get(n)
        if grams is None:
            g = self.form
            grams = frozenset(g[i : i + n] for i in range(len(g) - n + 1))
            self._grams[n] = grams
        return grams

    def matches(self, hit_text: str) -> bool:
        """True when the hit shares a long enough run with this gold passage."""
        h, g = match_form(hit_text), self.form
        need = self.rule.threshold(len(h), len(g))
        if min(len(h), len(g)) < need:
            return False
        shorter, longer = (h, g) if len(h) <= len(g) else (g, h)
        if shorter in longer:
            return True
        grams = self._gram_set(need)
        return any(h[i : i + need] in grams for i in range(len(h) - need + 1))


# ---------------------------------------------------------------- queries and outcomes


@dataclass(frozen=True)
class EvalQuery:
    """One labelled query: the text, its gold passages, its kind and its split half."""

    qid: str
    query: str
    gold: tuple[str, ...]
    kind: str = "all"
    split: str = "all"


def load_queries(path: str | Path, *, split: str = "all", limit: int | None = None) -> list[EvalQuery]:
    """Read a QUERIES JSONL file (``query``, ``gold``, ``kind``; optional ``id``, ``split``)."""
    out: list[EvalQuery] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            row = json.loads(line)
            q = EvalQuery(
                qid=str(row.get("id", n)),
                query=row["query"],
                gold=tuple(row["gold"]),
                kind=row.get("kind", "all"),
                split=row.get("split", "all"),
            )
            if split in ("all", q.split):
                out.append(q)
    return out[:limit] if limit else out


@dataclass(frozen=True)
class QueryOutcome:
    """Where one system ranked the gold of one query.

    ``gold_ranks[i]`` is the 1-based rank of the first hit matching gold passage i (None when
    none of the returned hits does); ``relevant_ranks`` are the ranks of all relevant hits.
    """

    qid: str
    kind: str
    system: str
    gold_ranks: tuple[int | None, ...]
    relevant_ranks: tuple[int, ...]
    n_hits: int


def score_hits(query: EvalQuery, hit_texts: Sequence[str], *, system: str, rule: RelevanceRule) -> QueryOutcome:
    """Judge a ranked list of hit texts against the query's gold passages."""
    matchers = [_matcher(g, rule) for g in query.gold]
    gold_ranks: list[int | None] = [None] * len(matchers)
    relevant: list[int] = []
    for rank, text in enumerate(hit_texts, start=1):
        hit_rel = False
        for i, m in enumerate(matchers):
            if _cached_match(m, text):
                hit_rel = True
                if gold_ranks[i] is None:
                    gold_ranks[i] = rank
        if hit_rel:
            relevant.append(rank)
    return QueryOutcome(query.qid, query.kind, system, tuple(gold_ranks), tuple(relevant), len(hit_texts))


_MATCHERS: dict[tuple[str, RelevanceRule], GoldMatcher] = {}
_MATCH_CACHE: dict[tuple[int, str], bool] = {}


def _matcher(gold: str, rule: RelevanceRule) -> GoldMatcher:
    key = (gold, rule)
    if key not in _MATCHERS:
        _MATCHERS[key] = GoldMatcher(gold, rule)
    return _MATCHERS[key]


def _cached_match(m: GoldMatcher, text: str) -> bool:
    # the same clause comes back from many systems for the same query: judge it once
    key = (id(m), text)
    hit = _MATCH_CACHE.get(key)
    if hit is None:
        hit = _MATCH_CACHE[key] = m.matches(text)
    return hit


@dataclass(frozen=True)
class Metrics:
    """Mean metrics over a group of queries."""

    n: int
    recall: dict = field(default_factory=dict)  # k -> mean R@k
    mrr10: float = 0.0
    ndcg10: float = 0.0


def recall_at(o: QueryOutcome, k: int) -> float:
    """Share of the query's gold passages matched within the top k."""
    if not o.gold_ranks:
        return 0.0
    return sum(1 for r in o.gold_ranks if r is not None and r <= k) / len(o.gold_ranks)


def mrr_at(o: QueryOutcome, k: int = 10) -> float:
    """1/rank of the first relevant hit within the top k, else 0."""
    first = min(o.relevant_ranks, default=None)
    return 1.0 / first if first is not None and first <= k else 0.0


def ndcg_at(o: QueryOutcome, k: int = 10) -> float:
    """Binary nDCG@k where a hit gains 1 for each gold passage it is the first to match."""
    dcg = sum(1.0 / math.log2(r + 1) for r in o.gold_ranks if r is not None and r <= k)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(o.gold_ranks), k) + 1))
    return min(1.0, dcg / ideal) if ideal else 0.0


def aggregate(outcomes: Sequence[QueryOutcome], ks: Sequence[int]) -> Metrics:
    """Average R@k, MRR@10 and nDCG@10 over ``outcomes``."""
    n = len(outcomes)
    if not n:
        return Metrics(0, {k: 0.0 for k in ks})
    return Metrics(
        n=n,
        recall={k: sum(recall_at(o, k) for o in outcomes) / n for k in ks},
        mrr10=sum(mrr_at(o) for o in outcomes) / n,
        ndcg10=sum(ndcg_at(o) for o in outcomes) / n,
    )


# ---------------------------------------------------------------- systems and the run


class Retriever(Protocol):
    """Anything that ranks clause texts for a batch of queries."""

    name: str

    def search_many(self, queries: Sequence[str], k: int) -> list[list[str]]:
        """Return, per query, the texts of the top-k hits in rank order."""


@dataclass
class KBMode:
    """A search mode of the knowledge base (hybrid | lexical | semantic) as a retriever."""

    kb: object
    mode: str
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.mode

    def search_many(self, queries: Sequence[str], k: int) -> list[list[str]]:
        """Run ``KnowledgeBase.batch_search`` and keep the hit texts."""
        results = self.kb.batch_search(list(queries), k=k, mode=self.mode)
        return [[h.text for h in hits] for hits in results]


@dataclass(frozen=True)
class SystemRun:
    """The outcomes of one system over the query set, with its query time."""

    system: str
    outcomes: tuple[QueryOutcome, ...]
    seconds: float


def run_system(
    retriever: Retriever, queries: Sequence[EvalQuery], *, k: int, rule: RelevanceRule = RelevanceRule()
) -> SystemRun:
    """Search all queries with one system and judge its hits."""
    t0 = time.perf_counter()
    results = retriever.search_many([q.query for q in queries], k)
    seconds = time.perf_counter() - t0
    outcomes = tuple(
        score_hits(q, texts[:k], system=retriever.name, rule=rule) for q, texts in zip(queries, results)
    )
    return SystemRun(retriever.name, outcomes, seconds)


def format_table(runs: Sequence[SystemRun], ks: Sequence[int], *, by_kind: bool = True) -> str:
    """A plain-text table: one row per system, overall and then per query kind."""
    head = f"{'system':<34}{'n':>5}" + "".join(f"{'R@' + str(k):>8}" for k in ks) + f"{'MRR@10':>8}{'nDCG@10':>9}{'q/s':>8}"
    lines = [head, "-" * len(head)]

    def row(label: str, outs: Sequence[QueryOutcome], qps: str = "") -> str:
        m = aggregate(outs, ks)
        return f"{label:<34}{m.n:>5}" + "".join(f"{m.recall[k]:>8.3f}" for k in ks) + f"{m.mrr10:>8.3f}{m.ndcg10:>9.3f}{qps:>8}"

    for r in runs:
        qps = f"{len(r.outcomes) / r.seconds:.1f}" if r.seconds > 0 else ""
        lines.append(row(r.system, r.outcomes, qps))
    kinds = sorted({o.kind for r in runs for o in r.outcomes})
    if by_kind and len(kinds) > 1:
        for kind in kinds:
            lines.append(f"-- kind={kind}")
            for r in runs:
                lines.append(row("  " + r.system, [o for o in r.outcomes if o.kind == kind]))
    return "\n".join(lines)


def write_ranks(runs: Iterable[SystemRun], path: str | Path) -> None:
    """Write one JSON line per (system, query) with the gold ranks and relevant ranks."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in runs:
            for o in r.outcomes:
                fh.write(json.dumps({"system": o.system, "id": o.qid, "kind": o.kind,
                                     "gold_ranks": list(o.gold_ranks),
                                     "relevant_ranks": list(o.relevant_ranks)}, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- CLI


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``python -m index eval``."""
    p = argparse.ArgumentParser(prog="python -m index eval", description="Score retrieval on a labelled query set.")
    p.add_argument("queries", help="JSONL: {query, gold:[text...], kind, [id], [split]} per line")
    p.add_argument("--kb", default=None, help="knowledge base directory (default: $POLICY_KB or kb/)")
    p.add_argument("--modes", default="hybrid,lexical,semantic", help="KB search modes to score ('' for none)")
    p.add_argument("--peers", default="", help="peer systems, e.g. substring,fts5,fts5-or,bm25-bigram,bm25-jieba_words,dense-usem3")
    p.add_argument("--k", default=",".join(map(str, DEFAULT_KS)), help="cut-offs for R@k")
    p.add_argument("--split", default="all", choices=("all", "train", "test"))
    p.add_argument("--limit", type=int, default=None, help="score only the first N queries")
    p.add_argument("--min-run", type=int, default=RelevanceRule.min_run, help="relevance rule: run length L")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="KB setting for this run, e.g. search.rrf_k=30 (see index.peers.apply_settings)")
    p.add_argument("--out", default=None, help="per-query ranks JSONL (default artifacts/eval/ranks-<set>.jsonl)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m index eval``; prints the metrics table."""
    args = build_parser().parse_args(argv)
    from index.kb import KnowledgeBase
    from index.records import KBError
    from evaluation import peers as peer_mod

    ks = sorted(int(k) for k in _csv(args.k))
    queries = load_queries(args.queries, split=args.split, limit=args.limit)
    if not queries:
        print(f"error: no queries in {args.queries} (split={args.split})", file=sys.stderr)
        return 2
    try:
        kb = KnowledgeBase.open(args.kb or _default_kb(), create=False)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rule = RelevanceRule(min_run=args.min_run)
    systems: list[Retriever] = []
    try:
        restore = peer_mod.apply_settings(kb, args.set)
        systems += [KBMode(kb, m) for m in _csv(args.modes)]
        if args.peers:
            systems += peer_mod.build_peers(kb, _csv(args.peers), log=lambda s: print(s, file=sys.stderr))
        runs = []
        for s in systems:
            run = run_system(s, queries, k=max(ks), rule=rule)
            runs.append(run)
            print(f"  scored {s.name}: {len(queries)} queries in {run.seconds:.1f}s", file=sys.stderr)
        restore()
    except (KBError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        kb.close()
    print(f"# {args.queries} split={args.split} queries={len(queries)} kb={args.kb or _default_kb()} "
          f"rule=L{rule.min_run}/{rule.fraction}")
    print(format_table(runs, ks))
    out = args.out or f"artifacts/eval/ranks-{Path(args.queries).stem}-{args.split}.jsonl"
    write_ranks(runs, out)
    print(f"# per-query ranks written to {out}")
    return 0


def _default_kb() -> str:
    import os

    return os.environ.get("POLICY_KB", "kb")


if __name__ == "__main__":
    sys.exit(main())
