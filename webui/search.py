"""The search page (run as a page of ``app.py``; importing it renders nothing): query box, mode switch, sidebar filters, cited result cards,
context and document views, export, and the helpful empty / no-result states.
The query, mode and filters are mirrored into the URL so a search is a shareable link."""
from __future__ import annotations

import time
from collections.abc import Sequence

import streamlit as st

from index.hits import MAYBE_RELEVANT, MAYBE_SHOWN, NO_GOOD_MATCH, good_match
from index.links import all_links
from index.query import parse_query
from index.records import DocumentRow, Facets, Hit
from webui import clipboard
from webui.basket import add_button
from webui.common import open_handle
from webui.compare import compare_view, links_panel
from webui.errors import friendly, show_error, technical
from webui.export import to_csv, to_xlsx
from webui.kbstore import KBHandle
from webui.original import card_row, original_of, page_images
from webui.safe import as_text
from webui.render import card_html, clause_id_anchor, clauses_html, query_terms
from webui.state import K_CHOICES, MODE_LABELS, MODES, SearchState, from_params, other_mode, to_params

# Queries whose words occur in the seed corpus (tests check each one finds something).
EXAMPLES: tuple[str, ...] = ("公共服务 人均支出", "秦岭 生态保护", "综合交通枢纽", "产业协同", '"营商环境" 审批')

W_Q, W_MODE, W_K = "w_q", "w_mode", "w_k"
W_DOCS, W_ISSUERS, W_TYPES, W_YEARS = "w_docs", "w_issuers", "w_types", "w_years"
W_CURRENT = "w_current"
OPEN, CONTEXT, SAVED = "open_clause", "context_open", "saved_search"


# -- state <-> widgets --------------------------------------------------------------
def _load_widgets(state: SearchState, *, docs: Sequence[DocumentRow], facets: Facets) -> None:
    """Put a state into the widgets' session keys (only values the options allow)."""
    ss = st.session_state
    ss[W_Q] = state.q
    ss[W_MODE] = state.mode
    ss[W_K] = state.k if state.k in K_CHOICES else min(K_CHOICES, key=lambda c: abs(c - state.k))
    known = {d.doc_id for d in docs}
    ss[W_DOCS] = [i for i in state.doc_ids if i in known]
    ss[W_ISSUERS] = [i for i in state.issuers if i in facets.issuers]
    ss[W_TYPES] = [t for t in state.doc_types if t in facets.doc_types]
    years = facets.years
    if len(years) >= 2:
        lo = min(max(state.year_from or years[0], years[0]), years[-1])
        hi = max(min(state.year_to or years[-1], years[-1]), lo)
        ss[W_YEARS] = (lo, hi)
    ss[OPEN] = state.open_clause
    ss[W_CURRENT] = state.current_only


def _state_from_widgets(facets: Facets) -> SearchState:
    ss = st.session_state
    years = facets.years
    year_from = year_to = None
    if len(years) >= 2 and W_YEARS in ss:
        lo, hi = ss[W_YEARS]
        year_from = lo if lo != years[0] else None
        year_to = hi if hi != years[-1] else None
    return SearchState(
        q=(ss.get(W_Q) or "").strip(),
        mode=ss.get(W_MODE) or "hybrid",
        k=int(ss.get(W_K) or 10),
        doc_ids=tuple(ss.get(W_DOCS) or ()),
        issuers=tuple(ss.get(W_ISSUERS) or ()),
        doc_types=tuple(ss.get(W_TYPES) or ()),
        year_from=year_from,
        year_to=year_to,
        open_clause=ss.get(OPEN),
        current_only=bool(ss.get(W_CURRENT)),
    )


def _sync_url(state: SearchState) -> None:
    """Mirror the state into the URL; write only when it changed."""
    wanted = to_params(state)
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    normalised = {key: value if isinstance(value, list) else [value] for key, value in wanted.items()}
    if current != normalised:
        st.query_params.from_dict(wanted)


# -- callbacks ----------------------------------------------------------------------
def _set(key: str, value) -> None:
    st.session_state[key] = value


def _toggle_context(clause_id: int) -> None:
    opened = set(st.session_state.get(CONTEXT, set()))
    opened ^= {clause_id}
    st.session_state[CONTEXT] = opened


def _clear_filters() -> None:
    for key in (W_DOCS, W_ISSUERS, W_TYPES):
        st.session_state[key] = []
    st.session_state.pop(W_YEARS, None)
    st.session_state[W_CURRENT] = False


