"""Hostile text on the page: a crafted query link, document title and upload name render as text.

Every element that Streamlit reads as Markdown is rendered here with a CommonMark parser (what the browser
would get) and must hold no link and no image; the HTML elements (cards, clause views) must hold none to
another host either.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.conftest import make_doc
from webui.safe import as_text

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EVIL = "![t](http://evil.example/x.png)[点击领取](http://evil.example/)"
TITLE = f"# 标题{EVIL}"
QUERY = f"火星探测器![t](http://127.0.0.1:9/x.png)[点击领取](http://evil.example/)"
MARKDOWN_KINDS = ("markdown", "info", "error", "warning", "success", "caption", "subheader", "title", "header")
_MD = MarkdownIt("commonmark")


def rendered(source: str) -> str:
    return _MD.render(source).replace("\u200b", "")


def rendered_markdown(at: AppTest) -> list[str]:
    """Every Markdown-interpreted element of the run, rendered to HTML."""
    out = []
    for kind in MARKDOWN_KINDS:
        for element in getattr(at, kind):
            out.append(rendered(str(element.value)))
    return out


def assert_no_live_link(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for html in rendered_markdown(at):
        assert "<a " not in html and "<img" not in html and "<h1" not in html, html
    for element in at.html:
        assert not re.search(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//""", element.value), element.value


@pytest.fixture()
def crafted_kb(corpus_kb_dir, tmp_path, demo_embedder):
    from index.kb import KnowledgeBase

    kb_dir = shutil.copytree(corpus_kb_dir, tmp_path / "kb")
    kb = KnowledgeBase.open(kb_dir, create=False, embedder=demo_embedder)
    doc = make_doc("crafted.txt", TITLE, [((), "一", "火星探测器 登月工程 示范条款。")], doc_number=EVIL, issuer=EVIL)
    kb.ingest_parsed([doc])
    clause_id = kb.search("登月工程", k=1, mode="lexical")[0].clause_id
    kb.close()
    return kb_dir, clause_id


def test_as_text_renders_exactly_the_characters():
    html = rendered(as_text(TITLE + " <b>x</b> :red[y] $z$ *w*"))
    assert html == "<p>" + (TITLE + " &lt;b&gt;x&lt;/b&gt; :red[y] $z$ *w*") + "</p>\n"


@pytest.mark.parametrize("query", [QUERY, f"火星探测器{EVIL.replace('点击领取', '火星')}"])  # hits (领取 matches) / none
def test_crafted_query_link_renders_as_text(corpus_kb_dir, monkeypatch, query):
    monkeypatch.setenv("POLICY_KB", str(corpus_kb_dir))
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update({"q": query, "mode": "lexical"})
    at.run()
    assert_no_live_link(at)
    if "点击领取" not in query:
        assert rendered(at.info[0].value) == f"<p>没有找到与「{query}」相关的条款。</p>\n"
        assert "分词结果" in at.markdown[0].value


def test_crafted_title_renders_as_text_everywhere(crafted_kb, monkeypatch):
    kb_dir, clause_id = crafted_kb
    monkeypatch.setenv("POLICY_KB", str(kb_dir))
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update({"q": "登月工程", "mode": "lexical"})
    at.run()
    assert_no_live_link(at)
    assert any("标题![t]" in h.value for h in at.html if 'class="kb-card"' in h.value)
    at.button(key=f"ctx-{clause_id}").click().run()  # the context view
    assert_no_live_link(at)
    at.button(key=f"doc-{clause_id}").click().run()  # the document view: title as subheader, meta as caption
    assert_no_live_link(at)
    assert rendered(at.subheader[0].value) == f"<p>《{TITLE}》</p>\n"
    at.switch_page("webui/kbpage.py").run()
    assert_no_live_link(at)
    at.file_uploader[0].set_value((f"{EVIL}.txt", b"", "text/plain"))  # refused: empty, the name in the error
    at.button[0].click().run()
    assert_no_live_link(at)
    assert len(at.error) == 1 and "点击领取" in at.error[0].value
