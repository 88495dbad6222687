"""Document metadata read from the text itself, and the lines it uses up.

Top of a document: masthead (``西咸新区研究院 2024年4月2日``, ``XX办公厅文件``), 发文字号
(``国发〔2021〕3号``; ``[]`` ``（）`` ``【】`` variants are written ``〔〕``), the title (up to
four short lines), the author line (``西咸研究院课题组``) and the 主送机关 line. Bottom:
the signature (issuer names above a standalone date), ``（执笔：…）``, the 抄送/送/发
distribution block and the ``…印发`` line. None of these lines becomes a clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ingest.headings import cn_value
from ingest.normalize import SourceLine, display_width, ends_sentence, is_distribution_line, typical_width
from ingest.records import DocumentMeta
from ingest.segment import is_marker

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGIT.update({"零": 0, "○": 0, "O": 0, "Ｏ": 0, "o": 0})
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(r"([〇零○OＯo一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
DATE_LINE = re.compile(rf"^[（(]?\s*(?:{_DATE.pattern}|{_CN_DATE.pattern})\s*(?:[）)]|印发|发布|通过)?$")
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,14})\s*[〔\[（(【]\s*(\d{4})\s*[〕\]）)】]\s*第?\s*(\d{1,5})\s*号")
ORG_SUFFIX = re.compile(r"(?:厅|部|委|局|院|政府|委员会|办公室|中心|小组|协会|学会|总会|研究所|公司|银行|署|社|办|会|处|室|所)$")
_MASTHEAD_DATE = re.compile(rf"^(\D{{2,30}}?)\s*{_DATE.pattern}$")
_AUTHOR = re.compile(r"^(?:(?:作者|撰稿|课题组)[：:]\s*.+|.{2,24}(?:课题组|调研组|研究组|编写组|写作组))$")
_WRITER = re.compile(r"^[（(]\s*(?:执笔|撰稿)")
_PRINTED = re.compile(rf"^.{{2,40}}?{_DATE.pattern}\s*印发$")
_LAW_DATE_LINE = re.compile(rf"^[（(]?\s*{_DATE.pattern}.{{0,200}}(?:通过|公布|发布|施行|修正|修订|批准|决定)")
_POSTED = re.compile(r"^(\D{2,30}?)\s*\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")  # web page byline
_YEAR_MONTH = re.compile(r"^[（(]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*[）)]?$")
PUBLIC = re.compile(r"^[（(]\s*此件.{0,12}[）)]$|^公开方式[：:]")
_SKIP_TOP = re.compile(r"^(?:签发人|份号|密级|特急|加急|平急|[★☆]|[\dA-Z]{6}$|机密|秘密|公开方式)")
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


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO ``yyyy-mm-dd`` (``2024年4月2日``, ``二〇二四年四月二日``)."""
    m = _DATE.search(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _CN_DATE.search(text)
        if not m:
            return None
        y = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
        mo, d = cn_value(m.group(2)), cn_value(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


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
    n = len(lines)
    body = [True] * n
    texts = [l.text for l in lines]
    orgs: list[str] = []
    date = doc_number = author = None
    title_parts: list[str] = []

    info_end = next((k for k, t in enumerate(texts) if t.strip() == "<!-- INFO END -->"), None)
    i = 0
    if info_end is not None or (n and lines[0].hint == 1 and source.lower().endswith(".md")):
        # markdown law: "# 标题", then its 通过/修正 date lines (the last one dates this version)
        while i < n and lines[i].hint == 1 and len(title_parts) < 3:  # 中华人民共和国民法典 / 物权编
            title_parts.append(texts[i])
            body[i] = False
            i += 1
        title_parts = [" ".join(title_parts)]  # separate "#" lines are separate phrases
        if info_end is None:
            info_end = _info_block_end(lines, i)
        enacted = None
        while i < n and (i <= (info_end or 0) or _LAW_DATE_LINE.match(texts[i])):
            # the version's date: its latest 通过/修正 line; a 施行 line only when there is no other
            if re.search(r"通过|公布|发布|修正|修订|批准|决定", texts[i]):
                date = parse_date(texts[i]) or date
            else:
                enacted = parse_date(texts[i]) or enacted
            body[i] = False
            i += 1
        date = date or enacted
    else:
        limit = min(n, 12)
        width, share = typical_width([l for l in lines if not l.table])
        while i < limit:
            t = texts[i]
            if lines[i].table:
                break
            m = _MASTHEAD_DATE.match(t)
            posted = _POSTED.match(t)
            if posted and ORG_SUFFIX.search(posted.group(1).strip()):
                orgs.append(posted.group(1).strip())  # the page's byline; its time is not the 成文日期
            elif m and not title_parts:
                orgs.append(m.group(1).strip())
                date = parse_date(t)
            elif _is_doc_number_line(t) and not title_parts:
                doc_number = parse_doc_number(t)
            elif not title_parts and (_is_masthead(t) or _SKIP_TOP.match(t)) and len(t) <= 40:
                if _is_masthead(t):
                    org = re.sub(r"\s*文\s*件$", "", t).replace(" ", "")
                    if orgs and org in ("办公厅", "办公室"):  # 南宁市人民政府 / 办 公 厅 文 件
                        orgs[-1] += org
                    else:
                        orgs.append(org)
            elif (not title_parts and ORG_SUFFIX.search(t) and len(t) <= 20
                  and any(_is_doc_number_line(x) for x in texts[i + 1 : i + 3])):
                orgs.append(t)
            elif (is_title_line(t) and len(title_parts) < 4 and lines[i].hint in (None, 0, 1)
                  and not (title_parts and doc_type_of("".join(title_parts)))
                  and not _starts_wrapped_paragraph(texts, i, width if share >= 0.5 else 0.0)):
                title_parts.append(t)
            else:
                break
            body[i] = False
            i += 1
        if not title_parts:  # no title block: the body starts at the top
            for k in range(i):
                body[k] = False
        while i < n and (_AUTHOR.match(texts[i]) or DATE_LINE.match(texts[i]) or _YEAR_MONTH.match(texts[i])):
            if _AUTHOR.match(texts[i]):
                author = texts[i]
            elif _YEAR_MONTH.match(texts[i]):  # ``2016年11月``: a month only, kept as ISO yyyy-mm
                ym = _YEAR_MONTH.match(texts[i])
                date = date or f"{int(ym.group(1)):04d}-{int(ym.group(2)):02d}"
            else:
                date = date or parse_date(texts[i])
            body[i] = False
            i += 1
        if i < n and title_parts and texts[i].endswith(("：", ":")) and len(texts[i]) <= 300 \
                and ("、" in texts[i] or texts[i].startswith("各")):
            body[i] = False  # 主送机关
    top_end = i

    issuers = _read_bottom(texts, body, top_end)
    if issuers["date"]:
        date = issuers["date"]
    signers = issuers["orgs"]
    title = join_title(title_parts) if title_parts else re.sub(r"\.[^.]+$", "", source.replace("\\", "/").split("/")[-1])
    issuer = "、".join(signers or title_issuers(title) or orgs) or None
    meta = DocumentMeta(
        title=title,
        issuer=issuer,
        doc_number=doc_number,
        date=date,
        doc_type=doc_type_of(title),
        author=author,
        pages=pages,
    )
    return MetaSplit(meta=meta, body=tuple(body))


_DATE_START = re.compile(rf"^[（(]?\s*(?:{_DATE.pattern}|{_CN_DATE.pattern}|\d{{4}}-\d{{1,2}}-\d{{1,2}})")
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


def _starts_wrapped_paragraph(texts: list[str], i: int, width: float) -> bool:
    """In wrapped text, a full-width line followed by a body line is the first line of a
    paragraph, not a title line (the news lead of the 2026 一号文件 PDF)."""
    if not width or i + 1 >= len(texts):
        return False
    return display_width(texts[i]) >= width - 2.5 and not is_title_line(texts[i + 1])


def _read_bottom(texts: list[str], body: list[bool], top_end: int) -> dict:
    n = len(texts)
    orgs: list[str] = []
    date = None
    start_tail = max(top_end, int(n * 0.6))
    for k in range(start_tail, n):  # distribution block and 印发 line run to the end
        if is_distribution_line(texts[k]) or _PRINTED.match(texts[k]):
            for j in range(k, n):
                body[j] = False
            n = k
            break
    while n > top_end and PUBLIC.match(texts[n - 1]):  # 公开方式：主动公开 / （此件公开发布）
        body[n - 1] = False
        n -= 1
    for k in range(max(top_end, n - 12), n):  # （执笔：…）
        if _WRITER.match(texts[k]):
            j = k
            while j < n and body[j]:
                body[j] = False
                if texts[j].endswith(("）", ")")):
                    break
                j += 1
            n = min(n, k)
            break
    last = n - 1
    while last >= top_end and not body[last]:
        last -= 1
    if last >= top_end and DATE_LINE.match(texts[last]) and last > top_end:
        date = parse_date(texts[last])
        body[last] = False
        k = last - 1
        while k >= top_end and len(texts[k]) <= 30 and ORG_SUFFIX.search(texts[k]) and not ends_sentence(texts[k]):
            orgs.insert(0, texts[k])
            body[k] = False
            k -= 1
    return {"date": date, "orgs": orgs}
