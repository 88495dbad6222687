"""A deterministic embedder for tests and demos (``--model demo``), like llm's ``EmbedDemo``.

Each text becomes a bag of its characters and character bigrams (after lower-casing and
dropping whitespace), hashed with BLAKE2 into ``dim`` signed buckets and scaled to unit
length. So texts that share wording get a high inner product and unrelated texts a low
one: enough for tests of storage, filters, fusion and the page, which must not depend on
a real model's weights or take its seconds. It knows no synonyms: tests of meaning use
the real model (marked ``slow``).
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

_SPACE = re.compile(r"\s+")


def _features(text: str) -> list[str]:
    s = _SPACE.sub("", text.lower())
    return list(s) + [s[i : i + 2] for i in range(len(s) - 1)]


class DemoEmbedder:
    """Hashed character and bigram counts; the same text gives the same vector on every machine."""

    name = "demo"

    def __init__(self, dim: int = 256):
        self.dim = int(dim)

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for feat in _features(text):
            h = int.from_bytes(hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            v[0], norm = 1.0, 1.0  # an empty text still gets a unit vector
        return v / norm

    def _encode(self, texts) -> np.ndarray:
        rows = [self._vector(t) for t in texts]
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def encode_queries(self, texts) -> np.ndarray:
        """Embed queries (the same function as passages: the demo model is symmetric)."""
        return self._encode(list(texts))

    def encode_passages(self, texts) -> np.ndarray:
        """Embed clauses."""
        return self._encode(list(texts))
