"""The 指标 page (run as a page of ``app.py``; importing it renders nothing): the quantitative
statements of the KB — targets and actual figures — found by indicator, shown as a table with
citations (a row opens its clause in context; 原文 opens the document view of the search page,
``/?at=CLAUSE_ID``), a chart of values by year per subject or document (targets and actuals
drawn differently), and CSV/Excel export. The query lives in the URL: ``/targets?ind=城镇化率&kind=target``.

Document text reaches the page only as data (``st.dataframe``, Altair fields) or through
``html.escape`` (``webui.render``), never as markdown.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from index.records import TargetRow
from ingest.targets import canonical_name
from webui.safe import as_text
from webui.common import open_handle
from webui.errors import friendly, show_error, technical
from webui.kbstore import KBHandle
from webui.render import clauses_html
from webui.targets_export import KIND_LABELS, to_csv, to_xlsx

W_QUERY, W_PICK, W_KIND, W_GROUP = "t_query", "t_pick", "t_kind", "t_group"
KINDS = ("all", "target", "actual")
KIND_CHOICES = {"all": "全部", "target": "目标", "actual": "实际"}
SUGGESTIONS = 12
SHAPES = {"目标": "triangle-up", "实际": "circle"}


def suggestions(names: Sequence[tuple[str, int]], query: str, *, limit: int = SUGGESTIONS) -> list[str]:
    """Canonical names to offer: those containing the query (as typed or in canonical form),
    most stated first; the most stated names when the query is empty."""
    query = query.strip()
    if not query:
        return [n for n, _ in names[:limit]]
    forms = {query, canonical_name(query)}
    return [n for n, _ in names if any(f in n for f in forms)][:limit]


def _pick() -> None:
    """A suggestion chosen: it becomes the query."""
    chosen = st.session_state.get(W_PICK)
    if chosen:
        st.session_state[W_QUERY] = chosen
    st.session_state[W_PICK] = None


def _sync_url(query: str, kind: str) -> None:
    wanted = {k: v for k, v in (("ind", query), ("kind", kind if kind != "all" else "")) if v}
    if {k: st.query_params.get(k) for k in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def frame(rows: Sequence[TargetRow]) -> pd.DataFrame:
    """The table shown: one row per statement (every cell plain data)."""
    return pd.DataFrame({
        "指标": [r.canonical for r in rows],
        "数值": [f"{r.value:g}" + (f"–{r.value_high:g}" if r.value_high is not None else "") for r in rows],
        "单位": [r.unit for r in rows],
        "比较": [r.comparator for r in rows],
        "类型": [KIND_LABELS.get(r.kind, r.kind) for r in rows],
        "年份": [str(r.year) if r.year is not None else "" for r in rows],
        "主体": [r.subject or "" for r in rows],
        "原文": [f"./?at={r.clause_id}" for r in rows],
        "出处": [r.citation for r in rows],
        "原文指标": [r.indicator for r in rows],
        "基期": [r.base or "" for r in rows],
    })


def chart_groups(rows: Sequence[TargetRow]) -> list[tuple[str, str]]:
    """(canonical name, unit) pairs with a year to plot, most statements first: one chart each
    (values in different units share no axis)."""
    counts = Counter((r.canonical, r.unit) for r in rows if r.year is not None)
    return [g for g, _ in counts.most_common()]


def chart(rows: Sequence[TargetRow], group: tuple[str, str]) -> alt.Chart:
    """Values by year of one (indicator, unit): colour = subject (else document), shape = target or actual."""
    data = pd.DataFrame([{
        "年份": r.year, "数值": r.value, "类型": KIND_LABELS.get(r.kind, r.kind),
        "系列": r.subject or r.doc_title, "比较": r.comparator, "出处": r.citation,
    } for r in rows if (r.canonical, r.unit) == group and r.year is not None])
    return alt.Chart(data, title=f"{group[0]}（{group[1]}）").mark_point(size=120, filled=True, opacity=0.85).encode(
        x=alt.X("年份:O", title="年份", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("数值:Q", title=group[1], scale=alt.Scale(zero=False), axis=alt.Axis(format=",~f")),
        color=alt.Color("系列:N", title="主体 / 文件"),
        shape=alt.Shape("类型:N", title="类型", scale=alt.Scale(domain=list(SHAPES), range=list(SHAPES.values()))),
        tooltip=["系列", "类型", "年份", "比较", "数值", "出处"],
    )


def _table(handle: KBHandle, rows: Sequence[TargetRow]) -> None:
    info, csv_col, xlsx_col = st.columns([6, 1.3, 1.3], vertical_alignment="center")
    info.caption(f"共 {len(rows)} 条数据，来自 {len({r.doc_id for r in rows})} 份文件 · 点选一行查看条文上下文")
    csv_col.download_button("导出 CSV", data=lambda: to_csv(rows), file_name="指标.csv", mime="text/csv",
                            width="stretch")
    xlsx_col.download_button("导出 Excel", data=lambda: to_xlsx(rows), file_name="指标.xlsx", width="stretch",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    event = st.dataframe(
        frame(rows), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
        key="t_table",
        column_config={"原文": st.column_config.LinkColumn("原文", display_text="看原文", width="small"),
                       "出处": st.column_config.TextColumn("出处", width="large")},
    )
    selected = event.selection.rows if event is not None else []
    if selected:
        row = rows[selected[0]]
        with handle.use() as kb:
            context = kb.context(row.clause_id, n=1)
        st.html(clauses_html(context, marked=row.clause_id, terms=(row.text[row.start:row.end],)))


def _chart(rows: Sequence[TargetRow]) -> None:
    groups = chart_groups(rows)
    if not groups:
        st.caption("这些数据没有年份，无法按年份作图。")
        return
    group = groups[0]
    if len(groups) > 1:
        group = st.selectbox("作图指标", options=groups, format_func=lambda g: f"{g[0]}（{g[1]}）", key=W_GROUP)
    st.altair_chart(chart(rows, group), width="stretch")
    undated = sum(1 for r in rows if (r.canonical, r.unit) == group and r.year is None)
    if undated:
        st.caption(f"另有 {undated} 条没有年份，未画出。")


def page() -> None:
    """Render the 指标 page."""
    st.title("指标")
    handle = open_handle()
    if handle is None:
        return
    if W_QUERY not in st.session_state:
        st.session_state[W_QUERY] = st.query_params.get("ind", "")
        kind = st.query_params.get("kind", "all")
        st.session_state[W_KIND] = kind if kind in KINDS else "all"
    st.text_input("指标", key=W_QUERY, placeholder="输入指标名、主体或文件名，回车查找，例如：城镇化率",
                  label_visibility="collapsed")
    query = (st.session_state.get(W_QUERY) or "").strip()
    try:
        with handle.use() as kb:
            names = kb.indicators()
            rows = kb.targets(query) if query else []
    except Exception as exc:  # a sentence with the fix, never a traceback
        show_error(friendly(exc, kb_path=handle.path), technical(exc))
        return
    offered = suggestions(names, query)
    if offered:
        st.pills("相关指标" if query else "常见指标", options=offered, key=W_PICK, on_change=_pick)
    kind = st.segmented_control("类型", options=list(KINDS), format_func=KIND_CHOICES.get, key=W_KIND,
                                required=True, label_visibility="collapsed")
    _sync_url(query, kind)
    st.caption(f"知识库：{sum(n for _, n in names)} 条数值表述，{len(names)} 个指标")
    if not query:
        st.info("输入一个指标（如「城镇化率」「研发经费投入强度」），查看各文件中的目标值与实际值。")
        return
    rows = [r for r in rows if kind == "all" or r.kind == kind]
    if not rows:
        st.info(as_text(f"没有找到与「{query}」有关的数值表述。"))
        return
    _table(handle, rows)
    _chart(rows)


if __name__ == "__main__":
    page()
