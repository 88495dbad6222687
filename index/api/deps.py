"""Shared request pieces: the worker's KB and the bounds every endpoint validates against."""
from __future__ import annotations

from typing import Annotated

from fastapi import Request
from pydantic import Field

from index.kb import KnowledgeBase

MAX_QUERY_CHARS = 2_000  # a query, an indicator name, a GET draft
MAX_DRAFT_CHARS = 20_000  # a POSTed draft (the precedent finder's own limit)
MAX_K = 1_000
MAX_ID = 2**62  # SQLite integers are 64-bit: a larger id would overflow the binding, not miss
YEAR_MIN, YEAR_MAX = 1, 9999
AnId = Annotated[int, Field(ge=1, le=MAX_ID)]  # a clause or document id in a repeated query parameter


def kb(request: Request) -> KnowledgeBase:
    """The worker's knowledge base, up to date with the database's generation."""
    return request.app.state.holder.get()
