"""Heading patterns of Chinese official documents: which kind of number starts a line.

Kinds: ``bian`` 第X编/篇/部分, ``zhang`` 第X章, ``jie`` 第X节, ``tiao`` 第X条, ``cn`` 一、,
``pcn`` （一）, ``num`` 1./1．, ``pnum`` （1）, ``circ`` ①, ``lead`` ——引领语。, and ``named``
for unnumbered section names that stand at the top level (前言, 序言, 结束语, 附则…).
"""
from __future__ import annotations

import re

from ingest.normalize import ENUM_START

_CN = "一二三四五六七八九十百千零〇两"
_NUM = rf"[{_CN}\d]+"
# (kind, pattern of the number prefix); order matters: 第X条 before the generic ones.
HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bian", re.compile(rf"^第{_NUM}(?:[编篇]|部分)(?=[\s　]|$|[^\s的中])")),
    ("zhang", re.compile(rf"^第{_NUM}章(?=[\s　]|$|[^\s的中])")),
    ("jie", re.compile(rf"^第{_NUM}节(?=[\s　]|$|[^\s的中])")),
    ("tiao", re.compile(rf"^第{_NUM}条(?:之[{_CN}]+)?(?=[\s　]|$|[^\s的规所至、，,和或中第之及])")),
    ("cn", re.compile(rf"^[{_CN}]{{1,4}}(?:、|[．.](?!\d))")),  # 一、2023年… is a heading; 一.5 is not
    ("pcn", re.compile(rf"^[（(][{_CN}]{{1,4}}[）)]")),
    ("num", re.compile(r"^\d{1,2}[.．、](?![\d.．])")),
    ("pnum", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circ", re.compile(r"^[①-⑳]")),
)
LEAD = re.compile(r"^——(.{2,30}?)(?:[。：:]|$)")
# A section name on a line of its own; the spaced form ``前 言`` occurs in extracted text.
_NAMED = re.compile(r"^(?:前\s*言|序\s*言|引\s*言|导\s*言|结\s*束\s*语|结\s*语|后\s*记|附\s*则|附\s*录)$")


def heading_kind(text: str) -> str | None:
    """The heading kind of a paragraph's number prefix (``"pcn"`` for ``（五）…``), or None."""
    for kind, pattern in HEADINGS:
        if pattern.match(text):
            return kind
    if LEAD.match(text):
        return "lead"
    if _NAMED.match(text):
        return "named"
    return None


def heading_number(text: str) -> str:
    """The number prefix of a heading: ``"三、优化…"`` → ``"三、"``, ``"（五）培育…"`` →
    ``"（五）"``, ``"第三章 总则"`` → ``"第三章"``, ``"1．加快…"`` → ``"1．"``; "" when none."""
    for _, pattern in HEADINGS:
        m = pattern.match(text)
        if m:
            return m.group()
    return ""


def is_marker(text: str) -> bool:
    """True when a line starts a heading, an article, a lead-in or an enumerated point."""
    return heading_kind(text) is not None or bool(ENUM_START.match(text))


def cn_value(numeral: str) -> int:
    """The value of a small Chinese numeral (``十二`` → 12, ``三十`` → 30)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + digits.get(numeral[1:], 0)
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return digits.get(tens, 0) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(numeral, 0)
