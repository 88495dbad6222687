"""Readers never take the write lock; uploads orphaned by a killed server are swept on the next start;
kill -9 trials of ``python -m index add`` (a few here, 50 in ``python -m evaluation crash-bench``)."""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import make_doc
from index.indexes import Indexes
from index.kb import KnowledgeBase
from index.location import LEXICAL_FILE, LOCK_FILE
from index.recover import sweep_temp_files
from webui.upload_names import NAMES_FILE, display_names, sweep_orphans, uploads_dir


def test_a_reader_refreshes_and_saves_stale_files_while_a_writer_holds_the_lock(corpus_kb_dir, tmp_path,
                                                                                demo_embedder):
    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    (kb_dir / LEXICAL_FILE).unlink()  # stale derived files, as a crash can leave them
    with FileLock(str(kb_dir / LOCK_FILE), timeout=0):  # "a writer" holds the lock throughout
        kb = KnowledgeBase.open(kb_dir, embedder=demo_embedder)
        try:
            hits = kb.search("公共服务 人均支出", k=1)
            assert "998元" in hits[0].text
            assert (kb_dir / LEXICAL_FILE).exists()  # saved without the lock (it used to wait for the writer)
        finally:
            kb.close()


def test_a_writer_is_not_refused_while_a_reader_saves(tmp_path, demo_embedder, monkeypatch):
    kb_dir = tmp_path / "kb"
    writer = KnowledgeBase.open(kb_dir, embedder=demo_embedder)
    writer.ingest_parsed([make_doc("/x/a.txt", "甲", [((), "", "公共服务设施建设的具体要求")])])
    reader = KnowledgeBase.open(kb_dir, embedder=demo_embedder)
    saving, release = threading.Event(), threading.Event()
    real_save = Indexes.save

    def slow_save(self, generation):  # the reader's save of big files takes long (18.9 s on 200k clauses)
        if threading.current_thread().name == "reader":
            saving.set()
            release.wait(30)
        real_save(self, generation)

    monkeypatch.setattr(Indexes, "save", slow_save)
    found = []
    thread = threading.Thread(target=lambda: found.extend(reader.search("公共服务", k=5)), name="reader")
    (kb_dir / LEXICAL_FILE).unlink()  # the reader must reload, find the file stale, and save it
    reader._indexes.lexical = None
    thread.start()
    assert saving.wait(30)
    report = writer.ingest_parsed([make_doc("/x/b.txt", "乙", [((), "", "交通运输网络建设的具体要求")])])
    release.set()
    thread.join(30)
    assert report.added == ("/x/b.txt",)  # not KBBusy
    assert [h.text for h in found] == ["公共服务设施建设的具体要求"]
    writer.close()
    reader.close()
    again = KnowledgeBase.open(kb_dir, embedder=demo_embedder)
    again.refresh()
    assert again._lexical.id_set() == again._dense.id_set() == again.store.clause_ids()
    assert len(again.store.clause_ids()) == 2
    again.close()


def test_orphan_uploads_are_swept_on_start(tmp_path):
    kb_dir = tmp_path / "kb"
    folder = uploads_dir(kb_dir)
    folder.mkdir(parents=True)
    kept, orphan, young = folder / "aaaa.txt", folder / "bbbb.pdf", folder / "cccc.docx"
    for f in (kept, orphan, young):
        f.write_bytes(b"x")
    (folder / NAMES_FILE).write_text(json.dumps({"aaaa.txt": "甲.txt", "bbbb.pdf": "乙.pdf", "cccc.docx": "丙.docx",
                                                 "gone.txt": "丁.txt"}), encoding="utf-8")
    old = time.time() - 3600
    for f in (kept, orphan):
        os.utime(f, (old, old))
    removed = sweep_orphans(kb_dir, {str(kept), "/elsewhere/bbbb.pdf"})
    assert removed == ["bbbb.pdf"]
    assert sorted(p.name for p in folder.iterdir()) == ["aaaa.txt", "cccc.docx", NAMES_FILE]
    assert display_names(kb_dir) == {"aaaa.txt": "甲.txt", "cccc.docx": "丙.docx"}


def test_the_page_sweeps_orphans_when_it_starts(corpus_kb_dir, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from test_app import APP

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    folder = uploads_dir(kb_dir)
    folder.mkdir()
    orphan = folder / "0123456789abcdef.txt"
    orphan.write_text("killed mid-upload", encoding="utf-8")
    os.utime(orphan, (time.time() - 3600,) * 2)
    (folder / NAMES_FILE).write_text(json.dumps({orphan.name: "上传一半.txt"}), encoding="utf-8")
    monkeypatch.setenv("POLICY_KB", str(kb_dir))
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert not orphan.exists() and display_names(kb_dir) == {}


def test_temp_files_of_dead_processes_are_swept(tmp_path):
    dead = tmp_path / f"lexical.npz.{2**22 + 12345}.1.tmp"  # beyond pid_max: no such process
    mine = tmp_path / f"dense.npz.{os.getpid()}.1.tmp"
    for f in (dead, mine):
        f.write_bytes(b"x")
    assert sweep_temp_files(tmp_path) == [dead]
    assert mine.exists()


@pytest.mark.slow  # real processes killed
def test_a_few_kill_9_trials_leave_consistent_kbs(tmp_path):
    from evaluation.bench.crash import trials

    out = trials(tmp_path, count=5, model="demo", seed=7)
    assert len(out.killed) == 5 and out.checks >= 5
    assert out.inconsistent == []
