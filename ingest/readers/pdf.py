"""PDF reader: pdfplumber characters grouped into lines page by page, ruled tables as rows.

Every line is handed on; the reader only asks ``ingest.furniture`` which lines are furniture
to tell a scanned page (images and nothing but a stamp or folio) from a page of text.
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ingest import furniture
from ingest.ocr import ocr_pdf_pages
from ingest.readers.pdf_tables import find_tables, inside
from ingest.limits import LIMITS, Limits, check_pdf_pages
from ingest.records import CorruptFile, EmptyDocument, EncryptedFile, Line, Page

# Two characters share a line when their vertical extents overlap by at least this share of
# the smaller height. Digits set in a Latin font often sit a few points lower than the
# surrounding CJK text (the Putuo budgets shift them by 40% of the size); pdfplumber's fixed
# 3-point tolerance puts them on a line of their own.
_LINE_OVERLAP = 0.5
# A horizontal gap wider than this (points) between two characters becomes a space.
_SPACE_GAP = 3.0
# More than this share of unmapped glyphs ("(cid:123)") means the text layer is unusable.
_MAX_CID_SHARE = 0.3


@dataclass(frozen=True)
class PdfPageText:
    """One page as extracted; ``table[i]`` is True when ``lines[i]`` is a table row and
    ``boxes[i]`` is its box as fractions of the page (a table row gets its table's box);
    ``size`` is the page's (width, height) in points."""

    number: int
    lines: tuple[str, ...]
    table: tuple[bool, ...]
    images: int
    cid_glyphs: int
    chars: int
    boxes: tuple[tuple[float, float, float, float], ...] = ()
    size: tuple[float, float] | None = None


def _repair(ch: str) -> str:
    """Undo glyph mapping quirks of PDF fonts.

    Kangxi radicals stand for common ideographs (⼀ → 一); a soft hyphen is a printed
    hyphen in Chinese PDFs (XeTeX writes ``2014­2020``).
    """
    if "\u2f00" <= ch <= "\u2fdf" or "\u2e80" <= ch <= "\u2eff":
        return unicodedata.normalize("NFKC", ch)
    if ch == "\u00ad":
        return "-"
    return ch


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Cluster characters into lines by vertical overlap, top to bottom."""
    lines: list[tuple[float, float, list[dict]]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        top, bottom = ch["top"], ch["bottom"]
        height = max(bottom - top, 0.1)
        for line_top, line_bottom, members in reversed(lines[-4:]):
            overlap = min(bottom, line_bottom) - max(top, line_top)
            if overlap >= _LINE_OVERLAP * min(height, max(line_bottom - line_top, 0.1)):
                members.append(ch)
                break
        else:
            lines.append((top, bottom, [ch]))
    lines.sort(key=lambda line: line[0])
    return [members for _, _, members in lines]


def _line_text(members: list[dict]) -> str:
    """The characters of one line, left to right, with a space where the gap is wide."""
    parts: list[str] = []
    prev = None
    for ch in sorted(members, key=lambda c: c["x0"]):
        if prev is not None and ch["x0"] - prev["x1"] > _SPACE_GAP:
            parts.append(" ")
        parts.append("".join(_repair(c) for c in ch["text"]))
        prev = ch
    return "".join(parts).strip()


def extract_page(page, number: int) -> PdfPageText:
    """Extract the text lines of one pdfplumber page (upright, visible characters only);
    a ruled table comes out as one line per row, in its place among the text lines."""
    tables = find_tables(page, _repair)
    width, height = page.width, page.height
    x_off, y_off = page.bbox[0], page.bbox[1]
    chars = []
    cid = 0
    seen: set[tuple[str, int, int]] = set()
    for ch in page.chars:
        # Fake bold draws each glyph twice, a fraction of a point apart: keep one.
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key in seen:
            continue
        seen.add(key)
        text = ch["text"]
        if not text.strip() or not ch.get("upright", True):
            continue
        if text.startswith("(cid:"):
            cid += 1
            continue
        if not (x_off - 1 <= ch["x0"] <= x_off + width and y_off - 1 <= ch["top"] <= y_off + height):
            continue
        if tables and inside(ch, tables):
            continue
        chars.append(ch)
    frac = _fractions(page)
    items = [(min(c["top"] for c in m), 0, _line_text(m), False, frac(_extent(m))) for m in _group_lines(chars)]
    items += [(t.bbox[1], k + 1, row, True, frac(t.bbox)) for t in tables for k, row in enumerate(t.rows)]
    items = sorted((i for i in items if i[2]), key=lambda i: (i[0], i[1]))
    return PdfPageText(number=number, lines=tuple(i[2] for i in items), table=tuple(i[3] for i in items),
                       images=len(page.images), cid_glyphs=cid, chars=len(chars) + sum(len(r) for t in tables for r in t.rows),
                       boxes=tuple(i[4] for i in items), size=_crop_size(page))


def _crop_size(page) -> tuple[float, float]:
    """The page's crop box (width, height) in points: the page as rendered."""
    x0, top, x1, bottom = page.cropbox
    return (round(float(x1 - x0), 2), round(float(bottom - top), 2))


def _extent(members: list[dict]) -> tuple[float, float, float, float]:
    """The box around a line's characters (x0, top, x1, bottom) in pdfplumber's points."""
    return (min(c["x0"] for c in members), min(c["top"] for c in members),
            max(c["x1"] for c in members), max(c["bottom"] for c in members))


def _fractions(page):
    """A function taking a box in pdfplumber's page coordinates to fractions of the page's
    crop box (the part a viewer and pypdfium2 show), clamped to it."""
    x_off, y_off, right, bottom = page.cropbox
    width, height = max(right - x_off, 1), max(bottom - y_off, 1)

    def frac(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = ((box[0] - x_off) / width, (box[1] - y_off) / height,
                          (box[2] - x_off) / width, (box[3] - y_off) / height)
        return tuple(round(min(max(v, 0.0), 1.0), 4) for v in (x0, y0, x1, y1))  # type: ignore[return-value]

    return frac


def _open(path: Path, data: bytes):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps pdfminer errors; look at the cause
        _raise_open_error(path, exc)


def _raise_open_error(path: Path, exc: BaseException):
    chain = [exc, *getattr(exc, "args", ())]
    if exc.__cause__ is not None:
        chain.append(exc.__cause__)
    if any(isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError)) for e in chain) or "password" in str(exc).lower():
        raise EncryptedFile(path, "the PDF is password-protected; save an unprotected copy and ingest that") from exc
    raise CorruptFile(path, f"pdfplumber cannot parse this PDF ({type(exc).__name__}: {exc}); re-export or repair it") from exc


