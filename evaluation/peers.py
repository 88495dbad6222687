"""Peer retrievers scored in the same run and on the same clauses as the knowledge base.

Each peer ranks positions in one ``ClauseSet`` (the KB's clauses in document order):

- ``substring`` — what users do today with Ctrl+F: clauses containing every space-separated
  term (whitespace ignored on both sides, so PDF line wraps do not hide a match), in document order.
- ``fts5`` — SQLite FTS5 with the ``trigram`` tokenizer, in memory: every term must match
  (terms under 3 characters by ``instr``), ranked by FTS5's bm25; ``fts5-or`` ORs the
  query's character trigrams instead, so whole questions match too.
- ``bm25-NAME`` — ``index.lexical.LexicalIndex`` alone with tokenizer NAME from ``index.tokenize``.
- ``dense-SPEC`` — exact FAISS search over ``index.embed.get_embedder(SPEC)`` vectors of the same
  clauses; vectors are cached under ``artifacts/embcache/``.
- ``fuse:METHOD:PARAM:LEX:DENSE`` — our own fusion of two components for tuning, e.g.
  ``fuse:rrf:60:bigram:semantic`` (reciprocal rank fusion, k=60) or ``fuse:minmax:0.3:bigram:semantic``
  (min-max normalised scores, weight 0.3 on the lexical side). LEX is a tokenizer name, DENSE is
  ``semantic`` (the KB's own vectors) or an embedder spec.
- ``NAME+strip`` — peer NAME fed the query without question words (``strip_question``).
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

CACHE_DIR = Path("artifacts/embcache")
DEPTH = 200  # candidates each fusion component contributes


@dataclass(frozen=True)
class ClauseSet:
    """The clauses every system ranks: ids and texts in document order."""

    clause_ids: tuple[int, ...]
    texts: tuple[str, ...]

    @classmethod
    def from_kb(cls, kb) -> "ClauseSet":
        """All clauses of ``kb``, document by document, in reading order."""
        ids: list[int] = []
        texts: list[str] = []
        for doc in kb.documents():
            for c in kb.document_clauses(doc.doc_id):
                ids.append(c.clause_id)
                texts.append(c.text)
        return cls(tuple(ids), tuple(texts))

    def key(self) -> str:
        """A content hash of the clause texts (names embedding caches)."""
        h = hashlib.sha256()
        for t in self.texts:
            h.update(t.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Ranked:
    """One query's ranking: positions into the ClauseSet and their scores, best first."""

    positions: tuple[int, ...]
    scores: tuple[float, ...]


class Peer:
    """Base of the peers: ``ranked`` gives positions, ``search_many`` gives texts (for evaluate)."""

    name = "peer"

    def __init__(self, clauses: ClauseSet):
        self.clauses = clauses
        self._memo: dict[tuple[tuple[str, ...], int], list[Ranked]] = {}

    def ranked(self, queries: Sequence[str], k: int) -> list[Ranked]:
        """Rank the clauses for each query (memoised: fusion variants reuse components)."""
        key = (tuple(queries), k)
        if key not in self._memo:
            self._memo[key] = self._rank(list(queries), k)
        return self._memo[key]

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        raise NotImplementedError

    def search_many(self, queries: Sequence[str], k: int) -> list[list[str]]:
        """Per query, the texts of the top-k clauses."""
        return [[self.clauses.texts[p] for p in r.positions[:k]] for r in self.ranked(queries, k)]


_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "\"“”「」")


def _terms(query: str) -> list[str]:
    return [t for t in query.translate(_QUOTES).split() if t]


class SubstringPeer(Peer):
    """Ctrl+F: clauses containing all space-separated terms, in document order."""

    name = "substring"

    def __init__(self, clauses: ClauseSet):
        super().__init__(clauses)
        self._flat = [_WS.sub("", t) for t in clauses.texts]

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        out = []
        for q in queries:
            terms = [_WS.sub("", t) for t in _terms(q)]
            pos = [i for i, t in enumerate(self._flat) if terms and all(term in t for term in terms)][:k]
            out.append(Ranked(tuple(pos), tuple(1.0 for _ in pos)))
        return out


