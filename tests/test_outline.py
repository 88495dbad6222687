"""Heading kinds (ingest.headings.HeadingKind) and the heading stack (ingest.outline.Outline)."""
from ingest.headings import HeadingKind, heading_kind
from ingest.outline import ANNEX_RANK, NAMED_RANK, Outline

K = HeadingKind


def test_heading_kinds_are_an_enum_that_compares_as_text():
    assert heading_kind("（五）培育发展西安都市圈。") is K.PCN
    assert heading_kind("第十二条 本法自公布之日起施行。") is K.TIAO
    assert heading_kind("——优势互补。") is K.LEAD
    assert heading_kind("前 言") is K.NAMED
    assert heading_kind("坚持创新驱动。") is None
    assert K.PCN == "pcn" and K("zhang") is K.ZHANG


def test_reader_levels_become_hint_kinds():
    assert K.from_hint(0) is K.H0 and K.from_hint(2) is K.H2
    assert K.from_hint(12) is K.H9  # deeper than any format gives: the deepest kind
    assert K.H3.is_hint and not K.CN.is_hint and not K.NAMED.is_hint
    assert [k for k in K if k.is_statute] == [K.BIAN, K.ZHANG, K.JIE, K.TIAO]


def test_first_kind_is_the_top_level_and_a_heading_closes_its_level():
    outline = Outline()
    rank = outline.open(K.CN)
    outline.push(rank, "一、总体要求")
    outline.push(outline.open(K.PCN), "（一）指导思想")
    assert outline.path == ("一、总体要求", "（一）指导思想")
    outline.push(outline.open(K.PCN), "（二）基本原则")
    assert outline.path == ("一、总体要求", "（二）基本原则")
    assert outline.open(K.CN) == rank and outline.path == ()


def test_numbering_that_runs_on_nests_under_the_learned_levels():
    outline = Outline()
    outline.push(outline.open(K.CN), "三、优化空间格局")
    outline.push(outline.open(K.PCN), "（三）建设都市圈")
    outline.push(outline.open(K.CN), "四、推动产业协作")
    outline.push(outline.open(K.PCN), "（四）共建产业链")  # seed 003: （四） after 三、 nests under 四、
    assert outline.path == ("四、推动产业协作", "（四）共建产业链")


def test_statute_order_holds_whatever_comes_first():
    outline = Outline()
    tiao = outline.open(K.TIAO)
    jie = outline.open(K.JIE)  # a law's first 第一节 after its first 第一条 still sits above the articles
    zhang = outline.open(K.ZHANG)
    assert zhang < jie < tiao


def test_a_section_name_is_closed_by_the_next_top_level_heading():
    outline = Outline()
    outline.push(outline.open(K.NAMED), "前言")
    assert outline.path == ("前言",)
    outline.push(outline.open(K.ZHANG), "第一章 总则")
    assert outline.path == ("第一章 总则",)


def test_an_attached_documents_title_closes_everything():
    outline = Outline()
    outline.push(outline.open(K.CN), "一、总体要求")
    outline.push(outline.open(K.PCN), "（一）指导思想")
    assert outline.open(K.H0) == ANNEX_RANK and outline.path == ()


def test_level_looks_without_learning_and_clear_closes_all():
    outline = Outline()
    assert outline.level(K.CN) == 0 and outline.level(K.PCN) == 0  # nothing learned by looking
    assert outline.level(K.NAMED) == NAMED_RANK and outline.level(K.LEAD) is None and outline.level(None) is None
    outline.push(outline.open(K.CN), "一、总体要求")
    assert outline.level(K.PCN) == 1
    outline.clear()
    assert outline.path == ()