# -- page pieces --------------------------------------------------------------------
def _sidebar(docs: Sequence[DocumentRow], facets: Facets) -> None:
    with st.sidebar:
        st.subheader("筛选")
        titles = {d.doc_id: d.title for d in docs}
        st.multiselect("文件", options=list(titles), format_func=lambda i: titles.get(i, str(i)), key=W_DOCS, placeholder="全部文件")
        st.multiselect("发文机关", options=list(facets.issuers), key=W_ISSUERS, placeholder="全部机关")
        st.multiselect("文种", options=list(facets.doc_types), key=W_TYPES, placeholder="全部文种")
        years = facets.years
        if len(years) >= 2:
            if W_YEARS not in st.session_state:
                st.session_state[W_YEARS] = (years[0], years[-1])
            st.slider("年份", min_value=years[0], max_value=years[-1], key=W_YEARS, step=1)
        elif years:
            st.caption(f"年份：{years[0]}")
        st.checkbox("仅现行有效", key=W_CURRENT, help="只检索现行有效的文件：已被新版本取代或已废止的不列出")
        st.selectbox("结果数", options=list(K_CHOICES), key=W_K)
        st.button("清除筛选", on_click=_clear_filters, width="stretch")


def _guide() -> None:
    st.markdown(
        "**怎么检索**：输入几个词，用空格分开，回车即可。"
        '`"精确短语"` 要求原文逐字出现；`-词` 排除含该词的条款。'
        "「综合」兼顾字面与语义，「关键词」只看字面，「语义」按意思找近似表述。"
    )
    st.caption("试试这些例子：")
    columns = st.columns(len(EXAMPLES))
    for column, example in zip(columns, EXAMPLES):
        column.button(example, key=f"ex-{example}", on_click=_set, args=(W_Q, example), width="stretch")


def _no_results(state: SearchState) -> None:
    words = parse_query(state.q).segmented
    st.info(as_text(f"没有找到与「{state.q}」相关的条款。"))
    st.markdown(as_text("分词结果：" + (" ／ ".join(words) if words else "（无）")))
    other = other_mode(state.mode)
    columns = st.columns(2)
    columns[0].button(f"改用「{MODE_LABELS[other]}」检索", key="switch-mode", on_click=_set, args=(W_MODE, other))
    if state.has_filters():
        columns[1].button("清除筛选后重试", key="clear-filters", on_click=_clear_filters)


def _card(handle: KBHandle, hit: Hit, *, opened: set[int], status: str | None = None) -> None:
    with st.container(border=True):
        st.html(card_html(hit, status=status))
        cite, copy, basket, ctx, doc = st.columns([5.2, 1.7, 1.5, 1.3, 1.3], vertical_alignment="center")
        cite.code(hit.citation, language=None, wrap_lines=True)  # its copy icon copies the citation alone
        copy.html(clipboard.copy_button_html(hit.text, hit.citation))  # copies the clause text and citation
        add_button(handle, hit.clause_id, key=f"basket-{hit.clause_id}", where=basket)
        ctx.button(
            "收起上下文" if hit.clause_id in opened else "上下文",
            key=f"ctx-{hit.clause_id}",
            on_click=_toggle_context,
            args=(hit.clause_id,),
            width="stretch",
        )
        doc.button("看原文", key=f"doc-{hit.clause_id}", on_click=_set, args=(OPEN, hit.clause_id), width="stretch")
        card_row(handle, hit)  # a PDF's clause: its page image and the file itself
        if hit.clause_id in opened:
            with handle.use() as kb:
                rows = kb.context(hit.clause_id, n=2)
            st.html(clauses_html(rows, marked=hit.clause_id, terms=hit.matched))


def _document_view(handle: KBHandle, state: SearchState) -> None:
    """All clauses of the document in order with path headings, the opened clause marked and scrolled to."""
    clause_id = state.open_clause
    with handle.use() as kb:
        around = kb.context(clause_id, n=0)
        row = next((r for r in around if r.clause_id == clause_id), None)
        if row is None:
            st.warning("这条条款已不在知识库中（文件可能已被删除或重建）。")
            st.button("← 返回检索结果", on_click=_set, args=(OPEN, None))
            return
        clauses = kb.document_clauses(row.doc_id)
        doc = next((d for d in kb.documents() if d.doc_id == row.doc_id), None)
    with handle.use() as kb:  # the 对照 view of two versions replaces the document (webui/compare.py)
        if compare_view(kb):
            return
    st.button("← 返回检索结果", key="close-doc", on_click=_set, args=(OPEN, None))
    if doc is not None:
        st.subheader(as_text(f"《{doc.title}》"))
        meta = [x for x in (doc.doc_number, doc.issuer, doc.date, doc.doc_type) if x]
        st.caption(as_text(" · ".join(meta + [f"{len(clauses)} 条"])))
        with handle.use() as kb:
            links_panel(kb, doc.doc_id, open_key=OPEN)
    found = original_of(handle, clause_id=clause_id, doc_id=row.doc_id, page_start=row.page_start,
                        title=doc.title if doc else "原文")
    if found is not None:
        with st.expander("原文页面（条款以黄色标出）"):
            page_images(found)
    with st.container(height=640):
        st.html(clauses_html(clauses, marked=clause_id, terms=query_terms(state.q), headings=True))
    anchor = clause_id_anchor(clause_id)
    st.html(
        f"<script>setTimeout(function(){{var e=document.getElementById('{anchor}');"
        f"if(e){{e.scrollIntoView({{block:'center'}});}}}},300);</script>",
        unsafe_allow_javascript=True,
    )