class FTS5Peer(Peer):
    """SQLite FTS5 with the trigram tokenizer over the clause texts (whitespace removed)."""

    def __init__(self, clauses: ClauseSet, *, any_trigram: bool = False):
        super().__init__(clauses)
        self.any_trigram = any_trigram
        self.name = "fts5-or" if any_trigram else "fts5"
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trigram')")
        self.db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                            ((i, _WS.sub("", text)) for i, text in enumerate(clauses.texts)))

    def _sql(self, query: str) -> tuple[str, list[str]] | None:
        if self.any_trigram:
            flat = _WS.sub("", query.translate(_QUOTES))
            grams = sorted({flat[i : i + 3] for i in range(len(flat) - 2)})
            if not grams:
                return None
            expr = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
            return "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?", [expr]
        terms = [_WS.sub("", t) for t in _terms(query)]
        long_terms = [t for t in terms if len(t) >= 3]
        short = [t for t in terms if len(t) < 3]
        where, args = [], []
        if long_terms:
            where.append("t MATCH ?")
            args.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
        for t in short:  # trigram MATCH and LIKE ignore substrings under 3 characters: scan with instr
            where.append("instr(body, ?) > 0")
            args.append(t)
        if not where:
            return None
        order = "rank" if long_terms else "rowid"
        return f"SELECT rowid FROM t WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?", args

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        out = []
        for q in queries:
            sql = self._sql(q)
            rows = [r[0] for r in self.db.execute(sql[0], [*sql[1], k])] if sql else []
            out.append(Ranked(tuple(rows), tuple(1.0 / (i + 1) for i in range(len(rows)))))
        return out


class BM25Peer(Peer):
    """``index.lexical.LexicalIndex`` alone, with one tokenizer from ``index.tokenize``."""

    def __init__(self, clauses: ClauseSet, tokenizer: str):
        from index.lexical import LexicalIndex, LexicalSettings
        from index.tokenize import get_tokenizer

        super().__init__(clauses)
        self.name = f"bm25-{tokenizer}"
        self.index = LexicalIndex(get_tokenizer(tokenizer), settings=LexicalSettings(tokenizer=tokenizer))
        self.index.add(range(len(clauses.texts)), clauses.texts)

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        out = []
        for q in queries:
            hits = self.index.search(q, k=k)
            out.append(Ranked(tuple(h.clause_id for h in hits), tuple(h.score for h in hits)))
        return out


def cached_passage_vectors(clauses: ClauseSet, spec: str, *, log: Callable[[str], None] = print) -> np.ndarray:
    """Embed all clause texts with ``spec`` once; later runs load ``artifacts/embcache/KEY-SPEC.npy``."""
    from index.embed import get_embedder

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", spec)
    path = CACHE_DIR / f"{clauses.key()}-{safe}.npy"
    if path.exists():
        return np.load(path)
    emb = get_embedder(spec)
    t0 = time.perf_counter()
    vecs = emb.encode_passages(list(clauses.texts))
    secs = time.perf_counter() - t0
    log(f"embedded {len(clauses.texts)} clauses with {spec} in {secs:.1f}s "
        f"({len(clauses.texts) / max(secs, 1e-9):.0f} clauses/s)")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


class DensePeer(Peer):
    """Exact inner-product search over one embedder's vectors of the same clauses."""

    def __init__(self, clauses: ClauseSet, spec: str, *, log: Callable[[str], None] = print):
        import faiss
        from index.embed import get_embedder

        super().__init__(clauses)
        self.name = f"dense-{spec}"
        vecs = cached_passage_vectors(clauses, spec, log=log)
        self.embedder = get_embedder(spec)
        self.index = faiss.IndexFlatIP(vecs.shape[1])
        self.index.add(vecs)

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        q = self.embedder.encode_queries(queries)
        scores, idx = self.index.search(q, min(k, self.index.ntotal))
        return [Ranked(tuple(int(i) for i in row if i >= 0), tuple(float(s) for s, i in zip(srow, row) if i >= 0))
                for srow, row in zip(scores, idx)]


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


