"""The real page in headless Chromium: 看原文 as the original page image (issue 14).

A KB (demo embedder) of corpus/ and ``../shared/realdocs/govdoc-cn/397.pdf``; a search finds
a clause of the PDF, its card's 原文页面 opens a dialog with the page image (the clause
highlighted) and a 下载原文 button that downloads the very PDF.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import CORPUS, SHARED
from webui.server import CHROMIUM, CHROMIUM_ARGS, running_app

GOVDOC = SHARED / "realdocs" / "govdoc-cn" / "397.pdf"
QUERY = '"自行纳税申报表"'

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent: apt-get install -y chromium"),
    pytest.mark.skipif(not GOVDOC.exists(), reason="../shared/realdocs/govdoc-cn/397.pdf is absent"),
]


def test_original_page_image_and_download(tmp_path, demo_embedder):
    from playwright.sync_api import sync_playwright

    from index.kb import KnowledgeBase

    kb_dir = tmp_path / "kb"
    with KnowledgeBase.open(kb_dir, embedder=demo_embedder) as kb:
        kb.ingest([CORPUS, GOVDOC])
        hit = kb.search(QUERY, k=1, mode="lexical")[0]
    assert hit.page_start == 2
    with running_app(kb_dir, log_path=tmp_path / "streamlit.log") as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
            page.goto(f"{server.url}/?q={quote(QUERY)}&mode=lexical")
            page.locator(".kb-card .kb-text").filter(has_text="自行纳税申报表").first.wait_for(timeout=120_000)
            page.locator(f".st-key-page-{hit.clause_id} button").first.click()
            dialog = page.locator('[data-testid="stDialog"]')
            image = dialog.locator('[data-testid="stImage"] img').first
            image.wait_for(timeout=60_000)
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                                   timeout=30_000)
            size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
            assert size == [935, 1210]  # the US-letter page at 110 dpi
            assert "第 2 页" in dialog.inner_text()
            page.screenshot(path=str(tmp_path / "original.png"))
            with page.expect_download(timeout=60_000) as info:
                dialog.locator(".st-key-dlg-download button").click()
            saved = tmp_path / "download.pdf"
            info.value.save_as(saved)
            assert saved.read_bytes() == GOVDOC.read_bytes()
            assert info.value.suggested_filename.endswith(".pdf")

            # 看原文 (the document view): the same page image in an expander above the re-flowed text
            dialog.get_by_role("button", name="Close").click()
            dialog.wait_for(state="hidden", timeout=30_000)
            page.locator(f".st-key-doc-{hit.clause_id} button").first.click()
            page.locator(".kb-clause.kb-hit").wait_for(timeout=60_000)
            expander = page.locator('[data-testid="stExpander"]').filter(has_text="原文页面")
            expander.locator("summary").click()
            shown = expander.locator('[data-testid="stImage"] img').first
            shown.wait_for(timeout=60_000)
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown.element_handle(),
                                   timeout=30_000)
            assert shown.evaluate("img => img.naturalWidth") == 935
        finally:
            browser.close()
