"""Heading patterns, clause rules and the no-loss property of ingest.segment."""
import re

from hypothesis import given, settings, strategies as st

from ingest.normalize import SourceLine, clean_line, join_lines
from ingest.pipeline import parse_raw
from ingest.records import Line, Page, RawDocument
from ingest.headings import heading_kind, heading_number, is_marker
from ingest.segment import SegmentSettings, segment


def parse_text(text: str, settings: SegmentSettings = SegmentSettings()):
    raw = RawDocument(source="x.txt", format="txt",
                      pages=(Page(None, tuple(Line(l) for l in text.splitlines())),), content_hash="0")
    return parse_raw(raw, settings=settings)


def clauses_of(*paragraphs: str, settings: SegmentSettings = SegmentSettings()):
    paras = join_lines([SourceLine(clean_line(p)) for p in paragraphs], is_marker=is_marker)
    return segment(paras, settings)[1]


def test_heading_number_of_each_pattern():
    assert heading_number("三、优化城市群空间发展格局") == "三、"
    assert heading_number("（五）培育发展西安都市圈。发挥…") == "（五）"
    assert heading_number("第三章 总则") == "第三章"
    assert heading_number("第一篇 乘势而上") == "第一篇"
    assert heading_number("第二编 物权") == "第二编"
    assert heading_number("第一节 推动重点领域创新突破") == "第一节"
    assert heading_number("第十二条 本法所称…") == "第十二条"
    assert heading_number("1．加快推进") == "1．"
    assert heading_number("2.加快推进") == "2."
    assert heading_number("（3）完善机制") == "（3）"
    assert heading_number("①提高效率") == "①"
    assert heading_number("2023年西安") == ""
    assert heading_number("1.49万亿") == ""


def test_heading_kinds_and_non_headings():
    assert heading_kind("第十二条规定的情形") is None
    assert heading_kind("第一章的规定") is None
    assert heading_kind("——**优势互补，协同发展**。充分发挥") == "lead"
    assert heading_kind("一是争取国家支持") is None and is_marker("一是争取国家支持")


def test_heading_only_lines_go_into_the_path():
    cs = clauses_of("一、总体要求", "（一）指导思想", "坚持以人民为中心的发展思想，推动高质量发展。")
    assert [(c.path, c.label, c.text) for c in cs] == [
        (("一、总体要求", "（一）指导思想"), "", "坚持以人民为中心的发展思想，推动高质量发展。")]


def test_numbering_continues_across_chapters():
    cs = clauses_of("二、总体要求", "（一）指导思想", "坚持党的全面领导，推动高质量发展。", "三、空间格局",
                    "（四）增强中心城市竞争力。统筹划定城镇开发边界，合理确定城市规模。")
    assert (cs[-1].path, cs[-1].label) == (("三、空间格局",), "（四）")


def test_arabic_item_under_chinese_item_is_a_level():
    cs = clauses_of("（一）主要成就", "1．工业产值突破万亿", "全区工业总产值突破万亿元，年均增长百分之二十以上。")
    assert cs[0].path == ("（一）主要成就", "1．工业产值突破万亿")


def test_inline_heading_is_a_clause_and_heads_its_sub_items():
    cs = clauses_of("（五）培育发展西安都市圈。发挥西安中心城区引领作用，推进相向一体化发展。",
                    "1.推进交通互联。建设都市圈通勤铁路，形成一小时通勤圈的基本框架。")
    assert (cs[0].label, cs[0].path) == ("（五）", ())
    assert cs[0].text.startswith("（五）培育发展西安都市圈。发挥")
    # the heading keeps its text as in the document, final punctuation included
    assert (cs[1].label, cs[1].path) == ("1.", ("（五）培育发展西安都市圈。",))


def test_lead_ins_are_clauses_labelled_by_their_phrase():
    cs = clauses_of("（二）工作原则", "——**优势互补，协同发展**。充分发挥西安辐射带动作用，明确城市功能定位。",
                    "——**创新驱动，增强动能**。扎实推动科技创新，破除体制机制障碍。")
    assert [(c.path, c.label) for c in cs] == [(("（二）工作原则",), "优势互补，协同发展"),
                                               (("（二）工作原则",), "创新驱动，增强动能")]
    assert cs[0].text.startswith("——优势互补，协同发展。")


