"""Resource limits (``ingest.limits``) on real crafted files: zip-bomb DOCX, a PDF of too many pages,
too many clauses, an over-long query; the rest of a batch is ingested and the KB stays consistent."""
from __future__ import annotations

import pytest

from conftest import make_doc
from crafted import write_docx, write_pdf
from index.kb import KnowledgeBase
from index.records import QueryRejected
from ingest.limits import LIMITS, Limits, TooLarge
from ingest.pipeline import parse_file
from webui.errors import ingest_reason

GOOD = """关于推进公共服务建设的通知

一、总体要求

到2025年，公共服务水平明显提高，基本公共服务均等化取得新进展。

二、重点任务

（一）完善公共服务设施。新建社区服务中心二十个，改造养老服务设施十处。
"""
ARTICLES = [f"第{i}条 本条规定公共服务设施建设的第{i}项具体要求和标准。" for i in range(1, 61)]


def agree(kb) -> set[int]:
    """The database's and both indexes' clause id sets are equal; returns them."""
    db_ids = kb.store.clause_ids()
    assert kb._lexical.id_set() == db_ids
    assert kb._dense.id_set() == db_ids
    return db_ids


def test_a_zip_bomb_docx_is_refused_by_its_declared_size(tmp_path):
    bomb = write_docx(tmp_path / "bomb.docx", ["第一条 测试"], padding=210 << 20)
    assert bomb.stat().st_size < 2 << 20  # ~1 MB on disk, 210 MB inflated
    with pytest.raises(TooLarge) as err:
        parse_file(bomb)
    assert str(err.value) == (f"{bomb}: the .docx unzips to 210.0 MB, over the limit of 200.0 MB "
                              "(Limits.max_unzipped_bytes); it may be a zip bomb")
    assert err.value.limit == "max_unzipped_bytes"
    assert ingest_reason(err.value, name="bomb.docx") == "「bomb.docx」无法导入：DOCX 解压后超过 200.0 MB，可能是压缩炸弹，已拒绝。"


def test_a_docx_inflating_by_a_huge_ratio_is_refused(tmp_path):
    bomb = write_docx(tmp_path / "ratio.docx", ["第一条 测试"], padding=20 << 20)
    with pytest.raises(TooLarge) as err:
        parse_file(bomb)
    assert err.value.limit == "max_zip_ratio"
    assert "(Limits.max_zip_ratio); it may be a zip bomb" in str(err.value)
    assert err.value.value > LIMITS.max_zip_ratio


def test_a_pdf_of_too_many_pages_is_refused_before_reading(tmp_path):
    pdf = write_pdf(tmp_path / "long.pdf", LIMITS.max_pdf_pages + 1)
    with pytest.raises(TooLarge) as err:
        parse_file(pdf)
    assert str(err.value) == f"{pdf}: the PDF has 3001 pages, over the limit of 3000 (Limits.max_pdf_pages); split it into parts"


def test_too_many_clauses_lines_or_characters_are_refused(tmp_path):
    docx = write_docx(tmp_path / "many.docx", ARTICLES)
    assert len(parse_file(docx).clauses) == 60  # within the defaults
    with pytest.raises(TooLarge) as err:
        parse_file(docx, limits=Limits(max_clauses=50))
    assert str(err.value) == (f"{docx}: the document has 60 clauses, over the limit of 50 (Limits.max_clauses); "
                              "it is probably not a policy document, or split it")
    with pytest.raises(TooLarge) as err:
        parse_file(docx, limits=Limits(max_lines=59))
    assert str(err.value).startswith(f"{docx}: the document has 60 lines, over the limit of 59 (Limits.max_lines)")
    wall = tmp_path / "wall.txt"
    wall.write_text("标题\n\n" + "公共服务" * 60, encoding="utf-8")
    with pytest.raises(TooLarge) as err:
        parse_file(wall, limits=Limits(max_clause_chars=100))
    assert err.value.limit == "max_clause_chars" and err.value.value == 240


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(GOOD * 10, encoding="utf-8")
    with pytest.raises(TooLarge) as err:
        parse_file(big, limits=Limits(max_file_bytes=1000))
    assert err.value.limit == "max_file_bytes" and err.value.value == big.stat().st_size


@pytest.fixture()
def kb(tmp_path, demo_embedder):
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    yield kb
    kb.close()


def test_a_batch_with_bombs_ingests_the_rest_and_stays_consistent(tmp_path, kb, monkeypatch):
    # parsed in this process: the limits are the readers' wherever they run, and a parse worker
    # (a batch this size would start one) is the slow tests' subject (test_ingest_progress.py)
    monkeypatch.setenv("POLICY_PARSE_WORKERS", "0")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD, encoding="utf-8")
    write_docx(docs / "bomb.docx", ["第一条 测试"], padding=210 << 20)
    write_pdf(docs / "long.pdf", 3001)
    report = kb.ingest([docs])
    assert [p.rsplit("/", 1)[-1] for p in report.added] == ["good.txt"]
    reasons = {s.rsplit("/", 1)[-1]: why for s, why in report.failed}
    assert reasons == {
        "bomb.docx": "the .docx unzips to 210.0 MB, over the limit of 200.0 MB (Limits.max_unzipped_bytes); "
                     "it may be a zip bomb",
        "long.pdf": "the PDF has 3001 pages, over the limit of 3000 (Limits.max_pdf_pages); split it into parts",
    }
    ids = agree(kb)
    assert len(ids) == 2  # the good file's two clauses
    assert kb.search("养老服务设施", k=1)[0].text.startswith("（一）完善公共服务设施")


def test_the_writer_refuses_a_parsed_document_of_too_many_clauses(kb):
    huge = make_doc("/x/huge.txt", "大文件", [((), "", f"第{i}段公共服务内容") for i in range(LIMITS.max_clauses + 1)])
    fine = make_doc("/x/fine.txt", "小文件", [((), "", "公共服务设施建设的具体要求")])
    report = kb.ingest_parsed([huge, fine])
    assert report.added == ("/x/fine.txt",)
    assert report.failed == (("/x/huge.txt", "the document has 20001 clauses, over the limit of 20000 "
                                             "(Limits.max_clauses); it is probably not a policy document, or split it"),)
    assert len(agree(kb)) == 1


def test_an_over_long_query_and_k_out_of_range_are_refused(kb):
    kb.ingest_parsed([make_doc("/x/a.txt", "甲", [((), "", "公共服务设施建设的具体要求")])])
    assert len(kb.search("公共服务 " * 400, k=1, mode="lexical")) == 1
    with pytest.raises(QueryRejected) as err:
        kb.search("公" * 2001, k=1)
    assert str(err.value) == ("the query has 2001 characters, over the limit of 2000 (Limits.max_query_chars); "
                              "for a long passage use 查先例: python -m index similar")
    assert len(kb.search("公共服务", k=LIMITS.max_k)) == 1
    for k in (0, 1001, 10**9, 2**63):
        with pytest.raises(QueryRejected, match=r"k must be at least 1 and at most 1000 \(Limits.max_k\)"):
            kb.search("公共服务", k=k)


def test_a_lone_surrogate_in_a_query_does_not_crash_the_embedder(kb):
    kb.ingest_parsed([make_doc("/x/a.txt", "甲", [((), "", "公共服务设施建设的具体要求")])])
    hits = kb.search("公共服务\udcff", k=1)
    assert [h.text for h in hits] == ["公共服务设施建设的具体要求"]
