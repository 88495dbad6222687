"""Ingestion progress counted in clauses, not files.

The callback an ingestion takes is ``progress(done, total, source)``: ``done`` = clauses
embedded (or found already embedded) so far, ``total`` = clauses of the files parsed so far,
including those the parser has read ahead (it grows as the parser goes on; unchanged and
failed files add nothing), ``source`` = the
file being embedded. ``done`` never decreases and ends equal to ``total``.
"""
from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int, str], None]


class ClauseProgress:
    """Turns per-file embedding counts into monotonic clause counts for a ``Progress`` callback."""

    def __init__(self, callback: Progress | None, *, ahead: Callable[[], int] | None = None):
        self.callback = callback
        self.ahead = ahead  # clauses parsed ahead of the current file (added to the total shown)
        self.done = 0
        self.total = 0
        self.source = ""
        self._file_start = 0
        self._file_total = 0
        self._shown = 0

    def _emit(self) -> None:
        if self.callback:
            # never shown smaller (a restarted parse worker reads its queued files again)
            self._shown = max(self._shown, self.total + (self.ahead() if self.ahead else 0))
            self.callback(self.done, self._shown, self.source)

    def start(self) -> None:
        """Report the empty start (0 of 0)."""
        self._emit()

    def file(self, *, source: str, clauses: int) -> None:
        """A parsed file of ``clauses`` clauses is about to be embedded."""
        self.source = source
        self._file_start = self.done
        self._file_total = clauses
        self.total += clauses
        self._emit()

    def embedded(self, n: int) -> None:
        """``n`` clauses of the current file are embedded (cumulative within the file)."""
        done = self._file_start + min(n, self._file_total)
        if done > self.done:
            self.done = done
            self._emit()

    def file_done(self) -> None:
        """Every clause of the current file has its vector (duplicates and cached ones included)."""
        self.embedded(self._file_total)
