"""Tables as blocks (ingest.readers.pdf_tables, ingest.tables) on literal rows and lines.

The real budget tables are checked in tests/test_realdocs_segment.py.
"""
from ingest.furniture import strip_running_lines
from ingest.normalize import Paragraph, SourceLine, join_lines
from ingest.readers.pdf_tables import is_data_table, render_cell
from ingest.pipeline import parse_raw
from ingest.records import Line, Page, RawDocument
from ingest.headings import is_marker
from ingest.segment import SegmentSettings
from ingest.tables import header_count, merge_tables, table_chunks


def pdf_doc(*pages: list, settings: SegmentSettings = SegmentSettings()):
    """A parsed PDF from literal pages; a line given as ("a | b",) is a table row."""
    raw = RawDocument(
        source="budget.pdf", format="pdf", content_hash="0",
        pages=tuple(Page(n, tuple(Line(l[0], table=True) if isinstance(l, tuple) else Line(l) for l in lines))
                    for n, lines in enumerate(pages, start=1)),
    )
    return parse_raw(raw, settings=settings)


# --- cells, data tables, header rows -------------------------------------------------

def test_cell_lines_join_and_letter_spacing_goes():
    assert render_cell("因 公 出 国 （ 境 ） 费\n用") == "因公出国（境）费用"
    assert render_cell("一般公共预算\n财\n政拨款") == "一般公共预算财政拨款"
    assert render_cell("Page\n3") == "Page 3"
    assert render_cell(None) == ""


def test_budget_rows_are_a_data_table():
    rows = [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"],
            ["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"],
            ["", "", "九、卫生健康支出", "60.99"], ["", "", "十、节能环保支出", ""]]
    assert is_data_table(rows)


def test_page_grid_over_prose_is_not_a_table():
    prose = [["为规范实施农机购置与应用补贴政策，充分发挥政策效益，推动农业机械化全程全面"] + [""] * 3,
             ["高质量发展，有效支撑粮食和重要农产品稳定安全供给，加快农业农村现代化，根据"] + [""] * 3,
             ["", "一、", "", "总体要求"]]
    assert not is_data_table(prose)
    # a list laid over a 20-column grid: two cells of twenty filled a row
    sparse = [["", "1.1.%d" % k, "", "", "犁"] + [""] * 15 for k in range(10)]
    assert not is_data_table(sparse)
    assert not is_data_table([["海南省农业农村厅", "", "海南省财政厅"]])  # one row


def test_header_rows_end_at_the_first_row_with_a_number():
    rows = ["收入 | | 支出 |", "项目 | 决算数 | 项目 | 决算数", "一、一般公共预算财政拨款收入 | 2,940.05 | 一、一般公共服务支出 | 2,106.66"]
    assert header_count(rows) == 2
    assert header_count(["序号 | 单位名称 | 备注", "1 | 上海市普陀区财政局（本级） |"]) == 1
    assert header_count(["地区 | 重点任务", "西安 | 建设都市圈", "咸阳 | 协同发展"]) == 1  # no numbers


# --- table blocks in the pipeline --------------------------------------------------

def test_table_with_caption_is_one_clause_whose_rows_are_never_headings():
    doc = pdf_doc([
        "某区财政局2024年度部门决算",
        "第一部分 部门概况",
        "一、主要职能",
        "负责全区财政工作，编制年度预决算。",
        "第二部分 部门决算表",
        "收入决算表",
        "单位：万元",
        ("项目 | 决算数",),
        ("一、一般公共预算财政拨款收入 | 2,940.05",),
        ("二、事业收入 | ",),
        ("合计 | 2,940.05",),
        "注：本表反映部门本年度取得的各项收入情况。",
    ])
    assert [(c.path, c.label, c.text) for c in doc.clauses] == [
        (("第一部分 部门概况", "一、主要职能"), "", "负责全区财政工作，编制年度预决算。"),
        (("第二部分 部门决算表",), "",
         "收入决算表\n单位：万元\n项目 | 决算数\n一、一般公共预算财政拨款收入 | 2,940.05\n二、事业收入 |\n合计 | 2,940.05"),
        (("第二部分 部门决算表",), "", "注：本表反映部门本年度取得的各项收入情况。"),
    ]


