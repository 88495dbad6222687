"""Character classes and text forms shared by ``ingest`` and ``index``: a leaf module that
imports nothing from the project, so any module may use it without creating a cycle.

- ``CJK_IDEOGRAPHS``: the Han ideograph blocks (Extension A, Unified, Compatibility);
  ``CJK`` adds the ideographic zero ``〇`` (a digit in ``二〇二四年``); ``HAN_BASIC`` is the
  main Unified block alone (what GB2312/GBK text and 发文字号 organ names are drawn from).
- ``CJK_PUNCT``: Chinese punctuation and brackets, CJK context for spacing rules.
- ``SENTENCE_END`` / ``CLOSERS``: what ends a sentence and what may follow its mark.
- ``match_form``: the form used for exact-phrase matching (index and tests use it too).
- ``display_width``: a line's printed width in em.
- ``shown``: a file name or argument safe to print on one line (control characters escaped).
"""
from __future__ import annotations

import re
import unicodedata

CJK_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = CJK_IDEOGRAPHS + "\u3007"
HAN_BASIC = "\u4e00-\u9fff"
# Chinese punctuation and brackets count as CJK context for spacing rules.
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018\u2019\u201c\u201d\u2026"

SENTENCE_END = "。！？；：!?;"
CLOSERS = "”’」』）)】》"
# Marks that end a sentence inside a line (a colon introduces, it does not end).
INNER_END = "。！？；!?;"
_SENT_END_RE = re.compile(rf"[{SENTENCE_END}:][{CLOSERS}]*$")

_MATCH_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "〔": "(", "〕": ")", "【": "(", "】": ")",
                               "[": "(", "]": ")", "“": '"', "”": '"', "‘": "'", "’": "'", "、": ","})


def match_form(text: str) -> str:
    """Return the form used for exact-phrase matching: NFKC, case-folded, no whitespace,
    one form for dashes, brackets and quotes. Apply it to both the phrase and the text."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_MATCH_DASHES)
    return re.sub(r"\s+", "", text)


def ends_sentence(text: str) -> bool:
    """True when the text ends with sentence-final punctuation (closing quotes allowed after it)."""
    return bool(_SENT_END_RE.search(text.rstrip()))


def display_width(text: str) -> float:
    """Width in em: CJK and full-width characters 1, ASCII 0.5, spaces 0.25."""
    width = 0.0
    for ch in text:
        if ch == " ":
            width += 0.25
        elif ord(ch) < 128:
            width += 0.5
        else:
            width += 1.0
    return width


# control, format (bidi overrides, zero-width), surrogate and line/paragraph-separator characters;
# an ideographic space (Zs) stays as it is
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def shown(text: object) -> str:
    """``text`` safe to print on one line: control characters (newlines, escapes), bidi overrides
    and lone surrogates (undecodable bytes of a file name or argv) as Python escapes."""
    s = str(text)
    if s.isprintable():
        return s
    return "".join(repr(c)[1:-1] if unicodedata.category(c) in _HIDDEN else c for c in s)
