"""OCR'd pages as the readers' ``Page`` records: lines with boxes and confidences, page
furniture removed by the same rules as a PDF's text layer (``ingest.furniture``)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest import furniture
from ingest.ocr.layout import OcrLine, page_lines
from ingest.ocr.pool import PageBoxes, recognise_pages
from ingest.ocr.sources import RENDER_DPI, SourceKind, image_refs, pdf_refs
from ingest.records import CorruptFile, EmptyDocument, Line, OcrSummary, Page

# A page whose mean line confidence is below this is flagged as poorly recognised. Measured
# on pages 1-2 of the scanned 意见 (``python -m evaluation.bench.ocr accuracy``): pages read with
# at most 2.4 % character errors score 0.978-0.995; 4.7 % errors score 0.947, unreadable
# pages 0.60-0.93 (heavy blur: few lines found, each read confidently).
POOR_CONFIDENCE = 0.95


def mean_confidence(lines: Sequence[OcrLine]) -> float | None:
    """The lines' confidences weighted by their lengths; None for no text."""
    weight = sum(len(l.text) for l in lines)
    if not weight:
        return None
    return round(sum(l.confidence * len(l.text) for l in lines) / weight, 4)


def _subsequence(lines: Sequence[OcrLine], kept: Sequence[str]) -> list[OcrLine]:
    """The lines whose texts are ``kept`` (an ordered subsequence of theirs)."""
    out, k = [], 0
    for line in lines:
        if k < len(kept) and kept[k] == line.text:
            out.append(line)
            k += 1
    return out


def page_size(result: PageBoxes) -> tuple[float, float]:
    """The page's size in PDF points: a rendered PDF page's pixels at ``RENDER_DPI``, an
    image's pixels as points (an image has no print size worth trusting)."""
    if result.ref.kind == SourceKind.PDF:
        return (round(result.width * 72 / RENDER_DPI, 2), round(result.height * 72 / RENDER_DPI, 2))
    return (float(result.width), float(result.height))


def to_pages(results: Sequence[PageBoxes]) -> tuple[Page, ...]:
    """Pages of lines in reading order with page furniture (folios, scanner stamps,
    running headers) removed; ``ocr_confidence`` is measured before the removal."""
    read = [page_lines(list(r.boxes), width=r.width, height=r.height) for r in results]
    numbers = [r.ref.number for r in results]
    kept = furniture.clean_pages([[l.text for l in lines] for lines in read], numbers)
    pages = []
    for result, number, lines, texts in zip(results, numbers, read, kept):
        body = _subsequence(lines, texts)
        pages.append(Page(
            number=number,
            size=page_size(result),
            lines=tuple(Line(l.text, bbox=l.bbox, confidence=l.confidence) for l in body),
            ocr_confidence=mean_confidence(body) if body else mean_confidence(lines),
        ))
    return tuple(pages)


def ocr_pdf_pages(path: str | Path, numbers: Sequence[int], *, workers: int | None = None) -> tuple[Page, ...]:
    """OCR the given 1-based pages of a PDF (rendered at ``sources.RENDER_DPI``)."""
    return to_pages(recognise_pages(pdf_refs(path, list(numbers)), workers=workers))


def read_image(path: Path, data: bytes, *, workers: int | None = None) -> tuple[Page, ...]:
    """Read an image file (``.png``, ``.jpg``, ``.tif``; a multi-page TIFF gives a page per
    frame) by OCR. Raises CorruptFile or EmptyDocument with a Chinese reason."""
    try:
        refs = image_refs(path)
    except Exception as exc:  # Pillow: not an image, truncated file
        raise CorruptFile(path, f"无法打开图片（{type(exc).__name__}: {exc}）") from exc
    pages = to_pages(recognise_pages(refs, workers=workers))
    if not any(p.lines for p in pages):
        raise EmptyDocument(path, "图片中没有识别出文字")
    return pages


def ocr_summary(pages: Sequence[Page]) -> OcrSummary | None:
    """Which pages were read by OCR, which of them poorly, and the mean confidence; None
    when no page was OCR'd."""
    read = [p for p in pages if p.ocr_confidence is not None]
    if not read:
        return None
    weights = [max(sum(len(l.text) for l in p.lines), 1) for p in read]
    mean = sum(p.ocr_confidence * w for p, w in zip(read, weights)) / sum(weights)
    return OcrSummary(
        pages=tuple(p.number for p in read if p.number is not None),
        poor_pages=tuple(p.number for p in read if p.number is not None and p.ocr_confidence < POOR_CONFIDENCE),
        confidence=round(mean, 4),
        confidences=tuple(p.ocr_confidence for p in read if p.number is not None),
    )
