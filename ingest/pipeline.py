"""From a file (or a reader's RawDocument) to a ParsedDocument: furniture removal,
metadata, paragraph joining and clause segmentation."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ingest.blocks import fold_inner_blocks
from ingest.furniture import is_unit_line
from ingest.meta_hints import apply_hints
from ingest.metadata import split_meta
from ingest.normalize import SourceLine, clean_line, ends_sentence, is_folio, is_toc_line, is_watermark, join_lines
from ingest.records import SUPPORTED_SUFFIXES, CorruptFile, EmptyDocument, IngestError, ParsedDocument, RawDocument
from ingest.segment import SegmentSettings, heading_kind, is_marker, segment
from ingest.tables import merge_tables

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_TAB_TOC = re.compile(r"\S[ \u3000]*\t+[ \u3000]*\d{1,4}[ \u3000]*$")
_HAS_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月")


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


def parse_file(path: str | Path, *, settings: SegmentSettings = SegmentSettings()) -> ParsedDocument:
    """Read a file with ``ingest.readers.read_file`` and parse it (raises IngestError)."""
    from ingest.readers import read_file

    raw = read_file(path)
    try:
        return parse_raw(raw, settings=settings)
    except IngestError:
        raise
    except Exception as exc:  # a segmentation bug must cost one file, not the batch
        raise CorruptFile(path, f"could not be segmented ({type(exc).__name__}: {exc}); "
                                "please report this file") from exc


def source_lines(raw: RawDocument) -> list[SourceLine]:
    """The reader's lines, cleaned, with text-level page furniture removed."""
    raw_lines = [(line, page.number) for page in raw.pages for line in page.lines]
    # the PDF outline that text extraction dumps after the end (seed 000): tab-indented lines
    end = len(raw_lines)
    while end > 0 and (not raw_lines[end - 1][0].text.strip() or raw_lines[end - 1][0].text.startswith("\t")):
        end -= 1
    if any(l.text.startswith("\t") for l, _ in raw_lines[end:]):
        raw_lines = raw_lines[:end]
    out: list[SourceLine] = []
    for line, page in raw_lines:
        text, hint = line.text, line.heading_hint
        if raw.format == "md":
            m = _MD_HEADING.match(text.strip())
            if m:
                text, hint = m.group(2), len(m.group(1))
            elif text.strip().startswith("<!--") and text.strip() != "<!-- INFO END -->":
                continue
        if line.table:
            out.append(SourceLine(text=clean_line(text), page=page, table=True))
            continue
        if _TAB_TOC.search(text):  # a TOC entry: heading, tab, page number
            continue
        text = clean_line(text)
        if not text or is_folio(text) or is_toc_line(text) or is_watermark(text):
            continue
        out.append(SourceLine(text=text, page=page, hint=hint))
    return _join_table_runs(_drop_running_headers(drop_toc_page_lines(out)))


_BARE_PAGE = re.compile(r"^\d{1,3}$")


def drop_toc_page_lines(lines: list[SourceLine]) -> list[SourceLine]:
    """Drop a table of contents whose page numbers sit on lines of their own: three or more
    pairs of a short heading line and a bare page number (``第一章 …`` / ``6``)."""
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and len(lines[j].text) <= 40 and _BARE_PAGE.match(lines[j + 1].text) \
                and not _BARE_PAGE.match(lines[j].text) and not lines[j].table and not lines[j + 1].table:
            j += 2
        if j - i >= 6:
            for k in range(i, j):
                keep[k] = False
            i = j
        else:
            i += 1
    return [l for l, k in zip(lines, keep) if k]


_CELL_NUMERIC = re.compile(r"^[\[［(（]?[-—+<>≥≤约]?\s*[\d.,，%]+\s*[%倍万亿元个年]*[\]］)）]?$|^[—–\-/]+$")
_STRUCTURAL = {"bian", "zhang", "jie", "tiao", "cn", "pcn"}


def _join_table_runs(lines: list[SourceLine]) -> list[SourceLine]:
    """A flattened table (a run of 6+ short lines, a third of them numbers) becomes one
    table line: a row per line, starting at each numbered row name (``9.城镇化率：``), its
    cells separated by spaces. So rows are never taken for headings, and a long table is
    split between rows."""
    out: list[SourceLine] = []
    run: list[SourceLine] = []

    def flush() -> None:
        numeric = sum(1 for l in run if _CELL_NUMERIC.match(l.text))
        if len(run) >= 6 and numeric >= len(run) / 3:
            rows: list[list[str]] = [[]]
            for l in run:
                if heading_kind(l.text) == "num" and rows[-1]:
                    rows.append([])
                rows[-1].append(l.text)
            text = "\n".join(" ".join(cells) for cells in rows)
            out.append(SourceLine(text=text, page=run[0].page, table=True))
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        # a row name may end with a colon (``9.城镇化率：``) but no cell ends a sentence
        if len(line.text) <= 40 and line.hint is None and not line.table \
                and heading_kind(line.text) not in _STRUCTURAL and not ends_sentence(line.text.rstrip("：:")):
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return out


def _drop_running_headers(lines: list[SourceLine]) -> list[SourceLine]:
    """Drop short lines repeated as running headers: on 3+ pages, or a dated header repeated."""
    pages_of: dict[str, set] = {}
    counts = Counter(l.text for l in lines if len(l.text) <= 40 and not l.table)
    for l in lines:
        pages_of.setdefault(l.text, set()).add(l.page)
    repeated = {
        t for t, c in counts.items()
        if ((len(pages_of[t] - {None}) >= 3 and c >= 3 and not is_marker(t)) or (c >= 2 and _HAS_DATE.search(t) and len(t) <= 30))
        and not is_unit_line(t)
    }
    if not repeated:
        return lines
    seen: set[str] = set()
    out = []
    for l in lines:
        if l.text in repeated and not l.table:
            if l.text in seen or len(pages_of[l.text] - {None}) >= 3:
                continue
            seen.add(l.text)  # keep the first one: metadata may read it (masthead date)
        out.append(l)
    return out


def parse_raw(raw: RawDocument, *, settings: SegmentSettings = SegmentSettings()) -> ParsedDocument:
    """Parse a reader's RawDocument into metadata, normalised text and clauses."""
    lines = source_lines(raw)
    pages = len(raw.pages) if raw.pages and raw.pages[0].number is not None else None  # PDF, images
    split = split_meta(lines, source=raw.source, pages=pages)
    inner = fold_inner_blocks([l for l, keep in zip(lines, split.body) if keep])
    meta = replace(split.meta, date=split.meta.date or inner.date,
                   issuer=split.meta.issuer or ("、".join(inner.issuers) or None))
    meta = apply_hints(meta, raw.meta_hints)
    paragraphs = merge_tables(join_lines(inner.lines, is_marker=is_marker))
    text, clauses = segment(paragraphs, settings)
    if not clauses:
        raise EmptyDocument(raw.source, "no text left once page furniture and metadata are removed")
    return ParsedDocument(
        source=raw.source,
        format=raw.format,
        content_hash=raw.content_hash,
        meta=meta,
        text=text,
        clauses=clauses,
        ocr=raw.ocr,
    )