def test_long_table_is_cut_between_rows_and_every_piece_starts_with_caption_and_header():
    header = "科目编码 | 科目名称 | 决算数"
    page1 = ["第二部分 部门决算表", "支出决算表", (header,)] + [(f"2010{k} | 项目名称{k} | {k}.00",) for k in range(6)]
    page2 = [(header,)] + [(f"2020{k} | 项目名称{k} | {k}.50",) for k in range(4)]  # header printed again
    doc = pdf_doc(page1, page2, settings=SegmentSettings(max_chars=120))
    pieces = [c for c in doc.clauses if c.path == ("第二部分 部门决算表",)]
    assert len(pieces) == 3
    assert all(c.text.startswith(f"支出决算表\n{header}\n") and c.label == "" for c in pieces)
    assert all(len(c.text) <= 120 for c in pieces)
    # each data row once, in order, the repeated header dropped; no row is cut
    own = [doc.text[c.char_start:c.char_end] for c in pieces]
    rows = [r for text in own for r in text.split("\n") if r[:1].isdigit()]
    assert rows == [f"2010{k} | 项目名称{k} | {k}.00" for k in range(6)] + [f"2020{k} | 项目名称{k} | {k}.50" for k in range(4)]
    assert doc.text.count(header) == 1
    assert [(c.page_start, c.page_end) for c in pieces] == [(1, 1), (1, 2), (2, 2)]


def test_tables_of_different_widths_are_separate_tables():
    paras = join_lines([SourceLine("甲 | 1", table=True), SourceLine("乙 | 2", table=True),
                        SourceLine("丙 | 3 | 4", table=True), SourceLine("丁 | 5 | 6", table=True)], is_marker=is_marker)
    tables = merge_tables(paras)
    assert [t.text for t in tables] == ["甲 | 1\n乙 | 2", "丙 | 3 | 4\n丁 | 5 | 6"]
    assert all(t.table for t in tables)


def test_table_chunks_on_a_paragraph():
    text = "表\nA | B\n" + "\n".join(f"{k} | {k * 10}" for k in range(1, 7))
    p = Paragraph(text=text, line_starts=((0, 1),), table=True, head=2)
    chunks = table_chunks(p, max_chars=21)  # the prefix counts: 8 + "3 | 30\n4 | 40" is 21
    assert [text[c.start:c.end] for c in chunks] == ["表\nA | B\n1 | 10\n2 | 20", "3 | 30\n4 | 40", "5 | 50\n6 | 60"]
    assert [c.prefix for c in chunks] == ["", "表\nA | B\n", "表\nA | B\n"]


# --- lines around tables and headings ----------------------------------------------

PROSE = "推动城市群高质量发展，加快建设现代化产业体系，持续提升区域综合实力和竞争"  # 36 characters


def wrapped(*extra: str) -> list[SourceLine]:
    """Eight full-width prose lines (so the text counts as wrapped), then ``extra``."""
    return [SourceLine(PROSE) for _ in range(7)] + [SourceLine("力。")] + [SourceLine(t) for t in extra]


def test_caption_after_a_sentence_stands_apart_from_it():
    lines = wrapped("注：本表无数据。", "国有资本经营预算财政拨款收入支出决算表") + [SourceLine("项目 | 合计", table=True),
                                                                     SourceLine("合计 | 1.00", table=True)]
    paras = merge_tables(join_lines(lines, is_marker=is_marker))
    assert paras[-2].text == "注：本表无数据。"
    assert paras[-1].text == "国有资本经营预算财政拨款收入支出决算表\n项目 | 合计\n合计 | 1.00" and paras[-1].head == 2


def test_heading_wrapped_before_its_last_word_is_joined():
    paras = join_lines(wrapped("第三部分上海市普陀区财政局2024年度部门决算情况", "说明", "一、收入支出决算总体情况说明"),
                       is_marker=is_marker)
    assert [p.text for p in paras[-2:]] == ["第三部分上海市普陀区财政局2024年度部门决算情况说明", "一、收入支出决算总体情况说明"]


def test_numbered_line_carried_on_by_a_bracketed_word_is_not_a_heading():
    paras = join_lines(wrapped("5、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休",
                               "（项）。主要用于：退休人员经费支出。"), is_marker=is_marker)
    assert paras[-1].text == "5、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于：退休人员经费支出。"


def test_unit_line_above_every_table_is_not_a_running_header():
    names = ["收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表"]
    pages = [["某区财政局部门决算", "单位：万元", name] for name in names]
    assert strip_running_lines(pages) == [["单位：万元", name] for name in names]
