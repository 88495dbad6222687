"""The 引用篮 (basket): items, exports (.docx opened with python-docx, Markdown, CSV, Excel), and the
pages driven with AppTest: add from the search results and from 查先例, survive page switches,
reorder and remove; the cards' copy buttons."""
from __future__ import annotations

import csv
import html
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from index.cite import CiteStyle, cite, lookup
from webui.basket import BASKET
from webui.basket_export import (COLUMNS, REFERENCES, TITLE, added, make_item, moved, references, removed,
                                 to_csv, to_docx, to_markdown, to_xlsx)
from webui.clipboard import copy_button_html, payload
from webui.precedent import marked_html

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
QUERY = "公共服务 人均支出"
QINLING = "健全秦岭保护长效机制，推进秦岭国家公园创建。"
INVENTED = "推行网约车跨市运营资格互认。"


@pytest.fixture(scope="module")
def three_items(corpus_kb):
    """Two clauses of the 关中 plan (no 文号) and one of the 西咸 study, as basket items."""
    docs = {d.title[:4]: d for d in corpus_kb.documents()}
    plan = corpus_kb.document_clauses(docs["关中平原"].doc_id)
    study = corpus_kb.document_clauses(docs["聚焦高质"].doc_id)
    picked = [plan[12], study[16], plan[27]]
    return [make_item(c, d) for c, d in lookup(corpus_kb, [c.clause_id for c in picked])]


def test_items_are_added_once_moved_and_removed(three_items):
    a, b, c = three_items
    basket = added(added(added([], a), b), a)
    assert basket == [a, b]
    basket = added(basket, c)
    assert moved(basket, 2, -1) == [a, c, b]
    assert moved(basket, 0, -1) == [a, b, c]  # clamped at the top
    assert moved(basket, 0, +5) == [b, c, a]
    assert removed(basket, 1) == [a, c]


def test_an_item_holds_the_three_citations(corpus_kb, three_items):
    item = three_items[1]
    row, document = lookup(corpus_kb, [item.clause_id])[0]
    assert item.text == row.text
    assert (item.plain, item.gongwen, item.gbt7714) == tuple(cite(row, document, s) for s in CiteStyle)
    assert item.gbt7714 == f"西咸研究院课题组. {document.title}[R]. 2024-04-02."


def test_docx_holds_texts_citations_and_the_reference_list_in_order(three_items):
    items = three_items
    doc = Document(io.BytesIO(to_docx(items)))
    paragraphs = [p.text for p in doc.paragraphs]
    plan_entry = "关中平原城市群建设“十四五”实施方案[A]."
    study_entry = items[1].gbt7714
    assert paragraphs == [
        TITLE,
        items[0].text, f"{items[0].gongwen}[1]",
        items[1].text, f"{items[1].gongwen}[2]",
        items[2].text, f"{items[2].gongwen}[1]",  # the same document: the same entry
        REFERENCES,
        f"[1] {plan_entry}", f"[2] {study_entry}",
    ]
    assert items[0].gongwen == "《关中平原城市群建设“十四五”实施方案》三、（五）"
    assert doc.paragraphs[2].runs[-1].font.superscript is True
    assert references(items) == ([plan_entry, study_entry], [1, 2, 1])


def test_markdown_csv_and_excel(three_items):
    items = three_items[:2]
    md = to_markdown(items)
    assert md.startswith(f"# {TITLE}\n\n> {items[0].text}\n>\n> ——{items[0].gongwen}[1]\n\n> {items[1].text}\n")
    assert md.endswith(f"## {REFERENCES}\n\n[1] {items[0].gbt7714}  \n[2] {items[1].gbt7714}\n")
    data = to_csv(items)
    assert data.startswith("\ufeff".encode("utf-8"))
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == list(COLUMNS)
    assert table[1] == ["1", items[0].text, items[0].gongwen, items[0].gbt7714, items[0].plain, items[0].doc_title,
                        str(items[0].clause_id)]
    sheet = load_workbook(io.BytesIO(to_xlsx(items))).active
    assert sheet.title == "引用篮"
    assert [c.value for c in sheet[3]] == [2, items[1].text, items[1].gongwen, items[1].gbt7714, items[1].plain,
                                           items[1].doc_title, items[1].clause_id]


