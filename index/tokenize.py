"""Tokenisers for the lexical index: callables ``str -> list[str]``.

``bigram`` (the default) cuts runs of CJK characters into overlapping character
bigrams and keeps ASCII words and numbers whole; on the seed documents it beats
jieba words for BM25. The jieba variants are here so the choice can be measured.
"""
from __future__ import annotations

import re
from typing import Callable

from ingest.text import CJK_IDEOGRAPHS as CJK  # the CJK ideograph blocks, as a regex class body

Tokenizer = Callable[[str], list[str]]

_RUN = re.compile(rf"[{CJK}]+|[A-Za-z0-9]+(?:\.[0-9]+)?")
_CJK_RUN = re.compile(rf"[{CJK}]+")


def bigram(text: str) -> list[str]:
    """CJK character bigrams (a lone CJK character stays a unigram) plus whole ASCII words/numbers."""
    out: list[str] = []
    for m in _RUN.finditer(text):
        run = m.group()
        if _CJK_RUN.fullmatch(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


def _jieba():
    import jieba

    jieba.setLogLevel(60)
    return jieba


def _keep(tokens) -> list[str]:
    # jieba yields punctuation and spaces as tokens; BM25 only wants words and numbers.
    return [t.lower() for t in tokens if _RUN.search(t)]


def jieba_words(text: str) -> list[str]:
    """jieba precise-mode words (``jieba.lcut``), punctuation dropped."""
    return _keep(_jieba().lcut(text))


def jieba_search(text: str) -> list[str]:
    """jieba search-mode words (``cut_for_search``: long words plus their sub-words)."""
    return _keep(_jieba().lcut_for_search(text))


def mixed(text: str) -> list[str]:
    """jieba words of two or more characters plus character bigrams."""
    words = [w for w in jieba_words(text) if len(w) > 1 and _CJK_RUN.fullmatch(w)]
    return bigram(text) + ["w:" + w for w in words]


TOKENIZERS: dict[str, Tokenizer] = {
    "bigram": bigram,
    "jieba_words": jieba_words,
    "jieba_search": jieba_search,
    "mixed": mixed,
}


def get_tokenizer(name: str) -> Tokenizer:
    """Return the tokeniser called ``name``; ValueError lists the known names."""
    try:
        return TOKENIZERS[name]
    except KeyError:
        raise ValueError(f"unknown tokenizer {name!r}; choose one of {', '.join(TOKENIZERS)}") from None


def query_words(text: str) -> list[str]:
    """Words of a query term for highlighting (jieba search mode, punctuation dropped);
    ``index.query.ParsedQuery`` calls it once per term."""
    return [w for w in jieba_search(text) if w.strip()]


def segment_words(text: str) -> list[str]:
    """jieba precise-mode words of ``text`` as they are (what the page shows as 分词结果)."""
    return _jieba().lcut(text)
