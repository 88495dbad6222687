"""An upload on the page writes through a KnowledgeBase of its own (``KBHandle.writer``): a search
from another session answers while the upload is still ingesting, and sees the new document after."""
from __future__ import annotations

import threading

import pytest

from conftest import copy_kb
from index.kb import KnowledgeBase
from webui.kbstore import KBHandle
from webui.uploads import UploadedFile, ingest_uploads

NEW_TEXT = "某市关于推进城市更新的实施方案\n\n一、总体要求\n\n推进老旧小区改造和城市更新行动，完善社区养老托育设施。\n"


@pytest.mark.slow  # threads and a held upload: seconds
def test_a_search_answers_while_an_upload_is_ingesting(tmp_path, corpus_kb_dir, demo_embedder, monkeypatch):
    path = copy_kb(corpus_kb_dir, tmp_path / "kb")
    handle = KBHandle(path=str(path), kb=KnowledgeBase.open(path, embedder=demo_embedder))
    started, release = threading.Event(), threading.Event()
    real_ingest = KnowledgeBase.ingest

    def held_ingest(self, *args, **kwargs):  # the upload stops inside its write until the search is done
        started.set()
        assert release.wait(timeout=120), "the test never released the upload"
        return real_ingest(self, *args, **kwargs)

    monkeypatch.setattr(KnowledgeBase, "ingest", held_ingest)
    outcome = {}
    upload = threading.Thread(target=lambda: outcome.update(
        result=ingest_uploads(handle, [UploadedFile(name="城市更新方案.txt", data=NEW_TEXT.encode("utf-8"))])))
    upload.start()
    try:
        assert started.wait(timeout=120)
        found = {}

        def search_as_another_session():
            with handle.use() as kb:  # what every search on the page does
                found["hits"] = kb.search("公共服务 人均支出", k=1)

        search = threading.Thread(target=search_as_another_session)
        search.start()
        search.join(timeout=60)
        # the upload is still held inside its ingest: had it kept the shared lock, the search could not run
        assert not search.is_alive() and upload.is_alive()
        assert "教育领域人均支出" in found["hits"][0].text
    finally:
        release.set()
        upload.join(timeout=300)
    report = outcome["result"].report
    assert len(report.added) == 1 and not report.failed
    with handle.use() as kb:  # the shared KB picks the write up by its generation
        assert kb.search("老旧小区改造 城市更新", k=1, mode="lexical")[0].doc_title == "某市关于推进城市更新的实施方案"
    handle.kb.close()

