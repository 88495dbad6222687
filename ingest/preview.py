"""The preview behind ``python -m ingest PATH... --preview``: print how files will be cut,
one JSON object a line, without writing anything. Unreadable files are reported on stderr as
``PATH: reason`` on one line (control characters in names escaped); the exit status is 1 when no
file could be read, ``EXIT_PARTIAL`` (3) when some could not."""
from __future__ import annotations

import json
import sys
from typing import Sequence, TextIO

from ingest.pipeline import iter_files, parse_file
from ingest.records import SUPPORTED_SUFFIXES, IngestError, ParsedDocument
from ingest.text import shown

EXIT_PARTIAL = 3  # some files could not be read, the others were printed


def document_records(doc: ParsedDocument) -> list[dict]:
    """The preview records of one parsed document: the document line, then its clauses."""
    meta = doc.meta
    out = [{
        "type": "document",
        "title": meta.title,
        "issuer": meta.issuer,
        "doc_number": meta.doc_number,
        "date": meta.date,
        "doc_type": meta.doc_type,
        "pages": meta.pages,
        "source": doc.source,
    }]
    for c in doc.clauses:
        out.append({
            "type": "clause",
            "path": list(c.path),
            "label": c.label,
            "text": c.text,
            "page_start": c.page_start,
            "page_end": c.page_end,
            **({"boxes": [[b.page, b.x0, b.y0, b.x1, b.y1] for b in c.boxes]} if c.boxes else {}),
        })
    return out


def main(paths: Sequence[str], *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the preview of every file under ``paths``; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    read = failed = 0
    for path in iter_files(paths):
        try:
            doc = parse_file(path)
        except IngestError as exc:
            failed += 1
            print(shown(exc), file=err)
            continue
        except OSError as exc:
            failed += 1
            print(f"{shown(path)}: cannot open the file ({shown(exc.strerror or exc)})", file=err)
            continue
        read += 1
        for record in document_records(doc):
            try:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            except UnicodeEncodeError:  # a file name with undecodable bytes: JSON's \udcxx escapes
                out.write(json.dumps(record) + "\n")
    if read == 0:
        if failed == 0:
            print(f"no supported files found (supported: {' '.join(SUPPORTED_SUFFIXES)})", file=err)
        return 1
    return EXIT_PARTIAL if failed else 0
