"""Each cleaning rule of ingest.normalize (and the line rules of ingest.furniture and
ingest.text it relies on) on tiny literal examples."""
from ingest.furniture import is_distribution_line, is_line_folio, is_toc_line, is_watermark
from ingest.headings import is_marker
from ingest.normalize import SourceLine, clean_line, join_lines
from ingest.text import ends_sentence, match_form


def test_spaces_between_cjk_and_digits_are_dropped():
    assert clean_line("截至 2023年底") == "截至2023年底"
    assert clean_line("教育领域人均支出 998 元") == "教育领域人均支出998元"
    assert clean_line("咸阳 GDP 达 1.49 万亿") == "咸阳GDP达1.49万亿"


def test_spaces_between_ascii_words_stay():
    assert clean_line("Belt and Road 倡议") == "Belt and Road倡议"


def test_stray_leading_spaces_are_stripped():
    assert clean_line(" 体化和成渝双城经济圈") == "体化和成渝双城经济圈"


def test_fullwidth_letters_digits_become_halfwidth_but_chinese_punctuation_stays():
    assert clean_line("２０２４年ＧＤＰ增长５％，（一）〔2021〕“双循环”。") == "2024年GDP增长5%，（一）〔2021〕“双循环”。"


def test_halfwidth_punctuation_in_chinese_context_becomes_fullwidth():
    assert clean_line("推动发展,提高质量;(一)加强领导") == "推动发展，提高质量；（一）加强领导"
    assert clean_line("GDP (2023) 1,234") == "GDP (2023) 1,234"


def test_markdown_bold_markers_are_dropped():
    assert clean_line("——**优势互补，协同发展**。充分发挥") == "——优势互补，协同发展。充分发挥"


def test_ideographic_space_becomes_space():
    assert clean_line("第一篇　乘势而上") == "第一篇 乘势而上"


def test_match_form_ignores_spaces_width_and_bracket_variants():
    assert match_form("教育领域人均支出 998 元") == match_form("教育领域人均支出998元")
    assert match_form("国发[2021]3号") == match_form("国发〔2021〕3号")
    assert match_form("ＧＤＰ") == "gdp"


def test_sentence_end_allows_closing_quotes():
    assert ends_sentence("国家重要次区域发展战略。”")
    assert ends_sentence("三个层面发力：")
    assert not ends_sentence("西安国家中心城市的带")


def test_folios():
    for folio in ("— 3 —", "- 3 -", "—1—", "第3页", "第 3 页 共 25 页", "3/25"):
        assert is_line_folio(folio), folio
    assert not is_line_folio("3.加快发展")
    assert not is_line_folio("2023年")


def test_toc_lines():
    assert is_toc_line("1.食品工业……………………（116）")
    assert is_toc_line("第一章 总则..........3")
    assert is_toc_line("目  录")
    assert not is_toc_line("加快推进……等工作")


def test_distribution_and_watermark_lines():
    assert is_distribution_line(" 送：西咸新区管委会、西咸集团班子成员。")
    assert is_distribution_line("抄送：国务院办公厅")
    assert is_distribution_line("发：各新城管委会班子成员及")
    assert not is_distribution_line("发展新路径")
    assert is_watermark("扫描全能王 创建")


def _lines(*texts):
    return [SourceLine(text=t) for t in texts]


def test_wrapped_lines_join_until_a_short_line_ending_a_sentence():
    full = "一二三四五六七八九十" * 3  # 30 em: the typical width
    lines = _lines(*[full] * 9, "结束了。", full[:28], full, "收尾。")
    paras = join_lines(lines, is_marker=is_marker)
    assert [len(p.text) for p in paras] == [274, 61]


def test_wrapped_full_line_ending_a_sentence_continues_the_paragraph():
    full = "一二三四五六七八九十" * 3
    lines = _lines(full, full, full[:-1] + "。", full, full, full, full, full, "短。")
    paras = join_lines(lines, is_marker=is_marker)
    assert len(paras) == 1


def test_paragraph_per_line_text_joins_a_page_cut():
    lines = _lines("一、发展基础", "坚持以习近平新时代中国特色社会主义思想为指导，充分发挥西安辐射带动作用，更好发挥",
                   "对西北地区高质量发展的重要引领作用。", "（一）指导思想")
    paras = join_lines(lines, is_marker=is_marker)
    assert [p.text for p in paras] == [
        "一、发展基础",
        "坚持以习近平新时代中国特色社会主义思想为指导，充分发挥西安辐射带动作用，更好发挥对西北地区高质量发展的重要引领作用。",
        "（一）指导思想",
    ]


def test_join_keeps_pages_of_each_line():
    lines = [SourceLine("推动高质量发展的重要抓手，更好发挥区域协调发展的重要作用，围绕重点任务", page=3),
             SourceLine("对西北地区发展的带动作用。", page=4)]
    (para,) = join_lines(lines, is_marker=is_marker)
    assert para.page_at(0) == 3 and para.page_at(len(para.text) - 1) == 4


# --- rules added in round 2 ----------------------------------------------------
from ingest.furniture import drop_toc_page_lines  # noqa: E402
from ingest.tables import join_flat_tables  # noqa: E402


def test_flattened_table_rows_become_one_table_line_not_headings():
    cells = ["专栏2 主要指标", "指 标", "2015年", "2020年", "8.服务业增加值比重（%）", "38.9", "42", "预期性",
             "9.城镇化率：", "常住人口城镇化率（%）", "47.06", "54", "预期性"]
    (line,) = join_flat_tables([SourceLine(c) for c in cells])
    assert line.table
    assert line.text.split("\n") == ["专栏2 主要指标 指 标 2015年 2020年", "8.服务业增加值比重（%） 38.9 42 预期性",
                                     "9.城镇化率： 常住人口城镇化率（%） 47.06 54 预期性"]


def test_table_line_is_a_paragraph_of_its_own():
    lines = [SourceLine("坚持以人民为中心的发展思想，推动高质量发展，加快建设现代化产业体系"),
             SourceLine("1.地区生产总值 16803 24130", table=True), SourceLine("推动城市群高质量发展。")]
    assert [p.text for p in join_lines(lines, is_marker=is_marker)] == [l.text for l in lines]


def test_toc_with_page_numbers_on_their_own_lines_is_dropped():
    toc = ["第一章 发展回顾", "6", "一、发展基础", "6", "二、发展环境", "8", "第二章 总体要求", "12"]
    lines = [SourceLine(t) for t in ["广西工业发展规划", *toc, "第一章 发展回顾", "“十二五”期间，经济快速发展。"]]
    assert [l.text for l in drop_toc_page_lines(lines)] == ["广西工业发展规划", "第一章 发展回顾", "“十二五”期间，经济快速发展。"]
