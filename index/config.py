"""The configuration of a knowledge base and its manifest, ``config.json``.

Sources of truth: ``config.json`` holds the **settings** (read back on open) and the
**format version** (checked on open). The database's ``meta`` table holds the **model,
dimension and generation**, because those change in the same transaction as the rows and
vectors they describe (a rebuild that switches models commits both at once); the manifest
mirrors them for readers of the file and is rewritten when it disagrees. Settings only shape
derived data (tokeniser, BM25 and HNSW parameters, fusion), and each derived index checks the
settings it was built with when it loads, so a crash between a commit and the manifest write
leaves a KB that opens consistent.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from index.backend import IndexesConfig
from index.analyse import QuerySettings
from index.dense import DenseSettings
from index.fusion import SearchSettings
from index.lexical import LexicalSettings
from index.location import MANIFEST_FILE
from index.records import FormatTooNew, FormatTooOld, KBError

FORMAT_VERSION = 1  # bump when a KB written by this code can no longer be read by older code, or vice versa


@dataclass(frozen=True)
class KBSettings:
    """Every tunable choice of a KB; recorded in ``config.json``."""

    lexical: LexicalSettings = field(default_factory=LexicalSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    dense: DenseSettings = field(default_factory=DenseSettings)
    query: QuerySettings = field(default_factory=QuerySettings)

    @classmethod
    def from_dict(cls, d: dict | None) -> "KBSettings":
        """Rebuild settings from their JSON form (unknown keys ignored, missing ones default)."""
        d = d or {}

        def pick(kls, sub):
            sub = sub or {}
            return kls(**{k: v for k, v in sub.items() if k in kls.__dataclass_fields__})

        return cls(lexical=pick(LexicalSettings, d.get("lexical")), search=pick(SearchSettings, d.get("search")),
                   dense=pick(DenseSettings, d.get("dense")), query=pick(QuerySettings, d.get("query")))

    def to_dict(self) -> dict:
        """JSON form (enum values are strings)."""
        return json.loads(json.dumps(asdict(self)))


@dataclass(frozen=True)
class Manifest:
    """What ``config.json`` records and is read back: format version, model, dimension, settings."""

    format_version: int
    model: str
    dim: int | None
    settings: KBSettings
    store: dict = field(default_factory=lambda: {"kind": "sqlite"})  # index.store_api.StoreSpec's JSON form
    indexes: IndexesConfig = IndexesConfig()  # where the derived indexes live (index/backend.py)

    def to_dict(self, *, generation: int, documents: int, clauses: int) -> dict:
        """The JSON document written to ``config.json`` (with the counts it was written at)."""
        return {
            "format_version": self.format_version,
            "embedding": {"backend": self.model.split(":")[0], "model": self.model, "dim": self.dim},
            "tokenizer": self.settings.lexical.tokenizer,
            "settings": self.settings.to_dict(),
            "indexes": self.indexes.to_dict(),
            "generation": generation,
            "counts": {"documents": documents, "clauses": clauses},
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "store": self.store,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Manifest":
        """Read the fields this program uses from a ``config.json`` document (KeyError/TypeError when malformed)."""
        emb = d.get("embedding") or {}
        return cls(format_version=int(d["format_version"]), model=str(emb.get("model", "")), dim=emb.get("dim"),
                   settings=KBSettings.from_dict(d.get("settings")), store=d.get("store") or {"kind": "sqlite"},
                   indexes=IndexesConfig.from_dict(d.get("indexes")))


def read_manifest(kb_dir: Path) -> Manifest | None:
    """The manifest of the KB at ``kb_dir``; None when there is none. A file that cannot be
    read back (hand-edited, say) raises KBError rather than being replaced by defaults."""
    file = kb_dir / MANIFEST_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return Manifest.from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise KBError(f"{file} cannot be read back ({type(e).__name__}: {e}): correct it, or delete it "
                      f"and it is rewritten with the default settings") from None


def write_manifest(kb_dir: Path, manifest: Manifest, *, generation: int, documents: int, clauses: int) -> None:
    """Replace ``config.json`` atomically (temp file + ``os.replace``)."""
    doc = manifest.to_dict(generation=generation, documents=documents, clauses=clauses)
    tmp = kb_dir / f"{MANIFEST_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"  # one per writer
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, kb_dir / MANIFEST_FILE)


def check_format(version: int, *, kb_dir: Path, allow_older: bool = False) -> None:
    """FormatTooNew when ``version`` is newer than this program's; FormatTooOld (with the
    rebuild command) when older, unless ``allow_older`` (a rebuild, which rewrites everything)."""
    if version > FORMAT_VERSION:
        raise FormatTooNew(
            f"the knowledge base at {kb_dir}/ was made by a newer version of this program (format version "
            f"{version}; this one reads {FORMAT_VERSION}): open it with that version, or build a new one here")
    if version < FORMAT_VERSION and not allow_older:
        raise FormatTooOld(
            f"the knowledge base at {kb_dir}/ has format version {version}, older than this program's "
            f"{FORMAT_VERSION}: rebuild it with `python -m index rebuild --kb {kb_dir}`")


class KBConfig:
    """The live configuration of an open KB, shared by its store-facing parts (indexes,
    searcher, writer): directory, model spec and dimension, settings, and the embedder
    once loaded. Mutable: a rebuild may switch models, an evaluation may swap settings."""

    def __init__(self, path: Path, *, model: str, dim: int | None, settings: KBSettings, embedder=None,
                 format_version: int = FORMAT_VERSION, store_spec: dict | None = None,
                 indexes: IndexesConfig = IndexesConfig()):
        self.path = path
        self.store_spec = store_spec or {"kind": "sqlite"}  # where the truth lives (``config.json`` "store")
        self.indexes = indexes  # local files or Milvus, chosen at creation (index/backend.py)
        self.model = model
        self.dim = dim
        self.settings = settings
        self.embedder = embedder  # None until loaded (``KnowledgeBase.embedder``)
        # the format of the data on disk: older only in a KB opened to be rebuilt, until the rebuild commits
        self.format_version = format_version

    def manifest(self) -> Manifest:
        """The manifest of this configuration."""
        return Manifest(format_version=self.format_version, model=self.model, dim=self.dim, settings=self.settings,
                        store=self.store_spec, indexes=self.indexes)
