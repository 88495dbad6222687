"""Saved policy web pages built from documents we have, for tests and for choosing the
main-text extractor (``python -m evaluation.bench.html_extract``).

Two layouts as policy sites print them: the gov.cn 政策文件库 page (a ``bd1`` metadata table
of 索引号/主题分类/发文机关/成文日期/标题/发文字号/发布日期, title, ``UCAP-CONTENT`` body,
attachments) and a provincial 信息公开 page (metadata as a ``<ul>`` of label/value items,
a long navigation sidebar, a related-documents list). Both carry a header menu,
breadcrumbs, print/close links and a footer: the text that must not become a clause.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.charset import QP, Charset
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

# Page text outside the document: none of it may reach a clause.
NAVIGATION = (
    "首页", "国务院", "总理", "新闻", "政策", "互动", "服务", "数据", "国情", "国家政务服务平台",
    "国务院政策文件库", "国务院部门文件", "字号：默认 大 超大", "打印本页", "关闭窗口", "扫一扫在手机打开当前页",
    "相关稿件", "网站说明", "网站地图", "联系我们", "主办单位：国务院办公厅", "运行维护单位：中国政府网运行中心",
    "版权所有：中国政府网", "京ICP备05070218号", "京公网安备11010202000001号", "责任编辑：王某某",
    "政务公开", "机构职能", "政策解读", "通知公告", "人事信息", "财政资金", "我要纠错",
)
_RELATED = ("国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见",
            "国家税务总局关于纳税信用评价与修复有关事项的公告")


@dataclass(frozen=True)
class PolicyPage:
    """One document to lay out: its metadata table (label → value), title, body paragraphs
    and attachment names."""

    meta: tuple[tuple[str, str], ...]
    title: str
    paragraphs: tuple[str, ...]
    attachments: tuple[str, ...] = ()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _header() -> str:
    menu = "".join(f'<li><a href="/{i}">{_e(t)}</a></li>' for i, t in enumerate(NAVIGATION[:10]))
    return (f'<div class="header"><div class="top"><a href="/">中国政府网</a> | <a href="/en">EN</a></div>'
            f'<ul class="nav">{menu}</ul></div>')


def _footer() -> str:
    links = " | ".join(f'<a href="#">{t}</a>' for t in NAVIGATION[17:20])
    return (f'<div class="footer"><p>{links}</p><p>{_e(NAVIGATION[20])}　{_e(NAVIGATION[21])}</p>'
            f'<p>{_e(NAVIGATION[22])}　{_e(NAVIGATION[23])}　{_e(NAVIGATION[24])}</p></div>')


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _para(text: str, last: bool) -> str:
    """A body paragraph as CMS editors write it: headings bold, the signature right-aligned."""
    if _HEADING.match(text) and len(text) <= 40:
        return f'<p style="text-indent: 2em;"><strong>{_e(text)}</strong></p>'
    if last and len(text) <= 20:
        return f'<p style="text-align: right;">{_e(text)}</p>'
    return f'<p style="text-indent: 2em;"><span style="font-family: 仿宋_GB2312;">{_e(text)}</span></p>'


def _body(page: PolicyPage, tag: str) -> str:
    n = len(page.paragraphs)
    paras = "".join(_para(p, k >= n - 3) for k, p in enumerate(page.paragraphs))
    files = "".join(f'<p><a href="/files/{k}.pdf">{_e(a)}</a></p>' for k, a in enumerate(page.attachments))
    if files:
        files = f'<div class="attachments"><p>附件：</p>{files}</div>'
    return f'<{tag}>{paras}{files}</div>'


def govcn_page(page: PolicyPage) -> str:
    """The page in the gov.cn 政策文件库 layout."""
    cells = list(page.meta)
    rows = []
    for k in range(0, len(cells), 2):
        pair = cells[k:k + 2]
        rows.append("<tr>" + "".join(f'<td class="t"><b>{_e(a)}：</b></td><td>{_e(b)}</td>' for a, b in pair) + "</tr>")
    crumbs = " &gt; ".join(f'<a href="#">{t}</a>' for t in ("首页", "政策", "国务院政策文件库", "国务院部门文件"))
    related = "".join(f'<li><a href="#">{_e(t)}</a></li>' for t in _RELATED)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{_e(page.title)}_国务院部门文件_中国政府网</title></head><body>'
        f'{_header()}<div class="BreadcrumbNav">{crumbs}</div><div class="wrap">'
        f'<table class="bd1"><tbody>{"".join(rows)}</tbody></table>'
        f'<div class="pages-title"><h1>{_e(page.title)}</h1></div>'
        + _body(page, 'div class="pages_content" id="UCAP-CONTENT"') +
        f'<div class="pages-date">2019-09-04 15:32 <span class="font">{NAVIGATION[12]}</span> | <a href="#">打印</a></div>'
        f'<div class="editor">【{NAVIGATION[32]}】{NAVIGATION[25]}</div>'
        f'<div class="related"><h3>{NAVIGATION[16]}</h3><ul>{related}</ul></div></div>'
        f'{_footer()}</body></html>'
    )


def portal_page(page: PolicyPage) -> str:
    """The page in a provincial 信息公开 layout: metadata as a list, a navigation sidebar."""
    items = "".join(f'<li><span class="label">{_e(a)}：</span><span class="value">{_e(b)}</span></li>' for a, b in page.meta)
    side = "".join(f'<li><a href="#">{t}</a></li>' for t in NAVIGATION[26:31])
    side += "".join(f'<li><a href="#">{_e(t)}</a></li>' for t in _RELATED)
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f'<title>{_e(page.title)}</title></head><body>{_header()}'
        f'<div class="position">当前位置：<a href="#">首页</a> &gt; <a href="#">{NAVIGATION[26]}</a></div>'
        f'<div class="left"><h3>{NAVIGATION[26]}</h3><ul>{side}</ul></div><div class="right">'
        f'<div class="xxgk_top"><ul>{items}</ul></div><h1 class="title">{_e(page.title)}</h1>'
        + _body(page, 'div class="TRS_Editor"') +
        f'<div class="tools">【<a href="#">{NAVIGATION[13]}</a>】【<a href="#">{NAVIGATION[14]}</a>】'
        f'<span>{NAVIGATION[15]}</span></div></div>{_footer()}</body></html>'
    )


def table_page(page: PolicyPage) -> str:
    """The page in an older CMS layout: everything in nested tables, the body one cell with
    paragraphs separated by ``<br>`` and indented with ``&nbsp;``."""
    meta = "".join(f"<tr><td>{_e(a)}：</td><td>{_e(b)}</td></tr>" for a, b in page.meta)
    body = "<br>".join("&nbsp;&nbsp;&nbsp;&nbsp;" + _e(p) for p in page.paragraphs)
    files = "".join(f'<br><a href="/files/{k}.doc">{_e(a)}</a>' for k, a in enumerate(page.attachments))
    side = "".join(f'<tr><td><a href="#">{t}</a></td></tr>' for t in NAVIGATION[26:31])
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f'<title>{_e(page.title)}</title></head><body>{_header()}<table width="1000"><tr>'
        f'<td width="200" valign="top"><table>{side}</table></td><td valign="top">'
        f'<table class="xxgk">{meta}</table><table width="100%"><tr><td align="center" class="title">'
        f'<font size="5"><b>{_e(page.title)}</b></font></td></tr>'
        f'<tr><td class="bt_content">{body}{("<br>附件：" + files) if files else ""}</td></tr></table>'
        f'<table><tr><td>【{NAVIGATION[13]}】【{NAVIGATION[14]}】</td></tr></table></td></tr></table>'
        f'{_footer()}</body></html>'
    )


def to_mhtml(page_html: str, *, url: str = "https://www.gov.cn/zhengce/zhengceku/2019-09/04/content_5427211.htm") -> bytes:
    """The page as a browser saves it with "Save as MHTML": a multipart/related message
    whose first part is the quoted-printable text/html."""
    msg = MIMEMultipart("related", type="text/html")
    msg["Subject"] = "saved page"
    msg["Snapshot-Content-Location"] = url
    qp = Charset("utf-8")
    qp.body_encoding = QP
    part = MIMEText(page_html, "html", qp)
    part["Content-Location"] = url
    msg.attach(part)
    css = MIMEText("body{font-size:16px}", "css", "utf-8")
    css["Content-Location"] = "https://www.gov.cn/css/base.css"
    msg.attach(css)
    return msg.as_bytes()
