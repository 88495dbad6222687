"""The one furniture pass (ingest.furniture.strip_furniture) on literal documents, and the
rules it runs that tests/test_readers.py does not cover."""
from ingest.furniture import drop_closing_block, drop_repeated_lines, strip_furniture
from ingest.normalize import SourceLine
from ingest.records import Line, Page, RawDocument


def doc(fmt: str, *pages: Page) -> RawDocument:
    return RawDocument(source=f"x.{fmt}", format=fmt, pages=pages, content_hash="0")


def kept(raw: RawDocument) -> list[tuple]:
    return [(l.text, l.page, l.hint, l.table) for l in strip_furniture(raw)]


def test_one_pass_drops_every_kind_of_page_furniture_and_keeps_table_rows():
    header = Line("某某市发展规划")
    raw = doc(
        "pdf",
        Page(1, (header, Line("关于加快发展的意见"), Line("一、总体要求"), Line("坚持创新驱动。"), Line("— 1 —"))),
        Page(2, (header, Line("目 录"), Line("一、总体要求……………1"), Line("二、重点任务……………3"), Line("— 2 —"))),
        Page(3, (header, Line("二、重点任务"), Line("扫描全能王 创建"), Line("推进改革开放。"),
                 Line("项目 | 金额", table=True), Line("— 3 —"))),
        Page(4, (header, Line("抄送：市委办公厅。"), Line("— 4 —"))),
    )
    assert kept(raw) == [
        ("关于加快发展的意见", 1, None, False),
        ("一、总体要求", 1, None, False),
        ("坚持创新驱动。", 1, None, False),
        ("二、重点任务", 3, None, False),
        ("推进改革开放。", 3, None, False),
        ("项目 | 金额", 3, None, True),
    ]


def test_table_rows_are_never_page_furniture():
    # a row reading like a folio, on every page, at the page edge: still a table row
    pages = [Page(n, (Line(f"第{n}条 正文。"), Line(f"{n} | 合计", table=True))) for n in range(1, 5)]
    assert [t for t, _, _, table in kept(doc("pdf", *pages)) if table] == [f"{n} | 合计" for n in range(1, 5)]


def test_unpaged_document_loses_toc_entries_folios_and_the_trailing_outline():
    raw = doc("docx", Page(None, (
        Line("关于测试的通知", heading_hint=0),
        Line("第一章 总则\t1", toc=True),  # a paragraph in Word's TOC style
        Line("一、总体要求", heading_hint=1),
        Line("第3页"),
        Line("正文。"),
        Line("3/25"),
        Line("\t大纲一"),  # the PDF outline a text export dumps after the end
        Line("\t大纲二"),
    )))
    assert kept(raw) == [("关于测试的通知", None, 0, False), ("一、总体要求", None, 1, False), ("正文。", None, None, False)]


def test_markdown_heading_marks_are_read_and_an_unclosed_comment_line_dropped():
    raw = doc("md", Page(None, (Line("# 某某条例"), Line("<!-- 未闭合的注释"), Line(""), Line("## 第一章 总则"),
                                Line("第一条 为了规范管理，制定本条例。"))))
    assert [(t, hint) for t, _, hint, _ in kept(raw)] == [
        ("某某条例", 1), ("第一章 总则", 2), ("第一条 为了规范管理，制定本条例。", None)]


def test_lines_are_cleaned_before_the_line_rules():
    raw = doc("txt", Page(None, (Line("坚持 2024 年目标。"), Line("  — 3 —  "), Line("第一章 发展基础\t2"))))
    assert [t for t, *_ in kept(raw)] == ["坚持2024年目标。"]


def test_a_short_line_on_three_pages_is_a_running_header_but_a_heading_is_not():
    lines = [SourceLine(t, page=p) for p in (1, 2, 3) for t in ("内部资料", "一、总体要求", f"正文{p}。")]
    assert [l.text for l in drop_repeated_lines(lines)] == ["一、总体要求", "正文1。", "一、总体要求", "正文2。",
                                                             "一、总体要求", "正文3。"]


def test_a_repeated_dated_header_keeps_its_first_copy():
    lines = [SourceLine(t) for t in ("西咸研究院 2024年4月2日", "正文。", "西咸研究院 2024年4月2日", "正文二。")]
    assert [l.text for l in drop_repeated_lines(lines)] == ["西咸研究院 2024年4月2日", "正文。", "正文二。"]


def _texts(*texts: str) -> list[SourceLine]:
    return [SourceLine(t) for t in texts]


def test_closing_block_distribution_printed_line_and_public_note():
    body = [f"第{n}段正文。" for n in range(1, 7)]
    lines = _texts(*body, "某某局", "2024年4月2日", "公开方式：主动公开", "抄送：市委办公厅。", "某某局办公室 2024年4月3日印发")
    # the publication note left at the end once the block is gone goes too
    assert [l.text for l in drop_closing_block(lines)] == [*body, "某某局", "2024年4月2日"]
    lines = _texts(*body, "某某局", "2024年4月2日", "（此件公开发布）")
    assert [l.text for l in drop_closing_block(lines)] == [*body, "某某局", "2024年4月2日"]


def test_closing_block_writer_note_up_to_its_bracket():
    lines = _texts("第一段正文。", "第二段正文。", "（执笔：张三", "李四）", "附：参考资料。")
    assert [l.text for l in drop_closing_block(lines)] == ["第一段正文。", "第二段正文。", "附：参考资料。"]


def test_a_distribution_word_early_in_the_text_is_body():
    lines = _texts("发：各单位。", *[f"第{n}段正文。" for n in range(1, 6)])
    assert drop_closing_block(lines) == lines
