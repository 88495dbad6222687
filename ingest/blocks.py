"""Blocks inside the body that are not clauses: the signature of a covering notice and the
titles of the documents attached to it.

A 印发通知 (``南宁市人民政府办公厅关于印发…规划的通知``) signs off in the middle of the file
(issuer lines, a standalone date, ``（此件主动公开）``) and then the attached plan starts with
its own title. The signature is metadata (成文日期, 发文机关); the attached title, and each
``附件`` title further down, becomes a top-level heading (reader hint 0) so that the clauses
below it are addressed to the attachment rather than to the notice's last item.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ingest.dates import DATE_LINE, parse_date
from ingest.furniture import is_public_line
from ingest.metadata import ORG_SUFFIX, is_title_line, join_title
from ingest.normalize import SourceLine
from ingest.text import ends_sentence

_ANNEX = re.compile(r"^附\s*件\s*\d{0,2}\s*[：:]?$")
_MAX_TITLE_LINES = 4


@dataclass(frozen=True)
class InnerBlocks:
    """The body lines with inner signatures removed and attachment titles folded into
    heading lines; the first inner signature's date and issuers."""

    lines: tuple[SourceLine, ...]
    date: str | None = None
    issuers: tuple[str, ...] = ()


def is_org_line(text: str) -> bool:
    """A signature line of issuing organs: ``海南省农业农村厅 海南省财政厅``."""
    names = text.split()
    return 0 < len(text) <= 40 and not ends_sentence(text) and all(
        len(n) >= 3 and ORG_SUFFIX.search(n) for n in names)


def _title_run(texts: Sequence[str], start: int) -> int:
    """The end of the run of title lines starting at ``start``."""
    end = start
    while end < len(texts) and end - start < _MAX_TITLE_LINES and is_title_line(texts[end]) \
            and not DATE_LINE.match(texts[end]):
        end += 1
    return end


def fold_inner_blocks(lines: Sequence[SourceLine]) -> InnerBlocks:
    """Remove inner signatures and turn attachment titles into top-level heading lines."""
    lines = list(lines)
    texts = [l.text for l in lines]
    out: list[SourceLine] = []
    date, issuers = None, ()
    k = 0
    while k < len(lines):
        t = texts[k]
        if _ANNEX.match(t) or (DATE_LINE.match(t) and 0 < k < len(lines) - 1):
            head = k
            orgs: list[str] = []
            if not _ANNEX.match(t):
                while out and len(orgs) < 3 and is_org_line(out[-1].text):
                    orgs.insert(0, out.pop().text)
                if not (orgs or (out and ends_sentence(out[-1].text))):  # a date inside the text
                    out.append(lines[k])
                    k += 1
                    continue
                date = date or parse_date(t)
                issuers = issuers or tuple(n for o in orgs for n in o.split())
                k += 1
                while k < len(lines) and is_public_line(texts[k]):
                    k += 1
                head = k
                prefix = ""
            else:
                prefix = re.sub(r"\s+", "", t).rstrip("：:")
                k += 1
            end = _title_run(texts, k)
            if end > k or prefix:
                title = " ".join(x for x in (prefix, join_title(texts[k:end]) if end > k else "") if x)
                out.append(SourceLine(text=title, page=lines[min(head, len(lines) - 1)].page, hint=0))
                k = end
            continue
        out.append(lines[k])
        k += 1
    return InnerBlocks(lines=tuple(out), date=date, issuers=issuers)
