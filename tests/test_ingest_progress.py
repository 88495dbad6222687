"""Ingestion as a pipeline with progress by clause: the report's counts and stage seconds,
the summary printed by ``python -m index add``, the clause progress callback, the parse queue
(in file order, failures by name, a worker process when the batch is large enough) and the
page's progress line."""
from __future__ import annotations

from concurrent.futures import wait
from pathlib import Path

import pytest

from index.cli_write import stage_summary, summary
from index.kb import KnowledgeBase
from index.parse_queue import ParseQueue, parse_one
from index.progress import ClauseProgress
from index.records import IngestReport
from test_kb import JIA, YI

STAGES = {"parse", "parse_wait", "embed", "extract", "write", "total"}


@pytest.fixture()
def docs(tmp_path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a_jia.txt").write_text(JIA, encoding="utf-8")
    (d / "b_empty.txt").write_text("   \n", encoding="utf-8")  # fails: no text
    (d / "c_yi.txt").write_text(YI, encoding="utf-8")
    return d


def test_demo_ingest_reports_clauses_stages_and_the_failed_file(tmp_path, docs, demo_embedder):
    calls: list[tuple[int, int, str]] = []
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    report = kb.ingest([docs], progress=lambda done, total, source: calls.append((done, total, source)))
    kb.close()
    assert [Path(s).name for s in report.added] == ["a_jia.txt", "c_yi.txt"]
    assert [(Path(s).name, why) for s, why in report.failed] == [("b_empty.txt", "the file is empty")]
    assert (report.clauses, report.clauses_embedded) == (5, 5)
    assert set(report.seconds) == STAGES
    text = summary(report)
    assert "  FAILED: " + str(docs.resolve() / "b_empty.txt") + ": the file is empty" in text
    assert "3 files, 5 clauses, 1 failed" in text
    assert "\n  embed " in text and " 5 clauses, " in text and "clauses/s" in text


def test_progress_counts_clauses_monotonically_up_to_the_total(tmp_path, docs, demo_embedder):
    calls: list[tuple[int, int, str]] = []
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest([docs], progress=lambda done, total, source: calls.append((done, total, source)))
    assert calls[0] == (0, 0, "")
    done = [c[0] for c in calls]
    totals = [c[1] for c in calls]
    assert done == sorted(done) and totals == sorted(totals)
    assert all(d <= t for d, t, _ in calls)
    assert calls[-1][:2] == (5, 5)
    # jia's 3 clauses are known (and embedded) before yi's 2 are
    assert [(d, t, Path(s).name) for d, t, s in calls[1:]] == [
        (0, 3, "a_jia.txt"), (3, 3, "a_jia.txt"), (3, 5, "c_yi.txt"), (5, 5, "c_yi.txt")]
    # a second run: every file unchanged, nothing to count
    calls.clear()
    again = kb.ingest([docs], progress=lambda done, total, source: calls.append((done, total, source)))
    kb.close()
    assert calls == [(0, 0, "")] and again.clauses == 0 and len(again.skipped) == 2


def test_clause_progress_counts_cached_texts_and_duplicates_as_done():
    calls = []
    p = ClauseProgress(lambda *a: calls.append(a))
    p.start()
    p.file(source="a", clauses=4)
    p.embedded(2)
    p.embedded(2)  # no news: not reported again
    p.file_done()  # e.g. two duplicate texts shared one vector
    p.file(source="b", clauses=3)
    p.embedded(9)  # never past the file's own clauses
    p.file_done()
    assert calls == [(0, 0, ""), (0, 4, "a"), (2, 4, "a"), (4, 4, "a"), (4, 7, "b"), (7, 7, "b")]


def test_stage_summary_lines():
    report = IngestReport(added=("a", "b"), failed=(("c", "bad"),), clauses=300, clauses_embedded=200,
                          seconds={"parse": 4.0, "parse_wait": 0.5, "embed": 10.0, "extract": 0.25, "write": 1.0,
                                   "total": 12.0})
    assert stage_summary(report).splitlines() == [
        "  parse     4.00 s  3 files, 300 clauses, 1 failed (embedding waited 0.50 s for the parser)",
        "  embed    10.00 s  200 clauses, 20.0 clauses/s",
        "  index     1.25 s  targets 0.25 s, database and indexes 1.00 s",
        "  total    12.00 s, 25.0 clauses/s overall",
    ]


def test_parse_queue_in_process_keeps_file_order(docs):
    paths = sorted(docs.iterdir())
    with ParseQueue(paths) as queue:
        assert queue.workers == 0  # 3 small texts: not worth a process
        got = [(p.path.name, p.doc is not None, p.reason) for p in queue]
    assert got == [("a_jia.txt", True, None), ("b_empty.txt", False, "the file is empty"),
                   ("c_yi.txt", True, None)]


@pytest.mark.slow  # starts a worker process (~1-3 s)
def test_parse_queue_in_a_worker_process_gives_the_same_documents_in_order(docs, monkeypatch):
    monkeypatch.setattr("index.parse_queue.MIN_POOL_BYTES", 0)
    paths = sorted(docs.iterdir()) + [docs / "missing.txt"]
    with ParseQueue(paths, workers=1) as queue:
        assert queue.workers == 1
        got = [next(iter(queue))]
        wait([future for _, future in queue._pending])
        assert queue.clauses_ahead() == 2  # yi's clauses; the empty file and the missing one have none
        got += list(queue)
        assert queue.clauses_ahead() == 0
    assert [p.path.name for p in got] == ["a_jia.txt", "b_empty.txt", "c_yi.txt", "missing.txt"]
    assert [p.doc for p in got[::2]] == [parse_one(paths[0]).doc, parse_one(paths[2]).doc]
    assert got[1].reason == "the file is empty" and got[3].doc is None and got[3].reason


def test_page_progress_line():
    from webui.kbstore import progress_text

    assert progress_text("正在导入…", 12, 40, "/kb/uploads/ab12.pdf") == "正在导入… 已向量化 12/40 条 · ab12.pdf"
    assert progress_text("正在导入…", 0, 0, "") == "正在导入… 已向量化 0/0 条"


@pytest.mark.slow  # starts a parse worker and its OCR pool (~10-60 s)
def test_a_parse_worker_that_ran_ocr_lets_the_process_exit(tmp_path):
    """A scan of two pages starts the OCR pool inside the parse worker; the worker must stop it
    before exiting (it hung in multiprocessing's exit, joining the OCR processes, before)."""
    import os
    import subprocess
    import sys

    from PIL import Image

    from conftest import ROOT

    pages = [Image.new("L", (600, 800), 255) for _ in range(2)]
    pages[0].save(tmp_path / "scan.tif", save_all=True, append_images=pages[1:])
    (tmp_path / "a.txt").write_text(JIA, encoding="utf-8")
    script = (
        "import index.parse_queue as q\nfrom pathlib import Path\nq.MIN_POOL_BYTES = 0\n"
        f"with q.ParseQueue([Path({str(tmp_path / 'scan.tif')!r}), Path({str(tmp_path / 'a.txt')!r})], workers=1)"
        " as queue:\n    print([p.doc is not None for p in queue])\n")
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, POLICY_OCR_WORKERS="2"))
    assert (r.returncode, r.stdout.strip()) == (0, "[False, True]"), r.stderr[-2000:]
