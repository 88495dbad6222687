"""Fusion experiments: KB modes as components, two components fused by the product's ``fuse``
(``fuse:METHOD:PARAM:LEX:DENSE``), and queries stripped of question words (``NAME+strip``)."""
from __future__ import annotations

import re

from evaluation.peers.base import ClauseSet, Peer, Ranked
from index.records import Scored
from index.fusion import SearchSettings, fuse

FUSION_METHODS = ("rrf", "minmax")


class KBComponent(Peer):
    """A KB search mode as a ranking over ClauseSet positions (for fusion experiments)."""

    def __init__(self, clauses: ClauseSet, kb, mode: str):
        super().__init__(clauses)
        self.name = mode
        self.kb, self.mode = kb, mode
        self.pos_of = {cid: i for i, cid in enumerate(clauses.clause_ids)}

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        out = []
        for hits in self.kb.batch_search(queries, k=k, mode=self.mode):
            keep = [h for h in hits if h.clause_id in self.pos_of]
            out.append(Ranked(tuple(self.pos_of[h.clause_id] for h in keep), tuple(h.score for h in keep)))
        return out


def fusion_settings(method: str, param: float) -> SearchSettings:
    """The product's SearchSettings for one ``fuse:`` peer: ``rrf`` with ``rrf_k`` = param (the
    product's weights), or ``minmax`` with lexical weight param and dense weight 1 − param."""
    if method == "rrf":
        return SearchSettings(fusion="rrf", rrf_k=param)
    if method == "minmax":
        return SearchSettings(fusion="minmax", lexical_weight=param, dense_weight=1.0 - param)
    raise ValueError(f"unknown fusion method {method!r}; use rrf or minmax")


def _scored(r: Ranked) -> list[Scored]:
    """A ranking as the product's fusion input: positions stand in for clause ids."""
    return [Scored(clause_id=p, score=s) for p, s in zip(r.positions, r.scores)]


class FusedPeer(Peer):
    """A lexical and a dense component fused by the product's ``fuse`` (what ``hybrid`` ships):
    ``rrf`` (param = k) or ``minmax`` (param = lexical weight); each component contributes the
    product's candidate depth (``SearchSettings.candidates``)."""

    def __init__(self, clauses: ClauseSet, lex: Peer, dense: Peer, *, method: str, param: float, name: str):
        super().__init__(clauses)
        self.settings = fusion_settings(method, param)
        self.lex, self.dense, self.method, self.param, self.name = lex, dense, method, param, name

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        depth = self.settings.candidates
        out = []
        for a, b in zip(self.lex.ranked(queries, depth), self.dense.ranked(queries, depth)):
            best = fuse(_scored(a), _scored(b), settings=self.settings)[:k]
            out.append(Ranked(tuple(s.clause_id for s in best), tuple(s.score for s in best)))
        return out


# Question scaffolding that carries no topic: the query-handling experiment ``NAME+strip``.
QUESTION_WORDS = ("请问", "为什么", "怎么办", "怎么样", "怎么", "怎样", "如何", "是否", "能否", "能不能", "可不可以",
                  "可以吗", "哪些", "哪个", "哪里", "多少", "什么", "有没有", "是不是", "需要", "应该", "应当",
                  "吗", "呢", "吧", "我们", "我", "你")


def strip_question(query: str) -> str:
    """``query`` without question words and punctuation (kept whole when nothing would remain)."""
    out = query
    for w in QUESTION_WORDS:
        out = out.replace(w, " ")
    out = re.sub(r"[？?！!。，,、；;：:]+", " ", out)
    out = " ".join(out.split())
    return out or query


class StrippedPeer(Peer):
    """Another peer, fed queries with the question scaffolding removed (``strip_question``)."""

    def __init__(self, clauses: ClauseSet, inner: Peer):
        super().__init__(clauses)
        self.inner, self.name = inner, inner.name + "+strip"

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        return self.inner.ranked([strip_question(q) for q in queries], k)
