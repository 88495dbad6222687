"""Document metadata read from the text itself, and the lines it uses up.

Top of a document (``read_top``): masthead (``西咸新区研究院 2024年4月2日``, ``XX办公厅文件``),
发文字号 (``国发〔2021〕3号``; ``[]`` ``（）`` ``【】`` variants are written ``〔〕``), the title (up
to four short lines), the author line (``西咸研究院课题组``) and the 主送机关 line; a Markdown
law's title and its 通过/修正 lines (``read_law_top``). Bottom (``read_signature``): the
issuer names above a standalone date. None of these lines becomes a clause. The closing
block under the signature (抄送, 印发, 执笔) is page furniture, gone before this module runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ingest.dates import CN_DATE, DATE, DATE_LINE, parse_date
from ingest.headings import is_marker
from ingest.normalize import SourceLine, typical_width
from ingest.records import DocumentMeta
from ingest.text import HAN_BASIC, display_width, ends_sentence

_DOC_NUMBER = re.compile(rf"([{HAN_BASIC}]{{1,14}})\s*[〔\[（(【]\s*(\d{{4}})\s*[〕\]）)】]\s*第?\s*(\d{{1,5}})\s*号")
ORG_SUFFIX = re.compile(r"(?:厅|部|委|局|院|政府|委员会|办公室|中心|小组|协会|学会|总会|研究所|公司|银行|署|社|办|会|处|室|所)$")
_MASTHEAD_DATE = re.compile(rf"^(\D{{2,30}}?)\s*{DATE.pattern}$")
_AUTHOR = re.compile(r"^(?:(?:作者|撰稿|课题组)[：:]\s*.+|.{2,24}(?:课题组|调研组|研究组|编写组|写作组))$")
_LAW_DATE_LINE = re.compile(rf"^[（(]?\s*{DATE.pattern}.{{0,200}}(?:通过|公布|发布|施行|修正|修订|批准|决定)")
_POSTED = re.compile(r"^(\D{2,30}?)\s*\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")  # web page byline
_YEAR_MONTH = re.compile(r"^[（(]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*[）)]?$")
_SKIP_TOP = re.compile(r"^(?:签发人|份号|密级|特急|加急|平急|[★☆]|[\dA-Z]{6}$|机密|秘密|公开方式)")
_VERSION = re.compile(r"通过|公布|发布|修正|修订|批准|决定")
_INFO_END = "<!-- INFO END -->"
_TOP_LINES = 12  # the masthead and title block lie within the first lines
_MAX_TITLE_LINES = 4
_TYPES: tuple[tuple[str, str], ...] = (
    ("规划纲要", "规划"), ("实施方案", "方案"), ("工作方案", "方案"), ("行动方案", "方案"), ("方案", "方案"),
    ("实施意见", "意见"), ("指导意见", "意见"), ("意见", "意见"), ("通知", "通知"), ("通报", "通报"),
    ("实施细则", "细则"), ("细则", "细则"), ("办法", "办法"), ("条例", "条例"), ("规定", "规定"),
    ("决定", "决定"), ("决议", "决议"), ("工作报告", "报告"), ("报告", "报告"), ("建议", "建议"),
    ("纲要", "纲要"), ("规划", "规划"), ("计划", "计划"), ("要点", "要点"), ("指南", "指南"),
    ("公告", "公告"), ("通告", "通告"), ("批复", "批复"), ("纪要", "纪要"), ("解释", "解释"),
    ("规则", "规则"), ("决算", "决算"), ("预算", "预算"), ("函", "函"), ("法", "法"),
)


@dataclass(frozen=True)
class MetaSplit:
    """The metadata and, per input line, whether it is body text (True) or metadata."""

    meta: DocumentMeta
    body: tuple[bool, ...]


@dataclass(frozen=True)
class TopBlock:
    """What the top of a document says. Lines ``[0, end)`` are metadata, and line ``end``
    too when ``addressee`` (a 主送机关 line such as ``各区县人民政府、…：``)."""

    end: int
    title_parts: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()  # masthead and byline organs
    date: str | None = None
    doc_number: str | None = None
    author: str | None = None
    addressee: bool = False


@dataclass(frozen=True)
class Signature:
    """The issuer names above a standalone date at the end; lines ``[start, end)`` hold it
    (``start == end`` when there is no signature)."""

    start: int
    end: int
    date: str | None = None
    orgs: tuple[str, ...] = ()


def parse_doc_number(text: str) -> str | None:
    """The 发文字号 in ``text`` with ``〔〕`` brackets (``陕政办发[2022]12号`` → ``陕政办发〔2022〕12号``)."""
    m = _DOC_NUMBER.search(text)
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号" if m else None


def doc_type_of(title: str) -> str | None:
    """The 文种 from the title's ending (``…实施方案`` → ``方案``), ignoring ``（试行）``-style suffixes."""
    core = re.sub(r"(?:[（(][^（）()]*[）)]|[\s》”\"])+$", "", title)
    for ending, kind in _TYPES:
        if core.endswith(ending):
            return kind
    return None


