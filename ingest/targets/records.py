"""Records of the quantitative-statement extractor: a statement, the context a clause is read
in, and a statement placed in its document."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """A target is a goal for a coming year; an actual is a reported (or estimated) figure."""

    TARGET = "target"
    ACTUAL = "actual"


# Comparators are short Chinese words, combined as change + bound (``增长以上``):
CHANGES = ("年均增长", "年均下降", "增长", "下降", "翻番")  # the value is a change, not a level
BOUNDS = ("以上", "超过", "以下", "低于", "左右")  # ≥, >, ≤, <, ≈
LEVEL = "达到"  # a plain level (=): 达到/为/是/增至/提高到…


@dataclass(frozen=True)
class Statement:
    """One quantitative statement: ``indicator`` ``comparator`` ``value`` ``unit``.

    ``value_high`` is the upper end of a range (``8-10个``), else None. ``comparator`` is
    ``达到`` for a plain level, or a change and/or a bound: ``增长``, ``下降``, ``年均增长``,
    ``翻番``, ``以上``, ``超过``, ``以下``, ``低于``, ``左右``, combined as in ``增长以上``.
    ``year`` is the target year or the year of an actual figure; ``base`` the base it is
    compared with (``2017年``, ``成渝双城经济圈``); ``subject`` the region or body
    (``关中平原城市群``, ``全市``). ``start``/``end`` delimit the quantity's phrase
    (indicator through unit) in the text given to the extractor, ``[start, end)``.
    """

    indicator: str
    value: float
    unit: str
    comparator: str = LEVEL
    kind: Kind = Kind.ACTUAL
    year: int | None = None
    value_high: float | None = None
    base: str | None = None
    subject: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class TargetContext:
    """What the surrounding document tells about a piece of text.

    ``now_year``: the last year whose figures are actual (a plan for 2021–2025 gives 2020, a
    2024 government work report 2023, a 2024 决算 2024); later years are targets.
    ``year``: a year governing the text (``到2025年`` in an earlier sentence, ``2023年`` in the
    section heading), used when a sentence names none. ``target_year``: the year of a target
    that names none (the plan's end year). ``actual_year``: the year of an actual figure that
    names none (the document's date). ``kind``: the default kind (a 发展基础 section reports,
    a 发展目标 section sets goals). ``table_header``: the header line of a flattened table
    (``指标 2015年 2020年 年均增长``) continued from an earlier clause.
    """

    now_year: int | None = None
    year: int | None = None
    target_year: int | None = None
    actual_year: int | None = None
    kind: Kind | None = None
    table_header: str | None = None


@dataclass(frozen=True)
class ClauseStatement:
    """A statement found in a document's clause: its ordinal (``Clause.ordinal``), the page
    the clause starts on, and the statement (its span is relative to the clause text)."""

    ordinal: int
    page: int | None
    statement: Statement
