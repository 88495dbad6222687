"""Saved web pages (``.html``, ``.htm``, ``.mhtml``) of policy documents.

A policy portal's page holds the document between a header menu, breadcrumbs, a sidebar,
related links and a footer, and states its metadata in a table (gov.cn: 索引号, 主题分类,
发文机关, 成文日期, 标题, 发文字号, 发布日期). The reader takes the metadata table out of the
page and returns it as ``MetaHints``, then finds the main text with readability-lxml
(chosen by ``python -m evaluation.bench.html_extract``: every paragraph and no navigation on all
test pages, where trafilatura kept the menu and sidebar of a table-laid page).
"""
from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from pathlib import Path

import lxml.html

from ingest.metadata import parse_date, parse_doc_number
from ingest.readers.text import decode_bytes
from ingest.records import CorruptFile, EmptyDocument, Line, MetaHints, Page

# Metadata labels as portals print them (whitespace removed) → MetaHints field.
_LABELS = {
    "索引号": "index_number", "主题分类": "subject", "分类": "subject", "主题词": None,
    "发文机关": "issuer", "发布机构": "issuer", "发文单位": "issuer", "发布单位": "issuer",
    "成文日期": "date", "生成日期": "date", "标题": "title", "名称": "title", "文件名称": "title",
    "发文字号": "doc_number", "文号": "doc_number", "发布日期": "published", "公开日期": "published",
    "有效性": None, "时效": None, "公开方式": None, "公开范围": None,
}
_LABEL = re.compile(r"^(" + "|".join(sorted(_LABELS, key=len, reverse=True)) + r")[：:]?(.*)$")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
_LEAVES = ("td", "th", "span", "li", "b", "strong", "dt", "dd", "p", "div", "label", "em", "font")
_BLOCKS = "//p|//h1|//h2|//h3|//h4|//li|//td[not(.//td)]|//div[not(.//p) and not(.//div) and not(.//td)]"
_TITLE_SUFFIX = re.compile(r"[_|－\-—]+[^_|－\-—]{0,30}(?:网|政府|门户|平台|文件|专栏)[^_|－\-—]*$")
_TITLE_LINE = 40  # the metadata reader takes title lines of at most this length
_FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar|7z|et|txt)(?:[?#].*)?$", re.I)
_ATTACHMENT_HEAD = re.compile(r"^(?:相关)?附件(?:下载)?[：:]?$")
# class/id words of page furniture in policy-site templates: readability appends a short
# document's siblings (breadcrumbs, the date/print bar, 责任编辑) to the body, so they go first.
# ``editor`` only as a whole class: ``TRS_Editor`` is the body of TRS-built sites.
_FURNITURE = re.compile(r"(?:^|[-_\s])(?:bread\w*|crumb\w*|position|location|nav\w*|menu\w*|header|footer|foot|top|"
                        r"share|print|tools?|related|relevant|pages-date|date-bar|font|sidebar|side|left|"
                        r"copyright|qrcode|ewm|xgwz|xgxx|fenxiang)(?:$|[-_\s])|(?:^|\s)editor(?:$|\s)", re.I)
# An element with this many sentence ends is text, whatever its class says.
_TEXT_SENTENCES = 3
_MAX_LINK_SHARE = 0.5  # a block whose text is mostly links is a menu or a list of other pages


def html_text(path: Path, data: bytes) -> str:
    """The page's HTML as text: the ``text/html`` part of an MHTML file, else the file
    decoded by its declared charset (or by detection when it declares none)."""
    if path.suffix.lower() == ".mhtml" or data.lstrip()[:200].lower().startswith((b"from:", b"mime-version", b"content-type")):
        msg = email.message_from_bytes(data, policy=email.policy.default)
        part = next((p for p in msg.walk() if p.get_content_type() == "text/html"), None)
        if part is None:
            raise CorruptFile(path, "MHTML 文件中没有 text/html 部分")
        return part.get_content()
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii").lower().replace("gb2312", "gb18030"))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: detect instead
    return decode_bytes(data, path).text


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", text)


def _leaf_texts(root) -> list:
    """Elements with text of their own, in document order (label and value cells)."""
    return [el for el in root.iter(*_LEAVES)
            if next(el.iterdescendants(*_LEAVES), None) is None and _squash(el.text_content())]


def _container(el, labels: int):
    """The table, list or box holding a metadata block: the nearest ancestor of ``el`` that
    holds at least two labels, stopping before the page's main wrappers."""
    node = el
    while node.getparent() is not None and node.getparent().tag not in ("body", "html"):
        node = node.getparent()
        if node.tag in ("table", "ul", "dl", "div", "tbody") and labels >= 2:
            found = sum(1 for leaf in _leaf_texts(node) if _LABEL.match(_squash(leaf.text_content())))
            if found >= 2 and len(_squash(node.text_content())) < 800:
                return node
    return None


def read_meta_table(root) -> MetaHints | None:
    """Read the label/value metadata block and remove it from the tree."""
    leaves = _leaf_texts(root)
    values: dict[str, str] = {}
    used = []
    for k, leaf in enumerate(leaves):
        m = _LABEL.match(_squash(leaf.text_content()))
        if not m:
            continue
        value = leaf.text_content().split("：", 1)[-1].split(":", 1)[-1].strip() if m.group(2) else ""
        if not value and k + 1 < len(leaves) and not _LABEL.match(_squash(leaves[k + 1].text_content())):
            value = " ".join(leaves[k + 1].text_content().split())
        field = _LABELS[m.group(1)]
        if field and value and field not in values:
            values[field] = value
        used.append(leaf)
    if len(used) < 2:
        return None
    box = _container(used[0], len(used))
    if box is not None and box.getparent() is not None:
        box.getparent().remove(box)
    return _hints(values)


def _hints(values: dict[str, str]) -> MetaHints:
    issuer = values.get("issuer")
    return MetaHints(
        title=" ".join(values["title"].split()) if values.get("title") else None,
        issuer="、".join(issuer.split()) if issuer else None,  # 发展改革委 税务总局 → 发展改革委、税务总局
        doc_number=parse_doc_number(values.get("doc_number", "")) or values.get("doc_number") or None,
        date=_date(values.get("date")),
        published=_date(values.get("published")),
        index_number=values.get("index_number"),
        subject=values.get("subject"),
    )


def _date(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})", text)
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else parse_date(text)


def _page_title(root) -> str | None:
    """The document title the page prints (first ``h1``), else its ``<title>`` without the
    site name (``…的通知_国务院部门文件_中国政府网``)."""
    for h in root.iter("h1"):
        text = " ".join(h.text_content().split())
        if text:
            return text
    titles = root.findall(".//title")
    if titles and titles[0].text_content().strip():
        text = " ".join(titles[0].text_content().split())
        while _TITLE_SUFFIX.search(text):
            text = _TITLE_SUFFIX.sub("", text)
        return text or None
    return None


def take_attachments(root) -> tuple[str, ...]:
    """Remove the links to attached files (``附件：….pdf``) and return their names: they
    are files to fetch, not text of the document, and some layouts keep them in the body."""
    names = []
    for a in root.xpath("//a[@href]"):
        if _FILE_LINK.search(a.get("href", "")):
            name = " ".join(a.text_content().split())
            if name:
                names.append(name)
            a.drop_tree()  # keeps the text after the link
    return tuple(dict.fromkeys(names))


def drop_furniture(root) -> None:
    """Remove template furniture by its class or id (breadcrumbs, menus, footers, the
    print bar), never an element that holds sentences of text."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("body", "html"):
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}".strip()
        if names and _FURNITURE.search(names) and el.text_content().count("。") < _TEXT_SENTENCES:
            el.drop_tree()


def _link_share(block) -> float:
    text = len(_squash(block.text_content())) or 1
    return sum(len(_squash(a.text_content())) for a in block.iter("a")) / text


def main_text(page_html: str) -> list[str]:
    """The main text's paragraphs, one a line (``<br>`` separates paragraphs too); blocks
    made mostly of links are left out."""
    from readability import Document

    summary = Document(page_html).summary(html_partial=True)
    tree = lxml.html.fromstring(summary)
    for br in tree.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = []
    for block in tree.xpath(_BLOCKS):
        if _link_share(block) <= _MAX_LINK_SHARE:
            lines += [" ".join(part.split()) for part in block.text_content().split("\n")]
    return [l for l in lines if l]


def title_lines(title: str) -> list[str]:
    """The title laid out as a printed title block: lines the metadata reader accepts (at
    most 40 characters), broken before ``关于`` when the issuers make it long."""
    if len(title) <= _TITLE_LINE:
        return [title]
    head, sep, rest = title.partition("关于")
    parts = [head.strip(), sep + rest] if sep and head.strip() else [title]
    return [p[k:k + _TITLE_LINE] for p in parts for k in range(0, len(p), _TITLE_LINE)][:4]


def read_html(path: Path, data: bytes) -> tuple[tuple[Page, ...], MetaHints | None]:
    """Read a saved policy page: one unpaged Page of the main text (the title first) and
    the metadata table, title and attachment names as hints. Raises CorruptFile or
    EmptyDocument (Chinese reasons)."""
    try:
        root = lxml.html.fromstring(html_text(path, data))
    except (ValueError, lxml.etree.ParserError) as exc:
        raise CorruptFile(path, f"无法解析网页（{exc}）") from exc
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.getparent().remove(bad)
    hints = read_meta_table(root) or MetaHints()
    files = take_attachments(root)
    title = hints.title or _page_title(root)
    drop_furniture(root)
    body = main_text(lxml.html.tostring(root, encoding="unicode"))
    body = [l for l in body if not (title and _squash(l) == _squash(title)) and not _ATTACHMENT_HEAD.match(_squash(l))]
    if not body:
        raise EmptyDocument(path, "网页中没有找到正文")
    lines = (title_lines(title) if title else []) + body
    hints = replace(hints, title=title, attachments=files)
    return (Page(number=None, lines=tuple(Line(t) for t in lines)),), hints
