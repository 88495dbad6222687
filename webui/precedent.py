"""查先例 (run as a page of ``app.py``; importing it renders nothing): paste a sentence, a paragraph
or a page of a draft; sentence by sentence, the clauses that already say it, with the shared
wording marked, the similarity, date and issuer; a sentence with none is marked 无先例.

The report is computed once per submitted draft and kept in the session, so sorting, adding a
card to the 引用篮 or switching pages does not search again.
"""
from __future__ import annotations

import html
import time
from collections.abc import Sequence

import streamlit as st

from index.hits import page_label
from index.sentences import MAX_CHARS
from index.similar import Precedent, PrecedentReport, SentencePrecedents, SortBy, find_precedents
from webui import clipboard
from webui.basket import add_button
from webui.common import open_handle
from webui.errors import friendly, show_error, technical
from webui.kbstore import KBHandle
from webui.render import address_html

W_TEXT, W_SORT, W_K = "p_text", "p_sort", "p_k"
DRAFT, REPORT = "p_draft", "p_report"  # the last submitted draft and its report (non-widget keys)
SEARCH_K = 5  # precedents computed per sentence; the page shows the first W_K of them
K_CHOICES = (1, 3, 5)
SORT_LABELS = {SortBy.SIMILARITY: "按相似度", SortBy.DATE: "按日期（由早到晚）"}
EXAMPLE = "健全秦岭保护长效机制，推进秦岭国家公园创建。加快西安咸阳国际机场三期扩建。推行网约车跨市运营资格互认。"

CSS = """
<style>
.kb-sent{font-size:1.0rem;line-height:1.7;margin:1.1rem 0 0.3rem 0;padding:0.35rem 0.6rem;border-left:4px solid #c0392b;background:#fafafa}
.kb-sent mark{background:#ffe58a;padding:0 1px;border-radius:2px}
.kb-sent-no{display:inline-block;min-width:1.6rem;font-weight:600;color:#c0392b}
.kb-new{display:inline-block;margin-left:0.5rem;padding:0 0.45rem;border-radius:0.6rem;background:#2e7d32;color:#fff;font-size:0.78rem}
.kb-meta{font-size:0.8rem;color:#777;margin-bottom:0.2rem}
</style>
"""


def marked_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` as safe HTML with each ``[start, end)`` span wrapped in ``<mark>``."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue  # spans never overlap; a stray one is skipped rather than double-marked
        out += [html.escape(text[pos:start]), f"<mark>{html.escape(text[start:end])}</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def sentence_html(number: int, s: SentencePrecedents) -> str:
    """The draft sentence, with the wording its best precedent shares marked, or the 无先例 badge."""
    best = max(s.hits, key=lambda h: h.similarity) if s.hits else None
    spans = best.sentence_shared if best is not None else ()
    badge = '<span class="kb-new">无先例</span>' if s.new else ""
    return (f'<div class="kb-sent"><span class="kb-sent-no">{number}</span>{marked_html(s.sentence, spans)}'
            f"{badge}</div>")


def card_html(rank: int, hit: Precedent) -> str:
    """A precedent: citation line, similarity, date and issuer, clause text with the shared wording marked."""
    bits = [f'<span class="kb-rank">{rank}</span><span class="kb-title">《{html.escape(hit.doc_title)}》</span>']
    addr = address_html(hit.path, hit.label)
    pages = page_label(hit.page_start, hit.page_end)
    bits += [x for x in (addr, html.escape(hit.doc_number or ""), pages) if x]
    cite = '<span class="kb-sep">·</span>'.join(bits)
    meta = " · ".join(html.escape(x) for x in (hit.date, hit.issuer) if x) or "日期、发文机关不详"
    return (f'<div class="kb-card kb-precedent"><div class="kb-cite">{cite}'
            f'<span class="kb-score">相似度 {hit.similarity:.2f}</span></div>'
            f'<div class="kb-meta">{meta}</div>'
            f'<div class="kb-text">{marked_html(hit.text, hit.shared)}</div></div>')


def _card(handle: KBHandle, n: int, rank: int, hit: Precedent) -> None:
    with st.container(border=True):
        st.html(card_html(rank, hit))
        cite, copy, basket = st.columns([6, 1.6, 1.4], vertical_alignment="center")
        cite.code(hit.citation, language=None, wrap_lines=True)
        copy.html(clipboard.copy_button_html(hit.text, hit.citation))
        add_button(handle, hit.clause_id, key=f"p-basket-{n}-{hit.clause_id}", where=basket)


def _search(handle: KBHandle, draft: str) -> None:
    """Find the precedents of ``draft`` and keep the report in the session."""
    started = time.perf_counter()
    try:
        with handle.use() as kb:
            report = find_precedents(kb, draft, k=SEARCH_K)
    except Exception as exc:  # a sentence with the fix, never a traceback
        st.session_state[REPORT] = None
        show_error(friendly(exc, kb_path=handle.path), technical(exc))
        return
    st.session_state[REPORT] = {"draft": draft, "report": report, "seconds": time.perf_counter() - started}


def _results(handle: KBHandle, saved: dict) -> None:
    report: PrecedentReport = saved["report"]
    if not report.sentences:
        st.info("没有可查的句子：请粘贴含有文字的句子或段落。")
        return
    new = sum(s.new for s in report.sentences)
    info, order, k = st.columns([5, 3, 1.2], vertical_alignment="center")
    info.caption(f"共 {len(report.sentences)} 句 · {len(report.sentences) - new} 句有先例 · {new} 句无先例 · "
                 f"用时 {saved['seconds']:.1f} 秒")
    order.segmented_control("排序", options=list(SortBy), format_func=SORT_LABELS.get, key=W_SORT,
                            default=SortBy.SIMILARITY, required=True, label_visibility="collapsed")
    k.selectbox("每句条数", options=K_CHOICES, index=1, key=W_K, label_visibility="collapsed")
    shown = report.sorted_by(st.session_state.get(W_SORT) or SortBy.SIMILARITY)
    for n, s in enumerate(shown.sentences, 1):
        st.html(sentence_html(n, s))
        for rank, hit in enumerate(s.hits[: int(st.session_state.get(W_K) or 3)], 1):
            _card(handle, n, rank, hit)


def page() -> None:
    """Render the 查先例 page."""
    st.title("查先例")
    st.html(CSS)
    handle = open_handle()
    if handle is None:
        return
    if W_TEXT not in st.session_state:  # back from another page: the last draft, not an empty box
        st.session_state[W_TEXT] = st.session_state.get(DRAFT, "")
    with st.form("precedent-form", border=False):
        st.text_area("草稿", key=W_TEXT, height=220, max_chars=MAX_CHARS, label_visibility="collapsed",
                     placeholder=f"粘贴一句话、一段或一页草稿（最多 {MAX_CHARS:,} 字），逐句查找知识库中已有的相同或相近表述。"
                                 f"例如：{EXAMPLE}")
        submitted = st.form_submit_button("查先例", type="primary", key="p-submit")
    if submitted:
        st.session_state[DRAFT] = st.session_state[W_TEXT]
        if st.session_state[DRAFT].strip():
            _search(handle, st.session_state[DRAFT])
        else:
            st.session_state[REPORT] = None
    saved = st.session_state.get(REPORT)
    if saved:
        _results(handle, saved)
    elif not submitted:
        st.caption("相似度：草稿句中与条文逐字相同的部分所占比例，加上其余部分与条文意思相近的程度（0–1）；"
                   "低于阈值的句子标为「无先例」。黄色为逐字相同的表述。")


if __name__ == "__main__":
    page()
