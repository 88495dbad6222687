"""The two seed documents in corpus/, parsed with the real reader and pipeline."""
from pathlib import Path

import pytest

from ingest.text import match_form
from ingest.pipeline import parse_file

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEED000 = CORPUS / "西咸研究院_纵深推进西安咸阳一体化建设的思考建议_2024-04.txt"
SEED003 = CORPUS / "关中平原城市群建设十四五实施方案.txt"


@pytest.fixture(scope="module")
def seed000():
    return parse_file(SEED000)


@pytest.fixture(scope="module")
def seed003():
    return parse_file(SEED003)


def holding(doc, phrase):
    return [c for c in doc.clauses if match_form(phrase) in match_form(c.text)]


def test_seed000_public_service_point_is_one_intact_clause(seed000):
    (clause,) = holding(seed000, "教育领域人均支出 998 元")
    assert match_form("科学技术领域人均支出 324 元") in match_form(clause.text)
    # display text after CJK/digit space fixing
    assert "教育领域人均支出998元" in clause.text
    assert clause.label == "四是"
    assert clause.path == ("二、西安—咸阳一体化经济发展面临的机遇和问题",)
    assert clause.text.startswith("四是公共服务水平有待提质。")
    assert clause.text.endswith("公共服务水平差距较大。")


def test_seed000_furniture_and_distribution_are_not_clauses(seed000):
    for junk in ("西咸新区研究院 2024年 4月 2日", "西咸新区研究院2024年4月2日", "送：", "发：", "各新城管委会班子成员",
                 "省委政研室、省政府研究室", "执笔", "西咸研究院课题组"):
        assert not holding(seed000, junk), junk
    # the tab-indented outline repeats paragraph openings: each must occur once only
    assert len(holding(seed000, "（四）更好发挥枢纽门户作用，打造开放新高地")) == 0
    assert len(holding(seed000, "发挥“两市三地”比较优势，推动要素资源互动耦合")) == 1
    assert seed000.clauses[-1].text.endswith("人才流动最频繁的一体化区域。")


def test_seed000_page_break_and_wraps_are_joined(seed000):
    (clause,) = holding(seed000, "“两市三地”实现公交卡互通")
    assert "执行西安标准，“两市三地”实现公交卡互通、优惠同享" in clause.text
    assert holding(seed000, "西安—咸阳一体化和成渝双城经济圈")  # joined across seed 000's first page break


def test_seed000_metadata(seed000):
    meta = seed000.meta
    assert meta.title == "聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议"
    assert meta.date == "2024-04-02"
    assert meta.author == "西咸研究院课题组"
    assert meta.issuer == "西咸新区研究院"
    assert meta.doc_type == "建议"


def test_seed000_enumerations_and_headings(seed000):
    labelled = [(c.path, c.label) for c in seed000.clauses if c.label]
    assert (("三、思考建议", "（一）更好发挥“先行探路”作用，当好改革试验田"), "二是") in labelled
    heads = {c.path[-1] for c in seed000.clauses if len(c.path) == 2}
    assert "（一）聚焦一体化体制机制改革，形成了“多方联动、实体运行”新模式" in heads


def test_seed003_inline_heading_clause(seed003):
    (clause,) = [c for c in seed003.clauses if c.text.startswith("（五）培育发展西安都市圈")]
    assert clause.label == "（五）"
    assert clause.path == ("三、优化城市群空间发展格局",)


def test_seed003_page_cut_paragraph_is_one_clause(seed003):
    (clause,) = holding(seed003, "更好发挥对西北地区高质量发展的重要引领作用")
    assert clause.path == ("二、总体要求", "（一）指导思想")


def test_seed003_four_principles(seed003):
    principles = [c for c in seed003.clauses if c.path == ("二、总体要求", "（二）工作原则")]
    assert [c.label for c in principles] == ["优势互补，协同发展", "创新驱动，增强动能", "生态优先，绿色发展", "开放合作，内外联动"]
    assert all(c.text.startswith("——") and "**" not in c.text for c in principles)


def test_seed003_metadata(seed003):
    assert seed003.meta.title == "关中平原城市群建设“十四五”实施方案"
    assert seed003.meta.doc_type == "方案"


def test_seed_clause_offsets(seed000, seed003):
    for doc in (seed000, seed003):
        for c in doc.clauses:
            assert doc.text[c.char_start:c.char_end] == c.text
            assert c.page_start is None and c.page_end is None
