"""Citations of a clause in three styles: ``plain`` (the result line), ``gongwen`` (inside an
official document) and ``gbt7714`` (a reference-list entry after GB/T 7714-2015).

``gongwen``: ``《关于加强个人所得税纳税信用建设的通知》（发改办财金规〔2019〕860号）三、（一）`` —
the title in 《》 (a 《》 inside it becomes 〈〉), the 发文字号 in （） when known, then the
clause's address: the heading numbers of its section path and its own label (``第三条``).

``gbt7714``: ``主要责任者. 题名: 文号[类型]. 日期: 页码.`` —
- 主要责任者: the 发文机关 (joined 机关 split at 、, at most three, then ``等``), else the
  author line; for a report (``R``) the author line first (a 课题组 wrote it, the 机关 issued
  it); omitted when neither is known (allowed in a numbered reference list).
- 题名: the title; the 发文字号 follows as 其他题名信息 after ``: ``, as in the standard's own
  example of a 通知 (``…的通知: 京政办发〔2005〕37号[A/OL]``).
- 类型 (文献类型标识), from the 文种 (``TYPE_CODES``; README "引用格式" says why): ``A`` (档案)
  for 公文 and laws, ``R`` (报告) for reports and studies, ``S`` (标准) for standards, ``Z``
  (其他) when the 文种 is unknown and there is no 文号. No carrier code (``/OL``): the KB holds
  the file, not its web address, and ``/OL`` requires the address.
- 日期: the 成文日期 in full (``2019-08-20``), in the 出版年 place; 页码: the clause's page(s)
  (``3`` or ``3-4``) when the format has pages. 出版地 and 出版者 are not known for a file and
  are left out; without a date the entry ends after the type.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Iterable, Protocol

from index.hits import citation
from index.records import ClauseRow, DocumentRow, KBError
from ingest.headings import heading_number


class CiteStyle(StrEnum):
    """Citation styles."""

    PLAIN = "plain"  # 《标题》三、（五）（发文字号）第N页: the result line
    GONGWEN = "gongwen"  # 《标题》（发文字号）三、（五）: inside an official document
    GBT7714 = "gbt7714"  # GB/T 7714-2015 reference-list entry


class ClauseNotFound(KBError):
    """A clause id that the KB does not hold."""


class Addressed(Protocol):
    """What a citation needs of a clause (ClauseRow, Hit and Precedent all have it)."""

    path: tuple[str, ...]
    label: str
    page_start: int | None
    page_end: int | None


A_TYPES = ("规划", "方案", "意见", "通知", "通报", "细则", "办法", "条例", "规定", "决定", "决议", "纲要", "计划",
           "要点", "指南", "公告", "通告", "批复", "纪要", "解释", "规则", "函", "法")
R_TYPES = ("报告", "建议", "决算", "预算")
TYPE_CODES: dict[str, str] = {**{t: "A" for t in A_TYPES}, **{t: "R" for t in R_TYPES}, "标准": "S"}
MAX_AUTHORS = 3  # GB/T 7714-2015 8.1.2: three names, then 等


def address(clause: Addressed) -> str:
    """The heading numbers of the clause's path and its own label: ``三、（一）``, ``第三条``."""
    numbers = [n for n in (heading_number(p) for p in clause.path) if n]
    if clause.label and (not numbers or numbers[-1] != clause.label):
        numbers.append(clause.label)
    return "".join(numbers)


def gongwen(clause: Addressed, document: DocumentRow) -> str:
    """《标题》（发文字号）+ address; without （…） when the 发文字号 is unknown."""
    title = document.title.replace("《", "〈").replace("》", "〉")
    number = f"（{document.doc_number}）" if document.doc_number else ""
    return f"《{title}》{number}{address(clause)}"


def type_code(document: DocumentRow) -> str:
    """The GB/T 7714 文献类型标识 for the document's 文种 (see ``TYPE_CODES``)."""
    if document.doc_type in TYPE_CODES:
        return TYPE_CODES[document.doc_type]
    if document.doc_number:
        return "A"  # an unnamed 文种 with a 发文字号 is still a 公文
    return "R" if document.author else "Z"


def authors(document: DocumentRow) -> str:
    """主要责任者: the 发文机关 (split at 、，, at most three, then 等) or the author line (first for
    a report); "" if neither."""
    first, second = (document.author, document.issuer) if type_code(document) == "R" else \
        (document.issuer, document.author)
    source = first or second or ""
    names = [n.strip() for n in source.replace("，", "、").replace(",", "、").split("、") if n.strip()]
    if len(names) > MAX_AUTHORS:
        return ", ".join(names[:MAX_AUTHORS]) + ", 等"
    return ", ".join(names)


def pages(clause: Addressed) -> str:
    """``3`` or ``3-4`` (GB/T 7714 page range), "" for formats without pages."""
    if clause.page_start is None:
        return ""
    if clause.page_end is None or clause.page_end == clause.page_start:
        return str(clause.page_start)
    return f"{clause.page_start}-{clause.page_end}"


def gbt7714(clause: Addressed, document: DocumentRow) -> str:
    """A GB/T 7714-2015 reference entry (format in the module docstring)."""
    head = f"{authors(document)}. " if authors(document) else ""
    title = document.title + (f": {document.doc_number}" if document.doc_number else "")
    entry = f"{head}{title}[{type_code(document)}]"
    if document.date:
        entry += f". {document.date}" + (f": {pages(clause)}" if pages(clause) else "")
    return entry + "."


def cite(clause: Addressed, document: DocumentRow, style: CiteStyle | str = CiteStyle.PLAIN) -> str:
    """The citation of ``clause`` (of ``document``) in ``style``."""
    style = CiteStyle(style)
    if style == CiteStyle.GONGWEN:
        return gongwen(clause, document)
    if style == CiteStyle.GBT7714:
        return gbt7714(clause, document)
    return citation(title=document.title, path=clause.path, label=clause.label, doc_number=document.doc_number,
                    page_start=clause.page_start, page_end=clause.page_end)


class ReadsClauses(Protocol):
    """What ``lookup`` needs of a KnowledgeBase."""

    def context(self, clause_id: int, n: int = 2) -> list[ClauseRow]: ...

    def documents(self) -> list[DocumentRow]: ...


def lookup(kb: ReadsClauses, clause_ids: Iterable[int]) -> list[tuple[ClauseRow, DocumentRow]]:
    """Each clause with its document, in the order given; ClauseNotFound names the first unknown id."""
    docs = {d.doc_id: d for d in kb.documents()}
    out = []
    for cid in clause_ids:
        row = next((r for r in kb.context(cid, n=0) if r.clause_id == cid), None)
        if row is None or row.doc_id not in docs:
            raise ClauseNotFound(f"no clause {cid} in the knowledge base: take an id from "
                                 f"`python -m index search ... --json` or `python -m index similar ... --json`")
        out.append((row, docs[row.doc_id]))
    return out
