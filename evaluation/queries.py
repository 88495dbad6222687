"""Labelled query sets: one JSON object a line (``query``, ``gold``, ``kind``; optional ``id``, ``split``)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


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
