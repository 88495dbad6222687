"""SIGKILL an ingestion into a Milvus-backed KB (milvus-lite) while it writes the collection:
after reopening, the collection's ids are the store's and the BM25 statistics are those of the
clauses held. Skipped, with the reason, when pymilvus or milvus-lite cannot be imported."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT

# real subprocesses, killed; milvus-lite takes seconds to start
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("milvus_installed")]

from index.bm25_sparse import BM25Stats  # noqa: E402
from index.embed_demo import DemoEmbedder  # noqa: E402
from index.kb import KnowledgeBase  # noqa: E402

TOPICS = ["公共服务", "交通运输", "医疗卫生", "生态环境", "科技创新"]
ITEMS = 50  # clauses a document: 250 in all, about a second of milvus-lite inserts


def write_docs(d, rnd: int, rng: random.Random) -> None:
    for i, topic in enumerate(TOPICS):
        if rnd == 0 or rng.random() < 0.5:
            items = "\n\n".join(f"{n}. {topic}第{n}项任务：第{rnd}轮推进{topic}设施建设，投入资金{rng.randint(1, 9999)}万元。"
                                for n in range(1, ITEMS + 1))
            (d / f"doc{i}.txt").write_text(f"{topic}实施方案\n\n一、重点任务\n\n{items}\n", encoding="utf-8")


def generation(kb_dir) -> int:
    try:
        db = sqlite3.connect(f"file:{kb_dir / 'kb.sqlite'}?mode=ro", uri=True, timeout=1)
        try:
            row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        finally:
            db.close()
        return int(row[0]) if row else 0
    except sqlite3.Error:
        return 0


def ingest_and_kill(docs, kb_dir, *, after_commit: bool, delay: float) -> None:
    """Run ``python -m index add`` and SIGKILL it: as soon as the store has committed (the collection
    is then being written), or after ``delay`` seconds."""
    before = generation(kb_dir)
    cmd = [sys.executable, "-m", "index", "add", str(docs), "--kb", str(kb_dir), "--model", "demo", "--quiet",
           "--backend", "milvus", "--milvus-uri", str(kb_dir / "milvus.db")]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 120:
        if (after_commit and generation(kb_dir) > before) or (not after_commit and time.monotonic() - t0 > delay):
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait(timeout=60)


def raw_ids(kb_dir) -> set[int]:
    """The collection's ids read without the KB (which would repair it)."""
    import json

    from pymilvus import MilvusClient

    cfg = json.loads((kb_dir / "config.json").read_text(encoding="utf-8"))["indexes"]
    client = MilvusClient(uri=str(kb_dir / cfg["uri"]))
    try:
        if not client.has_collection(cfg["collection"]):
            return set()
        client.load_collection(cfg["collection"])
        return {r["id"] for r in client.query(cfg["collection"], filter="id >= 0", output_fields=["id"])}
    finally:
        client.close()
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(str(kb_dir / cfg["uri"]))  # the file is free for the next process


def check_consistent(kb_dir) -> int:
    kb = KnowledgeBase.open(kb_dir, embedder=DemoEmbedder())
    try:
        db_ids = kb.store.clause_ids()
        assert kb._indexes.id_sets()["dense"] == db_ids
        counted = kb._indexes._count(BM25Stats(), db_ids)
        assert (kb._indexes.stats.n, kb._indexes.stats.total_len) == (counted.n, counted.total_len)
        assert +kb._indexes.stats.df == +counted.df
        for d in kb.documents():
            assert d.clauses == ITEMS, d  # whole documents only
        if db_ids:
            assert kb.search("公共服务 设施建设", k=3)[0].doc_title == "公共服务实施方案"
        return len(db_ids)
    finally:
        kb.close()


def test_sigkill_while_writing_the_collection_then_reopen_agrees(tmp_path):
    rng = random.Random(int(os.environ.get("CRASH_SEED", "16")))
    docs, kb_dir = tmp_path / "docs", tmp_path / "kb"
    docs.mkdir()
    disagreed = 0
    for rnd, (after_commit, delay) in enumerate([(True, 0), (True, 0), (False, rng.uniform(3, 9)), (True, 0)]):
        write_docs(docs, rnd, rng)
        ingest_and_kill(docs, kb_dir, after_commit=after_commit, delay=delay)
        if (kb_dir / "kb.sqlite").exists():
            with sqlite3.connect(kb_dir / "kb.sqlite") as db:
                store_ids = {r[0] for r in db.execute("SELECT id FROM clauses")}
            disagreed += raw_ids(kb_dir) != store_ids
            check_consistent(kb_dir)
    # the kills after the store's commit landed while the collection was behind it: the repair ran
    assert disagreed >= 2
    subprocess.run([sys.executable, "-m", "index", "add", str(docs), "--kb", str(kb_dir), "--quiet"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    assert check_consistent(kb_dir) == len(TOPICS) * ITEMS
