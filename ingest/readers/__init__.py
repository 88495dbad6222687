"""``read_file(path)``: any supported file to a RawDocument, every line as extracted.

Formats: .pdf (pdfplumber, ``readers.pdf`` with ruled tables from ``readers.pdf_tables``;
scanned pages by OCR, ``ingest.ocr``), .docx (python-docx, ``readers.docx``), .doc (antiword,
``readers.doc``), .txt and .md (encoding detected, ``readers.text``), .html/.htm/.mhtml (saved
web pages, ``readers.html``), .png/.jpg/.tif (OCR). Readers only extract: page furniture is
dropped afterwards by the one furniture pass (``ingest.furniture``).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ingest.ocr import IMAGE_SUFFIXES, ocr_summary, read_image
from ingest.readers.doc import read_doc
from ingest.readers.docx import read_docx
from ingest.readers.html import read_html
from ingest.readers.pdf import read_pdf
from ingest.readers.text import decode_bytes, markdown_pages, text_pages
from ingest.limits import LIMITS, Limits, check_file_size, check_lines
from ingest.records import (SUPPORTED_SUFFIXES, CorruptFile, EmptyDocument, IngestError, RawDocument,
                            UnsupportedFormat)

__all__ = ["SUPPORTED_SUFFIXES", "read_file"]


def read_file(path: str | Path, *, limits: Limits = LIMITS) -> RawDocument:
    """Read one file into a RawDocument (``Page.number`` 1-based for PDFs, None otherwise).

    Raises an IngestError subclass naming the file and the reason: UnsupportedFormat,
    ImageOnlyPDF, EncryptedFile, CorruptFile, EmptyDocument, EncodingError or
    ``ingest.limits.TooLarge`` (file size, a DOCX's unzipped size, PDF pages: ``limits``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no extension)"
        raise UnsupportedFormat(path, f"unsupported format '{shown}'; supported: {' '.join(SUPPORTED_SUFFIXES)}")
    try:
        check_file_size(path, path.stat().st_size, limits)  # before the bytes are read
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise UnsupportedFormat(path, "is a directory, not a file") from exc
    except OSError as exc:
        raise CorruptFile(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise EmptyDocument(path, "the file is empty")
    encoding = hints = None
    try:
        if suffix == ".pdf":
            pages = read_pdf(path, data, limits=limits)
        elif suffix in IMAGE_SUFFIXES:
            pages = read_image(path, data)
        elif suffix in (".html", ".htm", ".mhtml"):
            pages, hints = read_html(path, data)
        elif suffix == ".docx":
            pages = read_docx(path, data, limits=limits)
        elif suffix == ".doc":
            pages = read_doc(path, data)
        else:
            decoded = decode_bytes(data, path)
            encoding = decoded.encoding
            pages = markdown_pages(decoded, path) if suffix == ".md" else text_pages(decoded, path)
    except IngestError:
        raise
    except Exception as exc:  # a reader library failing on a malformed file
        raise CorruptFile(path, f"cannot parse the file ({type(exc).__name__}: {exc})") from exc
    check_lines(path, sum(len(p.lines) for p in pages), limits)
    return RawDocument(
        source=str(path),
        format=suffix.lstrip("."),
        pages=pages,
        content_hash=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        ocr=ocr_summary(pages),
        meta_hints=hints,
    )
