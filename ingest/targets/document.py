"""Statements of a whole parsed document, clause by clause, each clause read in the context
the document gives it:

- the document's time frame: a plan's period (``“十四五”``, ``第十三个五年``, ``2024-2026年``)
  sets ``now_year`` (the year before the period) and the year of targets that name none; a
  2024 government work report reviews 2023; a 2024 决算 reports 2024; the date, else;
- a section heading's year (``一、2023年工作回顾``) and kind (``发展基础`` reports,
  ``发展目标`` sets goals);
- ``到2025年`` or ``“十三五”时期`` in a clause governs the following clauses of its section;
- the header line of a flattened table carries to the table's continuation clauses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.records import ParsedDocument
from ingest.targets.extract import extract_statements, plan_end_year, scope_year
from ingest.targets.records import ClauseStatement, Kind, TargetContext
from ingest.targets.tables import flat_header

_PLAN = re.compile(r"十([一二三四五六七八九])五|第十([一二三四五六七八九])个五年")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*[-—–至]\s*((?:19|20)\d{2})\s*年")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PLAN_WORDS = ("规划", "方案", "纲要", "计划", "意见", "要点")
_SAME_YEAR_TYPES = ("决算", "公报", "年报", "统计")
# laws and regulations state rules (thresholds, time limits, penalties), not indicators
_LEGAL_TYPES = ("条例", "规定", "办法", "细则", "解释", "规则", "法")
_ACTUAL_HEADING = re.compile(r"回顾|发展基础|现实基础|工作基础|基础条件|成就|成效|现状|决算|进展|发展环境|总结|完成情况|执行情况|情况说明")
_TARGET_HEADING = re.compile(r"目标|任务|重点|举措|主要指标|工作安排|展望")


@dataclass(frozen=True)
class DocumentFacts:
    """A document's time frame, read from its title, date and opening clauses."""

    now_year: int | None
    target_year: int | None
    actual_year: int | None
    kind: Kind
    legal: bool = False


def document_facts(doc: ParsedDocument) -> DocumentFacts:
    """The time frame of ``doc`` (see the module docstring)."""
    title = doc.meta.title or ""
    opening = title + " " + " ".join(c.text[:300] for c in doc.clauses[:2])
    doc_type = doc.meta.doc_type or ""
    date_year = int(doc.meta.date[:4]) if doc.meta.date and doc.meta.date[:4].isdigit() else None
    ym = _YEAR.search(title)
    title_year = int(ym.group(1)) if ym else None
    plan_end = period_start = None
    period, pm = _PERIOD.search(title), _PLAN.search(title)
    if not (period or pm or title_year or date_year):  # a plan naming its period only in its text
        pm = _PLAN.search(opening)
    if period:
        period_start, plan_end = int(period.group(1)), int(period.group(2))
    elif pm:
        plan_end = plan_end_year(pm.group(1) or pm.group(2))
        period_start = plan_end - 4
    same_year = any(t in doc_type or t in title for t in _SAME_YEAR_TYPES)
    if period_start:
        now = period_start - 1
    elif title_year:
        now = title_year if same_year else title_year - 1
    else:
        now = date_year
    target = plan_end or (title_year if title_year and now and title_year > now else None)
    actual = date_year or (title_year if same_year else None)
    planning = bool(plan_end) or any(w in doc_type or w in title for w in _PLAN_WORDS)
    legal = not planning and (doc_type in _LEGAL_TYPES or bool(re.search(r"法(?:\s*[（(].*[）)])?$", title)))
    return DocumentFacts(now, target, actual, Kind.TARGET if planning else Kind.ACTUAL, legal)


def _heading_frame(path: tuple[str, ...]) -> tuple[int | None, Kind | None]:
    """The year and kind the section headings give (deepest heading first)."""
    year = kind = None
    for heading in reversed(path):
        if year is None:
            m = _YEAR.search(heading)
            year = int(m.group(1)) if m else None
        if kind is None:
            if _ACTUAL_HEADING.search(heading):
                kind = Kind.ACTUAL
            elif _TARGET_HEADING.search(heading):
                kind = Kind.TARGET
    return year, kind


def _within(path: tuple[str, ...], scope_path: tuple[str, ...] | None) -> bool:
    return scope_path is not None and path[:len(scope_path)] == scope_path


def extract_document(doc: ParsedDocument, *, legal: bool = False) -> list[ClauseStatement]:
    """Every statement in ``doc``, clause by clause, with the clause's ordinal and page; spans
    are offsets into the clause's text. Laws and regulations (``DocumentFacts.legal``) give
    none unless ``legal`` is set: their numbers are thresholds and time limits."""
    facts = document_facts(doc)
    if facts.legal and not legal:
        return []
    out: list[ClauseStatement] = []
    scope: tuple[tuple[str, ...], int] | None = None
    header: tuple[tuple[str, ...], str] | None = None
    for clause in doc.clauses:
        heading_year, heading_kind = _heading_frame(clause.path)
        carried = scope[1] if scope and _within(clause.path, scope[0]) else None
        own_header = flat_header(clause.text)
        if own_header:
            header = (clause.path, own_header)
        context = TargetContext(
            now_year=facts.now_year, year=carried or heading_year,
            target_year=facts.target_year, actual_year=heading_year or facts.actual_year,
            kind=heading_kind or facts.kind,
            table_header=header[1] if header and header[0] == clause.path else None)
        for st in extract_statements(clause.text, context=context):
            out.append(ClauseStatement(ordinal=clause.ordinal, page=clause.page_start, statement=st))
        year = scope_year(clause.text)
        if year is not None:
            scope = (clause.path, year)
    return out
