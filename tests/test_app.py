"""The Streamlit page driven with AppTest on a KB built from corpus/ (real pipeline, the demo embedder, FAISS);
the first start builds with the default model for real (slow)."""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from index.records import Filters, KBBusy, KBMissing, ModelMismatch
from ingest.records import CorruptFile
from webui.errors import friendly
from webui.export import COLUMNS, to_csv, to_xlsx
from webui.render import highlight
from webui.search import EXAMPLES
from webui.state import SearchState, from_params, to_params
from webui.uploads import MAX_UPLOAD_BYTES, UploadedFile, check, display_names, saved_path, uploads_dir

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
QUERY = "公共服务 人均支出"
GUANZHONG = "关中平原城市群建设十四五实施方案.txt"
XIXIAN = "西咸研究院_纵深推进西安咸阳一体化建设的思考建议_2024-04.txt"


@pytest.fixture()
def app_on(monkeypatch):
    """An AppTest of app.py on the KB at the given directory."""

    def make(kb_dir: Path) -> AppTest:
        monkeypatch.setenv("POLICY_KB", str(kb_dir))
        return AppTest.from_file(APP, default_timeout=180)

    return make


def doc_id_of(kb, filename: str) -> int:
    return next(d.doc_id for d in kb.documents() if Path(d.source).name == filename)


def citations(at: AppTest) -> list[str]:
    """The citation of each result card, in order (the st.code blocks with copy buttons)."""
    return [c.value for c in at.code]


def cards(at: AppTest) -> list[str]:
    return [h.value for h in at.html if 'class="kb-card"' in h.value]


def clause_views(at: AppTest) -> list[str]:
    return [h.value for h in at.html if 'class="kb-clauses"' in h.value]


def shown(element) -> str:
    """The text an alert shows: its Markdown source with the backslash escapes of ``webui.safe.as_text`` read."""
    return re.sub(r"\\(.)", r"\1", element.value).replace("\u200b", "")


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def click_on_first_hit(at: AppTest, kb, action: str):
    """Open the page on QUERY and press the first card's ``ctx`` (上下文) or ``doc`` (看原文) button."""
    at.query_params["q"] = QUERY
    at.run()
    hit = kb.search(QUERY, k=1)[0]
    at.button(key=f"{action}-{hit.clause_id}").click().run()
    no_exception(at)
    return at, hit


def test_query_shows_the_cited_clause_first(corpus_kb_dir, corpus_kb, app_on):
    at = app_on(corpus_kb_dir).run()
    no_exception(at)
    at.text_input(key="w_q").input(QUERY).run()
    no_exception(at)
    first = cards(at)[0]
    assert "教育领域<mark>人均支出</mark>" in first
    assert '<span class="kb-label">四是</span>' in first
    assert citations(at)[0].startswith("《聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议》")
    assert "四是" in citations(at)[0]
    assert citations(at) == [h.citation for h in corpus_kb.search(QUERY, k=10)]
    assert at.query_params["q"] == QUERY


@pytest.mark.slow  # embeds corpus/ with the default (real) model, as a fresh clone does
def test_first_start_on_a_missing_kb_builds_it_from_the_corpus(tmp_path, app_on):
    kb_dir = tmp_path / "fresh-kb"  # what a fresh clone has: no kb/ at all
    at = app_on(kb_dir).run()
    no_exception(at)
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(kb_dir, create=False)
    try:
        assert sorted(Path(d.source).name for d in kb.documents()) == sorted([GUANZHONG, XIXIAN])
    finally:
        kb.close()
    at.text_input(key="w_q").input(QUERY).run()
    no_exception(at)
    assert "教育领域<mark>人均支出</mark>" in cards(at)[0]


def test_filter_narrows_results(corpus_kb_dir, corpus_kb, app_on):
    at = app_on(corpus_kb_dir)
    at.query_params["q"] = QUERY
    at.run()
    both = {c.split("》")[0] for c in citations(at)}
    assert len(both) == 2  # unfiltered results come from both documents
    at.multiselect(key="w_types").set_value(["方案"]).run()
    no_exception(at)
    expected = [h.citation for h in corpus_kb.search(QUERY, k=10, filters=Filters(doc_types=("方案",)))]
    assert citations(at) == expected
    assert expected and all(c.startswith("《关中平原城市群建设“十四五”实施方案》") for c in expected)
    assert at.query_params["type"] == "方案"


