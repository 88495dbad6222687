"""``config.json`` is read back: settings round trip, the format version is checked on open
(older: the rebuild command; newer: a refusal), a lost manifest is rewritten."""
from __future__ import annotations

import json

import pytest

from index.embed_demo import DemoEmbedder
from conftest import make_doc
from index.config import FORMAT_VERSION, KBSettings, Manifest, read_manifest
from index.dense import DenseSettings
from index.fusion import FusionMethod, SearchSettings
from index.kb import KnowledgeBase
from index.lexical import LexicalSettings
from index.records import FormatTooNew, FormatTooOld, KBError

CUSTOM = KBSettings(lexical=LexicalSettings(k1=1.5, b=0.6),
                    search=SearchSettings(fusion=FusionMethod.RRF, rrf_k=30, candidates=50, lexical_weight=0.7,
                                          dense_weight=0.3),
                    dense=DenseSettings(hnsw_threshold=1000, hnsw_m=16, hnsw_ef_search=64))


DOC = make_doc("a.txt", "甲市公共服务实施方案", [(("一、总体要求",), "（一）", "推进基本公共服务均等化。"),
                                            (("二、重点任务",), "（二）", "新建幼儿园30所。")])


def new_kb(path, settings=None):
    kb = KnowledgeBase.open(path, settings=settings, embedder=DemoEmbedder())
    kb.ingest_parsed([DOC])
    return kb


def set_format(path, version):
    cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
    cfg["format_version"] = version
    (path / "config.json").write_text(json.dumps(cfg), encoding="utf-8")


def test_settings_round_trip_through_json():
    for s in (KBSettings(), CUSTOM):
        back = KBSettings.from_dict(json.loads(json.dumps(s.to_dict())))
        assert back == s and back.search.fusion is s.search.fusion
    assert KBSettings.from_dict({"search": {"rrf_k": 3, "unknown": 1}}) == KBSettings(search=SearchSettings(rrf_k=3))


def test_the_settings_a_kb_was_built_with_are_read_back_from_config_json(tmp_path):
    new_kb(tmp_path / "kb", CUSTOM).close()
    manifest = read_manifest(tmp_path / "kb")
    assert manifest == Manifest(format_version=FORMAT_VERSION, model="demo", dim=256, settings=CUSTOM)
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=DemoEmbedder())
    assert kb.settings == CUSTOM
    assert kb.search("幼儿园", mode="lexical")[0].text == "新建幼儿园30所。"
    kb.close()


def test_config_json_keeps_its_keys(tmp_path):
    new_kb(tmp_path / "kb").close()
    cfg = json.loads((tmp_path / "kb" / "config.json").read_text(encoding="utf-8"))
    assert list(cfg) == ["format_version", "embedding", "tokenizer", "settings", "indexes", "generation", "counts",
                         "built_at", "store"]
    assert cfg["indexes"] == {"kind": "local"} and cfg["store"] == {"kind": "sqlite"}
    assert cfg["embedding"] == {"backend": "demo", "model": "demo", "dim": 256}
    assert cfg["settings"]["search"]["fusion"] == "learned" and cfg["counts"] == {"documents": 1, "clauses": 2}


def test_an_older_format_is_refused_with_the_rebuild_command(tmp_path):
    path = tmp_path / "kb"
    new_kb(path).close()
    set_format(path, FORMAT_VERSION - 1)
    with pytest.raises(FormatTooOld) as e:
        KnowledgeBase.open(path, embedder=DemoEmbedder())
    assert isinstance(e.value, KBError)
    assert f"rebuild it with `python -m index rebuild --kb {path}`" in str(e.value)
    # the rebuild the message names opens it anyway, and stamps the current format once it has committed
    kb = KnowledgeBase.open(path, embedder=DemoEmbedder(), upgrade=True)
    assert read_manifest(path).format_version == FORMAT_VERSION - 1
    kb.rebuild()
    kb.close()
    assert read_manifest(path).format_version == FORMAT_VERSION
    kb = KnowledgeBase.open(path, embedder=DemoEmbedder())
    assert [d.title for d in kb.documents()] == ["甲市公共服务实施方案"]
    kb.close()


def test_a_newer_format_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "kb"
    new_kb(path).close()
    set_format(path, FORMAT_VERSION + 1)
    before = (path / "config.json").read_bytes()
    for upgrade in (False, True):
        with pytest.raises(FormatTooNew, match="was made by a newer version of this program"):
            KnowledgeBase.open(path, embedder=DemoEmbedder(), upgrade=upgrade)
    assert (path / "config.json").read_bytes() == before


def test_a_lost_manifest_is_rewritten_from_the_database(tmp_path):
    path = tmp_path / "kb"
    new_kb(path).close()
    (path / "config.json").unlink()
    kb = KnowledgeBase.open(path, embedder=DemoEmbedder())
    kb.close()
    assert read_manifest(path) == Manifest(format_version=FORMAT_VERSION, model="demo", dim=256,
                                           settings=KBSettings())


def test_a_manifest_that_cannot_be_read_back_is_an_error_not_a_reset(tmp_path):
    path = tmp_path / "kb"
    new_kb(path, CUSTOM).close()
    cfg = json.loads((path / "config.json").read_text(encoding="utf-8"))
    cfg["settings"]["search"]["fusion"] = "borda"
    (path / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    with pytest.raises(KBError, match="config.json cannot be read back .*unknown fusion 'borda'.*delete it"):
        KnowledgeBase.open(path, embedder=DemoEmbedder())
    assert json.loads((path / "config.json").read_text(encoding="utf-8")) == cfg  # left as it was