def test_the_copy_button_carries_text_and_citation_escaped():
    text, citation = '条文<b>"引号"</b>&', "《标题》三、"
    button = copy_button_html(text, citation)
    assert 'class="kb-copy"' in button
    assert f'data-copy="{html.escape(payload(text, citation), quote=True)}"' in button
    assert "<b>" not in button and payload(text, citation) == f"{text}\n{citation}"


def test_marked_html_escapes_and_marks_spans():
    assert marked_html("a<b>秦岭保护&c", [(1, 4), (4, 8)]) == \
        "a<mark>&lt;b&gt;</mark><mark>秦岭保护</mark>&amp;c"


# -- the pages ---------------------------------------------------------------------------
@pytest.fixture()
def app(corpus_kb_dir, monkeypatch) -> AppTest:
    monkeypatch.setenv("POLICY_KB", str(corpus_kb_dir))
    return AppTest.from_file(APP, default_timeout=180)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def basket_ids(at: AppTest) -> list[int]:
    return [i.clause_id for i in at.session_state[BASKET]] if BASKET in at.session_state else []


def test_search_cards_copy_text_and_citation_and_fill_the_basket(app, corpus_kb):
    at = app
    at.query_params["q"] = QUERY
    at.run()
    no_exception(at)
    hits = corpus_kb.search(QUERY, k=10)
    buttons = [h.value for h in at.html if 'class="kb-copy"' in h.value]
    assert buttons[0] == copy_button_html(hits[0].text, hits[0].citation)
    assert [c.value for c in at.code] == [h.citation for h in hits]  # the second control: the citation alone
    at.button(key=f"basket-{hits[0].clause_id}").click().run()
    at.button(key=f"basket-{hits[2].clause_id}").click().run()
    no_exception(at)
    assert basket_ids(at) == [hits[0].clause_id, hits[2].clause_id]
    assert at.button(key=f"basket-{hits[0].clause_id}").label == "已在引用篮"
    at.switch_page("webui/basket.py").run()  # another page: the basket is still there
    no_exception(at)
    assert [c.value for c in at.code] == [i.gbt7714 for i in at.session_state[BASKET]]
    at.button(key=f"down-{hits[0].clause_id}").click().run()
    assert basket_ids(at) == [hits[2].clause_id, hits[0].clause_id]
    at.button(key=f"drop-{hits[2].clause_id}").click().run()
    no_exception(at)
    assert basket_ids(at) == [hits[0].clause_id]


def test_precedent_page_marks_shared_wording_and_new_sentences(app, corpus_kb):
    at = app.run()
    at.switch_page("webui/precedent.py").run()
    no_exception(at)
    at.text_area(key="p_text").input(QINLING + INVENTED)
    at.button(key="p-submit").click().run()
    no_exception(at)
    sentences = [h.value for h in at.html if 'class="kb-sent"' in h.value]
    assert sentences == [
        f'<div class="kb-sent"><span class="kb-sent-no">1</span><mark>{QINLING[:-1]}</mark>。</div>',
        f'<div class="kb-sent"><span class="kb-sent-no">2</span>{INVENTED}<span class="kb-new">无先例</span></div>',
    ]
    cards = [h.value for h in at.html if "kb-precedent" in h.value]
    assert f"<mark>{QINLING[:-1]}</mark>" in cards[0] and "相似度 1.00" in cards[0]
    first = corpus_kb.search(QINLING, k=1)[0]
    at.button(key=f"p-basket-1-{first.clause_id}").click().run()
    no_exception(at)
    assert basket_ids(at) == [first.clause_id]
    at.switch_page("webui/search.py").run()
    at.switch_page("webui/precedent.py").run()  # back: the draft and its report are still shown
    no_exception(at)
    assert at.text_area(key="p_text").value == QINLING + INVENTED
    assert len([h for h in at.html if 'class="kb-sent"' in h.value]) == 2
