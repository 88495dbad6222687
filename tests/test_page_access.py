"""Safe by default on the page (AppTest): the access token, read-only mode, confirmations before
delete and rebuild, Chinese errors with the English detail under a fold, the 127.0.0.1 binding."""
from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_app import APP, ROOT, kb_snapshot, shown
from webui.access import token_matches
from webui.errors import friendly, ingest_reason, technical


@pytest.fixture()
def kb_dir(corpus_kb_dir, tmp_path, monkeypatch) -> Path:
    kb = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    monkeypatch.setenv("POLICY_KB", str(kb))
    monkeypatch.delenv("POLICY_PAGE_TOKEN", raising=False)
    monkeypatch.delenv("POLICY_READONLY", raising=False)
    return kb


def test_the_server_binds_to_localhost_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


def test_the_page_asks_for_its_token(kb_dir, monkeypatch):
    monkeypatch.setenv("POLICY_PAGE_TOKEN", "s3cret-口令")
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert at.text_input(key="access_token").label == "访问口令"
    assert at.html == [] or all('class="kb-card"' not in h.value for h in at.html)
    assert len(at.text_input) == 1  # no query box before the token
    at.text_input(key="access_token").input("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["口令不正确，请向管理员索取访问口令。"]
    assert len(at.text_input) == 1
    at.text_input(key="access_token").input("s3cret-口令")
    at.button[0].click().run()
    assert not at.exception
    assert at.text_input(key="w_q") is not None  # the search page
    assert token_matches("abc", "abc") and not token_matches("abd", "abc")


def test_read_only_mode_hides_upload_delete_and_rebuild(kb_dir, monkeypatch):
    monkeypatch.setenv("POLICY_READONLY", "1")
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("webui/kbpage.py").run()
    assert not at.exception
    assert [shown(i) for i in at.info] == ["只读模式（POLICY_READONLY=1）：可以检索和导出，不能上传、删除或重建。"]
    assert at.get("file_uploader") == []
    keys = {b.key for b in at.button}
    assert not keys & {"delete", "rebuild", "delete_yes", "rebuild_yes"}
    assert len(at.dataframe[0].value) == 2  # the documents are still listed


def test_delete_and_rebuild_ask_first(kb_dir):
    before = kb_snapshot(kb_dir)
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("webui/kbpage.py").run()
    at.button(key="delete").click().run()
    assert any("确定要删除" in shown(w) for w in at.warning)
    at.button(key="delete_no").click().run()
    assert kb_snapshot(kb_dir) == before and not any("确定要删除" in shown(w) for w in at.warning)
    at.button(key="rebuild").click().run()
    assert [shown(w) for w in at.warning] == ["确定要重建索引吗？所有文件将重新解析和向量化，期间不能导入。"]
    at.button(key="rebuild_no").click().run()
    assert at.warning == [] and kb_snapshot(kb_dir) == before
    at.button(key="delete").click().run()
    at.button(key="delete_yes").click().run()
    assert not at.exception
    assert kb_snapshot(kb_dir)[0] == before[0] - 1


def test_a_failed_upload_is_chinese_with_the_english_reason_folded(kb_dir):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("webui/kbpage.py").run()
    at.file_uploader[0].set_value(("报告.docx", b"PK\x03\x04 not really a zip", "application/octet-stream"))
    at.button[0].click().run()
    assert not at.exception
    assert [shown(e) for e in at.error] == ["「报告.docx」无法导入：文件已损坏或无法解析，请确认文件能正常打开后重新上传。"]
    assert [x.label for x in at.expander if x.label.startswith("技术细节")] == ["技术细节（英文）"]
    assert at.text[0].value.startswith("the .docx is not a valid zip archive (BadZipFile")


def test_messages_are_chinese_and_the_detail_is_apart():
    from index.records import CorruptKB, KBError
    from ingest.limits import TooLarge

    assert friendly(KBError("something odd")) == "知识库出错：请查看下方的技术细节，按其中的提示处理后刷新页面。"
    assert technical(OverflowError("int too big")) == "OverflowError: int too big"
    assert "rebuild --reset --kb /x/kb" in friendly(CorruptKB("damaged"), kb_path="/x/kb")
    assert ingest_reason("- is not a Word Document.", name="a.doc") == \
        "「a.doc」无法导入：文件不是 Word 文档（可能是改了扩展名的其他文件），请用 Word 另存为 DOCX 后重新上传。"
    reason = "the PDF has 3001 pages, over the limit of 3000 (Limits.max_pdf_pages); split it into parts"
    assert ingest_reason(reason, name="长.pdf") == "「长.pdf」无法导入：PDF 超过 3000 页的上限，请拆分后再上传。"
    assert ingest_reason(TooLarge("x", reason, limit="max_pdf_pages", value=3001), name="长.pdf") == \
        "「长.pdf」无法导入：PDF 超过 3000 页的上限，请拆分后再上传。"


def test_out_of_range_numbers_in_a_link_fall_back_to_defaults():
    from webui.state import from_params

    state = from_params({"q": "公共服务", "doc": ["99999999999999999999", "3"], "at": str(2**64), "from": "-5",
                         "to": "2024", "k": str(10**30)})
    assert state.doc_ids == (3,) and state.open_clause is None and state.year_from is None
    assert state.year_to == 2024 and state.k == 10  # the default


def test_a_link_with_huge_numbers_shows_the_page_not_a_traceback(kb_dir):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update({"q": "公共服务", "doc": "99999999999999999999", "at": str(2**64)})
    at.run()
    assert not at.exception
    assert at.error == []
