"""Saved web pages: .html, .htm, .mhtml (issue 14, item 2).

The fixtures in tests/data/html were built from ../shared/realdocs/govdoc-cn/397.txt by
``python -m evaluation.bench.html_extract --write-fixtures tests/data/html``: 397 in the gov.cn
政策文件库 layout, and a short notice cut from it in a provincial layout saved as MHTML.
"""
from __future__ import annotations

import difflib
import re
import socket
from pathlib import Path

import pytest

from evaluation.bench.html_pages import NAVIGATION, PolicyPage, govcn_page, table_page, to_mhtml
from ingest.pipeline import iter_files, parse_file
from ingest.readers import read_file
from ingest.records import CorruptFile, EmptyDocument

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "html"
GOVCN = DATA / "397_govcn.html"
PORTAL_MHTML = DATA / "397_short_portal.mhtml"
GOVDOC = ROOT.parent / "shared" / "realdocs" / "govdoc-cn"
HEADINGS = ["一、总体要求", "二、建立个人所得税纳税信用管理机制", "三、完善守信联合激励和失信联合惩戒机制",
            "四、加强信息安全和权益维护", "五、强化组织实施"]
TITLE = "国家发展改革委办公厅 国家税务总局办公厅关于加强个人所得税纳税信用建设的通知"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted while reading a saved page")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def body_of(doc) -> str:
    return "".join(c.text for c in doc.clauses)


def test_govcn_page_metadata_table_goes_into_the_record():
    raw = read_file(GOVCN)
    doc = parse_file(GOVCN)
    assert raw.format == "html" and [p.number for p in raw.pages] == [None]
    assert (doc.meta.title, doc.meta.issuer, doc.meta.doc_number, doc.meta.date, doc.meta.doc_type) == (
        TITLE, "发展改革委、税务总局", "发改办财金规〔2019〕860号", "2019-08-20", "通知")
    hints = raw.meta_hints
    assert (hints.index_number, hints.subject, hints.published) == ("000014349/2019-00123", "财政、金融、审计\\税务", "2019-09-04")


def test_govcn_page_headings_and_clauses():
    doc = parse_file(GOVCN)
    assert list(dict.fromkeys(c.path[0] for c in doc.clauses if c.path)) == HEADINGS
    assert len(doc.clauses) == 25
    assert doc.clauses[-1].text.endswith("形成崇尚诚信、践行诚信的良好风尚。")
    # the 主送机关 line and the signature are metadata, not clauses
    assert not any(c.text.startswith("各省、自治区") or c.text == "税务总局办公厅" for c in doc.clauses)


def test_navigation_and_footer_text_is_in_no_clause():
    doc = parse_file(GOVCN)
    source = GOVCN.read_text(encoding="utf-8")
    body = body_of(doc)
    # page furniture that the document itself never says (政策解读 is in its body, 首页 is not)
    foreign = [n for n in NAVIGATION if n not in "".join(c.text for c in doc.clauses)]
    assert len(foreign) >= 25
    for phrase in ("首页", "字号：默认 大 超大", "网站说明", "主办单位：国务院办公厅", "京ICP备05070218号",
                   "相关稿件", "责任编辑", "国务院部门文件", "000014349/2019-00123", "发布日期"):
        assert phrase in source and phrase not in body


def test_mhtml_in_the_provincial_layout():
    raw = read_file(PORTAL_MHTML)
    doc = parse_file(PORTAL_MHTML)
    assert raw.format == "mhtml"
    assert (doc.meta.title, doc.meta.doc_number, doc.meta.date) == (TITLE, "发改办财金规〔2019〕860号", "2019-08-20")
    assert [c.path for c in doc.clauses] == [(), ("一、总体要求",)]
    assert doc.clauses[1].text.startswith("2019年1月1日起全面施行")
    assert "打印本页" not in body_of(doc) and "政务公开" not in body_of(doc)


def test_gb2312_page_decodes_by_its_declared_charset(tmp_path):
    page = GOVCN.read_text(encoding="utf-8").replace('<meta charset="utf-8">', '<meta charset="gb2312">')
    path = tmp_path / "397.htm"
    path.write_bytes(page.encode("gb18030"))
    doc, ref = parse_file(path), parse_file(GOVCN)
    assert [c.text for c in doc.clauses] == [c.text for c in ref.clauses]


def test_attachment_links_are_names_not_clauses(tmp_path):
    page = PolicyPage(meta=(("发文机关", "南宁市人民政府"), ("标题", "南宁市人民政府关于做好春耕工作的通知")),
                      title="南宁市人民政府关于做好春耕工作的通知",
                      paragraphs=("各县（市、区）人民政府：", "一、抓好种子供应", "各地要提前调运良种，确保春耕需要。",
                                  "二、加强技术指导", "农业部门要组织技术人员下乡指导。"),
                      attachments=("春耕物资储备表.xls",))
    for name, text in (("govcn.html", govcn_page(page)), ("table.html", table_page(page))):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        raw, doc = read_file(path), parse_file(path)
        assert raw.meta_hints.attachments == ("春耕物资储备表.xls",)
        assert [(c.path, c.text) for c in doc.clauses] == [
            (("一、抓好种子供应",), "各地要提前调运良种，确保春耕需要。"),
            (("二、加强技术指导",), "农业部门要组织技术人员下乡指导。")]


def test_page_without_text_is_empty_with_a_chinese_reason(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>x</title></head><body><div></div></body></html>", encoding="utf-8")
    with pytest.raises(EmptyDocument) as info:
        read_file(path)
    assert "网页中没有找到正文" in str(info.value) and str(path) in str(info.value)


def test_mhtml_without_an_html_part_is_corrupt(tmp_path):
    path = tmp_path / "odd.mhtml"
    path.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n")
    with pytest.raises(CorruptFile) as info:
        read_file(path)
    assert "MHTML 文件中没有 text/html 部分" in str(info.value)


def test_folders_yield_saved_pages_and_images(tmp_path):
    for name in ("a.html", "b.HTM", "c.mhtml", "d.png", "e.tiff", "f.css"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in iter_files([tmp_path])] == ["a.html", "b.HTM", "c.mhtml", "d.png", "e.tiff"]


def test_mhtml_round_trip_keeps_the_page(tmp_path):
    path = tmp_path / "397.mhtml"
    path.write_bytes(to_mhtml(GOVCN.read_text(encoding="utf-8")))
    assert [c.text for c in parse_file(path).clauses] == [c.text for c in parse_file(GOVCN).clauses]


@pytest.mark.skipif(not (GOVDOC / "397.pdf").exists(), reason="../shared/realdocs/govdoc-cn is absent")
def test_saved_page_and_text_pdf_hold_the_same_text():
    """The page's clauses and the PDF's (whose wrapped lines join paragraphs differently)
    hold the same text under the same headings; the PDF keeps its 主送机关 as a clause."""
    page, pdf = parse_file(GOVCN), parse_file(GOVDOC / "397.pdf")
    assert {c.path[0] for c in page.clauses if c.path} == {c.path[0] for c in pdf.clauses if c.path} == set(HEADINGS)
    squash = lambda doc: re.sub(r"\s+", "", "".join(c.text for c in doc.clauses))  # noqa: E731
    assert difflib.SequenceMatcher(None, squash(page), squash(pdf), autojunk=False).ratio() >= 0.97
