"""``python -m evaluation page-bench [--kb DIR] [--runs N]``: measure the page's speed on a built KB.

Prints, in milliseconds:
- search: ``KnowledgeBase.search`` alone, warm (median and worst);
- query end to end: one AppTest script run that reads the query box and renders the
  result cards (what a rerun after pressing Enter costs on the server), warm;
- first paint in real headless Chromium against ``streamlit run app.py``: until the
  title and the query box are visible, on a cold server (first visit) and warm;
- results via link: opening ``/?q=…`` until the cited clause text is visible, cold and warm.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from urllib.parse import quote

HELP = "the page's first paint and query time (real server, headless Chromium)"
DESCRIPTION = "Measure the page's speed on a built KB."
QUERY = "公共服务 人均支出"
EXPECTED = "教育领域人均支出"
# queries typed into the box, each with a text only its results show
TYPED: tuple[tuple[str, str], ...] = ((QUERY, EXPECTED), ("秦岭 生态保护", "全面加强秦岭生态保护"))
VIEWPORT = {"width": 1280, "height": 900}


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms (n={len(values)})"


def ensure_kb(kb_dir: str) -> None:
    """Build the KB from corpus/ when it holds no document (prints how long that took)."""
    from index.kb import KnowledgeBase
    from webui.kbstore import CORPUS

    kb = KnowledgeBase.open(kb_dir, create=True)
    try:
        if not kb.documents():
            started = time.perf_counter()
            report = kb.ingest([str(CORPUS)])
            print(f"built KB {kb_dir} from corpus/ in {time.perf_counter() - started:.1f} s: {len(report.added)} documents")
    finally:
        kb.close()


def bench_search(kb_dir: str, runs: int) -> None:
    """Time ``KnowledgeBase.search`` in each mode."""
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(kb_dir, create=False)
    try:
        for mode in ("hybrid", "lexical", "semantic"):
            kb.search(QUERY, mode=mode)  # warm: model load, index load
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                kb.search(QUERY, mode=mode)
                times.append(time.perf_counter() - started)
            print(f"search ({mode}): {_ms(times)}")
    finally:
        kb.close()


def bench_apptest(kb_dir: str, runs: int) -> None:
    """Time one full script run of the search page per query (AppTest, in process)."""
    from streamlit.testing.v1 import AppTest
    from webui.kbstore import ROOT

    os.environ["POLICY_KB"] = kb_dir
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    started = time.perf_counter()
    at.run()
    print(f"app first script run (loads KB and model): {(time.perf_counter() - started) * 1000:.0f} ms")
    queries = [QUERY, "秦岭 生态保护", "综合交通枢纽", "产业协同"]
    at.text_input(key="w_q").input(QUERY).run()  # warm the query encoder
    times = []
    for n in range(runs):
        at.text_input(key="w_q").input(queries[n % len(queries)] + " " * (n % 2))
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(at.exception[0].value)
    print(f"query end to end (AppTest script run, hybrid, 10 cards): {_ms(times)}")


def _visit(context, url: str) -> tuple[float, float]:
    """(seconds to first paint of ``/``, seconds until the results of ``/?q=QUERY`` are visible)."""
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url + "/", wait_until="commit")
    page.get_by_text("政策文件知识库").first.wait_for(timeout=120_000)
    page.get_by_placeholder("输入关键词或问题").wait_for(timeout=120_000)
    paint = time.perf_counter() - started
    page.close()
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"{url}/?q={quote(QUERY)}", wait_until="commit")
    page.get_by_text(EXPECTED).first.wait_for(timeout=120_000)
    results = time.perf_counter() - started
    page.close()
    return paint, results


def _typed_queries(context, url: str) -> list[float]:
    """Seconds from Enter in the query box until the cited clause is on screen, 10 queries."""
    page = context.new_page()
    page.goto(url + "/")
    box = page.get_by_placeholder("输入关键词或问题")
    box.wait_for(timeout=120_000)
    times = []
    for n in range(10):
        query, expected = TYPED[n % len(TYPED)]
        box.fill(query)
        started = time.perf_counter()
        box.press("Enter")
        page.wait_for_function("t => document.body.innerText.includes(t)", arg=expected, timeout=60_000, polling="raf")
        times.append(time.perf_counter() - started)
    return times


def bench_browser(kb_dir: str) -> None:
    """First paint and results-by-link in headless Chromium, cold and warm."""
    from webui.server import CHROMIUM, CHROMIUM_ARGS, running_app

    if not Path(CHROMIUM).exists():
        print(f"browser figures skipped: {CHROMIUM} is absent (apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright

    with running_app(kb_dir) as server, sync_playwright() as pw:
        print(f"server healthy after {server.seconds_to_healthy * 1000:.0f} ms")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            returning = browser.new_context(viewport=VIEWPORT)
            for visit in ("cold", "new visitor", "new visitor", "returning visitor", "returning visitor"):
                context = returning if visit.startswith("returning") else browser.new_context(viewport=VIEWPORT)
                paint, results = _visit(context, server.url)
                print(f"browser {visit}: first paint {paint * 1000:.0f} ms; results of /?q={QUERY} visible after {results * 1000:.0f} ms")
            times = _typed_queries(returning, server.url)
            print(f"browser query (type, Enter, until the cited clause is on screen): {_ms(times)}")
        finally:
            browser.close()


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation page-bench``."""
    p.add_argument("--kb", default=None,
                   help="KB directory (built from corpus/ when empty; default: $POLICY_KB or kb/ next to app.py)")
    p.add_argument("--runs", type=int, default=20, help="timed repetitions per figure")
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")


def run(args: argparse.Namespace) -> int:
    """Run all measurements and print the figures."""
    from index.location import kb_path

    kb_dir = str(kb_path(args.kb).resolve())
    ensure_kb(kb_dir)
    bench_search(kb_dir, args.runs)
    bench_apptest(kb_dir, args.runs)
    if not args.no_browser:
        bench_browser(kb_dir)
    return 0
