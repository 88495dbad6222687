"""Splitting a draft (a sentence, a paragraph or a page) into sentences with their offsets.

A sentence ends at 。！？!? (closing quotes and brackets after the mark stay with it) or at a
line break; a piece longer than ``LONG_SENTENCE`` characters is cut again at ；/; so that a
long enumeration is looked up part by part (a precedent usually repeats one part, not the
whole list). Offsets are ``[start, end)`` into the input, so ``text[start:end] == sentence``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.records import KBError

MAX_CHARS = 20_000  # the longest draft the finder takes (a page is ~5,000 characters)
LONG_SENTENCE = 120  # above this, a sentence is also cut at semicolons
_END = re.compile(r"[。！？!?]+[”’」』）)】〕]*|\n+")
_SEMI = re.compile(r"[；;]+[”’」』）)】〕]*")
_WORD = re.compile(r"[\w\u3400-\u9fff]")


class TextTooLong(KBError):
    """The draft is longer than ``MAX_CHARS``."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of the draft: its text and its ``[start, end)`` offsets in the draft."""

    text: str
    start: int
    end: int


def _pieces(text: str, pattern: re.Pattern, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut after each match of ``pattern`` (the mark stays with the piece before it)."""
    out, pos = [], start
    for m in pattern.finditer(text, start, end):
        out.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of ``text`` with offsets; pieces without a letter, digit or CJK character
    (stray punctuation, blank lines) are dropped. Raises TextTooLong above ``MAX_CHARS``."""
    if len(text) > MAX_CHARS:
        raise TextTooLong(f"the text has {len(text):,} characters; the precedent finder takes at most "
                          f"{MAX_CHARS:,}: split it into parts and look them up one after the other")
    out: list[Sentence] = []
    for start, end in _pieces(text, _END, 0, len(text)):
        start, end = _trimmed(text, start, end)
        parts = _pieces(text, _SEMI, start, end) if end - start > LONG_SENTENCE else [(start, end)]
        for s, e in parts:
            s, e = _trimmed(text, s, e)
            if _WORD.search(text, s, e):
                out.append(Sentence(text=text[s:e], start=s, end=e))
    return tuple(out)
