"""Records and errors shared by the readers, the segmenter and the knowledge base.

This module is the contract between ``ingest`` and ``index``: change a field here and
both sides change with it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


SUPPORTED_SUFFIXES: tuple[str, ...] = (".pdf", ".docx", ".doc", ".txt", ".md", ".html", ".htm", ".mhtml",
                                       ".png", ".jpg", ".jpeg", ".tif", ".tiff")
# Between the cells of a table row in ``Line.text`` (``201 | 06 | 行政运行 | 1,511.90``).
CELL_SEPARATOR = " | "


@dataclass(frozen=True)
class Box:
    """A rectangle on a page in PDF points (1/72 inch), origin at the page's top left
    (x to the right, y down, as pdfplumber's ``top``): one line of a clause on the page it
    was printed on. For an image file a point is a pixel."""

    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Line:
    """One line of extracted text, before paragraphs are re-joined.

    ``heading_hint`` is a heading level suggested by the source format (a DOCX
    ``Heading 2`` style gives 2); None when the format says nothing. ``table`` marks one
    row of a table, its cells joined by `` | `` (the segmenter keeps a table's rows together).
    ``toc`` marks a line the format itself calls a table-of-contents entry (a DOCX ``TOC 1``
    paragraph style); the furniture pass drops it.
    ``bbox`` is the line's box on its page as fractions of the page's width and height
    (x0, y0, x1, y1; origin top left) and ``confidence`` the recognition score (0-1), both
    set for lines read by OCR and None otherwise.
    """

    text: str
    heading_hint: int | None = None
    table: bool = False
    toc: bool = False
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class Page:
    """The lines of one page; ``number`` is 1-based, None for formats without pages.
    ``ocr_confidence`` is the mean line confidence of a page read by OCR, else None.
    ``size`` is the page's (width, height) in PDF points when the format has pages (PDF,
    image); with it a line's fractional ``bbox`` becomes a ``Box``."""

    number: int | None
    lines: tuple[Line, ...]
    ocr_confidence: float | None = None
    size: tuple[float, float] | None = None


@dataclass(frozen=True)
class OcrSummary:
    """Which pages of a document were read by OCR and how well: ``poor_pages`` are those
    whose mean line confidence is below ``ingest.ocr.POOR_CONFIDENCE`` (worth a look)."""

    pages: tuple[int, ...]
    poor_pages: tuple[int, ...]
    confidence: float  # mean over the OCR'd pages' lines, weighted by their lengths
    confidences: tuple[float, ...] = ()  # each page's mean line confidence, parallel to ``pages``


@dataclass(frozen=True)
class MetaHints:
    """Metadata a reader found outside the text, e.g. a web page's 索引号/发文机关 table.
    The pipeline prefers these over what it reads from the text; None where not given."""

    title: str | None = None
    issuer: str | None = None  # 发文机关
    doc_number: str | None = None  # 发文字号
    date: str | None = None  # 成文日期, ISO yyyy-mm-dd
    published: str | None = None  # 发布日期, ISO yyyy-mm-dd
    index_number: str | None = None  # 索引号
    subject: str | None = None  # 主题分类
    attachments: tuple[str, ...] = ()  # names of the attached files the page links to


@dataclass(frozen=True)
class RawDocument:
    """What a reader returns: the file's text page by page, every line as extracted
    (page furniture is removed afterwards, by ``ingest.furniture.strip_furniture``)."""

    source: str
    format: str  # "pdf" | "txt" | "md" | "docx" | "doc" | "html" | "png" | "jpg" | "tif" …
    pages: tuple[Page, ...]
    content_hash: str  # sha256 hex of the file's bytes
    encoding: str | None = None  # for text files: the detected encoding
    ocr: OcrSummary | None = None  # set when some pages were read by OCR
    meta_hints: MetaHints | None = None  # metadata the format states outside the text


@dataclass(frozen=True)
class Clause:
    """The smallest unit a user cites, with its address in the document.

    ``path`` holds the full heading texts from the top down, e.g.
    ``("二、西安—咸阳一体化经济发展面临的机遇和问题",)``; ``label`` is the clause's
    own number (``四是``, ``（五）``, ``第十二条``) or "". ``char_start``/``char_end``
    are offsets into ``ParsedDocument.text``. ``boxes`` are the clause's lines on their
    pages (PDFs and page images; empty for other formats), in reading order.
    """

    ordinal: int
    path: tuple[str, ...]
    label: str
    text: str
    page_start: int | None
    page_end: int | None
    char_start: int
    char_end: int
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata read from the document's own text; None where the text does not say."""

    title: str
    issuer: str | None = None  # 发文机关
    doc_number: str | None = None  # 发文字号, e.g. 国发〔2021〕3号
    date: str | None = None  # 成文日期, ISO yyyy-mm-dd
    doc_type: str | None = None  # 文种: 规划/方案/意见/通知/办法/条例/报告…
    author: str | None = None  # author line, e.g. 西咸研究院课题组
    pages: int | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """A document ready for indexing: metadata, the normalised text and its clauses."""

    source: str
    format: str
    content_hash: str
    meta: DocumentMeta
    text: str  # the normalised document text the clause offsets point into
    clauses: tuple[Clause, ...] = field(default_factory=tuple)
    ocr: OcrSummary | None = None  # the reader's OCR summary, for the ingest report


class IngestError(Exception):
    """A file that cannot be ingested; ``str()`` names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormat(IngestError):
    """The file's extension is not one the readers know."""


class ImageOnlyPDF(IngestError):
    """A PDF without a text layer (scanned); it needs OCR first."""


class EncryptedFile(IngestError):
    """A password-protected file."""


class CorruptFile(IngestError):
    """A file that its reader cannot parse."""


class EmptyDocument(IngestError):
    """A file that holds no text once page furniture is removed."""


class EncodingError(IngestError):
    """A text file whose encoding cannot be determined without mojibake."""
