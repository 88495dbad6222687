"""看原文 on the page itself: the original page image with the clause highlighted, and the
original file to download, for clauses of PDFs and page images (``webui.pageview`` draws,
``KnowledgeBase.original``/``clause_boxes`` say where).

The PNG of a page is cached by file, page and boxes (``st.cache_data``): the KB's copies are
named by their content, so a cached picture is never stale.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from index.records import Hit
from ingest.records import Box
from webui.kbstore import KBHandle
from webui.pageview import PageUnavailable, clause_pages, page_png
from webui.safe import as_text

_MIME = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".tif": "image/tiff", ".tiff": "image/tiff"}


@dataclass(frozen=True)
class Original:
    """Where a clause is printed: the original file, the clause's boxes and first page."""

    path: Path
    boxes: tuple[Box, ...]
    page_start: int | None
    title: str


def original_of(handle: KBHandle, *, clause_id: int, doc_id: int, page_start: int | None,
                title: str) -> Original | None:
    """The clause's original page, or None when its document has none to show."""
    with handle.use() as kb:
        path = kb.original(doc_id)
        boxes = kb.clause_boxes(clause_id) if path is not None else ()
    if path is None or not (boxes or page_start):
        return None
    return Original(path=path, boxes=boxes, page_start=page_start, title=title)


@st.cache_data(max_entries=48, show_spinner="正在生成原文页面…")
def _png(path: str, stamp: int, page: int, boxes: tuple[tuple[int, float, float, float, float], ...]) -> bytes:
    """The page's PNG with the boxes highlighted (``stamp``: the file's mtime, for the cache key)."""
    return page_png(path, page, [Box(*b) for b in boxes])


def page_images(found: Original) -> None:
    """Every page the clause is on, its lines highlighted (a message when not possible)."""
    raw = tuple((b.page, b.x0, b.y0, b.x1, b.y1) for b in found.boxes)
    stamp = found.path.stat().st_mtime_ns if found.path.exists() else 0
    for page in clause_pages(found.boxes, found.page_start):
        try:
            st.image(_png(str(found.path), stamp, page, raw), caption=f"第 {page} 页", width="stretch")
        except PageUnavailable as exc:
            st.warning(as_text(f"无法显示第 {page} 页：{exc}"))
    if not found.boxes:
        st.caption("这份文件入库时还没有记录条款位置，页面上未标出条款；重新添加该文件后即可标出。")


@st.dialog("看原文 · 原文页面", width="large")
def _dialog(found: Original) -> None:
    st.caption(as_text(f"《{found.title}》 · 黄色框为本条款"))
    page_images(found)
    download_button(found, key="dlg-download")


def download_button(found: Original, *, key: str, where=None) -> None:
    """A button that downloads the original file."""
    suffix = found.path.suffix.lower()
    (where or st).download_button(
        "下载原文", data=lambda: found.path.read_bytes(), file_name=f"{found.title[:60]}{suffix}",
        mime=_MIME.get(suffix, "application/octet-stream"), key=key, width="stretch")


def card_row(handle: KBHandle, hit: Hit) -> None:
    """On a result card of a PDF clause: 原文页面 (a dialog with the page image) and 下载原文."""
    found = original_of(handle, clause_id=hit.clause_id, doc_id=hit.doc_id, page_start=hit.page_start,
                        title=hit.doc_title)
    if found is None:
        return
    view, download, _ = st.columns([1.6, 1.6, 6.4], vertical_alignment="center")
    if view.button("原文页面", key=f"page-{hit.clause_id}", width="stretch"):
        _dialog(found)
    download_button(found, key=f"download-{hit.clause_id}", where=download)
