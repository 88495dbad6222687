"""Resource limits, all in one settings object: what a file, a document and a query may cost.

Enforced at the edges: the reader (``ingest.readers.read_file``: file size, a DOCX's unzipped size
and ratio, PDF pages), the parser and the writer (``ingest.pipeline.check_document``: clauses per
document, characters per clause) and the search (``index.kb``: query length, k). A file over a
limit is refused with ``TooLarge`` (an ``IngestError``: the rest of a batch is ingested); a query over
a limit with ``index.records.QueryRejected``.

Why these defaults (measured on this project's documents, see README "Limits"):
- ``max_file_bytes`` 200 MB: the largest realdoc is a few MB; the page's upload limit is 50 MB.
- ``max_unzipped_bytes`` 200 MB and ``max_zip_ratio`` 100: a real .docx inflates 2-10x (XML
  compresses well, images not at all); a 1 MB DOCX that inflates to 1 GB (ratio 1000) took 2.1 GB of
  memory. The zip's declared sizes are checked before any member is read, and Python's zipfile
  never inflates a member beyond its declared size, so a lying header cannot get past the check.
- ``max_pdf_pages`` 3,000: the longest realdoc PDF has a few hundred pages; a page costs ~40 ms.
- ``max_lines`` 150,000 lines as extracted (a 3,000-page PDF of 50 lines a page): checked right after
  reading, so a 75 KB DOCX of 200,000 tiny paragraphs is refused before it is segmented (segmenting
  20,000 paragraphs alone takes ~16 s).
- ``max_clauses`` 20,000: the largest law (民法典) has 1,260 articles, the longest plan ~2,000
  clauses; 200,000 tiny paragraphs in a 75 KB DOCX grew a KB from 1.5 to 553 MB.
- ``max_clause_chars`` 50,000: clauses are cut at 600 characters except articles and table pieces;
  a longer one is a single unbroken wall of text, not a clause anyone cites.
- ``max_query_chars`` 2,000: a query is words or a sentence; a long paste belongs to 查先例
  (``python -m index similar``), which splits it into sentences.
- ``max_k`` 1,000: nobody reads more; ``k`` of 10^6 took 29 s.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.records import IngestError


@dataclass(frozen=True)
class Limits:
    """What one file, document or query may cost; the defaults are documented in the module."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: int = 100
    max_pdf_pages: int = 3000
    max_lines: int = 150_000
    max_clauses: int = 20_000
    max_clause_chars: int = 50_000
    max_query_chars: int = 2000
    max_k: int = 1000


LIMITS = Limits()


class TooLarge(IngestError):
    """A file or document over one of the ``Limits``; the message names the file and the limit.

    ``limit`` is the field of ``Limits`` that was exceeded, ``value`` what the file had."""

    def __init__(self, path: str | Path, reason: str, *, limit: str, value: int):
        self.limit = limit
        self.value = value
        super().__init__(path, reason)


def mb(n: int) -> str:
    """``n`` bytes as ``12.3 MB`` for messages."""
    return f"{n / (1024 * 1024):.1f} MB"


def check_file_size(path: str | Path, size: int, limits: Limits = LIMITS) -> None:
    """Refuse a file larger than ``limits.max_file_bytes`` (before its bytes are read)."""
    if size > limits.max_file_bytes:
        raise TooLarge(path, f"the file is {mb(size)}, over the limit of {mb(limits.max_file_bytes)} "
                             f"(Limits.max_file_bytes); split it or export a smaller copy",
                       limit="max_file_bytes", value=size)


def check_zip(path: str | Path, infos, *, compressed: int, limits: Limits = LIMITS) -> None:
    """Refuse a zip (DOCX) whose declared members inflate beyond the limits (a zip bomb):
    total unzipped size over ``max_unzipped_bytes``, or over ``max_zip_ratio`` times the file."""
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise TooLarge(path, f"the .docx unzips to {mb(total)}, over the limit of {mb(limits.max_unzipped_bytes)} "
                             f"(Limits.max_unzipped_bytes); it may be a zip bomb",
                       limit="max_unzipped_bytes", value=total)
    # small files inflate by large ratios legitimately (a 2 KB XML part of spaces): judge the ratio
    # only once the inflated size matters (over 10 MB)
    ratio = total // max(compressed, 1)
    if total > 10 * 1024 * 1024 and ratio > limits.max_zip_ratio:
        raise TooLarge(path, f"the .docx unzips to {ratio} times its size ({mb(total)}), over the limit of "
                             f"{limits.max_zip_ratio} (Limits.max_zip_ratio); it may be a zip bomb",
                       limit="max_zip_ratio", value=ratio)


def check_pdf_pages(path: str | Path, pages: int, limits: Limits = LIMITS) -> None:
    """Refuse a PDF with more than ``limits.max_pdf_pages`` pages (before any page is read)."""
    if pages > limits.max_pdf_pages:
        raise TooLarge(path, f"the PDF has {pages} pages, over the limit of {limits.max_pdf_pages} "
                             f"(Limits.max_pdf_pages); split it into parts",
                       limit="max_pdf_pages", value=pages)


def check_lines(path: str | Path, lines: int, limits: Limits = LIMITS) -> None:
    """Refuse a document of more than ``limits.max_lines`` extracted lines (before segmentation)."""
    if lines > limits.max_lines:
        raise TooLarge(path, f"the document has {lines} lines, over the limit of {limits.max_lines} "
                             f"(Limits.max_lines); it is probably not a policy document, or split it",
                       limit="max_lines", value=lines)


def check_clauses(path: str | Path, texts: list[str], limits: Limits = LIMITS) -> None:
    """Refuse a document of more than ``max_clauses`` clauses or with a clause over ``max_clause_chars``."""
    if len(texts) > limits.max_clauses:
        raise TooLarge(path, f"the document has {len(texts)} clauses, over the limit of {limits.max_clauses} "
                             f"(Limits.max_clauses); it is probably not a policy document, or split it",
                       limit="max_clauses", value=len(texts))
    longest = max((len(t) for t in texts), default=0)
    if longest > limits.max_clause_chars:
        raise TooLarge(path, f"a clause has {longest} characters, over the limit of {limits.max_clause_chars} "
                             f"(Limits.max_clause_chars); the text has no paragraph or sentence breaks",
                       limit="max_clause_chars", value=longest)
