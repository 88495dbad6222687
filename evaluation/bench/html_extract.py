"""Choose the main-text extractor for saved web pages by measurement.

``python -m evaluation.bench.html_extract [--shared DIR] [--verbose]`` lays five documents we have (397.txt,
a short and a very short notice cut from it, seed 003, the Nanning plan) out as saved policy pages in three
layouts (``evaluation.bench.html_pages``),
runs each candidate extractor on every page and prints, per extractor, the share of the
document's paragraphs it returns (recall) and the characters it returns that are not the
document's (navigation, footers, related links, metadata: noise).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from evaluation.bench.html_pages import PolicyPage, govcn_page, portal_page, table_page, to_mhtml

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
META_397 = (("索引号", "000014349/2019-00123"), ("主题分类", "财政、金融、审计\\税务"), ("发文机关", "发展改革委 税务总局"),
            ("成文日期", "2019年08月20日"), ("标题", "国家发展改革委办公厅 国家税务总局办公厅关于加强个人所得税纳税信用建设的通知"),
            ("发文字号", "发改办财金规〔2019〕860号"), ("发布日期", "2019年09月04日"))


def page_397(shared: Path = SHARED) -> PolicyPage:
    """397.txt (发改办财金规〔2019〕860号) as gov.cn publishes it: the body from the 主送机关 on."""
    lines = [l.strip() for l in (shared / "realdocs/govdoc-cn/397.txt").read_text(encoding="utf-8").splitlines()]
    return PolicyPage(meta=META_397, title=META_397[4][1], paragraphs=tuple(l for l in lines[4:] if l))


def short_397(shared: Path = SHARED) -> PolicyPage:
    """A short notice: 397's 主送机关, preamble, first heading and paragraph, and signature."""
    page = page_397(shared)
    return PolicyPage(meta=page.meta, title=page.title, paragraphs=page.paragraphs[:4] + page.paragraphs[-3:])


def tiny_397(shared: Path = SHARED) -> PolicyPage:
    """A very short notice: 主送机关, one heading, one paragraph, signature."""
    page = page_397(shared)
    return PolicyPage(meta=page.meta[:4], title=page.title, paragraphs=page.paragraphs[:1] + page.paragraphs[2:4]
                      + page.paragraphs[-3:])


def write_fixtures(folder: Path, shared: Path = SHARED) -> list[Path]:
    """The test pages: 397 in the gov.cn layout (.html) and the short notice in the
    provincial layout saved as MHTML."""
    folder.mkdir(parents=True, exist_ok=True)
    html_path, mhtml_path = folder / "397_govcn.html", folder / "397_short_portal.mhtml"
    html_path.write_text(govcn_page(page_397(shared)), encoding="utf-8")
    mhtml_path.write_bytes(to_mhtml(portal_page(short_397(shared))))
    return [html_path, mhtml_path]


def documents(shared: Path = SHARED) -> list[PolicyPage]:
    """The three documents laid out for the measurement."""
    seed = [l.strip() for l in (shared / "seeds/003_20daed6406e8a2c2.txt").read_text(encoding="utf-8").splitlines()]
    seed = [l for l in seed if l]
    nanning = (shared / "realdocs/five-year-plans-txt/example_scientific_development_nanning_135.txt").read_bytes()
    plan = [l.strip() for l in nanning.decode("gbk", errors="replace").splitlines() if l.strip()]
    return [
        page_397(shared),
        short_397(shared),
        tiny_397(shared),
        PolicyPage(meta=(("发文机关", "国家发展改革委"), ("标题", seed[0])), title=seed[0], paragraphs=tuple(seed[1:60]),
                   attachments=(f"{seed[0]}.pdf",)),
        PolicyPage(meta=(("发文机关", "南宁市人民政府"), ("标题", plan[0])), title=plan[0], paragraphs=tuple(plan[40:120])),
    ]


