"""Knowledge-base lifecycle on real files: skip unchanged by hash, re-embed only changed
clauses, replace, remove from every mode, rebuild, stale derived indexes, model mismatch,
busy lock, persistence."""
from __future__ import annotations

import json
import shutil

import pytest
from filelock import FileLock

from conftest import CountingEmbedder
from index.kb import KnowledgeBase
from index.records import KBBusy, KBMissing, ModelMismatch

JIA = """甲市推进公共服务均等化实施方案

一、总体要求

到2025年，基本公共服务均等化水平明显提高，人均公共服务支出稳步增长。

二、重点任务

（一）提升教育水平。扩大普惠性学前教育资源，新建幼儿园30所。

（二）改善医疗条件。推进县域医共体建设，每个乡镇建成一所标准化卫生院。
"""
YI = """乙省综合交通发展规划

一、发展基础

高速公路通车里程达到6000公里，公共交通出行比例明显提高。

二、主要任务

（一）建设综合交通枢纽。推进城乡客运一体化，提升公共服务水平。
"""


@pytest.fixture()
def files(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "jia.txt").write_text(JIA, encoding="utf-8")
    (d / "yi.txt").write_text(YI, encoding="utf-8")
    return d


@pytest.fixture()
def counting(demo_embedder):
    return CountingEmbedder(demo_embedder)


def open_kb(path, embedder):
    return KnowledgeBase.open(path, embedder=embedder)


def agree(kb) -> set[int]:
    """The database's and both indexes' clause id sets are equal; returns them."""
    db_ids = kb.store.clause_ids()
    assert kb._lexical.id_set() == db_ids
    assert kb._dense.id_set() == db_ids
    assert len(kb._dense) == len(db_ids) == len(kb._lexical)
    return db_ids