def test_context_view_marks_the_hit_among_its_neighbours(corpus_kb_dir, corpus_kb, app_on):
    at, hit = click_on_first_hit(app_on(corpus_kb_dir), corpus_kb, "ctx")
    (view,) = clause_views(at)
    neighbours = corpus_kb.context(hit.clause_id, n=2)
    assert len(neighbours) == 5
    ids = [f'id="kb-clause-{c.clause_id}"' for c in neighbours]
    assert [view.index(i) for i in ids] == sorted(view.index(i) for i in ids)
    assert f'<div class="kb-clause kb-hit" id="kb-clause-{hit.clause_id}">' in view
    assert view.count("kb-hit") == 1
    assert "教育领域<mark>人均支出</mark>" in view
    at.button(key=f"ctx-{hit.clause_id}").click().run()
    assert clause_views(at) == []


def test_document_view_shows_all_clauses_with_the_hit_marked(corpus_kb_dir, corpus_kb, app_on):
    at, hit = click_on_first_hit(app_on(corpus_kb_dir), corpus_kb, "doc")
    (view,) = clause_views(at)
    clauses = corpus_kb.document_clauses(hit.doc_id)
    assert len(re.findall(r'class="kb-clause(?: kb-hit)?" id=', view)) == len(clauses) >= 20
    positions = [view.index(f'id="kb-clause-{c.clause_id}"') for c in clauses]
    assert positions == sorted(positions)
    assert f'<div class="kb-clause kb-hit" id="kb-clause-{hit.clause_id}">' in view
    assert '<div class="kb-heading kb-depth-0">二、西安—咸阳一体化经济发展面临的机遇和问题</div>' in view
    assert any(f"kb-clause-{hit.clause_id}" in h.value and "scrollIntoView" in h.value for h in at.html)
    assert at.query_params["at"] == str(hit.clause_id)
    assert cards(at) == []  # the document replaces the result list
    at.button(key="close-doc").click().run()
    assert clause_views(at) == [] and len(cards(at)) == 10


def test_url_parameters_restore_a_search(corpus_kb_dir, corpus_kb, app_on):
    doc = doc_id_of(corpus_kb, XIXIAN)
    at = app_on(corpus_kb_dir)
    at.query_params.update({"q": "公共服务", "mode": "lexical", "k": "5", "doc": str(doc)})
    at.run()
    no_exception(at)
    assert at.text_input(key="w_q").value == "公共服务"
    assert at.segmented_control(key="w_mode").value == "lexical"
    assert at.selectbox(key="w_k").value == 5
    assert at.multiselect(key="w_docs").value == [doc]
    expected = corpus_kb.search("公共服务", k=5, mode="lexical", filters=Filters(doc_ids=(doc,)))
    assert len(expected) == 5
    assert citations(at) == [h.citation for h in expected]


def test_url_parameters_reopen_the_document_view(corpus_kb_dir, corpus_kb, app_on):
    hit = corpus_kb.search(QUERY, k=1)[0]
    at = app_on(corpus_kb_dir)
    at.query_params.update({"q": QUERY, "at": str(hit.clause_id)})
    at.run()
    (view,) = clause_views(at)
    assert f'<div class="kb-clause kb-hit" id="kb-clause-{hit.clause_id}">' in view


def test_empty_query_guide_offers_corpus_examples(corpus_kb_dir, corpus_kb, app_on):
    for example in EXAMPLES:
        assert corpus_kb.search(example, k=3, mode="lexical"), example
    at = app_on(corpus_kb_dir).run()
    assert cards(at) == []
    assert "怎么检索" in at.markdown[0].value
    at.button(key=f"ex-{EXAMPLES[0]}").click().run()
    assert at.text_input(key="w_q").value == EXAMPLES[0]
    assert "教育领域<mark>人均支出</mark>" in cards(at)[0]


def test_no_result_shows_words_and_offers_the_other_mode(corpus_kb_dir, corpus_kb, app_on):
    at = app_on(corpus_kb_dir)
    assert corpus_kb.search("火星探测器", mode="lexical") == []
    at.query_params.update({"q": "火星探测器", "mode": "lexical"})
    at.run()
    no_exception(at)
    assert at.info[0].value == "没有找到与「火星探测器」相关的条款。"
    assert "分词结果：火星 ／ 探测器" == at.markdown[0].value
    switch = at.button(key="switch-mode")
    assert switch.label == "改用「语义」检索"
    switch.click().run()
    assert at.segmented_control(key="w_mode").value == "semantic"
    assert len(cards(at)) == 10 and at.query_params["mode"] == "semantic"


