"""The query parser: the one definition of "the words of a query".

Syntax: space-separated terms, ``"exact phrase"`` (also “…” and 「…」; must appear
verbatim), ``-词`` (excludes clauses containing 词). ``parse_query`` yields every form the
rest of the program uses:

- ``match_text``: the terms and phrases in match form, for BM25 (the lexical index's tokeniser
  cuts it into bigrams);
- ``phrases`` / ``excluded`` (match form) and ``cjk_runs`` of each, for the phrase lookup;
- ``text``: what is embedded;
- ``term_words``: each term's jieba words, for highlighting a hit that lacks the whole term
  (computed once per query, on first use);
- ``shown``: the terms and phrases as typed, for highlighting in the document view, and
  ``segmented``: their jieba words, shown when nothing is found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from index.tokenize import CJK, query_words, segment_words
from ingest.text import match_form

TOKEN = re.compile(r'-?"([^"]*)"|-?“([^”]*)”|-?「([^」]*)」|\S+')
_CJK_RUNS = re.compile(rf"[{CJK}]{{2,}}")


def cjk_runs(needle: str) -> list[str]:
    """The runs of two or more CJK characters in ``needle`` (each is cut into bigrams by the lexical index)."""
    return _CJK_RUNS.findall(needle)


@dataclass(frozen=True)
class ParsedQuery:
    """A query split into ranking terms, required phrases, excluded words and the words shown."""

    raw: str
    terms: tuple[str, ...]  # free terms, as typed
    phrases: tuple[str, ...]  # must appear verbatim (match form)
    excluded: tuple[str, ...]  # clauses containing any of these are dropped (match form)
    shown: tuple[str, ...] = ()  # terms and phrases as typed, in order (exclusions left out)

    @property
    def text(self) -> str:
        """The text to embed: terms and phrases, without operators."""
        return " ".join(self.terms + self.phrases)

    @property
    def match_text(self) -> str:
        """The text for the lexical index: each term in match form, space-separated."""
        return " ".join(match_form(t) for t in self.terms + self.phrases)

    @cached_property
    def term_words(self) -> tuple[tuple[str, ...], ...]:
        """Per term, its jieba search-mode words of two or more characters."""
        return tuple(tuple(w for w in query_words(t) if len(w) > 1) for t in self.terms)

    @cached_property
    def segmented(self) -> tuple[str, ...]:
        """jieba's words of the shown terms (the page's 分词结果 when nothing is found)."""
        return tuple(w for w in segment_words(" ".join(self.shown)) if w.strip())

    def matched_in(self, text: str) -> tuple[str, ...]:
        """The phrases and terms (or, failing a whole term, its words) that occur in ``text``,
        longest first, without a word already covered by a longer one: what a hit highlights."""
        found = [p for p in self.phrases if p in text]
        for term, words in zip(self.terms, self.term_words):
            if term in text:
                found.append(term)
            else:
                found += [w for w in words if w in text]
        uniq = sorted(set(found), key=lambda s: (-len(s), s))
        return tuple(w for i, w in enumerate(uniq) if not any(w in longer for longer in uniq[:i]))


def parse_query(query: str) -> ParsedQuery:
    """Split ``query`` into terms, ``"phrases"``, ``-exclusions`` and the words shown."""
    terms: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    shown: list[str] = []
    for m in TOKEN.finditer(query):
        tok = m.group(0)
        quoted = next((g for g in m.groups() if g is not None), None)
        if not tok.startswith("-"):
            as_typed = (tok if quoted is None else quoted).strip()
            if as_typed:
                shown.append(as_typed)
        if quoted is not None:
            body = match_form(quoted.strip())
            if not body:
                continue
            (excluded if tok.startswith("-") else phrases).append(body)
        elif tok.startswith("-") and len(tok) > 1:
            excluded.append(match_form(tok[1:]))
        elif tok != "-":
            terms.append(tok)
    return ParsedQuery(raw=query, terms=tuple(terms), phrases=tuple(phrases), excluded=tuple(excluded),
                       shown=tuple(shown))
