"""The 指标 page in headless Chromium: ``streamlit run app.py`` on the corpus KB (demo embedder:
the page under test does not depend on the model's sense of meaning)."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from webui.server import CHROMIUM, CHROMIUM_ARGS, running_app

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent: apt-get install -y chromium fonts-wqy-zenhei"
)]


def test_search_an_indicator_see_table_and_chart_export_csv(corpus_kb_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    with running_app(kb_dir, log_path=tmp_path / "streamlit.log") as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
            page.goto(f"{server.url}/targets")
            box = page.get_by_placeholder("输入指标名、主体或文件名，回车查找，例如：城镇化率")
            box.wait_for(timeout=120_000)
            box.fill("城镇化率")
            box.press("Enter")
            page.get_by_text("共 1 条数据，来自 1 份文件").wait_for(timeout=60_000)
            grid = page.locator('[data-testid="stDataFrame"]')
            grid.wait_for(timeout=60_000)
            chart = page.locator('[data-testid="stVegaLiteChart"]').locator("canvas, svg").first
            chart.wait_for(timeout=60_000)
            assert chart.bounding_box()["width"] > 200
            assert "ind=" in page.url

            # selecting the row (its checkbox, left of the first data row) opens the clause in context
            page.wait_for_timeout(1_000)
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 12, box["y"] + 35 + 18)
            marked = page.locator(".kb-clause.kb-hit")
            marked.wait_for(timeout=60_000)
            assert marked.locator("mark").all_inner_texts() == ["常住人口城镇化率达到65%"]

            with page.expect_download(timeout=60_000) as download_info:
                page.get_by_role("button", name="导出 CSV").click()
            path = tmp_path / "targets.csv"
            download_info.value.save_as(str(path))
            table = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
            assert table[0][:4] == ["指标", "原文指标", "比较", "数值"]
            assert len(table) == 2
            row = dict(zip(table[0], table[1]))
            assert (row["指标"], row["原文指标"], row["数值"], row["单位"], row["类型"], row["年份"]) == \
                ("城镇化率", "常住人口城镇化率", "65.0", "%", "目标", "2025")
            assert row["出处"] == "《关中平原城市群建设“十四五”实施方案》二、（三）"
            page.screenshot(path=str(tmp_path / "targets.png"))

            # the table's 看原文 link, ./?at=CLAUSE_ID, opens the search page's document view there
            page.goto(f"{server.url}/?at={row['条文ID']}")
            marked = page.locator(".kb-clause.kb-hit")
            marked.wait_for(timeout=60_000)
            assert "常住人口城镇化率达到65%" in marked.inner_text()
        finally:
            browser.close()
