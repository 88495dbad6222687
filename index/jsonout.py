"""The JSON forms of the knowledge base's answers, shared by the CLIs' ``--json`` and the HTTP API
(``index.api``) so that both print the same objects."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Iterable

from index.records import ClauseRow, DocumentRow, Hit, TargetRow


def hits_json(hits: Iterable[Hit]) -> list[dict]:
    """One object per hit (the ``Hit`` fields): the ``hits`` of ``search_json``."""
    return [asdict(h) for h in hits]


def search_json(hits: list[Hit], *, floor: float, analysis: dict) -> dict:
    """``python -m index search --json`` and ``GET /search``: ``{"good_match", "floor", "analysis",
    "hits"}``; ``good_match`` is false when none of the first hits' relevance estimates reaches
    ``floor``; ``analysis`` is ``QueryAnalysis.to_dict()`` (question forms, also searched, named documents)."""
    from index.hits import good_match

    return {"good_match": good_match(hits, floor=floor), "floor": floor, "analysis": analysis,
            "hits": hits_json(hits)}


def clauses_json(rows: Iterable[ClauseRow]) -> list[dict]:
    """``python -m index context --json``: one object per clause (the ``ClauseRow`` fields)."""
    return [asdict(r) for r in rows]


def documents_json(docs: Iterable[DocumentRow]) -> list[dict]:
    """One object per document (the ``DocumentRow`` fields)."""
    return [asdict(d) for d in docs]


def targets_json(rows: Iterable[TargetRow]) -> list[dict]:
    """``python -m index targets --json``: one object per statement (``index.records.TARGET_KEYS``)."""
    return [r.to_dict() for r in rows]


def dumps(obj) -> str:
    """The text the CLIs print for ``--json``: UTF-8 characters kept, indented, one trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
