"""The 引用篮 (citation basket): clauses collected from the search results and from 查先例,
kept in ``st.session_state`` (so they survive reruns and switching pages in the session),
reordered, trimmed and exported as Word, Markdown, CSV or Excel.

As a page of ``app.py`` (``st.Page("webui/basket.py")``) it shows the basket; imported, it
gives the ``add_button`` that the result and precedent cards show.
"""
from __future__ import annotations

import html

import streamlit as st

from index.cite import lookup
from webui.basket_export import (BasketItem, added, make_item, moved, removed, to_csv, to_docx, to_markdown,
                                 to_xlsx)
from webui.errors import friendly
from webui.kbstore import KBHandle

BASKET = "basket"  # session key: list[BasketItem]
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def items() -> list[BasketItem]:
    """The basket of this session."""
    return list(st.session_state.get(BASKET, []))


def _store(new: list[BasketItem]) -> None:
    st.session_state[BASKET] = new


def _add(handle: KBHandle, clause_id: int) -> None:
    try:
        with handle.use() as kb:
            clause, document = lookup(kb, [clause_id])[0]
    except Exception as exc:  # shown as a toast sentence, never a traceback
        st.toast(friendly(exc, kb_path=handle.path))
        return
    _store(added(items(), make_item(clause, document)))
    st.toast(f"已加入引用篮（共 {len(items())} 条）")


def add_button(handle: KBHandle, clause_id: int, *, key: str, where=st) -> None:
    """An "加入引用篮" button (shown as "已在引用篮" once the clause is in)."""
    inside = any(i.clause_id == clause_id for i in items())
    where.button("已在引用篮" if inside else "加入引用篮", key=key, disabled=inside, width="stretch",
                 on_click=_add, args=(handle, clause_id))


def _item_html(n: int, item: BasketItem) -> str:
    return (f'<div class="kb-card"><div class="kb-cite"><span class="kb-rank">{n}</span>'
            f'<span class="kb-title">{html.escape(item.gongwen)}</span></div>'
            f'<div class="kb-text">{html.escape(item.text)}</div></div>')


def _row(n: int, item: BasketItem) -> None:
    with st.container(border=True):
        st.html(_item_html(n, item))
        cite, up, down, drop = st.columns([7, 1, 1, 1.2], vertical_alignment="center")
        cite.code(item.gbt7714, language=None, wrap_lines=True)
        up.button("上移", key=f"up-{item.clause_id}", disabled=n == 1, width="stretch",
                  on_click=lambda i=n - 1: _store(moved(items(), i, -1)))
        down.button("下移", key=f"down-{item.clause_id}", disabled=n == len(items()), width="stretch",
                    on_click=lambda i=n - 1: _store(moved(items(), i, +1)))
        drop.button("移除", key=f"drop-{item.clause_id}", width="stretch",
                    on_click=lambda i=n - 1: _store(removed(items(), i)))


def exports(current: list[BasketItem]) -> None:
    """The four download buttons."""
    word, md, csv_col, xlsx_col, clear = st.columns(5, vertical_alignment="center")
    word.download_button("导出 Word", data=lambda: to_docx(current), file_name="引用篮.docx", mime=DOCX_MIME,
                         width="stretch", key="basket-docx")
    md.download_button("导出 Markdown", data=lambda: to_markdown(current).encode("utf-8"), file_name="引用篮.md",
                       mime="text/markdown", width="stretch", key="basket-md")
    csv_col.download_button("导出 CSV", data=lambda: to_csv(current), file_name="引用篮.csv", mime="text/csv",
                            width="stretch", key="basket-csv")
    xlsx_col.download_button("导出 Excel", data=lambda: to_xlsx(current), file_name="引用篮.xlsx", mime=XLSX_MIME,
                             width="stretch", key="basket-xlsx")
    clear.button("清空", key="basket-clear", width="stretch", on_click=lambda: _store([]))


def page() -> None:
    """Render the basket page."""
    st.title("引用篮")
    current = items()
    if not current:
        st.info("引用篮是空的：在「检索」或「查先例」的结果卡片上点「加入引用篮」，收集要引用的条文。")
        return
    st.caption(f"共 {len(current)} 条 · Word 导出为：每条原文后附公文引用，文末按 GB/T 7714 列出参考文献")
    exports(current)
    for n, item in enumerate(current, 1):
        _row(n, item)


if __name__ == "__main__":
    page()
