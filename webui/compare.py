"""The document view's links (版本 / 引用了 / 被引用) and the two-column 对照 view (index/links.py, index/compare.py)."""
from __future__ import annotations

import html

import streamlit as st

from index.compare import compare
from index.links import references, versions
from webui.safe import as_text
from webui.render import STATUS_LABELS

COMPARE = "kb_compare"  # session key: (doc_a, doc_b) shown in the 对照 view
CHANGE_LABELS = {"same": "相同", "changed": "修改", "added": "新增", "removed": "删除"}


def _diff_side(diff: list, side: str) -> str:
    """One side of a character diff: the kept text with this side's own characters marked."""
    own = "-" if side == "a" else "+"
    tag = "del" if side == "a" else "ins"
    return "".join(html.escape(t) if op == "=" else f"<{tag}>{html.escape(t)}</{tag}>"
                   for op, t in diff if op in ("=", own))


def compare_html(result: dict, *, title_a: str, title_b: str) -> str:
    """A two-column table of aligned clauses, each row marked 相同/修改/新增/删除."""
    rows = []
    for p in result["pairs"]:
        if p["change"] == "changed":
            left, right = _diff_side(p["diff"], "a"), _diff_side(p["diff"], "b")
        else:
            left = html.escape(p["a"]["text"]) if p["a"] else ""
            right = html.escape(p["b"]["text"]) if p["b"] else ""
        rows.append(f'<tr class="kb-cmp-{p["change"]}"><td>{CHANGE_LABELS[p["change"]]}</td>'
                    f"<td>{left}</td><td>{right}</td></tr>")
    style = ("<style>.kb-cmp td{vertical-align:top;border-top:1px solid #ddd;padding:4px}"
             ".kb-cmp del{background:#fdd}.kb-cmp ins{background:#dfd;text-decoration:none}"
             ".kb-cmp-same{color:#888}</style>")
    return (f'{style}<table class="kb-cmp"><tr><th></th><th>{html.escape(title_a)}</th>'
            f'<th>{html.escape(title_b)}</th></tr>{"".join(rows)}</table>')


def _first_clause(kb, doc_id: int) -> int | None:
    clauses = kb.document_clauses(doc_id)
    return clauses[0].clause_id if clauses else None


def links_panel(kb, doc_id: int, *, open_key: str) -> None:
    """版本, 引用了 and 被引用 of a document; each entry a button opening that document (or clause)."""
    v, refs = versions(kb, doc_id), references(kb, doc_id)
    st.caption(f"时效：{STATUS_LABELS.get(v['status'], v['status'])}")
    with st.expander(f"版本（{len(v['chain'])}）", expanded=len(v["chain"]) > 1):
        for item in v["chain"]:
            cols = st.columns([6, 1.5])
            label = f"{item['date'] or '?'} {item['title']}（{STATUS_LABELS[item['status']]}）"
            cols[0].button(label, key=f"ver-{item['doc_id']}", disabled=item["doc_id"] == doc_id,
                           on_click=st.session_state.__setitem__, args=(open_key, _first_clause(kb, item["doc_id"])))
            if item["doc_id"] != doc_id:
                pair = tuple(sorted((item["doc_id"], doc_id), key=lambda i: [c["doc_id"] for c in v["chain"]].index(i)))
                cols[1].button("对照", key=f"cmp-{item['doc_id']}", on_click=st.session_state.__setitem__,
                               args=(COMPARE, pair))
    _amendments_panel(kb, v, open_key=open_key)
    with st.expander(f"引用了（{len(refs['cites'])}）"):
        for i, c in enumerate(refs["cites"]):
            if c["doc_id"] is None:
                st.markdown(as_text(f"《{c['title']}》（不在知识库中）"))
            else:
                st.button(f"《{c['title']}》", key=f"cites-{i}", on_click=st.session_state.__setitem__,
                          args=(open_key, _first_clause(kb, c["doc_id"])))
    with st.expander(f"被引用（{len(refs['cited_by'])}）", expanded=bool(refs["cited_by"])):
        for c in refs["cited_by"]:
            st.button(f"《{c['title']}》", key=f"citedby-{c['clause_id']}", on_click=st.session_state.__setitem__,
                      args=(open_key, c["clause_id"]))


def _amendments_panel(kb, v: dict, *, open_key: str) -> None:
    """修改: the document this one amends, or the decisions / 修正案 that amend it."""
    if v["amends"]:
        st.button(f"修改的文件：《{v['amends']['title']}》", key=f"amends-{v['amends']['doc_id']}",
                  on_click=st.session_state.__setitem__, args=(open_key, _first_clause(kb, v["amends"]["doc_id"])))
    if v["amendments"]:
        with st.expander(f"修改决定（{len(v['amendments'])}）", expanded=True):
            for item in v["amendments"]:
                st.button(f"{item['date'] or '?'} 《{item['title']}》", key=f"amendment-{item['doc_id']}",
                          on_click=st.session_state.__setitem__, args=(open_key, _first_clause(kb, item["doc_id"])))


def compare_view(kb) -> bool:
    """The 对照 view when one is asked for; returns whether it was shown."""
    pair = st.session_state.get(COMPARE)
    if not pair:
        return False
    titles = {d.doc_id: f"{d.title}（{d.date or '?'}）" for d in kb.documents()}
    if pair[0] not in titles or pair[1] not in titles:
        st.session_state[COMPARE] = None
        return False
    st.button("← 返回文件", key="close-cmp", on_click=st.session_state.__setitem__, args=(COMPARE, None))
    st.subheader("对照")
    result = compare(kb.document_clauses(pair[0]), kb.document_clauses(pair[1]))
    st.html(compare_html(result, title_a=titles[pair[0]], title_b=titles[pair[1]]))
    return True