def test_enumerated_points_inside_a_paragraph():
    cs = clauses_of("一体化是一场大合唱，需要统筹各方资源，重点在三个层面发力：一是争取国家支持，力争纳入国家规划。二是加强省级统筹，强化协调功能。三是加大协同，完善推进机制。")
    assert [c.label for c in cs] == ["", "一是", "二是", "三是"]
    assert cs[2].text == "二是加强省级统筹，强化协调功能。"


def test_articles_are_whole_clauses_with_all_paragraphs():
    text = "# 某某条例\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了规范管理，制定本条例。\n\n" \
           "第二条 本条例所称单位包括：\n\n（一）机关；\n\n（二）企业。\n\n## 第二章 附则\n\n第三条 本条例自公布之日起施行。\n"
    raw = RawDocument(source="x.md", format="md",
                      pages=(Page(None, tuple(Line(l) for l in text.splitlines())),), content_hash="0")
    doc = parse_raw(raw)
    assert doc.meta.title == "某某条例"
    assert [(c.path, c.label, c.text) for c in doc.clauses] == [
        (("第一章 总则",), "第一条", "第一条 为了规范管理，制定本条例。"),
        (("第一章 总则",), "第二条", "第二条 本条例所称单位包括：\n（一）机关；\n（二）企业。"),
        (("第二章 附则",), "第三条", "第三条 本条例自公布之日起施行。"),
    ]


def test_long_articles_are_not_split():
    body = "第一条 " + "这是一个很长的句子，用来测试条文不被切分。" * 60
    cs = clauses_of("第一章 总则", body, settings=SegmentSettings(max_chars=100))
    assert len(cs) == 1 and len(cs[0].text) == len(body)


def test_long_paragraphs_split_at_sentence_ends_and_tiny_fragments_merge():
    sentence = "推动城市群高质量发展，加快建设现代化产业体系。"  # 23 characters
    cs = clauses_of(sentence * 10, "见附表。", settings=SegmentSettings(max_chars=100, min_chars=10))
    assert [len(c.text) for c in cs] == [92, 92, 46 + 1 + 4]
    assert all(c.text.endswith("。") for c in cs)
    assert cs[-1].text.endswith("\n见附表。")


def test_heading_that_heads_nothing_is_kept_as_a_clause():
    cs = clauses_of("一、总体要求", "二、重点任务", "推进城市更新行动，提升城市品质。")
    assert [(c.path, c.label, c.text) for c in cs] == [
        ((), "一、", "一、总体要求"), (("二、重点任务",), "", "推进城市更新行动，提升城市品质。")]


def test_clause_offsets_point_into_the_document_text():
    doc = parse_text("标题的通知\n一、总体要求\n推动发展。一是加强领导。二是强化保障。\n")
    for c in doc.clauses:
        assert doc.text[c.char_start:c.char_end] == c.text


# --- property: segmentation never loses or doubles text -------------------------
# "Body" = the normalised text of every generated line that is not a heading-only line
# (and not the title line, which is metadata), compared with all whitespace removed.
_SENTENCES = st.sampled_from([
    "推动城市群高质量发展。", "加快建设现代化产业体系，", "一是争取国家支持。", "二是加强省级统筹。",
    "提升公共服务水平；", "2023年GDP达1.49万亿元，", "完善体制机制", "“两市三地”协同发展。",
    "三是加大协同。", "深化改革开放：", "优化营商环境",
])
_HEADINGS = st.sampled_from(["一、总体要求", "二、重点任务", "（一）指导思想", "（二）工作原则", "1．加快发展",
                             "第一章 总则", "第二节 目标"])


@st.composite
def documents(draw):
    lines, body = [], []
    for _ in range(draw(st.integers(1, 25))):
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(draw(_HEADINGS))
        else:
            para = "".join(draw(st.lists(_SENTENCES, min_size=1, max_size=30)))
            if not para.endswith(("。", "；", "：")):
                para += "。"
            lines.append(para)
            body.append(para)
    return lines, body


@settings(max_examples=150, deadline=None)
@given(documents(), st.integers(40, 400), st.integers(0, 30))
def test_clauses_cover_the_body_exactly_once(doc, max_chars, min_chars):
    lines, body = doc
    parsed = parse_text("某某实施方案\n" + "\n".join(lines), SegmentSettings(max_chars=max_chars, min_chars=min_chars))
    got = re.sub(r"\s", "", "".join(c.text for c in parsed.clauses))
    headings_kept = [c.text for c in parsed.clauses if c.text in lines and c.text not in body]
    want = re.sub(r"\s", "", "".join(clean_line(b) for b in body))
    # a heading that heads nothing is kept as a clause: remove those before comparing
    for h in headings_kept:
        got = got.replace(re.sub(r"\s", "", h), "", 1)
    assert got == want


