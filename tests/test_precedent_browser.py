"""查先例 and the 引用篮 in a real browser (headless Chromium on ``streamlit run app.py``, corpus KB):
paste a paragraph, see the shared wording marked and the new sentence flagged, copy a card's
text with its citation, add two cards to the basket, export the .docx and open it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from webui.server import CHROMIUM, CHROMIUM_ARGS, running_app

QINLING = "健全秦岭保护长效机制，推进秦岭国家公园创建。"
AIRPORT = "加快西安咸阳国际机场三期扩建，建设辐射“一带一路”的国际航空枢纽。"
INVENTED = "推行网约车跨市运营资格互认。"

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent: apt-get install -y chromium fonts-wqy-zenhei"
)]


def test_paste_mark_copy_collect_and_export(corpus_kb_dir, corpus_kb, tmp_path):
    from playwright.sync_api import sync_playwright

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    expected = [corpus_kb.search(s, k=1)[0] for s in (QINLING, AIRPORT)]
    with running_app(kb_dir, log_path=tmp_path / "streamlit.log") as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1400},
                                          permissions=["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.goto(f"{server.url}/precedent")
            box = page.locator("textarea").first
            box.wait_for(timeout=120_000)
            box.fill(QINLING + AIRPORT + INVENTED)
            page.get_by_role("button", name="查先例", exact=True).click()
            page.locator(".kb-sent .kb-new").wait_for(timeout=120_000)  # the last sentence is on screen
            page.wait_for_timeout(500)  # let the last cards settle

            sentences = page.locator(".kb-sent")
            assert sentences.count() == 3
            assert sentences.nth(0).locator("mark").all_inner_texts() == [QINLING[:-1]]
            assert sentences.nth(2).locator(".kb-new").inner_text() == "无先例"
            first_card = page.locator(".kb-precedent").first
            assert QINLING[:-1] in first_card.locator("mark").all_inner_texts()

            shot = tmp_path / "precedent.png"
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
            readme_shot = ROOT / "docs" / "precedent.png"
            if not readme_shot.exists():
                shutil.copyfile(shot, readme_shot)

            page.locator(".kb-copy").first.click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == f"{expected[0].text}\n{expected[0].citation}"

            for n, hit in enumerate(expected, 1):
                page.locator(f".st-key-p-basket-{n}-{hit.clause_id} button").click()
                page.get_by_role("link", name=f"引用篮（{n}）").wait_for(timeout=60_000)
            page.get_by_role("link", name="引用篮（2）").click()
            export = page.get_by_role("button", name="导出 Word")
            export.wait_for(timeout=60_000)
            with page.expect_download() as download_info:
                export.click()
            saved = tmp_path / "basket.docx"
            download_info.value.save_as(saved)
        finally:
            browser.close()
    paragraphs = [p.text for p in Document(str(saved)).paragraphs]
    assert paragraphs[0] == "引用条文"
    assert paragraphs[1] == expected[0].text and paragraphs[3] == expected[1].text
    assert paragraphs[2].startswith("《关中平原城市群建设“十四五”实施方案》六、（十七）")
    assert paragraphs[5] == "参考文献"
    assert paragraphs[6] == "[1] 关中平原城市群建设“十四五”实施方案[A]."