def _page_count(path: Path, data: bytes) -> int | None:
    """The PDF's page count from pdfium (fast, before pdfplumber parses anything); None when
    pdfium cannot open it (pdfplumber then reports why)."""
    import pypdfium2

    try:
        doc = pypdfium2.PdfDocument(data)
    except Exception:  # encrypted or damaged: pdfplumber's error message is the one to show
        return None
    try:
        return len(doc)
    finally:
        doc.close()


def read_pdf(path: Path, data: bytes, *, limits: Limits = LIMITS) -> tuple[Page, ...]:
    """Read a PDF's text layer page by page, table rows in place among the text lines.

    Scanned pages (images and nothing but a stamp or folio as text, or a text layer of
    unmapped glyphs) are read by OCR (``ingest.ocr``). Raises EncryptedFile, CorruptFile, or
    EmptyDocument when no text is left, ``TooLarge`` over ``limits.max_pdf_pages``.
    """
    pages = _page_count(path, data)
    if pages is not None:
        check_pdf_pages(path, pages, limits)
    pdf = _open(path, data)
    try:
        if pages is None:
            check_pdf_pages(path, len(pdf.pages), limits)
        extracted = []
        for number, page in enumerate(pdf.pages, start=1):
            try:
                extracted.append(extract_page(page, number))
            except Exception as exc:
                _raise_open_error(path, exc)
            page.close()  # drop the page's parsed objects; long PDFs would pile them up
    finally:
        pdf.close()
    if not extracted:
        raise EmptyDocument(path, "the PDF has no pages")
    pages = tuple(Page(number=p.number, size=p.size,
                       lines=tuple(Line(text, table=tab, bbox=box) for text, tab, box in zip(p.lines, p.table, p.boxes)))
                  for p in extracted)
    scans = _scanned_pages(extracted)
    if scans:  # every line of a text page is handed on; a scanned page is replaced by its OCR
        ocr = {p.number: p for p in ocr_pdf_pages(path, scans)}
        pages = tuple(replace(ocr[p.number], size=p.size) if p.number in ocr else p for p in pages)
    if not any(line.text.strip() for p in pages for line in p.lines):
        raise EmptyDocument(path, "PDF 中没有可提取的文字（文字层与 OCR 都没有读出文字）")
    return pages


def _text_left(extracted: list[PdfPageText]) -> list[bool]:
    """Per page: whether it holds text besides furniture (its table rows count as text)."""
    # furniture rules see the text lines only: a table row is never a running header or folio
    text_only = [[t for t, tab in zip(p.lines, p.table) if not tab] for p in extracted]
    kept = furniture.page_keep(text_only, [p.number for p in extracted])
    return [bool(k) or any(p.table) for p, k in zip(extracted, kept)]


def _scanned_pages(extracted: list[PdfPageText]) -> list[int]:
    """Pages to read by OCR: images with nothing but furniture as text, or a text layer whose
    glyphs are mostly unmapped (``(cid:123)``)."""
    text_left = _text_left(extracted)
    return [p.number for p, text in zip(extracted, text_left)
            if (p.images and not text) or (p.cid_glyphs and p.cid_glyphs > _MAX_CID_SHARE * (p.chars + p.cid_glyphs))]
