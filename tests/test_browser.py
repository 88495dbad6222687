"""The real page in headless Chromium: ``streamlit run app.py`` on a KB built from corpus/."""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from webui.server import CHROMIUM, CHROMIUM_ARGS, running_app

ROOT = Path(__file__).resolve().parents[1]
QUERY = "公共服务 人均支出"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent: apt-get install -y chromium fonts-wqy-zenhei"
)]


def test_link_with_query_shows_the_cited_clause(real_corpus_kb_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    kb_dir = shutil.copytree(real_corpus_kb_dir, tmp_path / "kb")
    with running_app(kb_dir, log_path=tmp_path / "streamlit.log") as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(f"{server.url}/?q={quote(QUERY)}")
            clause = page.locator(".kb-card .kb-text").filter(has_text="教育领域人均支出").first
            clause.wait_for(timeout=120_000)
            first_card = page.locator(".kb-card").first
            assert "教育领域人均支出" in first_card.inner_text()
            assert "四是" in first_card.locator(".kb-cite").inner_text()
            assert first_card.locator("mark").all_inner_texts()[:2] == ["公共服务", "公共服务"]
            page.wait_for_timeout(500)  # let the last cards settle before the picture
            shot = tmp_path / "results.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
            readme_shot = ROOT / "docs" / "screenshot.png"
            if not readme_shot.exists():
                shutil.copyfile(shot, readme_shot)

            # the first card's own 看原文 button (by its widget key): a bare "first 看原文 button" could be
            # a card of a rerun still settling on a loaded machine
            from index.kb import KnowledgeBase

            with KnowledgeBase.open(kb_dir, create=False) as kb:
                first_id = kb.search(QUERY, k=1)[0].clause_id
            page.locator(f".st-key-doc-{first_id} button").click()
            marked = page.locator(".kb-clause.kb-hit")
            marked.wait_for(timeout=60_000)
            assert "教育领域人均支出" in marked.inner_text()
            assert "at=" in page.url
        finally:
            browser.close()


EVIL_LINK = "火星探测器![t](http://127.0.0.1:9/x.png)[点击领取](http://evil.example/)"


def test_crafted_query_link_loads_nothing_from_another_host(corpus_kb_dir, tmp_path):
    """The issue-9 link: the query's Markdown image and link stay text; no request leaves for their hosts."""
    from playwright.sync_api import sync_playwright

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    with running_app(kb_dir, log_path=tmp_path / "streamlit.log") as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            for query in (EVIL_LINK, EVIL_LINK.replace("点击领取", "火星").replace("127.0.0.1:9", "evil.example")):
                page.goto(f"{server.url}/?q={quote(query)}&mode=lexical")
                page.locator('.kb-card, [data-testid="stAlert"]').first.wait_for(timeout=120_000)
                page.wait_for_timeout(1500)  # let images and late elements load
                links = page.locator('a[href^="http://evil"]')
                assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())]
                assert page.locator('img[src*="x.png"]').count() == 0
            leaked = [u for u in requested if urlsplit(u).netloc in ("127.0.0.1:9", "evil.example")]
            print(f"{len(requested)} requests, {len(leaked)} to the crafted hosts")
            assert leaked == []
        finally:
            browser.close()
