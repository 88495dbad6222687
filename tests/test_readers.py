"""Readers and page-furniture rules on tiny literal inputs built in tmp_path.

Readers hand on every line; ``strip_furniture`` (the one furniture pass) drops the furniture.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from ingest import furniture
from ingest.furniture import strip_furniture
from ingest.readers import SUPPORTED_SUFFIXES, read_file
from ingest.records import (
    CorruptFile,
    EmptyDocument,
    EncodingError,
    EncryptedFile,
    UnsupportedFormat,
)

from conftest import SHARED  # noqa: E402


# ---------------------------------------------------------------------------------------
# A minimal PDF writer: text in the standard Chinese CID font STSong-Light (no embedding,
# pdfminer maps UniGB-UCS2-H codes back to Unicode), optional image pages, optional
# /Encrypt dictionary with a user password nobody knows.

def make_pdf(pages, *, image_pages=(), encrypted=False) -> bytes:
    """``pages``: per page a list of (x, y, size, text) with y measured from the bottom."""
    objs: list[bytes | None] = []

    def add(body):
        objs.append(body)
        return len(objs)

    descriptor = add(b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] "
                     b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
               b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
               b"/FontDescriptor %d 0 R /DW 1000 >>] >>" % descriptor)
    image = add(b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
    pages_id = add(None)
    kids = []
    for index, lines in enumerate(pages):
        ops = []
        if index in image_pages:
            ops.append("q 500 0 0 700 40 60 cm /Im1 Do Q")
        for x, y, size, text in lines:
            ops.append(f"BT /F1 {size} Tf {x} {y} Td <{text.encode('utf-16-be').hex().upper()}> Tj ET")
        stream = "\n".join(ops).encode()
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> "
                        b"/XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_id, font, image, content)))
    objs[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    trailer_extra = b""
    if encrypted:
        enc = add(b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <%s> /U <%s> >>" % (b"11" * 32, b"22" * 32))
        trailer_extra = b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (enc, b"33" * 16, b"33" * 16)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, trailer_extra, xref)
    return bytes(out)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def texts(raw) -> list[list[str]]:
    return [[line.text for line in page.lines] for page in raw.pages]


def unpaged(lines: list[str]) -> list[str]:
    """The lines of an unpaged document that survive the furniture rules as written."""
    return [ln for ln, keep in zip(lines, furniture.unpaged_keep(lines)) if keep]


def stripped(raw) -> list[list[str]]:
    """The lines left by the furniture pass, grouped by page as in ``texts``."""
    pages: dict = {page.number: [] for page in raw.pages}
    for line in strip_furniture(raw):
        pages[line.page].append(line.text)
    return list(pages.values())


# ---------------------------------------------------------------------------------------
# Furniture rules on literal page lines

@pytest.mark.parametrize("line", ["— 3 —", "—1—", "- 3 -", "－12－", "第3页", "第 3 页 共 11 页", "共11页 第3页", "Page 2 of 9", "·7·"])
def test_decorated_folios_are_recognised(line):
    assert furniture.is_folio(line)


@pytest.mark.parametrize("line", ["3", "一、总体要求", "2024年", "第三章 总则", "—— 坚持创新驱动。", "3/25"])
def test_content_lines_are_not_decorated_folios(line):
    assert not furniture.is_folio(line)


def test_decorated_folio_removed_anywhere_on_the_page():
    pages = [["一、总体要求", "正文第一页。", "— 1 —"], ["— 2 —", "正文第二页。"]]
    assert furniture.clean_pages(pages) == [["一、总体要求", "正文第一页。"], ["正文第二页。"]]


def test_bare_page_numbers_that_follow_the_page_are_removed():
    pages = [["封面标题"], ["正文甲。", "1"], ["正文乙。", "2"], ["正文丙。", "3"]]
    assert furniture.clean_pages(pages) == [["封面标题"], ["正文甲。"], ["正文乙。"], ["正文丙。"]]


def test_slash_folios_are_removed():
    pages = [["正文甲。", "1/3"], ["正文乙。", "2/3"], ["正文丙。", "3/3"]]
    assert furniture.clean_pages(pages) == [["正文甲。"], ["正文乙。"], ["正文丙。"]]


def test_a_stray_number_at_a_page_bottom_stays():
    # A table's last row number on one page is not a folio: nothing runs with the pages.
    pages = [["序号 单位名称", "3"], ["正文乙。"], ["正文丙。", "2"]]
    assert furniture.clean_pages(pages) == [["序号 单位名称", "3"], ["正文乙。"], ["正文丙。", "2"]]


def test_running_header_with_changing_digits_is_removed():
    bodies = [["坚持创新驱动，", "推动高质量发展。"], ["优化空间格局，", "建设都市圈。"], ["深化改革开放，", "激发市场活力。"],
              ["加强生态保护，", "推进绿色转型。"], ["保障改善民生，", "办好实事。"]]
    pages = [[f"国务院公报 2024年第{n}期", *body, "——中央文献出版社"] for n, body in enumerate(bodies, start=1)]
    assert furniture.clean_pages(pages) == bodies


def test_a_line_repeated_on_a_minority_of_pages_is_kept():
    pages = [["单位：万元", "表一"], ["正文。"], ["单位：万元", "表二"], ["正文。"], ["正文。"], ["正文。"], ["正文。"]]
    assert furniture.strip_running_lines(pages)[0] == ["单位：万元", "表一"]


@pytest.mark.parametrize("line", ["扫描全能王 创建", "由 扫描全能王 扫描创建", "Scanned with CamScanner"])
def test_scanner_watermarks_are_recognised_and_removed(line):
    assert furniture.is_watermark(line)
    assert furniture.clean_pages([[line, "正文。"]]) == [["正文。"]]


def test_a_sentence_mentioning_a_scanner_app_is_not_a_watermark():
    assert not furniture.is_watermark("各单位不得使用扫描全能王等第三方应用处理涉密文件，违者依规追究责任。")


@pytest.mark.parametrize("line", ["第一章 总则……………………3", "1.食品工业……………………（116）", "二、基本原则.........12"])
def test_toc_leader_lines_are_removed(line):
    assert furniture.is_toc_leader(line)
    assert furniture.clean_pages([["一、正文标题", line, "正文。"]]) == [["一、正文标题", "正文。"]]


def test_toc_block_ends_at_the_first_repeated_heading():
    pages = [["目 录", "第一部分 概况", "一、主要职能", "第二部分 决算表"], ["第一部分 概况", "一、主要职能", "本局负责全区财政工作。"]]
    assert furniture.clean_pages(pages) == [[], ["第一部分 概况", "一、主要职能", "本局负责全区财政工作。"]]


def test_toc_with_tab_page_numbers_keeps_the_first_body_heading():
    lines = ["规划名称", "目  录", "第一章 发展基础\t2", "一、发展回顾\t2", "第二章 总体思路\t14", "", "前  言", "", "本规划是行动纲领。"]
    assert unpaged(lines) == ["规划名称", "", "前  言", "", "本规划是行动纲领。"]


def test_a_toc_title_without_an_end_is_kept():
    lines = ["目录", "甲", "乙"]
    assert unpaged(lines) == lines


# ---------------------------------------------------------------------------------------
# read_file: PDF

def test_pdf_pages_lines_and_folios(tmp_path):
    data = make_pdf([
        [(72, 760, 16, "关于加强管理的通知"), (72, 720, 12, "一、总体要求。"), (280, 50, 12, "— 1 —")],
        [(72, 760, 12, "二、保障措施。"), (280, 50, 12, "— 2 —")],
    ])
    raw = read_file(write(tmp_path, "通知.pdf", data))
    assert raw.format == "pdf"
    assert [p.number for p in raw.pages] == [1, 2]
    # the reader hands on every line; the furniture pass drops the folios
    assert texts(raw) == [["关于加强管理的通知", "一、总体要求。", "— 1 —"], ["二、保障措施。", "— 2 —"]]
    assert stripped(raw) == [["关于加强管理的通知", "一、总体要求。"], ["二、保障措施。"]]
    assert raw.content_hash == hashlib.sha256(data).hexdigest()
    assert raw.source.endswith("通知.pdf")


def test_pdf_digits_set_lower_stay_on_their_line(tmp_path):
    # Latin digits 4 points below the CJK baseline, as in the Putuo budget PDFs.
    data = make_pdf([[(72, 700, 12, "收入"), (96, 696, 12, "2995.39"), (180, 700, 12, "万元。"), (72, 672, 12, "下一行。")]])
    raw = read_file(write(tmp_path, "决算.pdf", data))
    assert texts(raw) == [["收入2995.39万元。", "下一行。"]]


def test_pdf_wide_gap_becomes_one_space(tmp_path):
    data = make_pdf([[(72, 700, 12, "海南省农业农村厅"), (300, 700, 12, "海南省财政厅")]])
    assert texts(read_file(write(tmp_path, "a.pdf", data))) == [["海南省农业农村厅 海南省财政厅"]]


@pytest.mark.slow  # loads the PP-OCR models and runs them on three pages
def test_scanned_pdf_with_only_a_watermark_goes_to_ocr(tmp_path, monkeypatch):
    # the pages are a blank image under a scanner stamp: OCR runs on them and finds nothing
    monkeypatch.setenv("POLICY_OCR_WORKERS", "1")
    pages = [[(400, 30, 9, "扫描全能王 创建")] for _ in range(3)]
    path = write(tmp_path, "扫描件.pdf", make_pdf(pages, image_pages={0, 1, 2}))
    with pytest.raises(EmptyDocument) as info:
        read_file(path)
    assert str(path) in str(info.value)
    assert "OCR 都没有读出文字" in str(info.value)


def test_pdf_without_text_or_images_is_empty(tmp_path):
    path = write(tmp_path, "blank.pdf", make_pdf([[], []]))
    with pytest.raises(EmptyDocument) as info:
        read_file(path)
    assert str(path) in str(info.value)


def test_random_bytes_pdf_is_corrupt(tmp_path):
    path = write(tmp_path, "broken.pdf", bytes(range(256)) * 8)
    with pytest.raises(CorruptFile) as info:
        read_file(path)
    assert str(info.value).startswith(str(path))


def test_password_protected_pdf_is_encrypted(tmp_path):
    path = write(tmp_path, "secret.pdf", make_pdf([[(72, 700, 12, "机密。")]], encrypted=True))
    with pytest.raises(EncryptedFile) as info:
        read_file(path)
    assert "password" in str(info.value)


# ---------------------------------------------------------------------------------------
# read_file: text and Markdown

SAMPLE = "关于印发《实施方案》的通知\n一、总体要求\n（一）坚持创新驱动，2024年完成。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (SAMPLE.encode("utf-8-sig"), "utf-8-sig"),
        (b"\xff\xfe" + SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_text_encodings_decode_to_the_same_lines(tmp_path, data, encoding):
    raw = read_file(write(tmp_path, "doc.txt", data))
    assert raw.encoding == encoding
    assert raw.format == "txt"
    assert [p.number for p in raw.pages] == [None]
    assert texts(raw) == [SAMPLE.split("\n")]


def test_crlf_and_blank_lines_are_kept_as_lines(tmp_path):
    raw = read_file(write(tmp_path, "doc.txt", "第一行\r\n\r\n第二行\r\n".encode("utf-8")))
    assert texts(raw) == [["第一行", "", "第二行", ""]]


def test_undecodable_text_raises_encoding_error(tmp_path):
    path = write(tmp_path, "binary.txt", bytes(range(1, 256)) * 4)
    with pytest.raises(EncodingError) as info:
        read_file(path)
    assert str(path) in str(info.value) and "UTF-8" in str(info.value)


def test_big5_is_not_read_as_gbk_mojibake(tmp_path):
    traditional = "中華人民共和國個人所得稅法及其實施條例，是黨中央、國務院著眼於優化稅收制度作出的重大決策部署。"
    path = write(tmp_path, "big5.txt", traditional.encode("big5"))
    try:
        raw = read_file(path)
    except EncodingError:
        return  # refusing is acceptable; returning GBK mojibake is not
    assert texts(raw) == [[traditional]]


def test_empty_text_file_is_empty_document(tmp_path):
    path = write(tmp_path, "empty.txt", b"")
    with pytest.raises(EmptyDocument) as info:
        read_file(path)
    assert str(path) in str(info.value)


def test_markdown_headings_comments_and_front_matter(tmp_path):
    md = "---\nbookCollapseSection: true\n---\n# 中华人民共和国测试法\n\n2023年9月1日通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了测试，制定本法。\n"
    raw = read_file(write(tmp_path, "测试法.md", md.encode("utf-8")))
    # the reader drops front matter and comments; the heading marks are read after the furniture pass
    assert [ln.text for ln in raw.pages[0].lines if ln.text.strip()] == [
        "# 中华人民共和国测试法", "2023年9月1日通过", "## 第一章 总则", "第一条 为了测试，制定本法。"]
    assert [(ln.text, ln.hint) for ln in strip_furniture(raw)] == [
        ("中华人民共和国测试法", 1),
        ("2023年9月1日通过", None),
        ("第一章 总则", 2),
        ("第一条 为了测试，制定本法。", None),
    ]
    assert raw.format == "md" and raw.encoding == "utf-8"


def test_text_toc_is_removed(tmp_path):
    body = "规划\n目 录\n第一章 总体要求……………1\n第二章 保障措施……………5\n第一章 总体要求\n坚持创新。\n"
    raw = read_file(write(tmp_path, "plan.txt", body.encode("utf-8")))
    assert [t for t in texts(raw)[0] if t] == body.splitlines()  # the reader drops nothing
    assert stripped(raw) == [["规划", "第一章 总体要求", "坚持创新。"]]


# ---------------------------------------------------------------------------------------
# read_file: Word

def _add_chinese_numbering(document) -> str:
    """Register a two-level list 一、 / （一） and return its numId."""
    numbering = document.part.numbering_part.element
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _number(paragraph, num_id: str, ilvl: int) -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def test_docx_styles_numbering_and_tables_in_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("关于测试的通知", style="Title")
    num_id = _add_chinese_numbering(document)
    _number(document.add_paragraph("总体要求"), num_id, 0)
    _number(document.add_paragraph("指导思想"), num_id, 1)
    _number(document.add_paragraph("基本原则"), num_id, 1)
    _number(document.add_paragraph("重点任务"), num_id, 0)
    _number(document.add_paragraph("强化保障"), num_id, 1)
    document.add_heading("附表", level=2)
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "项目", "金额", "备注"
    table.cell(1, 0).text, table.cell(1, 1).text = "合计", "12.5"
    table.cell(1, 1).merge(table.cell(1, 2))
    document.add_paragraph("正文段落。")
    path = tmp_path / "通知.docx"
    document.save(path)
    raw = read_file(path)
    assert raw.format == "docx" and [p.number for p in raw.pages] == [None]
    assert [(ln.text, ln.heading_hint, ln.table) for ln in raw.pages[0].lines] == [
        ("关于测试的通知", 0, False),
        ("一、总体要求", 1, False),
        ("（一）指导思想", 2, False),
        ("（二）基本原则", 2, False),
        ("二、重点任务", 1, False),
        ("（一）强化保障", 2, False),
        ("附表", 2, False),
        ("项目 | 金额 | 备注", None, True),
        ("合计 | 12.5 | ", None, True),  # the merged cell once, then an empty cell
        ("正文段落。", None, False),
    ]


def test_docx_number_already_in_text_is_not_doubled(tmp_path):
    document = docx.Document()
    num_id = _add_chinese_numbering(document)
    _number(document.add_paragraph("一、总体要求"), num_id, 0)
    path = tmp_path / "a.docx"
    document.save(path)
    assert texts(read_file(path)) == [["一、总体要求"]]


def test_docx_that_is_not_a_zip_is_corrupt(tmp_path):
    path = write(tmp_path, "bad.docx", b"PK\x03\x04 not really a zip")
    with pytest.raises(CorruptFile) as info:
        read_file(path)
    assert str(path) in str(info.value)


def test_doc_without_antiword_says_to_install_it(tmp_path, monkeypatch):
    path = write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UnsupportedFormat) as info:
        read_file(path)
    assert "antiword" in str(info.value) and str(path) in str(info.value)


@pytest.mark.skipif(shutil.which("antiword") is None or not SHARED.is_dir(), reason="needs antiword and ../shared")
def test_real_doc_reads_through_antiword():
    raw = read_file(SHARED / "realdocs/policyreader-yummyjacky/海南省农机购置与应用补贴实施方案的通知.doc")
    lines = [ln.text.strip() for ln in raw.pages[0].lines if ln.text.strip()]
    assert raw.format == "doc"
    assert lines[0].split() == ["海南省农业农村厅", "海南省财政厅"]
    assert "一、总体要求" in lines
    # antiword -w 0 writes a paragraph on one line: the first paragraph is whole.
    first = next(ln for ln in lines if ln.startswith("为规范实施农机购置与应用补贴政策"))
    assert first.endswith("请遵照执行。")


# ---------------------------------------------------------------------------------------
# read_file: other suffixes

def test_unsupported_suffix_names_file_and_formats(tmp_path):
    path = write(tmp_path, "table.xyz", b"data")
    with pytest.raises(UnsupportedFormat) as info:
        read_file(path)
    supported = ".pdf .docx .doc .txt .md .html .htm .mhtml .png .jpg .jpeg .tif .tiff"
    assert str(info.value) == f"{path}: unsupported format '.xyz'; supported: {supported}"
    assert SUPPORTED_SUFFIXES == tuple(supported.split())


def test_suffix_is_case_insensitive(tmp_path):
    raw = read_file(write(tmp_path, "UPPER.TXT", "正文。".encode("utf-8")))
    assert raw.format == "txt" and texts(raw) == [["正文。"]]
