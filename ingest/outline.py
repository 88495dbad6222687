"""The outline of a document as it is read: the headings open above the current paragraph.

Heading levels are learned from the document: the first kind seen is the top level, the
next new kind one level deeper, and so on, except that 编 > 章 > 节 > 条 keep their statutory
order. A heading closes every open heading of its own level or deeper, so numbering that
runs on across chapters (seed 003: ``（四）`` after ``三、``) nests correctly. Two kinds sit
above every learned level: an attached document's title (``H0``) and a section name such
as 前言 (``NAMED``, closed again by the next top-level heading).
"""
from __future__ import annotations

from ingest.headings import STATUTE_ORDER, HeadingKind

# Ranks below every learned level (a smaller rank is a higher level).
ANNEX_RANK, NAMED_RANK = -20.0, -10.0
_FIXED = {HeadingKind.H0: ANNEX_RANK, HeadingKind.NAMED: NAMED_RANK}


class Outline:
    """A heading stack: ``open`` a heading's level, ``push`` its title, read the ``path``."""

    def __init__(self) -> None:
        self._rank: dict[HeadingKind, float] = {}
        self._stack: list[tuple[float, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        """The titles of the open headings, from the top down."""
        return tuple(title for _, title in self._stack)

    def level(self, kind: HeadingKind | None) -> float | None:
        """The rank ``kind`` has (or would get if it came now); None for a lead-in or no heading."""
        if kind is None or kind is HeadingKind.LEAD:
            return None
        return _FIXED.get(kind, self._rank.get(kind, self._new_rank(kind)))

    def open(self, kind: HeadingKind) -> float:
        """Learn the rank of ``kind`` and close the open headings at its level or deeper (a
        top-level heading also closes a section name: 前言 … 第一章); return the rank."""
        rank = _FIXED.get(kind)
        if rank is None:
            rank = self._rank.setdefault(kind, self._new_rank(kind))
        top = rank <= min(self._rank.values(), default=rank)
        while self._stack and (self._stack[-1][0] >= rank or (top and self._stack[-1][0] == NAMED_RANK)):
            self._stack.pop()
        return rank

    def push(self, rank: float, title: str) -> None:
        """Open a heading of ``rank`` (from ``open``) titled ``title`` below the current ones."""
        self._stack.append((rank, title))

    def clear(self) -> None:
        """Close every heading (what follows speaks for the whole document)."""
        self._stack.clear()

    def _new_rank(self, kind: HeadingKind) -> float:
        """The level of a kind seen for the first time: one below everything learned so far,
        except that 编 > 章 > 节 > 条 keep their statutory order (a law's first 第一节 comes
        after its first 第一条 and still sits above the articles)."""
        if kind.is_statute:
            deeper = [self._rank[k] for k in STATUTE_ORDER[STATUTE_ORDER.index(kind) + 1:] if k in self._rank]
            if deeper:
                return min(deeper) - 0.5
        return max(self._rank.values(), default=-1) + 1
