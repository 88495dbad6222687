"""PDF reader: pdfplumber characters grouped into lines page by page, ruled tables as rows.

Every line is handed on; the reader only asks ``ingest.furniture`` which lines are furniture
to tell a scanned page (images and nothing but a stamp or folio) from a page of text.
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ingest import furniture
from ingest.readers.pdf_tables import find_tables, inside
from ingest.records import CorruptFile, EmptyDocument, EncryptedFile, ImageOnlyPDF, Line, Page

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
    """One page as extracted; ``table[i]`` is True when ``lines[i]`` is a table row."""

    number: int
    lines: tuple[str, ...]
    table: tuple[bool, ...]
    images: int
    cid_glyphs: int
    chars: int


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
    items = [(min(c["top"] for c in m), 0, _line_text(m), False) for m in _group_lines(chars)]
    items += [(t.bbox[1], k + 1, row, True) for t in tables for k, row in enumerate(t.rows)]
    items = sorted((i for i in items if i[2]), key=lambda i: (i[0], i[1]))
    return PdfPageText(number=number, lines=tuple(i[2] for i in items), table=tuple(i[3] for i in items),
                       images=len(page.images), cid_glyphs=cid, chars=len(chars) + sum(len(r) for t in tables for r in t.rows))


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


def read_pdf(path: Path, data: bytes) -> tuple[Page, ...]:
    """Read a PDF's text layer page by page, table rows in place among the text lines.

    Raises ImageOnlyPDF when the pages carry only images (perhaps with a scanner stamp),
    EncryptedFile, CorruptFile, or EmptyDocument when no text but furniture is found.
    """
    pdf = _open(path, data)
    try:
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
    _check_text_layer(path, extracted)
    return tuple(Page(number=p.number, lines=tuple(Line(text, table=tab) for text, tab in zip(p.lines, p.table)))
                 for p in extracted)


def _text_left(extracted: list[PdfPageText]) -> list[bool]:
    """Per page: whether it holds text besides furniture (its table rows count as text)."""
    # furniture rules see the text lines only: a table row is never a running header or folio
    text_only = [[t for t, tab in zip(p.lines, p.table) if not tab] for p in extracted]
    kept = furniture.page_keep(text_only, [p.number for p in extracted])
    return [bool(k) or any(p.table) for p, k in zip(extracted, kept)]


def _check_text_layer(path: Path, extracted: list[PdfPageText]) -> None:
    """Raise when the text layer is missing (scanned pages) or unusable (unmapped glyphs)."""
    total = len(extracted)
    chars = sum(p.chars for p in extracted)
    cids = sum(p.cid_glyphs for p in extracted)
    if cids and cids > _MAX_CID_SHARE * (chars + cids):
        raise ImageOnlyPDF(
            path,
            f"扫描件/unusable text layer: {cids} of {chars + cids} glyphs have no Unicode mapping; run OCR first",
        )
    # A page counts as scanned when it has images and nothing but furniture as text.
    text_left = _text_left(extracted)
    scanned = [p.number for p, text in zip(extracted, text_left) if p.images and not text]
    if scanned and len(scanned) * 2 >= total:
        raise ImageOnlyPDF(
            path,
            f"扫描件/image-only PDF with no text layer ({len(scanned)} of {total} pages are images, "
            "any text is only a scanner watermark); run OCR first, then ingest the OCR'd PDF",
        )
    if not any(text_left):
        raise EmptyDocument(path, "the PDF has no extractable text")
