"""The real page in headless Chromium: ``streamlit run app.py`` on a KB built from corpus/."""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

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

            page.get_by_role("button", name="看原文").first.click()
            marked = page.locator(".kb-clause.kb-hit")
            marked.wait_for(timeout=60_000)
            assert "教育领域人均支出" in marked.inner_text()
            assert "at=" in page.url
        finally:
            browser.close()