def test_unchanged_files_are_skipped_without_embedding(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    first = kb.ingest([files])
    assert sorted(s.rsplit("/", 1)[-1] for s in first.added) == ["jia.txt", "yi.txt"]
    assert first.clauses_embedded == 5 == len(counting.passages)
    assert set(first.seconds) >= {"parse", "embed", "write"}
    kb.close()
    counting.passages.clear()
    kb = open_kb(tmp_path / "kb", counting)
    again = kb.ingest([files])
    assert again.added == () and len(again.skipped) == 2
    assert counting.passages == [] and again.clauses_embedded == 0
    agree(kb)


def test_changed_file_replaces_and_reembeds_only_changed_clauses(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    kb.ingest([files])
    old = {h.clause_id for h in kb.search('"新建幼儿园"', mode="lexical")}
    counting.passages.clear()
    (files / "jia.txt").write_text(JIA.replace("新建幼儿园30所", "新建幼儿园45所"), encoding="utf-8")
    report = kb.ingest([files])
    assert [s.rsplit("/", 1)[-1] for s in report.replaced] == ["jia.txt"]
    assert [s.rsplit("/", 1)[-1] for s in report.skipped] == ["yi.txt"]
    assert counting.passages == ["（一）提升教育水平。扩大普惠性学前教育资源，新建幼儿园45所。"]
    hits = kb.search('"新建幼儿园"', mode="semantic")
    assert [h.text for h in hits] == ["（一）提升教育水平。扩大普惠性学前教育资源，新建幼儿园45所。"]
    assert hits[0].clause_id not in old  # old clauses are gone, new ids
    assert len(kb.documents()) == 2
    agree(kb)


def test_remove_takes_a_document_out_of_every_mode(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    kb.ingest([files])
    for mode in ("hybrid", "lexical", "semantic"):
        assert any("综合交通枢纽" in h.text for h in kb.search("综合交通枢纽", mode=mode))
    assert kb.remove(files / "yi.txt") is True
    assert kb.remove(files / "yi.txt") is False
    for mode in ("hybrid", "lexical", "semantic"):
        hits = kb.search("交通 公共服务", mode=mode, k=20)
        assert hits and all(h.doc_title == "甲市推进公共服务均等化实施方案" for h in hits)
    assert [d.title for d in kb.documents()] == ["甲市推进公共服务均等化实施方案"]
    kb.close()
    kb = open_kb(tmp_path / "kb", counting)  # the removal persisted in the derived files
    assert len(agree(kb)) == 3
    cfg = json.loads((tmp_path / "kb" / "config.json").read_text())
    assert cfg["counts"] == {"documents": 1, "clauses": 3} and cfg["tokenizer"] == "bigram"
    assert cfg["embedding"] == {"backend": "demo", "model": "demo", "dim": 256}


def test_bad_file_is_reported_and_the_batch_goes_on(tmp_path, files, counting):
    (files / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")
    (files / "empty.txt").write_text("\n\n", encoding="utf-8")
    kb = open_kb(tmp_path / "kb", counting)
    report = kb.ingest([files, tmp_path / "nope.txt"])
    assert len(report.added) == 2
    failed = {s.rsplit("/", 1)[-1]: why for s, why in report.failed}
    assert set(failed) == {"broken.pdf", "empty.txt", "nope.txt"}
    assert failed["nope.txt"] == "no such file or directory"
    assert len(agree(kb)) == 5


def test_stale_derived_indexes_are_brought_up_to_date_on_open(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    (files / "yi.txt").rename(tmp_path / "yi.txt")
    kb.ingest([files])
    saved = {n: (tmp_path / "kb" / n).read_bytes() for n in ("lexical.npz", "dense.npz")}
    kb.ingest([tmp_path / "yi.txt"])
    kb.close()
    # as if the process died after the DB commit but before the index files were replaced
    for n, data in saved.items():
        (tmp_path / "kb" / n).write_bytes(data)
    (tmp_path / "kb" / "dense.npz").unlink()
    kb = open_kb(tmp_path / "kb", counting)
    assert len(agree(kb)) == 5
    assert kb._lexical.generation == kb._dense.generation == kb.store.generation() == 2
    assert kb.search('"综合交通枢纽"', mode="semantic")[0].doc_title == "乙省综合交通发展规划"


def test_a_reader_sees_a_writers_new_documents(tmp_path, files, counting):
    writer = open_kb(tmp_path / "kb", counting)
    reader = open_kb(tmp_path / "kb", counting)
    assert reader.search("综合交通枢纽") == []
    writer.ingest([files])
    assert reader.search('"综合交通枢纽"', mode="lexical")[0].doc_title == "乙省综合交通发展规划"


def test_rebuild_starts_over_from_recorded_sources(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    kb.ingest([files / "jia.txt"])
    counting.passages.clear()
    report = kb.rebuild(paths=[files / "yi.txt"])
    assert sorted(s.rsplit("/", 1)[-1] for s in report.added) == ["jia.txt", "yi.txt"]
    assert len(counting.passages) == 2  # jia's vectors come from the cache; only yi is embedded
    assert len(agree(kb)) == 5


def test_rebuild_keeps_a_document_whose_file_is_gone(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    kb.ingest([files])
    before = {d.title: d.clauses for d in kb.documents()}
    jia_texts = [h.text for h in kb.search("公共服务", mode="lexical", k=20)]
    assert jia_texts
    (files / "jia.txt").unlink()  # the source moved away since it was ingested
    report = kb.rebuild()
    assert [s.rsplit("/", 1)[-1] for s in report.added] == ["yi.txt"]
    assert len(report.failed) == 1 and report.failed[0][0].endswith("jia.txt")
    assert "kept the version already in the knowledge base" in report.failed[0][1]
    assert {d.title: d.clauses for d in kb.documents()} == before
    assert [h.text for h in kb.search("公共服务", mode="lexical", k=20)] == jia_texts
    assert len(agree(kb)) == sum(before.values())


def test_model_mismatch_and_missing_kb(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    kb.close()
    with pytest.raises(ModelMismatch) as e:
        KnowledgeBase.open(tmp_path / "kb", model="usem3")
    msg = str(e.value)
    assert "built with model demo (256 dims), not usem3" in msg
    assert f"python -m index rebuild --kb {tmp_path / 'kb'} --model usem3" in msg
    with pytest.raises(KBMissing, match="python -m index add corpus/ --kb"):
        KnowledgeBase.open(tmp_path / "none", create=False)


def test_second_writer_gets_kbbusy(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    held = FileLock(str(tmp_path / "kb" / ".write.lock"))
    with held:
        with pytest.raises(KBBusy, match="another ingestion is writing"):
            kb.ingest([files])
        # readers are not blocked
        assert kb.search("公共服务") == []
    assert len(kb.ingest([files]).added) == 2


def test_kb_path_from_environment(tmp_path, files, counting, monkeypatch):
    monkeypatch.setenv("POLICY_KB", str(tmp_path / "envkb"))
    kb = KnowledgeBase.open(embedder=counting)
    assert kb.path == tmp_path / "envkb" and (tmp_path / "envkb" / "kb.sqlite").exists()
    shutil.rmtree(tmp_path / "envkb")


class _FailingEmbedder:
    """Another model whose passage encoding breaks half-way through a rebuild."""

    name, dim = "broken", 8

    def encode_passages(self, texts):
        raise RuntimeError("the model crashed")

    def encode_queries(self, texts):
        raise RuntimeError("the model crashed")


def test_failed_rebuild_with_another_model_keeps_the_recorded_one(tmp_path, files, counting, monkeypatch):
    kb = open_kb(tmp_path / "kb", counting)
    kb.ingest([files])
    before = [h.citation for h in kb.search("公共服务")]
    monkeypatch.setattr("index.writer.get_embedder", lambda spec: _FailingEmbedder())
    with pytest.raises(RuntimeError, match="the model crashed"):
        kb.rebuild(model="broken")
    assert (kb.model, kb.dim) == ("demo", 256)
    monkeypatch.setattr("index.kb.get_embedder", lambda spec: counting)
    assert [h.citation for h in kb.search("公共服务")] == before
    assert len(agree(kb)) == 5


def test_k_below_one_is_refused(tmp_path, files, counting):
    kb = open_kb(tmp_path / "kb", counting)
    kb.ingest([files])
    assert len(kb.search("公共服务", k=1)) == 1
    for k in (0, -1):
        with pytest.raises(ValueError, match="k must be at least 1"):
            kb.search("公共服务", k=k)