def _text_of(fragment: str) -> str:
    import lxml.html

    tree = lxml.html.fromstring(fragment)
    for br in tree.iter("br"):  # a line break inside a cell separates paragraphs
        br.tail = "\n" + (br.tail or "")
    blocks = tree.xpath("//p|//h1|//h2|//h3|//li|//td[not(.//td)]|//div[not(.//p) and not(.//div) and not(.//td)]")
    return "\n".join(" ".join(line.split()) for b in blocks for line in b.text_content().split("\n"))


def _reader(page_html: str) -> str:
    """The project's reader: metadata block and template furniture out, then readability."""
    from ingest.read_html import read_html

    pages, _ = read_html(Path("page.html"), page_html.encode("utf-8"))
    return "\n".join(line.text for line in pages[0].lines)


def extractors() -> dict[str, callable]:
    """Candidate extractors: page html -> text, paragraphs on lines. trafilatura is not a
    dependency of the project (``pip install trafilatura==2.3.1`` to compare)."""
    from readability import Document

    try:
        import trafilatura
    except ImportError:
        print("trafilatura not installed: its rows are left out", file=sys.stderr)
        return {"readability-lxml": lambda h: _text_of(Document(h).summary(html_partial=True)),
                "ingest.read_html (the reader)": _reader, "all text (no extraction)": _text_of}
    return {
        "trafilatura": lambda h: trafilatura.extract(h, include_comments=False, include_tables=False) or "",
        "trafilatura favor_recall": lambda h: trafilatura.extract(h, include_comments=False, include_tables=False,
                                                                  favor_recall=True) or "",
        "trafilatura favor_precision": lambda h: trafilatura.extract(h, include_comments=False, include_tables=False,
                                                                     favor_precision=True) or "",
        "readability-lxml": lambda h: _text_of(Document(h).summary(html_partial=True)),
        "ingest.read_html (the reader)": _reader,
        "all text (no extraction)": _text_of,
    }


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def score(text: str, page: PolicyPage) -> tuple[float, float, int]:
    """(share of the page's paragraphs found in ``text``, share found as lines of their own,
    characters of ``text`` outside them)."""
    out = _key(text)
    found = sum(1 for p in page.paragraphs if _key(p) in out)
    lines = {_key(line) for line in text.splitlines()}
    alone = sum(1 for p in page.paragraphs if _key(p) in lines)
    own = [_key(p) for p in page.paragraphs] + [_key(page.title)] + [_key(a) for a in page.attachments] + ["附件："]
    # a short line ("政策", "首页") is the page's only when it is a whole paragraph of it
    noise = sum(len(k) for k in map(_key, text.splitlines())
                if k and k not in own and not (len(k) >= 10 and any(k in o for o in own)))
    return found / len(page.paragraphs), alone / len(page.paragraphs), noise


def main(argv: list[str] | None = None) -> int:
    """Print recall and noise per extractor and layout."""
    ap = argparse.ArgumentParser(prog="python -m evaluation.bench.html_extract", description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--verbose", action="store_true", help="a line per page")
    ap.add_argument("--write-fixtures", type=Path, metavar="DIR", help="write the test pages to DIR and stop")
    args = ap.parse_args(argv)
    if args.write_fixtures:
        for p in write_fixtures(args.write_fixtures, args.shared):
            print(p)
        return 0
    pages = [(layout.__name__, doc, layout(doc)) for doc in documents(args.shared) for layout in (govcn_page, portal_page, table_page)]
    print(f"{len(pages)} pages; recall = paragraphs found, alone = found as a line of their own")
    print(f"{'extractor':28} {'recall min / mean':>18} {'alone min / mean':>17} {'noise chars max / total':>24}")
    for name, fn in extractors().items():
        scores = [score(fn(h), doc) for _, doc, h in pages]
        r, a, n = ([s[k] for s in scores] for k in range(3))
        print(f"{name:28} {min(r):>8.3f} / {sum(r) / len(r):.3f} {min(a):>8.3f} / {sum(a) / len(a):.3f}"
              f" {max(n):>12} / {sum(n)}")
        if args.verbose:
            for (layout, doc, _), (r1, a1, n1) in zip(pages, scores):
                print(f"    {layout:12} {doc.title[:16]:16} recall {r1:.3f} alone {a1:.3f} noise {n1}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
