"""Citations: plain, 公文 and GB/T 7714 styles, on a real 通知 and on documents without 文号."""
from __future__ import annotations


import pytest

from conftest import SHARED
from index.cite import (CiteStyle, ClauseNotFound, authors, cite, gbt7714, gongwen, lookup, pages, type_code)
from index.cli import main
from index.kb import KnowledgeBase
from index.records import ClauseRow, DocumentRow

NOTICE = SHARED / "realdocs" / "govdoc-cn" / "397.pdf"
TITLE = "关于加强个人所得税纳税信用建设的通知"


def doc(**fields) -> DocumentRow:
    base = dict(doc_id=1, source="x.txt", title="关于做好某项工作的通知", issuer=None, doc_number=None, date=None,
                doc_type=None, author=None, pages=None, clauses=1, content_hash="h", added_at="2024-01-01")
    return DocumentRow(**{**base, **fields})


def clause(path=(), label="", page_start=None, page_end=None) -> ClauseRow:
    return ClauseRow(clause_id=7, doc_id=1, ordinal=0, path=tuple(path), label=label, text="条文。",
                     page_start=page_start, page_end=page_end)


@pytest.fixture(scope="module")
def notice_kb(tmp_path_factory, demo_embedder):
    if not NOTICE.exists():
        pytest.skip(f"{NOTICE} is absent (../shared not mounted)")
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("notice") / "kb", embedder=demo_embedder)
    kb.ingest([NOTICE])
    yield kb
    kb.close()


def clause_id_at(kb, *headings: str) -> int:
    rows = kb.document_clauses(kb.documents()[0].doc_id)
    return next(r.clause_id for r in rows if tuple(h[:2] for h in r.path) == headings)


def test_the_notice_in_gongwen_and_gbt7714_styles(notice_kb, capsys):
    cid = clause_id_at(notice_kb, "三、", "（一")
    kb_dir = str(notice_kb.path)
    assert main(["cite", str(cid), "--style", "gongwen", "--kb", kb_dir]) == 0
    assert capsys.readouterr().out == f"《{TITLE}》（发改办财金规〔2019〕860号）三、（一）\n"
    assert main(["cite", str(cid), "--style", "gbt7714", "--kb", kb_dir]) == 0
    assert capsys.readouterr().out == (f"国家发展改革委办公厅, 税务总局办公厅. {TITLE}: 发改办财金规〔2019〕860号[A]. "
                                       "2019-08-20: 3.\n")
    assert main(["cite", str(cid), "--kb", kb_dir]) == 0
    assert capsys.readouterr().out == f"《{TITLE}》三、（一）（发改办财金规〔2019〕860号）第3页\n"


def test_a_clause_over_two_pages_and_several_ids_at_once(notice_kb, capsys):
    first = clause_id_at(notice_kb, "二、", "（二")  # pages 2-3
    second = clause_id_at(notice_kb, "一、")
    assert main(["cite", str(first), str(second), "--style", "gbt7714", "--kb", str(notice_kb.path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("[A]. 2019-08-20: 2-3.")
    assert lines[1].endswith("[A]. 2019-08-20: 1-2.")
    assert main(["cite", str(second), "--style", "gongwen", "--kb", str(notice_kb.path)]) == 0
    assert capsys.readouterr().out == f"《{TITLE}》（发改办财金规〔2019〕860号）一、\n"


def test_documents_without_a_doc_number_give_well_formed_citations(corpus_kb):
    by_title = {d.title: d for d in corpus_kb.documents()}
    plan = by_title["关中平原城市群建设“十四五”实施方案"]  # no issuer, 文号 or date
    row = next(r for r in corpus_kb.document_clauses(plan.doc_id) if r.text.startswith("（五）"))
    assert cite(row, plan, CiteStyle.GONGWEN) == "《关中平原城市群建设“十四五”实施方案》三、（五）"
    assert cite(row, plan, CiteStyle.GBT7714) == "关中平原城市群建设“十四五”实施方案[A]."
    assert cite(row, plan, CiteStyle.PLAIN) == "《关中平原城市群建设“十四五”实施方案》三、（五）"
    study = next(d for t, d in by_title.items() if t.startswith("聚焦高质量发展"))  # author line, date, no 文号
    row = next(r for r in corpus_kb.document_clauses(study.doc_id) if r.label == "四是")
    assert cite(row, study, "gongwen") == f"《{study.title}》二、四是"
    assert cite(row, study, "gbt7714") == f"西咸研究院课题组. {study.title}[R]. 2024-04-02."


def test_type_codes_follow_the_documented_table():
    assert [type_code(doc(doc_type=t)) for t in ("通知", "意见", "条例", "法", "规划", "报告", "决算", "标准")] == \
        ["A", "A", "A", "A", "A", "R", "R", "S"]
    assert type_code(doc(doc_number="国发〔2021〕3号")) == "A"  # unknown 文种 but a 文号: a 公文
    assert type_code(doc(author="某课题组")) == "R"
    assert type_code(doc()) == "Z"


def test_authors_titles_and_pages():
    assert authors(doc(issuer="甲部、乙部、丙部、丁部")) == "甲部, 乙部, 丙部, 等"
    assert authors(doc(issuer="甲部，乙部")) == "甲部, 乙部"
    assert authors(doc(issuer="某研究院", author="某课题组", doc_type="报告")) == "某课题组"
    assert authors(doc(issuer="某部", author="某司", doc_type="通知")) == "某部"
    nested = doc(title="关于印发《某某办法》的通知", doc_number="某发〔2020〕1号")
    assert gongwen(clause(path=("第二章 管理",), label="第十条"), nested) == \
        "《关于印发〈某某办法〉的通知》（某发〔2020〕1号）第二章第十条"
    assert pages(clause(page_start=4)) == "4" and pages(clause(page_start=4, page_end=6)) == "4-6"
    assert pages(clause()) == ""
    # a page is given with the date; without a date the entry ends after the type code
    assert gbt7714(clause(page_start=2), doc(date="2020-01-02", issuer="某部")) == "某部. 关于做好某项工作的通知[Z]. 2020-01-02: 2."
    assert gbt7714(clause(page_start=2), doc(issuer="某部", doc_type="通知")) == "某部. 关于做好某项工作的通知[A]."


def test_unknown_clause_and_style_are_refused_in_one_line(corpus_kb_dir, corpus_kb, capsys):
    with pytest.raises(ClauseNotFound):
        lookup(corpus_kb, [999_999])
    assert main(["cite", "999999", "--kb", str(corpus_kb_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no clause 999999 in the knowledge base: take an id from") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["cite", "1", "--style", "apa", "--kb", str(corpus_kb_dir)])
    assert exit_info.value.code == 2
    assert "invalid choice: 'apa'" in capsys.readouterr().err


def test_styles_are_a_strenum():
    assert [s.value for s in CiteStyle] == ["plain", "gongwen", "gbt7714"]
    assert CiteStyle("gbt7714") is CiteStyle.GBT7714
