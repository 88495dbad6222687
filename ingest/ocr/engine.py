"""Text recognition of one page image with rapidocr (PP-OCR models shipped in its wheel).

Settings, measured on the scanned 意见 (8 pages, 171 lines):

- ``use_cls`` off: the angle classifier turned 6 upright lines upside down and lost them
  (below rapidocr's text score) and read the folio ``-5-`` as ``一S一``; policy pages are
  upright, so every line comes back without it.
- A red seal stamped over the signature garbles it (``2025九年公厅``). On a page with red
  ink the page is read twice: from its red channel, where red ink turns white and black
  text stays (``农业农村部办公``, ``2025年1月23日``), and as it is; boxes of the second
  reading that overlap no box of the first are red-only text (a red 发文机关标志 masthead)
  and are kept.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image

# A pixel is red ink when its red channel exceeds both others by this much (0-255).
_RED_MARGIN = 60
# A page has red ink when at least this share of its pixels is red (a seal is ~0.5 %).
_RED_SHARE = 0.0005
# A box of the plain reading is new when less than this share of it lies under boxes of the
# red-channel reading.
_NEW_BOX_OVERLAP = 0.3

_ENGINE = None


@dataclass(frozen=True)
class Box:
    """One recognised text box: its text, axis-aligned pixel box and rapidocr's score (0-1)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float


def engine(*, threads: int | None = None):
    """The process's rapidocr engine, created on first use (models load from the wheel)."""
    global _ENGINE
    if _ENGINE is None:
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        n = threads if threads else int(os.environ.get("POLICY_OCR_THREADS", "0")) or -1
        _ENGINE = RapidOCR(params={
            "Global.use_cls": False,
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": n,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })
    return _ENGINE


def _read(image: Image.Image) -> list[Box]:
    result = engine()(image)
    if not result.txts:
        return []
    out = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
        if text.strip():
            out.append(Box(text=text.strip(), x0=min(xs), y0=min(ys), x1=max(xs), y1=max(ys), confidence=float(score)))
    return out


def red_ink_share(image: Image.Image) -> float:
    """The share of the image's pixels that are red ink (seals, red mastheads)."""
    if image.mode != "RGB":
        return 0.0
    a = np.asarray(image, dtype=np.int16)
    red = (a[..., 0] - a[..., 1] > _RED_MARGIN) & (a[..., 0] - a[..., 2] > _RED_MARGIN)
    return float(red.mean())


def _covered(box: Box, others: list[Box]) -> float:
    """The share of ``box``'s area that lies under any of ``others``."""
    area = max((box.x1 - box.x0) * (box.y1 - box.y0), 1e-6)
    under = 0.0
    for o in others:
        w = min(box.x1, o.x1) - max(box.x0, o.x0)
        h = min(box.y1, o.y1) - max(box.y0, o.y0)
        if w > 0 and h > 0:
            under += w * h
    return min(under / area, 1.0)


def recognise(image: Image.Image) -> list[Box]:
    """The text boxes of one page image (RGB, grey or bilevel), in rapidocr's order."""
    image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    if red_ink_share(image) < _RED_SHARE:
        return _read(image)
    red = image.getchannel("R")
    black = _read(Image.merge("RGB", (red, red, red)))
    plain = _read(image)
    return black + [b for b in plain if _covered(b, black) < _NEW_BOX_OVERLAP]
