"""Named documents and expansions at search time: the analyser of a KB (its document names and the
lexicon, rebuilt when the database generation changes), and the boost a named document's clauses get."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from index.analyse import LEXICON_FILE, DocumentNames, Lexicon, QueryAnalyser, load_lexicon
from index.backend import IndexBackend
from index.records import Scored
from index.store_api import StoreAPI
from ingest.text import match_form

LOCAL_LEXICON = "lexicon.tsv"  # in the KB directory: the KB's own word<TAB>term<TAB>weight pairs


class NamedDocs:
    """The ``QueryAnalyser`` of a KB, built once per database generation (titles change with writes)."""

    def __init__(self, *, store: StoreAPI, indexes: IndexBackend, kb_dir: Path):
        self.store = store
        self.kb_dir = kb_dir  # a lexicon.tsv there adds the KB's own pairs to the shipped ones
        self.indexes = indexes
        self.lexicon_path: Path = LEXICON_FILE  # another file for an evaluation run
        self._cached: tuple[tuple, QueryAnalyser] | None = None

    def analyser(self) -> QueryAnalyser:
        """The analyser for the KB as it is now (call after ``Indexes.refresh``)."""
        local = self.kb_dir / LOCAL_LEXICON
        stamp = local.stat().st_mtime_ns if local.exists() else None
        generation = (self.store.generation(), self.lexicon_path, stamp)
        if self._cached is None or self._cached[0] != generation:
            names = DocumentNames((d.doc_id, d.title) for d in self.store.documents())
            entries = load_lexicon(self.lexicon_path) + (load_lexicon(local) if stamp is not None else ())
            analyser = QueryAnalyser(names=names, lexicon=Lexicon(entries), known=self._known)
            self._cached = (generation, analyser)
        return self._cached[1]

    def _known(self, term: str) -> bool:
        # a clause holds every bigram of the term (the index is replaced when it is rebuilt: look it up now);
        # a backend without local postings (Milvus) keeps every term: a term no clause holds scores 0
        found = self.indexes.candidates(match_form(term))
        return True if found is None else bool(found)


def boost_named(ranked: Sequence[Scored], ids: set[int], *, share: float) -> list[Scored]:
    """``ranked`` with ``share`` × the best score added to the clauses in ``ids``, re-sorted."""
    if not ids or share <= 0 or not ranked:
        return list(ranked)
    bonus = share * max(r.score for r in ranked)
    scored = [Scored(clause_id=r.clause_id, score=r.score + bonus) if r.clause_id in ids else r for r in ranked]
    return sorted(scored, key=lambda r: -r.score)  # stable: ties keep their order


def merge_lists(first: Sequence[Scored], more: Sequence[Scored]) -> list[Scored]:
    """Two lists from the same scorer as one, each clause once, best score first."""
    best = {r.clause_id: r for r in first}
    for r in more:
        if r.clause_id not in best or r.score > best[r.clause_id].score:
            best[r.clause_id] = r
    return sorted(best.values(), key=lambda r: -r.score)
