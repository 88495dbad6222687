"""Kinds of documents that ranking treats differently, and the facts about candidate clauses
(length, document kind) the learned fusion reads.

An **amendment** (《…关于修改…的决定》, 《…修正案》) is a collection of short quoted snippets
(``将第十条修改为：“…”``) of the laws it amends: its clauses share words with a question about
the amended article but are not the article. Its clauses carry the kind as a ranking feature
(``index.learned``) so they fall below the articles they amend. A title that only names an
amendment inside 《》 (``最高人民法院关于《刑法修正案（八）》时间效力问题的解释``) is not one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable

from index.sql_dialect import select_in


class DocKind(StrEnum):
    """What a document is, for ranking."""

    ARTICLES = "articles"
    AMENDMENT = "amendment"


_QUOTED = re.compile(r"《[^》]*》|〈[^〉]*〉")
_AMENDMENT = re.compile(r"关于修[改订].*的决定$|修正案")


def doc_kind(title: str) -> DocKind:
    """The kind of a document by its title (text inside 《》 does not count)."""
    bare = _QUOTED.sub("", title)
    if _AMENDMENT.search(bare):
        return DocKind.AMENDMENT
    return DocKind.ARTICLES


@dataclass(frozen=True)
class ClauseFacts:
    """What ranking needs to know about a clause beyond its scores."""

    length: int
    kind: DocKind


def clause_facts(db, ids: Iterable[int]) -> dict[int, ClauseFacts]:
    """id -> length and document kind, read from the store's connection (one query per 900 ids)."""
    q = "SELECT c.id, length(c.text), d.title FROM clauses c JOIN documents d ON d.id=c.doc_id WHERE c.id IN ({marks})"
    return {cid: ClauseFacts(length=int(length), kind=doc_kind(title)) for cid, length, title in select_in(db, q, ids)}