class FusedPeer(Peer):
    """Fusion of a lexical and a dense component: ``rrf`` (param = k) or ``minmax`` (param = lexical weight)."""

    def __init__(self, clauses: ClauseSet, lex: Peer, dense: Peer, *, method: str, param: float, name: str):
        super().__init__(clauses)
        if method not in ("rrf", "minmax"):
            raise ValueError(f"unknown fusion method {method!r}; use rrf or minmax")
        self.lex, self.dense, self.method, self.param, self.name = lex, dense, method, param, name

    def _rank(self, queries: list[str], k: int) -> list[Ranked]:
        lex = self.lex.ranked(queries, DEPTH)
        den = self.dense.ranked(queries, DEPTH)
        out = []
        for a, b in zip(lex, den):
            score: dict[int, float] = {}
            if self.method == "rrf":
                for r in (a, b):
                    for rank, p in enumerate(r.positions, start=1):
                        score[p] = score.get(p, 0.0) + 1.0 / (self.param + rank)
            else:
                for r, w in ((a, self.param), (b, 1.0 - self.param)):
                    if not r.positions:
                        continue
                    hi, lo = max(r.scores), min(r.scores)
                    span = (hi - lo) or 1.0
                    for p, s in zip(r.positions, r.scores):
                        score[p] = score.get(p, 0.0) + w * (s - lo) / span
            best = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
            out.append(Ranked(tuple(p for p, _ in best), tuple(s for _, s in best)))
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


def build_peers(kb, names: Sequence[str], *, log: Callable[[str], None] = print,
                clauses: ClauseSet | None = None) -> list[Peer]:
    """Build the named peers over ``kb``'s clauses; ValueError names an unknown peer."""
    clauses = clauses or ClauseSet.from_kb(kb)
    made: dict[str, Peer] = {}

    def get(name: str) -> Peer:
        if name in made:
            return made[name]
        t0 = time.perf_counter()
        if name.endswith("+strip"):
            peer: Peer = StrippedPeer(clauses, get(name[: -len("+strip")]))
        elif name == "substring":
            peer = SubstringPeer(clauses)
        elif name in ("fts5", "fts5-or"):
            peer = FTS5Peer(clauses, any_trigram=name == "fts5-or")
        elif name.startswith("bm25-"):
            peer = BM25Peer(clauses, name[5:])
        elif name in ("semantic", "lexical", "hybrid"):
            peer = KBComponent(clauses, kb, name)
        elif name.startswith("dense-"):
            peer = DensePeer(clauses, name[6:], log=log)
        elif name.startswith("fuse:"):
            parts = name.split(":")
            if len(parts) != 5:
                raise ValueError(f"peer {name!r}: write fuse:METHOD:PARAM:TOKENIZER:DENSE, e.g. fuse:rrf:60:bigram:semantic")
            _, method, param, tok, dense = parts
            dense_peer = get(dense if dense in ("semantic", "hybrid", "lexical") else "dense-" + dense)
            peer = FusedPeer(clauses, get("bm25-" + tok), dense_peer, method=method, param=float(param), name=name)
        else:
            raise ValueError(f"unknown peer {name!r}; known: substring, fts5, fts5-or, bm25-TOKENIZER, "
                             f"dense-SPEC, fuse:METHOD:PARAM:TOKENIZER:DENSE")
        log(f"  built {name} over {len(clauses.texts)} clauses in {time.perf_counter() - t0:.1f}s")
        made[name] = peer
        return peer

    return [get(n) for n in names]


def apply_settings(kb, assignments: Sequence[str]) -> Callable[[], None]:
    """Override KB settings for an eval run (``search.rrf_k=30``); returns a function restoring them.

    NAME is ``GROUP.FIELD`` of the KB's public ``settings`` (``index.kb.KBSettings``: groups
    ``search``, ``lexical``, ``dense``). Only ``search.*`` takes effect without a rebuild.
    """
    import dataclasses

    original = kb.settings
    current = original
    for a in assignments:
        name, sep, value = a.partition("=")
        group, _, field_name = name.partition(".")
        sub = getattr(current, group, None) if sep and field_name else None
        if sub is None or not dataclasses.is_dataclass(sub):
            raise ValueError(f"--set {a}: write GROUP.FIELD=VALUE, e.g. search.rrf_k=30")
        fields = {f.name for f in dataclasses.fields(sub)}
        if field_name not in fields:
            raise ValueError(f"--set {a}: unknown field; {group} has {', '.join(sorted(fields))}")
        old = getattr(sub, field_name)
        new = value if isinstance(old, str) else (value.lower() in ("1", "true", "yes")) if isinstance(old, bool) \
            else type(old)(value)
        current = dataclasses.replace(current, **{group: dataclasses.replace(sub, **{field_name: new})})
    kb.settings = current
    return lambda: setattr(kb, "settings", original)
