"""Lines in reading order from the text boxes of one page.

Boxes whose vertical extents overlap by half the smaller height share a row (the same
rule as the PDF reader's characters); rows run top to bottom, boxes in a row left to right,
joined by a space (the detector splits a row only at a visible gap, e.g. the 印发 line's
``农业农村部办公厅 … 2025年1月24日印发``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.ocr.engine import Box

_ROW_OVERLAP = 0.5
# PP-OCR reads full-width brackets as half-width about half the time (``(一）建立…``); in
# Chinese text a bracket pair holding or touching a Chinese character is full-width.
_PAIR = re.compile(r"\(([^()（）]*)\)")
_OPEN = re.compile(r"\((?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\(")
_CLOSE = re.compile(r"(?<=[^\x00-\x7f])\)|\)(?=[^\x00-\x7f])")


def _chinese(text: str) -> bool:
    return any(ord(c) > 0x7F for c in text)


def fix_brackets(text: str) -> str:
    """Half-width brackets in Chinese text made full-width: ``(一）`` → ``（一）``,
    ``(2014-2020年)`` → ``（2014-2020年）``; ``f(x)`` stays."""
    def pair(m: re.Match) -> str:
        around = text[max(m.start() - 1, 0):m.start()] + m.group(1) + text[m.end():m.end() + 1]
        return f"（{m.group(1)}）" if _chinese(around) else m.group(0)

    return _CLOSE.sub("）", _OPEN.sub("（", _PAIR.sub(pair, text)))


@dataclass(frozen=True)
class OcrLine:
    """One line: its text, its box as fractions of the page (x0, y0, x1, y1; origin top
    left) and its confidence (the boxes' scores weighted by their lengths)."""

    text: str
    bbox: tuple[float, float, float, float]
    confidence: float


def _overlaps(box: Box, top: float, bottom: float) -> bool:
    overlap = min(box.y1, bottom) - max(box.y0, top)
    return overlap >= _ROW_OVERLAP * max(min(box.y1 - box.y0, bottom - top), 0.1)


def rows(boxes: list[Box]) -> list[list[Box]]:
    """The boxes grouped into rows, top to bottom, each row left to right."""
    grouped: list[tuple[float, float, list[Box]]] = []
    for box in sorted(boxes, key=lambda b: ((b.y0 + b.y1) / 2, b.x0)):
        for k in range(len(grouped) - 1, max(len(grouped) - 4, -1), -1):
            top, bottom, members = grouped[k]
            if _overlaps(box, top, bottom):
                members.append(box)
                grouped[k] = (min(top, box.y0), max(bottom, box.y1), members)
                break
        else:
            grouped.append((box.y0, box.y1, [box]))
    grouped.sort(key=lambda g: g[0])
    return [sorted(members, key=lambda b: b.x0) for _, _, members in grouped]


def page_lines(boxes: list[Box], *, width: float, height: float) -> list[OcrLine]:
    """The page's lines in reading order, boxes scaled to fractions of ``width``/``height``."""
    out = []
    for row in rows(boxes):
        text = fix_brackets(" ".join(b.text for b in row))
        weight = sum(len(b.text) for b in row) or 1
        confidence = sum(b.confidence * len(b.text) for b in row) / weight
        bbox = (min(b.x0 for b in row) / width, min(b.y0 for b in row) / height,
                max(b.x1 for b in row) / width, max(b.y1 for b in row) / height)
        out.append(OcrLine(text=text, bbox=tuple(round(v, 4) for v in bbox), confidence=round(confidence, 4)))
    return out
