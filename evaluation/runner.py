"""Systems and the run: search a query set with one system, judge its hits, print and save the result."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, Sequence

from evaluation.metrics import QueryOutcome, aggregate, score_hits
from evaluation.queries import EvalQuery
from evaluation.relevance import RelevanceRule


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


def _row(label: str, outs: Sequence[QueryOutcome], ks: Sequence[int], qps: str = "") -> str:
    m = aggregate(outs, ks)
    return (f"{label:<34}{m.n:>5}" + "".join(f"{m.recall[k]:>8.3f}" for k in ks)
            + f"{m.mrr10:>8.3f}{m.ndcg10:>9.3f}{qps:>8}")


def format_table(runs: Sequence[SystemRun], ks: Sequence[int], *, by_kind: bool = True) -> str:
    """A plain-text table: one row per system, overall and then per query kind."""
    head = (f"{'system':<34}{'n':>5}" + "".join(f"{'R@' + str(k):>8}" for k in ks)
            + f"{'MRR@10':>8}{'nDCG@10':>9}{'q/s':>8}")
    lines = [head, "-" * len(head)]
    for r in runs:
        qps = f"{len(r.outcomes) / r.seconds:.1f}" if r.seconds > 0 else ""
        lines.append(_row(r.system, r.outcomes, ks, qps))
    kinds = sorted({o.kind for r in runs for o in r.outcomes})
    if by_kind and len(kinds) > 1:
        for kind in kinds:
            lines.append(f"-- kind={kind}")
            for r in runs:
                lines.append(_row("  " + r.system, [o for o in r.outcomes if o.kind == kind], ks))
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