def _is_masthead(text: str) -> bool:
    """A 发文机关标志 line such as ``发展改革委办公厅 文件`` (spaced letters allowed)."""
    compact = text.replace(" ", "")
    return compact.endswith("文件") and bool(ORG_SUFFIX.search(compact[:-2]))


def _is_doc_number_line(text: str) -> bool:
    m = _DOC_NUMBER.search(text)
    return bool(m) and len(text.replace(" ", "")) <= len(m.group(0).replace(" ", "")) + 8


def is_title_line(text: str) -> bool:
    """A line that can be part of a title: short, no sentence end, no number, date or comma."""
    return (
        0 < len(text) <= 40
        and not ends_sentence(text)
        and not is_marker(text)
        and not DATE_LINE.match(text)
        and not _AUTHOR.match(text)
        and "，" not in text
        and not re.search(r"\d{4}-\d{1,2}-\d{1,2}|^前\s*言|^目\s*录", text)
    )


def split_meta(lines: Sequence[SourceLine], *, source: str, pages: int | None = None) -> MetaSplit:
    """Read the metadata from the top and bottom lines and mark which lines are body text."""
    texts = [l.text for l in lines]
    info_end = next((k for k, t in enumerate(texts) if t.strip() == _INFO_END), None)
    if info_end is not None or (lines and lines[0].hint == 1 and source.lower().endswith(".md")):
        top = read_law_top(lines, info_end)
    else:
        top = read_top(lines)
    signature = read_signature(texts, top.end)
    body = [k >= top.end and not (top.addressee and k == top.end) and not signature.start <= k < signature.end
            for k in range(len(lines))]
    name = source.replace("\\", "/").split("/")[-1]
    title = join_title(list(top.title_parts)) if top.title_parts else re.sub(r"\.[^.]+$", "", name)
    issuer = "、".join(signature.orgs or title_issuers(title) or top.orgs) or None
    meta = DocumentMeta(title=title, issuer=issuer, doc_number=top.doc_number, date=signature.date or top.date,
                        doc_type=doc_type_of(title), author=top.author, pages=pages)
    return MetaSplit(meta=meta, body=tuple(body))


def read_law_top(lines: Sequence[SourceLine], info_end: int | None) -> TopBlock:
    """A Markdown law: its ``#`` title lines, then its 通过/修正 date lines (the last one
    dates this version; a 施行 line only when there is no other)."""
    texts = [l.text for l in lines]
    n, i = len(lines), 0
    parts: list[str] = []
    while i < n and lines[i].hint == 1 and len(parts) < 3:  # 中华人民共和国民法典 / 物权编
        parts.append(texts[i])
        i += 1
    if info_end is None:
        info_end = _info_block_end(lines, i)
    date = enacted = None
    while i < n and (i <= (info_end or 0) or _LAW_DATE_LINE.match(texts[i])):
        if _VERSION.search(texts[i]):
            date = parse_date(texts[i]) or date
        else:
            enacted = parse_date(texts[i]) or enacted
        i += 1
    # separate "#" lines are separate phrases of one title
    return TopBlock(end=i, title_parts=(" ".join(parts),), date=date or enacted)


@dataclass
class _Top:
    """The top block as it is read, line by line."""

    orgs: list[str]
    title: list[str]
    date: str | None = None
    doc_number: str | None = None


def _take_top_line(top: _Top, texts: Sequence[str], i: int, *, hint: int | None, width: float) -> bool:
    """Read line ``i`` of the top block into ``top``; False when the block ends before it."""
    t = texts[i]
    masthead_date = _MASTHEAD_DATE.match(t)
    posted = _POSTED.match(t)
    if posted and ORG_SUFFIX.search(posted.group(1).strip()):
        top.orgs.append(posted.group(1).strip())  # the page's byline; its time is not the 成文日期
    elif masthead_date and not top.title:
        top.orgs.append(masthead_date.group(1).strip())
        top.date = parse_date(t)
    elif _is_doc_number_line(t) and not top.title:
        top.doc_number = parse_doc_number(t)
    elif not top.title and (_is_masthead(t) or _SKIP_TOP.match(t)) and len(t) <= 40:
        if _is_masthead(t):
            org = re.sub(r"\s*文\s*件$", "", t).replace(" ", "")
            if top.orgs and org in ("办公厅", "办公室"):  # 南宁市人民政府 / 办 公 厅 文 件
                top.orgs[-1] += org
            else:
                top.orgs.append(org)
    elif (not top.title and ORG_SUFFIX.search(t) and len(t) <= 20
          and any(_is_doc_number_line(x) for x in texts[i + 1 : i + 3])):
        top.orgs.append(t)
    elif (is_title_line(t) and len(top.title) < _MAX_TITLE_LINES and hint in (None, 0, 1)
          and not (top.title and doc_type_of("".join(top.title)))
          and not _starts_wrapped_paragraph(texts, i, width)):
        top.title.append(t)
    else:
        return False
    return True


