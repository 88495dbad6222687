"""Hostile files built in a test's tmp_path: zip-bomb DOCX, a PDF of many pages, a DOCX of many clauses."""
from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document_xml(paragraphs: list[str], *, padding: int = 0) -> bytes:
    """A ``word/document.xml`` of the paragraphs; ``padding`` spaces between the elements
    (legal XML whitespace: how a zip bomb inflates while staying a valid document)."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
    return (head + body).encode() + b" " * padding + b"</w:body></w:document>"


def write_docx(path: Path, paragraphs: list[str], *, padding: int = 0) -> Path:
    """A minimal valid .docx; with ``padding`` bytes of spaces streamed into document.xml (a bomb)."""
    path.write_bytes(_docx_bytes(tuple(paragraphs), padding))
    return path


@lru_cache(maxsize=8)
def _docx_bytes(paragraphs: tuple[str, ...], padding: int) -> bytes:
    """The bytes of ``write_docx``'s file, built once per run: deflating a 210 MB bomb takes 0.3 s,
    its ~1 MB is cheap to keep."""
    xml = document_xml(list(paragraphs))
    head, tail = xml[: -len(b"</w:body></w:document>")], b"</w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * (1 << 20)
            left = padding
            while left > 0:
                f.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            f.write(tail)
    return out.getvalue()


def write_pdf(path: Path, pages: int) -> Path:
    """A valid PDF of ``pages`` pages sharing one content stream (a line of text), written by hand."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 12 Tf 72 720 Td (page text) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    first = len(objects) + 1
    kids = []
    for i in range(pages):
        kids.append(b"%d 0 R" % (first + i))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (n, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path
