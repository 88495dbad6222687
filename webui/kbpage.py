"""The knowledge-base page: documents with metadata, upload, delete, rebuild.

Run as a page of ``app.py`` (``st.Page("webui/kbpage.py")``); importing it renders nothing.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from webui.access import read_only
from webui.common import open_handle
from webui.errors import friendly, ingest_reason, show_error, technical
from webui.safe import as_text
from index.ocr_notes import ocr_warnings
from webui.kbstore import KBHandle, page_progress_line, progress_bar
from webui.uploads import (
    ALLOWED_SUFFIXES,
    MAX_UPLOAD_MB,
    UploadedFile,
    check,
    delete_document,
    display_name,
    ingest_uploads,
    saved_path,
)

FLASH = "kb_flash"  # messages of the last action, shown after the rerun it causes
CONFIRM_DELETE, CONFIRM_REBUILD = "kb_confirm_delete", "kb_confirm_rebuild"  # the action awaiting its 确认


def _flash(kind: str, text: str, detail: str = "") -> None:
    st.session_state.setdefault(FLASH, []).append((kind, text, detail))


def _show_flash() -> None:
    for kind, text, detail in st.session_state.pop(FLASH, []):
        if kind == "error":
            show_error(text, detail)  # the English reason under a fold
        else:
            {"success": st.success, "warning": st.warning}.get(kind, st.info)(as_text(text))


def _upload(handle: KBHandle, files) -> None:
    if _refused():
        return
    uploaded = [UploadedFile(name=f.name, data=f.getvalue()) for f in files]
    update, done = progress_bar("正在导入…")
    pages, pages_done = page_progress_line()
    # the bar names the file being embedded by the name it was uploaded with, not its saved name
    names = {saved_path(handle.path, f).name: f.name for f in uploaded if not check(f)}
    try:
        outcome = ingest_uploads(handle, uploaded, page_progress=pages,
                                 progress=lambda n, total, source: update(n, total, names.get(Path(source).name, source)))
    except Exception as exc:  # a sentence with the fix, never a traceback (friendly() names KB errors)
        _flash("error", friendly(exc, kb_path=handle.path), technical(exc))
        return
    finally:
        done()
        pages_done()
    report = outcome.report
    ok = [outcome.names.get(s, s) for s in (*report.added, *report.replaced)]
    skipped = [outcome.names.get(s, s) for s in report.skipped]
    if ok:
        _flash("success", "已导入：" + "、".join(f"「{_short_name(n)}」" for n in ok))
    if skipped:
        _flash("info", "内容未变，已跳过：" + "、".join(f"「{_short_name(n)}」" for n in skipped))
    for rejected in outcome.rejected:
        _flash("error", ingest_reason(rejected.reason, name=rejected.name), technical(rejected.reason))
    for warning in ocr_warnings(report, names={Path(p).name: n for p, n in outcome.names.items()}):
        _flash("warning", warning)


def _refused() -> bool:
    """Read-only mode refuses changes here too, not only by hiding their buttons."""
    if read_only():
        _flash("error", "只读模式（POLICY_READONLY=1）：不能上传、删除或重建。")
    return read_only()


def _short_name(name: str) -> str:
    return Path(name).name


def _delete(handle: KBHandle, source: str, name: str) -> None:
    if _refused():
        return
    try:
        removed = delete_document(handle, source)
    except Exception as exc:  # a sentence with the fix, never a traceback (friendly() names KB errors)
        _flash("error", friendly(exc, kb_path=handle.path), technical(exc))
        return
    _flash("success" if removed else "warning", f"已删除「{name}」。" if removed else f"「{name}」已不在知识库中。")


def _rebuild(handle: KBHandle) -> None:
    if _refused():
        return
    update, done = progress_bar("正在重建索引…")
    pages, pages_done = page_progress_line()
    try:
        with handle.use() as kb:
            report = kb.rebuild(progress=update, page_progress=pages)
    except Exception as exc:  # a sentence with the fix, never a traceback (friendly() names KB errors)
        _flash("error", friendly(exc, kb_path=handle.path), technical(exc))
        return
    finally:
        done()
        pages_done()
    _flash("success", f"重建完成：{len(report.added) + len(report.replaced) + len(report.skipped)} 份文件，向量化 {report.clauses_embedded} 条条款。")
    for source, reason in report.failed:
        _flash("error", ingest_reason(reason, name=display_name(handle.path, source)), technical(reason))
    names = {source: display_name(handle.path, source) for source, _ in report.ocr}
    for warning in ocr_warnings(report, names=names):
        _flash("warning", warning)


def _upload_form(handle: KBHandle) -> None:
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            f"上传文件（PDF、TXT、DOCX、DOC、MD，每个不超过 {MAX_UPLOAD_MB} MB）",
            type=[s.lstrip(".") for s in ALLOWED_SUFFIXES],
            accept_multiple_files=True,
        )
        submitted = st.form_submit_button("导入知识库", type="primary")
    if submitted and files:
        _upload(handle, files)
    elif submitted:
        _flash("warning", "请先选择要上传的文件。")


def _ask(key: str, value) -> None:
    st.session_state[key] = value


def _changes(handle: KBHandle, docs) -> None:
    """Delete and rebuild, each asking for confirmation first (one click must not remove a document)."""
    left, right = st.columns(2)
    with left:
        if docs:
            by_source = {d.source: d for d in docs}
            source = st.selectbox(
                "删除文件",
                options=list(by_source),
                format_func=lambda s: f"{by_source[s].title}（{display_name(handle.path, s)}）",
                key="delete_source",
            )
            pending = st.session_state.get(CONFIRM_DELETE)
            if pending in by_source:
                st.warning(as_text(f"确定要删除「{by_source[pending].title}」吗？删除后需重新上传才能恢复。"))
                yes, no = st.columns(2)
                if yes.button("确认删除", key="delete_yes", type="primary"):
                    _ask(CONFIRM_DELETE, None)
                    _delete(handle, pending, by_source[pending].title)
                    st.rerun()
                no.button("取消", key="delete_no", on_click=_ask, args=(CONFIRM_DELETE, None))
            else:
                st.button("删除所选文件", key="delete", on_click=_ask, args=(CONFIRM_DELETE, source))
    with right:
        st.caption("重建索引：重新解析所有文件并重算向量（更换模型或升级后使用）。")
        if st.session_state.get(CONFIRM_REBUILD):
            st.warning("确定要重建索引吗？所有文件将重新解析和向量化，期间不能导入。")
            yes, no = st.columns(2)
            if yes.button("确认重建", key="rebuild_yes", type="primary"):
                _ask(CONFIRM_REBUILD, False)
                _rebuild(handle)
                st.rerun()
            no.button("取消", key="rebuild_no", on_click=_ask, args=(CONFIRM_REBUILD, False))
        else:
            st.button("重建索引", key="rebuild", on_click=_ask, args=(CONFIRM_REBUILD, True))


def page() -> None:
    """Render the knowledge-base page."""
    st.title("知识库管理")
    handle = open_handle()
    if handle is None:
        return
    if read_only():
        st.info("只读模式（POLICY_READONLY=1）：可以检索和导出，不能上传、删除或重建。")
    else:
        _upload_form(handle)
    _show_flash()

    with handle.use() as kb:
        docs = kb.documents()
        stats = kb.stats()
    st.subheader(f"文件（{len(docs)} 份，{sum(d.clauses for d in docs)} 条条款）")
    st.dataframe(
        [
            {
                "标题": d.title,
                "发文字号": d.doc_number or "",
                "发文机关": d.issuer or "",
                "日期": d.date or "",
                "文种": d.doc_type or "",
                "页数": d.pages,
                "条款数": d.clauses,
                "文件名": display_name(handle.path, d.source),
                "导入时间": d.added_at,
            }
            for d in docs
        ],
        hide_index=True,
        width="stretch",
    )
    if not read_only():
        _changes(handle, docs)
    with st.expander("知识库信息"):
        st.json({"目录": handle.path, **stats.to_dict()}, expanded=True)


if __name__ == "__main__":
    page()
