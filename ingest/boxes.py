"""Where a clause sits on its pages: line boxes from the readers to the clauses.

A reader gives each line of a PDF or page image its box as fractions of the page
(``Line.bbox``; pdfplumber characters for a text layer, OCR boxes for a scan). The furniture
pass turns it into a ``Box`` in PDF points (``line_box``); paragraphs keep one box per
joined line (``Paragraph.line_boxes``); a clause gets the boxes of every line its text
touches (``span_boxes``), so 看原文 can highlight it on the page image.
"""
from __future__ import annotations

from collections.abc import Sequence

from ingest.records import Box, Line


def line_box(line: Line, page: int | None, size: tuple[float, float] | None) -> Box | None:
    """A line's fractional ``bbox`` as a ``Box`` in points on page ``page`` of ``size``
    (width, height in points); None when the reader gave no box or page size."""
    if line.bbox is None or page is None or size is None:
        return None
    x0, y0, x1, y1 = line.bbox
    w, h = size
    return Box(page=page, x0=round(x0 * w, 1), y0=round(y0 * h, 1), x1=round(x1 * w, 1), y1=round(y1 * h, 1))


def span_boxes(starts: Sequence[int], boxes: Sequence[Box | None], length: int, lo: int, hi: int) -> list[Box]:
    """The boxes of the lines of one paragraph that overlap ``[lo, hi)``; line ``i`` covers
    ``[starts[i], starts[i + 1])`` of the paragraph's ``length`` characters."""
    out = []
    for i, (start, box) in enumerate(zip(starts, boxes)):
        end = starts[i + 1] if i + 1 < len(starts) else length
        if box is not None and start < hi and lo < max(end, start + 1):
            out.append(box)
    return out


def unique(boxes: Sequence[Box]) -> tuple[Box, ...]:
    """The boxes in order with repeats dropped (a table's rows share the table's box)."""
    return tuple(dict.fromkeys(boxes))
