"""The links of issue 13 in headless Chromium: open a law, follow a 被引用 link, open the 对照 of two versions."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import SHARED
from index.kb import KnowledgeBase
from webui.server import CHROMIUM, CHROMIUM_ARGS, running_app

LAWS = SHARED / "laws"
FILES = [LAWS / "诉讼与非诉讼程序法" / "行政复议法(2017-09-01).md", LAWS / "诉讼与非诉讼程序法" / "行政复议法(2023-09-01).md",
         LAWS / "行政法规" / "行政复议法实施条例(2007-05-29).md"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent: apt-get install -y chromium"),
    pytest.mark.skipif(not all(p.exists() for p in FILES), reason="../shared/laws absent"),
]


def test_follow_cited_by_and_open_the_comparison(tmp_path, demo_embedder):
    from playwright.sync_api import expect, sync_playwright

    with KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder) as kb:
        kb.ingest(FILES)
        ids = {Path(d.source).name: d.doc_id for d in kb.documents()}
        old, new, rules = (ids[p.name] for p in FILES)
        first_of_new = kb.document_clauses(new)[0].clause_id
    with running_app(tmp_path / "kb", log_path=tmp_path / "streamlit.log") as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.goto(f"{server.url}/?q={quote('行政复议')}&at={first_of_new}")
            cited_by = page.locator('[class*="st-key-citedby-"] button').first
            cited_by.wait_for(timeout=120_000)
            assert "行政复议法实施条例" in cited_by.inner_text()
            cited_by.click()
            # the 实施条例 opens with the citing clause marked
            page.locator("h3").filter(has_text="行政复议法实施条例").first.wait_for(timeout=60_000)
            # one marked clause, once the previous document's marked clause has left the page
            marked = page.locator(".kb-clause.kb-hit")
            expect(marked).to_have_count(1, timeout=60_000)
            expect(marked).to_contain_text("行政复议法")

            page.goto(f"{server.url}/?q={quote('行政复议')}&at={first_of_new}")
            page.locator(f".st-key-cmp-{old} button").click(timeout=120_000)
            # the view's heading (the clicked 对照 button may still be on the page while it reruns)
            page.get_by_role("heading", name="对照", exact=True).wait_for(timeout=60_000)
            added = page.locator("tr.kb-cmp-added").filter(has_text="第九十条")
            added.first.wait_for(timeout=60_000)
            assert "本法自2024年1月1日起施行" in added.first.inner_text()
            assert page.locator("tr.kb-cmp-changed").count() > 10
        finally:
            browser.close()