def kb_snapshot(kb_dir: Path) -> tuple[int, list[int]]:
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(kb_dir, create=False)
    try:
        docs = kb.documents()
        return len(docs), sorted(c.clause_id for d in docs for c in kb.document_clauses(d.doc_id))
    finally:
        kb.close()


UPLOAD_TEXT = """关于推进智慧灯塔示范建设的通知

一、总体要求
（一）建设目标。到2026年，建成智慧灯塔示范点十二个，形成可复制推广的灯塔运维经验。
（二）基本原则。坚持统筹规划、分步实施，坚持安全可控、开放共享。
二、重点任务
（三）完善灯塔感知网络。布设航标遥测终端，实现灯塔运行状态实时监测。
"""


def test_upload_and_delete_round_trip(corpus_kb_dir, tmp_path, app_on):
    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    before = kb_snapshot(kb_dir)
    at = app_on(kb_dir).run()
    at.switch_page("webui/kbpage.py").run()
    no_exception(at)
    assert len(at.dataframe[0].value) == 2
    at.file_uploader[0].set_value(("灯塔通知.txt", UPLOAD_TEXT.encode("utf-8"), "text/plain"))
    at.button[0].click().run()  # the form's 导入知识库
    no_exception(at)
    assert [shown(s) for s in at.success] == ["已导入：「灯塔通知.txt」"]
    table = at.dataframe[0].value
    assert len(table) == 3 and "灯塔通知.txt" in list(table["文件名"])
    saved = list(uploads_dir(kb_dir).glob("*.txt"))
    assert len(saved) == 1 and len(saved[0].stem) == 16
    assert display_names(kb_dir) == {saved[0].name: "灯塔通知.txt"}

    at.switch_page("webui/search.py").run()
    at.text_input(key="w_q").input("智慧灯塔 航标遥测").run()
    assert "<mark>航标遥测</mark>" in cards(at)[0]

    at.switch_page("webui/kbpage.py").run()
    source = next(s for s in at.selectbox(key="delete_source").options if "灯塔" in s)
    at.selectbox(key="delete_source").select(source).run()
    at.button(key="delete").click().run()
    assert len(at.dataframe[0].value) == 3  # asked first: nothing removed yet
    at.button(key="delete_yes").click().run()
    no_exception(at)
    assert len(at.dataframe[0].value) == 2
    assert not saved[0].exists() and display_names(kb_dir) == {}
    assert kb_snapshot(kb_dir)[0] == before[0]


def test_bad_upload_shows_an_error_and_leaves_the_kb_unchanged(corpus_kb_dir, tmp_path, app_on):
    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    before = kb_snapshot(kb_dir)
    at = app_on(kb_dir).run()
    at.switch_page("webui/kbpage.py").run()
    junk = os.urandom(4096)
    at.file_uploader[0].set_value([("坏文件.pdf", junk, "application/pdf"), ("空.txt", b"", "text/plain")])
    at.button[0].click().run()
    no_exception(at)
    errors = [shown(e) for e in at.error]
    assert len(errors) == 2
    assert errors[0] == "「空.txt」无法导入：文件是空的。"
    assert errors[1].startswith("「坏文件.pdf」无法导入：")
    assert at.success == []
    assert kb_snapshot(kb_dir) == before
    assert [p.name for p in uploads_dir(kb_dir).iterdir() if p.name != "names.json"] == []
    assert display_names(kb_dir) == {}


def test_busy_kb_upload_is_reported_and_changes_nothing(corpus_kb_dir, tmp_path, app_on):
    from filelock import FileLock

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    before = kb_snapshot(kb_dir)
    at = app_on(kb_dir).run()
    at.switch_page("webui/kbpage.py").run()
    with FileLock(str(kb_dir / ".write.lock")):
        at.file_uploader[0].set_value(("灯塔通知.txt", UPLOAD_TEXT.encode("utf-8"), "text/plain"))
        at.button[0].click().run()
    assert [shown(e) for e in at.error] == ["知识库正在被另一个导入任务写入：请等它完成后刷新页面再试。"]
    assert kb_snapshot(kb_dir) == before
    assert list(uploads_dir(kb_dir).glob("*.txt")) == []