# {KB path: (generation, {doc id: status})}: the links are recomputed only when the KB changed, not on
# every rerun of the page (they scan every reference for 废止 clauses).
_STATUS_CACHE: dict[str, tuple[int, dict[int, str]]] = {}


def _statuses(kb) -> dict[int, str]:
    generation = kb.generation
    cached = _STATUS_CACHE.get(str(kb.path))
    if cached is None or cached[0] != generation:
        cached = (generation, {d: link.status for d, link in all_links(kb).items()})
        _STATUS_CACHE[str(kb.path)] = cached
    return cached[1]


def _analysis_caption(handle: KBHandle, state: SearchState) -> None:
    """也检索了：噪声 / 优先文件：《…》 under the search box: what the query analyser added (index/analyse.py)."""
    try:
        with handle.use() as kb:
            notes = kb.analyse(state.q).notes()
    except Exception:  # the search below reports the error in words; the caption is only a hint
        return
    if notes:
        st.caption(as_text(" · ".join(notes)))


def _results(handle: KBHandle, state: SearchState) -> None:
    started = time.perf_counter()
    try:
        with handle.use() as kb:
            hits = kb.search(state.q, k=state.k, mode=state.mode, filters=state.filters())
            good = good_match(hits, floor=kb.settings.search.floor)
            statuses = _statuses(kb)
    except Exception as exc:  # a sentence with the fix, never a traceback (friendly() names KB errors)
        show_error(friendly(exc, kb_path=handle.path), technical(exc))
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    if not hits:
        _no_results(state)
        return
    if not good:
        _weak_results(handle, hits, statuses)
        return
    info, csv_col, xlsx_col = st.columns([6, 1.3, 1.3], vertical_alignment="center")
    info.caption(f"找到 {len(hits)} 条结果 · {MODE_LABELS[state.mode]}检索 · 用时 {elapsed_ms:.0f} 毫秒")
    csv_col.download_button(
        "导出 CSV", data=lambda: to_csv(hits), file_name="检索结果.csv", mime="text/csv", width="stretch"
    )
    xlsx_col.download_button(
        "导出 Excel",
        data=lambda: to_xlsx(hits),
        file_name="检索结果.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        width="stretch",
    )
    opened = set(st.session_state.get(CONTEXT, set()))
    for hit in hits:
        _card(handle, hit, opened=opened, status=statuses.get(hit.doc_id))


def _weak_results(handle: KBHandle, hits: Sequence[Hit], statuses: dict) -> None:
    """No hit reaches the floor (index.hits.good_match): say so, and keep the best few under a fold."""
    st.warning(NO_GOOD_MATCH + "。")
    opened = set(st.session_state.get(CONTEXT, set()))
    with st.expander(MAYBE_RELEVANT, expanded=False):
        for hit in hits[:MAYBE_SHOWN]:
            _card(handle, hit, opened=opened, status=statuses.get(hit.doc_id))


def page() -> None:
    """Render the search page."""
    st.title("政策文件知识库")
    handle = open_handle()
    if handle is None:
        return
    with handle.use() as kb:
        docs = kb.documents()
        facets = kb.facets()
    if W_Q not in st.session_state:
        # a new session, or back from the other page: the URL wins, else the last search
        from_url = from_params(st.query_params)
        _load_widgets(from_url if st.query_params else st.session_state.get(SAVED, SearchState()), docs=docs, facets=facets)
    _sidebar(docs, facets)
    st.text_input(
        "检索",
        key=W_Q,
        placeholder="输入关键词或问题，回车检索，例如：公共服务 人均支出",
        label_visibility="collapsed",
        on_change=_set,
        args=(OPEN, None),  # a new query leaves the document view
    )
    st.segmented_control("检索方式", options=[m.value for m in MODES], format_func=MODE_LABELS.get, key=W_MODE, required=True, label_visibility="collapsed")
    state = _state_from_widgets(facets)
    st.session_state[SAVED] = state
    _sync_url(state)
    st.caption(f"知识库：{len(docs)} 份文件 · {sum(d.clauses for d in docs)} 条条款")
    if state.q and state.open_clause is None:
        _analysis_caption(handle, state)
    if state.open_clause is not None:
        _document_view(handle, state)
    elif not state.q:
        _guide()
    else:
        _results(handle, state)


if __name__ == "__main__":
    page()
