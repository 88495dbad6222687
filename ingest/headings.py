"""Heading patterns of Chinese official documents: which kind of number starts a line.

``HeadingKind`` names every kind the segmenter knows: the numbered ones (第X编/篇/部分,
第X章, 第X节, 第X条, 一、, （一）, 1./1．, （1）, ①), the ``——引领语。`` lead-in, ``NAMED``
for unnumbered section names that stand at the top level (前言, 序言, 结束语, 附则…), and
``H0``…``H9`` for a heading level the reader found in the source format (DOCX styles,
Markdown ``#``; ``H0`` is a title, e.g. an attached document's).
"""
from __future__ import annotations

import re
from enum import StrEnum


class HeadingKind(StrEnum):
    """The kind of a heading; a ``str``, so ``HeadingKind.PCN == "pcn"``."""

    BIAN = "bian"  # 第X编 / 第X篇 / 第X部分
    ZHANG = "zhang"  # 第X章
    JIE = "jie"  # 第X节
    TIAO = "tiao"  # 第X条 (an article)
    CN = "cn"  # 一、
    PCN = "pcn"  # （一）
    NUM = "num"  # 1. / 1．
    PNUM = "pnum"  # （1）
    CIRC = "circ"  # ①
    LEAD = "lead"  # ——引领语。
    NAMED = "named"  # 前言, 结束语, 附则…
    H0 = "h0"
    H1 = "h1"
    H2 = "h2"
    H3 = "h3"
    H4 = "h4"
    H5 = "h5"
    H6 = "h6"
    H7 = "h7"
    H8 = "h8"
    H9 = "h9"

    @classmethod
    def from_hint(cls, level: int) -> HeadingKind:
        """The kind of a reader's heading level (``0`` → ``H0``, ``2`` → ``H2``).

        Word's outline and list levels give at most 9 and Markdown 6; a deeper level (a
        malformed file) shares ``H9``.
        """
        return cls(f"h{min(max(level, 0), 9)}")

    @property
    def is_hint(self) -> bool:
        """True for a level given by the source format (``H0``…``H9``), not by a number."""
        return self.value.startswith("h")

    @property
    def is_statute(self) -> bool:
        """True for the structure of a law: 编, 章, 节, 条."""
        return self in STATUTE_ORDER


# 编 > 章 > 节 > 条, the order a law nests them in.
STATUTE_ORDER: tuple[HeadingKind, ...] = (HeadingKind.BIAN, HeadingKind.ZHANG, HeadingKind.JIE, HeadingKind.TIAO)

_CN = "一二三四五六七八九十百千零〇两"
_NUM = rf"[{_CN}\d]+"
# (kind, pattern of the number prefix); order matters: 第X条 before the generic ones.
HEADINGS: tuple[tuple[HeadingKind, re.Pattern[str]], ...] = (
    (HeadingKind.BIAN, re.compile(rf"^第{_NUM}(?:[编篇]|部分)(?=[\s　]|$|[^\s的中])")),
    (HeadingKind.ZHANG, re.compile(rf"^第{_NUM}章(?=[\s　]|$|[^\s的中])")),
    (HeadingKind.JIE, re.compile(rf"^第{_NUM}节(?=[\s　]|$|[^\s的中])")),
    (HeadingKind.TIAO, re.compile(rf"^第{_NUM}条(?:之[{_CN}]+)?(?=[\s　]|$|[^\s的规所至、，,和或中第之及])")),
    (HeadingKind.CN, re.compile(rf"^[{_CN}]{{1,4}}(?:、|[．.](?!\d))")),  # 一、2023年… is a heading; 一.5 is not
    (HeadingKind.PCN, re.compile(rf"^[（(][{_CN}]{{1,4}}[）)]")),
    (HeadingKind.NUM, re.compile(r"^\d{1,2}[.．、](?![\d.．])")),
    (HeadingKind.PNUM, re.compile(r"^[（(]\d{1,2}[）)]")),
    (HeadingKind.CIRC, re.compile(r"^[①-⑳]")),
)
LEAD = re.compile(r"^——(.{2,30}?)(?:[。：:]|$)")
# An enumerated point: ``一是…``, ``二是…``.
ENUM_START = re.compile(r"^[一二三四五六七八九十]{1,3}是")
# A section name on a line of its own; the spaced form ``前 言`` occurs in extracted text.
_NAMED = re.compile(r"^(?:前\s*言|序\s*言|引\s*言|导\s*言|结\s*束\s*语|结\s*语|后\s*记|附\s*则|附\s*录)$")


def heading_kind(text: str) -> HeadingKind | None:
    """The heading kind of a paragraph's number prefix (``PCN`` for ``（五）…``), or None."""
    for kind, pattern in HEADINGS:
        if pattern.match(text):
            return kind
    if LEAD.match(text):
        return HeadingKind.LEAD
    if _NAMED.match(text):
        return HeadingKind.NAMED
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
