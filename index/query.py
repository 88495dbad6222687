"""Query syntax: space-separated terms, ``"exact phrase"`` (must appear verbatim),
``-词`` (excludes clauses containing 词)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import match_form

# Straight and Chinese quotes both delimit a phrase (webui.render.query_terms reads queries with it too).
TOKEN = re.compile(r'-?"([^"]*)"|-?“([^”]*)”|-?「([^」]*)」|\S+')


@dataclass(frozen=True)
class ParsedQuery:
    """A query split into ranking terms, required phrases and excluded words (match form)."""

    raw: str
    terms: tuple[str, ...]  # free terms, as typed
    phrases: tuple[str, ...]  # must appear verbatim (match form)
    excluded: tuple[str, ...]  # clauses containing any of these are dropped (match form)

    @property
    def text(self) -> str:
        """The text to embed: terms and phrases, without operators."""
        return " ".join(self.terms + self.phrases)

    @property
    def match_text(self) -> str:
        """The text for the lexical index: each term in match form, space-separated."""
        return " ".join(match_form(t) for t in self.terms + self.phrases)


def parse_query(query: str) -> ParsedQuery:
    """Split ``query`` into terms, ``"phrases"`` and ``-exclusions``."""
    terms: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    for m in TOKEN.finditer(query):
        tok = m.group(0)
        quoted = next((g for g in m.groups() if g is not None), None)
        if quoted is not None:
            body = match_form(quoted.strip())
            if not body:
                continue
            (excluded if tok.startswith("-") else phrases).append(body)
        elif tok.startswith("-") and len(tok) > 1:
            excluded.append(match_form(tok[1:]))
        elif tok != "-":
            terms.append(tok)
    return ParsedQuery(raw=query, terms=tuple(terms), phrases=tuple(phrases), excluded=tuple(excluded))
