"""From a file (or a reader's RawDocument) to a ParsedDocument.

file → ``readers.read_file`` (RawDocument: lines as extracted) → ``furniture.strip_furniture``
(cleaned lines, furniture gone) → ``metadata.split_meta`` (DocumentMeta, body lines) →
``blocks.fold_inner_blocks`` (inner signatures out, attachment titles as headings) →
``normalize.join_lines`` (paragraphs) → ``tables.merge_tables`` → ``segment.segment``
(document text and clauses).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ingest.blocks import fold_inner_blocks
from ingest.furniture import strip_furniture
from ingest.meta_hints import apply_hints
from ingest.metadata import split_meta
from ingest.limits import LIMITS, Limits, check_clauses
from ingest.normalize import join_lines
from ingest.records import SUPPORTED_SUFFIXES, CorruptFile, EmptyDocument, IngestError, ParsedDocument, RawDocument
from ingest.segment import SegmentSettings, segment
from ingest.tables import merge_tables

# Why a document of each format is empty once its furniture is gone.
_NO_TEXT = {
    "pdf": "the PDF has no extractable text",
    "docx": "the .docx has no text",
    "doc": "the .doc has no text",
    "txt": "the text file is empty",
    "md": "the Markdown file is empty",
}


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the files to ingest: directories are walked recursively (supported suffixes
    only, sorted); files given explicitly are yielded whatever their suffix so that the
    reader can say why it cannot read them."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith((".", "~$")):
                    yield f
        else:
            yield path


def parse_file(path: str | Path, *, settings: SegmentSettings = SegmentSettings(),
               limits: Limits = LIMITS) -> ParsedDocument:
    """Read a file with ``ingest.readers.read_file`` and parse it (raises IngestError,
    ``ingest.limits.TooLarge`` over ``limits``)."""
    from ingest.readers import read_file  # the reader libraries load when a file is read

    raw = read_file(path, limits=limits)
    try:
        return parse_raw(raw, settings=settings, limits=limits)
    except IngestError:
        raise
    except Exception as exc:  # a segmentation bug must cost one file, not the batch
        raise CorruptFile(path, f"could not be segmented ({type(exc).__name__}: {exc}); "
                                "please report this file") from exc


def parse_raw(raw: RawDocument, *, settings: SegmentSettings = SegmentSettings(),
              limits: Limits = LIMITS) -> ParsedDocument:
    """Parse a reader's RawDocument into metadata, normalised text and clauses (at most
    ``limits.max_clauses`` of at most ``limits.max_clause_chars`` characters, else ``TooLarge``)."""
    lines = strip_furniture(raw)
    if not any(line.text.strip() for line in lines):
        raise EmptyDocument(raw.source, _NO_TEXT.get(raw.format, "no text left once page furniture is removed"))
    pages = len(raw.pages) if raw.format == "pdf" or raw.ocr is not None else None  # PDFs and images
    split = split_meta(lines, source=raw.source, pages=pages)
    inner = fold_inner_blocks([l for l, keep in zip(lines, split.body) if keep])
    meta = replace(split.meta, date=split.meta.date or inner.date,
                   issuer=split.meta.issuer or ("、".join(inner.issuers) or None))
    meta = apply_hints(meta, raw.meta_hints)  # a saved web page's metadata table wins
    paragraphs = merge_tables(join_lines(inner.lines))
    text, clauses = segment(paragraphs, settings)
    if not clauses:
        raise EmptyDocument(raw.source, "no text left once page furniture and metadata are removed")
    check_clauses(raw.source, [c.text for c in clauses], limits)
    return ParsedDocument(
        source=raw.source,
        format=raw.format,
        content_hash=raw.content_hash,
        meta=meta,
        text=text,
        clauses=clauses,
        ocr=raw.ocr,
    )
