"""Searching endpoints: ``/search`` (every mode, filters and the query syntax), ``/similar``
(查先例) and ``/targets`` (quantitative statements). Answers are the CLIs' ``--json`` objects."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from index.api.deps import AnId, MAX_DRAFT_CHARS, MAX_K, MAX_QUERY_CHARS, YEAR_MAX, YEAR_MIN, kb
from index.api.errors import ApiError
from index.api.models import PrecedentsOut, SearchOut, TargetOut
from index.fusion import Mode
from index.jsonout import search_json, targets_json
from index.kb import KnowledgeBase
from index.records import Filters
from index.similar import SortBy, find_precedents
from ingest.targets import Kind

router = APIRouter(tags=["search"])
Year = Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)]
StatusName = Literal["current", "superseded", "repealed", "unknown"]


def _years(year: int | None, year_from: int | None, year_to: int | None) -> tuple[int | None, int | None]:
    if year is not None and (year_from is not None or year_to is not None):
        raise ApiError(400, "year and year_from/year_to given together",
                       "give either year or a year_from/year_to range")
    return (year, year) if year is not None else (year_from, year_to)


@router.get("/search", response_model=SearchOut, summary="cited clauses for a query")
def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                                   description='terms separated by spaces; "exact phrase"; -excluded')],
           mode: Mode = Mode.HYBRID, k: Annotated[int, Query(ge=1, le=MAX_K)] = 10,
           doc: Annotated[list[AnId], Query(description="document id (repeatable)")] = [],
           issuer: Annotated[list[str], Query(description="发文机关 (repeatable)")] = [],
           type: Annotated[list[str], Query(description="文种, e.g. 通知 (repeatable)")] = [],
           year: Year = None, year_from: Year = None, year_to: Year = None,
           status: Annotated[StatusName | None, Query(description="only documents with this status")] = None,
           base: KnowledgeBase = Depends(kb)) -> dict:
    """``python -m index search Q --json``: the best ``k`` clauses, filters applied before ranking."""
    first, last = _years(year, year_from, year_to)
    filters = Filters(doc_ids=tuple(doc), issuers=tuple(issuer), doc_types=tuple(type), year_from=first,
                      year_to=last, status=status)
    return search_json(base.search(q, k=k, mode=mode, filters=filters), floor=base.settings.search.floor,
                       analysis=base.analyse(q).to_dict())


@router.get("/similar", response_model=PrecedentsOut, summary="查先例: precedents of a draft, sentence by sentence")
def similar(text: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
            k: Annotated[int, Query(ge=1, le=100)] = 5, sort: SortBy = SortBy.SIMILARITY,
            base: KnowledgeBase = Depends(kb)) -> dict:
    """``python -m index similar TEXT --json`` (POST /similar takes drafts up to 20,000 characters)."""
    return find_precedents(base, text, k=k, sort=sort).to_json()


class Draft(BaseModel):
    """A draft for /similar by POST."""

    text: str = Field(min_length=1, max_length=MAX_DRAFT_CHARS)
    k: int = Field(default=5, ge=1, le=100)
    sort: SortBy = SortBy.SIMILARITY


@router.post("/similar", response_model=PrecedentsOut, summary="查先例 for a long draft (JSON body)")
def similar_post(draft: Draft, base: KnowledgeBase = Depends(kb)) -> dict:
    """The same as GET /similar, for drafts too long for a URL."""
    return find_precedents(base, draft.text, k=draft.k, sort=draft.sort).to_json()


@router.get("/targets", response_model=list[TargetOut], summary="quantitative targets and figures")
def targets(q: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                           description="words in the indicator, subject or title")] = None,
            indicator: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS,
                                                   description="statements of this indicator's group")] = None,
            subject: Annotated[str | None, Query(max_length=MAX_QUERY_CHARS)] = None,
            kind: Kind | None = None, year_from: Year = None, year_to: Year = None,
            base: KnowledgeBase = Depends(kb)) -> list[dict]:
    """``python -m index targets [Q] --json``."""
    return targets_json(base.targets(q, indicator=indicator, subject=subject, kind=kind,
                                     year_from=year_from, year_to=year_to))
