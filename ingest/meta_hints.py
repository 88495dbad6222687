"""The metadata a reader states outside the text (``MetaHints``) laid over the metadata
read from the text: a web page's 发文机关/发文字号/成文日期 table is the publisher's own
record, so it wins; what it leaves out comes from the text."""
from __future__ import annotations

from dataclasses import replace

from ingest.metadata import doc_type_of
from ingest.records import DocumentMeta, MetaHints


def apply_hints(meta: DocumentMeta, hints: MetaHints | None) -> DocumentMeta:
    """``meta`` with every field the hints give replaced (the 文种 follows the title);
    the 发布日期 stands in for the date only when neither gives a 成文日期."""
    if hints is None:
        return meta
    title = hints.title or meta.title
    return replace(
        meta,
        title=title,
        doc_type=doc_type_of(title) if hints.title else meta.doc_type,
        issuer=hints.issuer or meta.issuer,
        doc_number=hints.doc_number or meta.doc_number,
        date=hints.date or meta.date or hints.published,
    )