# --- rules added in round 2 ----------------------------------------------------


def test_heading_only_line_keeps_its_final_punctuation():
    cs = clauses_of("二、重点任务", "（一）全面实施信用承诺制。", "税务部门设立信用承诺书，纳税人作出守信承诺。")
    assert cs[0].path == ("二、重点任务", "（一）全面实施信用承诺制。")


def test_named_section_is_top_level_and_closed_by_the_first_chapter():
    cs = clauses_of("前 言", "本规划阐明发展的指导思想和目标任务。", "第一章 发展回顾",
                    "一、发展基础", "经济总量不断扩大，结构不断优化。")
    assert [c.path for c in cs] == [("前言",), ("第一章 发展回顾", "一、发展基础")]


def test_attachment_title_hint_zero_resets_the_path():
    paras = join_lines([SourceLine("一、总体要求"), SourceLine("（一）加强监管。各部门要认真执行有关规定。"),
                        SourceLine("附件 补贴机具种类范围", hint=0), SourceLine("1.耕整地机械"),
                        SourceLine("1.1耕地机械 1.1.1犁 1.1.2旋耕机 1.1.3微型耕耘机")], is_marker=is_marker)
    cs = segment(paras)[1]
    assert cs[-1].path == ("附件 补贴机具种类范围", "1.耕整地机械")


def test_numbered_paragraph_with_a_long_first_sentence_keeps_its_follow_on_paragraphs():
    first = "二、在坚持国家法制统一原则的前提下，根据本市地方性法规的基本原则，市人民政府可以聚焦深化改革、扩大开放等重点领域，制定相关规章在浦东新区先行先试。"
    cs = clauses_of(first, "市人民政府可以按照权责一致的原则决定由浦东新区行使有关职权。", "三、本决定自公布之日起施行。")
    assert [(c.label, c.path) for c in cs] == [("二、", ()), ("三、", ())]
    assert cs[0].text == first + "\n市人民政府可以按照权责一致的原则决定由浦东新区行使有关职权。"


def test_long_table_clauses_split_between_rows():
    rows = "\n".join(f"{i}.指标名称（亿元） 1000 2000 7.5 预期性" for i in range(1, 13))
    paras = join_lines([SourceLine(rows, table=True)], is_marker=is_marker)
    cs = segment(paras, SegmentSettings(max_chars=100))[1]
    assert [c.text.count("\n") for c in cs] == [2, 2, 2, 2]
    assert cs[1].text.startswith("4.指标名称")


def test_tiny_paragraph_is_not_merged_into_a_following_numbered_clause():
    cs = clauses_of("推动发展。", "一、总体要求")
    assert [(c.label, c.text) for c in cs] == [("", "推动发展。"), ("一、", "一、总体要求")]


def test_one_sentence_item_with_clauses_is_an_item_not_a_heading():
    cs = clauses_of("十五、市人大常委会应当通过听取报告等方式，加强对本决定执行情况的监督。", "各级人大代表应当督促有关方面落实本决定。")
    assert [(c.label, c.path) for c in cs] == [("十五、", ())]
    assert cs[0].text.endswith("\n各级人大代表应当督促有关方面落实本决定。")


def test_section_first_seen_after_an_article_still_sits_above_the_articles():
    cs = clauses_of("第一章 总则", "第一条 为了规范管理，制定本条例。", "第二章 登记", "第一节 不动产登记",
                    "第二条 不动产物权的设立应当依照法律规定登记。")
    assert [(c.path, c.label) for c in cs] == [(("第一章 总则",), "第一条"), (("第二章 登记", "第一节 不动产登记"), "第二条")]


def test_chinese_numbered_heading_may_start_with_a_year():
    # 2024年北京市政府工作报告: "一、2023年工作回顾" is a chapter heading, not body text.
    assert heading_kind("一、2023年工作回顾") == "cn" and heading_number("一、2023年工作回顾") == "一、"
    assert heading_kind("一.5倍") is None
    cs = clauses_of("各位代表：现在，我代表市人民政府，向大会报告政府工作。", "一、2023年工作回顾",
                    "2023年是全面贯彻落实党的二十大精神的开局之年。")
    assert [(c.path, c.text) for c in cs] == [
        ((), "各位代表：现在，我代表市人民政府，向大会报告政府工作。"),
        (("一、2023年工作回顾",), "2023年是全面贯彻落实党的二十大精神的开局之年。")]