def read_top(lines: Sequence[SourceLine]) -> TopBlock:
    """The masthead, 发文字号 and title block of the first lines, then the author and date
    lines under it and the 主送机关 line."""
    texts = [l.text for l in lines]
    n = len(lines)
    width, share = typical_width([l for l in lines if not l.table])
    top = _Top(orgs=[], title=[])
    i = 0
    while i < min(n, _TOP_LINES) and not lines[i].table \
            and _take_top_line(top, texts, i, hint=lines[i].hint, width=width if share >= 0.5 else 0.0):
        i += 1
    date, author = top.date, None
    while i < n and (_AUTHOR.match(texts[i]) or DATE_LINE.match(texts[i]) or _YEAR_MONTH.match(texts[i])):
        if _AUTHOR.match(texts[i]):
            author = texts[i]
        elif _YEAR_MONTH.match(texts[i]):  # ``2016年11月``: a month only, kept as ISO yyyy-mm
            ym = _YEAR_MONTH.match(texts[i])
            date = date or f"{int(ym.group(1)):04d}-{int(ym.group(2)):02d}"
        else:
            date = date or parse_date(texts[i])
        i += 1
    addressee = bool(i < n and top.title and texts[i].endswith(("：", ":")) and len(texts[i]) <= 300
                     and ("、" in texts[i] or texts[i].startswith("各")))
    return TopBlock(end=i, title_parts=tuple(top.title), orgs=tuple(top.orgs), date=date,
                    doc_number=top.doc_number, author=author, addressee=addressee)


def read_signature(texts: Sequence[str], top_end: int) -> Signature:
    """The signature at the end: a standalone date as the last line (below the top block)
    and the short organ names right above it."""
    n = len(texts)
    last = n - 1
    if not (last > top_end and DATE_LINE.match(texts[last])):
        return Signature(start=n, end=n)
    k = last - 1
    while k >= top_end and len(texts[k]) <= 30 and ORG_SUFFIX.search(texts[k]) and not ends_sentence(texts[k]):
        k -= 1
    return Signature(start=k + 1, end=n, date=parse_date(texts[last]), orgs=tuple(texts[k + 1 : last]))


_DATE_START = re.compile(rf"^[（(]?\s*(?:{DATE.pattern}|{CN_DATE.pattern}|\d{{4}}-\d{{1,2}}-\d{{1,2}})")
_MAX_INFO_LINES = 20
_INFO_TAIL = re.compile(r"通过|公布|发布|施行|修正|修订|批准|决定")


def _info_block_end(lines: Sequence[SourceLine], start: int) -> int | None:
    """The last line of a Markdown law's information block when its ``<!-- INFO END -->``
    marker is gone (the Markdown reader drops comments), or None.

    The block is the run of lines after the title, before the first heading, article or
    sentence, up to its last line that starts with a date and the tail of that line
    (``中央军委发布``, ``发布之日施行``). It also holds what ``_LAW_DATE_LINE`` misses: the
    title repeated over two lines, a long 修正 line wrapped (``〈…代表法〉的决定》第五次修正``).
    """
    run = start
    while run < len(lines) and run - start < _MAX_INFO_LINES and lines[run].hint is None \
            and not lines[run].table and not is_marker(lines[run].text) and not ends_sentence(lines[run].text):
        run += 1
    dated = [k for k in range(start, run) if _DATE_START.match(lines[k].text)]
    if not dated:
        return None
    end = dated[-1]
    while end + 1 < run and _INFO_TAIL.search(lines[end + 1].text):
        end += 1
    return end if end + 1 < len(lines) else None  # never the whole text


def join_title(parts: list[str]) -> str:
    """Join title lines without the line-break spaces; only a two-phrase headline
    (``聚焦高质量发展 聚力一体化进程``) keeps a space before its next line, and never
    before ``关于`` (``海南省农业农村厅 海南省财政厅`` / ``关于印发…的通知``)."""
    out = parts[0]
    for prev, part in zip(parts, parts[1:]):  # noqa: B007
        out += (" " if " " in prev and not part.startswith("关于") else "") + part
    return re.sub(r"\s+", " ", out).strip()


def title_issuers(title: str) -> list[str]:
    """The issuing organs named before ``关于`` in a title (``南宁市人民政府办公厅关于印发…``
    → ``["南宁市人民政府办公厅"]``; joint issuers are separated by spaces or ``、``)."""
    m = re.match(r"^(.{2,80}?)关于", title)
    if not m:
        return []
    names = [x for x in re.split(r"[\s、]+", m.group(1)) if x]
    return names if names and all(ORG_SUFFIX.search(x) and len(x) >= 3 for x in names) else []


def _starts_wrapped_paragraph(texts: Sequence[str], i: int, width: float) -> bool:
    """In wrapped text, a full-width line followed by a body line is the first line of a
    paragraph, not a title line (the news lead of the 2026 一号文件 PDF)."""
    if not width or i + 1 >= len(texts):
        return False
    return display_width(texts[i]) >= width - 2.5 and not is_title_line(texts[i + 1])