def test_upload_checks_type_and_size_before_saving():
    assert check(UploadedFile(name="a.PDF", data=b"%PDF")) is None
    assert check(UploadedFile(name="../../etc/passwd", data=b"x")) == "不支持的文件类型「无扩展名」，请上传 PDF、DOCX、DOC、TXT、MD、网页（HTML/MHTML）或图片（PNG/JPG/TIF） 文件"
    assert check(UploadedFile(name="x.exe", data=b"MZ")).startswith("不支持的文件类型「.exe」")
    big = UploadedFile(name="big.pdf", data=b"0" * (MAX_UPLOAD_BYTES + 1))
    assert check(big) == "文件有 50.0 MB，超过 50 MB 的上限"
    path = saved_path("/kb", UploadedFile(name="../../x/评估报告.DOCX", data=b"abc"))
    assert path == Path("/kb/uploads/ba7816bf8f01cfea.docx")


def test_export_csv_and_excel(corpus_kb):
    hits = corpus_kb.search(QUERY, k=5)
    data = to_csv(hits)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == list(COLUMNS) == ["引用", "条文", "文件", "发文字号", "页码", "得分"]
    assert table[1][0] == hits[0].citation and "教育领域人均支出" in table[1][1]
    assert len(table) == 6
    sheet = load_workbook(io.BytesIO(to_xlsx(hits))).active
    assert sheet.title == "检索结果"
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet["A2"].value == hits[0].citation and sheet["C2"].value == hits[0].doc_title
    assert sheet.max_row == 6


def test_highlight_escapes_before_marking():
    assert highlight("<b>公共服务</b>&人均支出", ["公共服务", "人均"]) == (
        "&lt;b&gt;<mark>公共服务</mark>&lt;/b&gt;&amp;<mark>人均</mark>支出"
    )
    assert highlight("公共服务", ["公共", "共服", "服务"]) == "<mark>公共服务</mark>"
    assert highlight("a<mark>", ["mark"]) == "a&lt;<mark>mark</mark>&gt;"


def test_state_round_trips_through_the_url():
    state = SearchState(q="公共服务 人均支出", mode="semantic", k=20, doc_ids=(2, 5), issuers=("国务院",),
                        doc_types=("意见", "通知"), year_from=2021, year_to=2024, open_clause=7)
    assert from_params(to_params(state)) == state
    assert to_params(SearchState(q="x")) == {"q": "x"}
    assert from_params({"q": "x", "mode": "bogus", "k": "abc", "doc": "1,2"}) == SearchState(q="x", doc_ids=(1, 2))


def test_error_sentences_name_the_fix():
    assert "python -m index add corpus/" in friendly(KBMissing("no kb"), kb_path="/x/kb")
    assert "重建索引" in friendly(ModelMismatch("built with usem3"))
    assert friendly(KBBusy("locked")) == "知识库正在被另一个导入任务写入：请等它完成后刷新页面再试。"
    message = friendly(CorruptFile("a.pdf", "not a PDF"))
    assert message == "「a.pdf」无法导入：文件已损坏或无法解析，请确认文件能正常打开后重新上传。"


def test_an_unexpected_upload_error_is_one_sentence_not_a_traceback(corpus_kb_dir, tmp_path, app_on, monkeypatch):
    import sqlite3

    from index.kb import KnowledgeBase

    def full_disk(self, paths, *, progress=None, page_progress=None):
        raise sqlite3.OperationalError("database or disk is full")

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    before = kb_snapshot(kb_dir)
    at = app_on(kb_dir).run()
    at.switch_page("webui/kbpage.py").run()
    monkeypatch.setattr(KnowledgeBase, "ingest", full_disk)
    at.file_uploader[0].set_value(("灯塔通知.txt", UPLOAD_TEXT.encode("utf-8"), "text/plain"))
    at.button[0].click().run()
    no_exception(at)
    assert [shown(e) for e in at.error] == ["出现意外错误：请刷新页面重试；若仍出错，请把下方的技术细节发给维护人员。"]
    assert [t.value for t in at.text] == ["OperationalError: database or disk is full"]  # under 技术细节（英文）
    assert kb_snapshot(kb_dir) == before
    assert list(uploads_dir(kb_dir).glob("*.txt")) == []


def test_document_view_highlights_phrases_in_chinese_quotes():
    from webui.render import query_terms

    assert query_terms('“公交卡互通” 「人均支出」 "营商环境" 审批 -咸阳 -"成渝" ""') == [
        "公交卡互通", "人均支出", "营商环境", "审批"]
