"""The HTTP API (``index.api``). Fast tests call the app in this process (FastAPI's TestClient) on
the demo corpus KB; the ``slow`` ones start ``python -m index serve`` on 127.0.0.1 and talk HTTP:
the real model's first hit, the token-protected write cycle, the CLI's JSON, schemathesis."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import CORPUS, ROOT, copy_kb
from index.api.app import create_app
from index.api.auth import TOKEN_ENV
from test_cli import run_here
from webui.server import stop

STUDY = CORPUS / "西咸研究院_纵深推进西安咸阳一体化建设的思考建议_2024-04.txt"
PLAN = CORPUS / "关中平原城市群建设十四五实施方案.txt"
FOURTH = "四是公共服务水平有待提质。公共服务共建共享基础不牢。2022年西安、咸阳教育领域人均支出998元"
ENDPOINTS = {("/search", "get"), ("/similar", "get"), ("/similar", "post"), ("/targets", "get"),
             ("/clauses/{clause_id}", "get"), ("/clauses/{clause_id}/context", "get"), ("/documents", "get"),
             ("/documents", "post"), ("/documents/{doc_id}", "get"), ("/documents/{doc_id}", "delete"),
             ("/documents/{doc_id}/refs", "get"), ("/versions", "get"), ("/compare", "get"), ("/cite", "get"),
             ("/stats", "get"), ("/health", "get"), ("/rebuild", "post")}


@pytest.fixture(scope="module")
def client(corpus_kb_dir):
    with TestClient(create_app(corpus_kb_dir, warm_up=False)) as c:
        yield c


def cli_json(kb_dir: Path, *args: str):
    """What ``python -m index ARGS --kb KB --json`` prints, parsed."""
    done = run_here("index", *args, "--kb", str(kb_dir), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow  # the CLI opens the KB once per command: seconds
def test_search_answers_the_cli_json(client, corpus_kb_dir):
    got = client.get("/search", params={"q": "公共服务 人均支出", "k": 5})
    assert got.status_code == 200
    assert got.json() == cli_json(corpus_kb_dir, "search", "公共服务 人均支出", "--k", "5")
    assert got.json()["hits"][0]["text"].startswith(FOURTH)


def test_filters_and_syntax_answer_the_cli_json(client, corpus_kb_dir):
    params = [("q", '"人均支出" -咸阳'), ("mode", "lexical"), ("type", "实施方案"), ("k", "3")]
    assert client.get("/search", params=params).json() == \
        cli_json(corpus_kb_dir, "search", '"人均支出" -咸阳', "--mode", "lexical", "--type", "实施方案", "--k", "3")
    assert client.get("/search", params={"q": "人均支出", "year": 1990}).json()["hits"] == []


@pytest.mark.slow  # the CLI opens the KB once per command: seconds
def test_context_targets_refs_compare_answer_the_cli_json(client, corpus_kb_dir):
    assert client.get("/clauses/60/context", params={"n": 1}).json() == \
        cli_json(corpus_kb_dir, "context", "60", "--n", "1")
    assert client.get("/targets", params={"indicator": "城镇化率"}).json() == \
        cli_json(corpus_kb_dir, "targets", "--indicator", "城镇化率")
    assert client.get("/documents/1/refs").json() == cli_json(corpus_kb_dir, "refs", "1")
    assert client.get("/versions", params={"doc": 2}).json() == cli_json(corpus_kb_dir, "versions", "2")
    assert client.get("/compare", params={"a": 1, "b": 2}).json() == cli_json(corpus_kb_dir, "compare", "1", "2")


def test_clause_document_and_cite(client):
    clause = client.get("/clauses/60").json()
    assert (clause["label"], clause["path"], clause["doc_id"]) == ("四是", ["二、西安—咸阳一体化经济发展面临的机遇和问题"], 2)
    doc = client.get("/documents/2").json()
    assert doc["document"]["title"].startswith("聚焦高质量发展")
    assert [c["clause_id"] for c in doc["clauses"]].index(60) == clause["ordinal"]
    cite = client.get("/cite", params=[("id", 60), ("style", "gongwen")]).json()
    assert cite == [{"clause_id": 60, "style": "gongwen", "citation": f"《{doc['document']['title']}》二、四是"}]


@pytest.mark.parametrize("url", ["/clauses/999999", "/clauses/999999/context", "/documents/999999",
                                 "/documents/999999/refs", "/versions?doc=999999", "/cite?id=999999"])
def test_unknown_ids_are_404_with_error_and_fix(client, url):
    got = client.get(url)
    assert got.status_code == 404
    assert set(got.json()) == {"error", "fix"} and "999999" in got.json()["error"]


@pytest.mark.parametrize("params,status,word", [({"q": "x", "k": 0}, 422, "k:"), ({"q": "x", "k": 1001}, 422, "k:"),
                                               ({"q": "x" * 2001}, 422, "q:"), ({"q": "x", "mode": "fuzzy"}, 422, "mode"),
                                               ({"q": "x", "year": 2020, "year_from": 2019}, 400, "year"),
                                               ({"q": "x", "doc": 2**63}, 422, "doc"), ({}, 422, "q:")])
def test_bad_parameters_are_4xx_with_error_and_fix(client, params, status, word):
    got = client.get("/search", params=params)
    assert got.status_code == status
    assert got.json()["error"].startswith(word) and got.json()["fix"]


def test_write_endpoints_are_off_without_the_token(client, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    for method, url in (("POST", "/rebuild"), ("DELETE", "/documents/1")):
        got = client.request(method, url)
        assert got.status_code == 403 and TOKEN_ENV in got.json()["fix"]
    assert client.get("/health").json()["writes_enabled"] is False


def test_a_wrong_token_is_401(client, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "s3cret")
    got = client.post("/rebuild", headers={"Authorization": "Bearer wrong"})
    assert got.status_code == 401 and got.json()["error"] == "missing or wrong bearer token"


@pytest.fixture()
def writable(corpus_kb_dir, tmp_path, monkeypatch):
    """A client over a copy of the corpus KB with writes on (token ``s3cret``)."""
    monkeypatch.setenv(TOKEN_ENV, "s3cret")
    kb = copy_kb(corpus_kb_dir, tmp_path / "kb")
    with TestClient(create_app(kb, warm_up=False), headers={"Authorization": "Bearer s3cret"}) as c:
        yield c, kb


def test_a_write_while_another_process_holds_the_lock_is_409(writable):
    client, kb = writable
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from filelock import FileLock; "
                               "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)",
                               str(kb / ".write.lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        got = client.post("/rebuild")
    finally:
        holder.kill()
        holder.wait()
    assert got.status_code == 409 and "another ingestion" in got.json()["error"]


def test_an_upload_over_the_limit_is_413_and_leaves_nothing(writable, monkeypatch):
    from index.api import uploads

    client, kb = writable
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    got = client.post("/documents", files={"file": ("big.txt", "字" * 1000)})
    assert got.status_code == 413 and set(got.json()) == {"error", "fix"}
    assert not (kb / "uploads").exists() and len(client.get("/documents").json()) == 2


def test_an_unreadable_upload_is_422_and_its_bytes_removed(writable):
    client, kb = writable
    got = client.post("/documents", files={"file": ("broken.pdf", b"%PDF-1.4 not really")})
    assert got.status_code == 422 and got.json()["error"].startswith("cannot read broken.pdf")
    assert [p.name for p in (kb / "uploads").iterdir()] == ["names.json"]
    assert len(client.get("/documents").json()) == 2


def test_openapi_lists_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert {(p, m) for p, ops in spec["paths"].items() for m in ops} == ENDPOINTS
    assert spec["paths"]["/search"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] \
        == {"$ref": "#/components/schemas/SearchOut"}
    assert set(spec["components"]["schemas"]["SearchOut"]["properties"]) == {"good_match", "floor", "analysis", "hits"}
    assert client.get("/docs").status_code == 200


# -- a real server over HTTP -------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(kb_dir: Path, *, token: str | None = None, workers: int = 1):
    """``python -m index serve`` on a free loopback port until /health answers; yields the base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV} | ({TOKEN_ENV: token} if token else {})
    proc = subprocess.Popen([sys.executable, "-m", "index", "serve", "--kb", str(kb_dir), "--port", str(port),
                             "--workers", str(workers)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # the model loads at startup: wait up to a minute
            if proc.poll() is not None:
                pytest.fail(f"the server exited: {proc.stdout.read()}")
            try:
                if httpx.get(url + "/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        stop(proc, grace=30)


@pytest.mark.slow
def test_real_model_puts_the_fourth_point_first(tmp_path):
    kb = tmp_path / "kb"  # corpus/ with the default model (e5-int8)
    add = subprocess.run([sys.executable, "-m", "index", "add", str(CORPUS), "--kb", str(kb), "--quiet"], cwd=ROOT,
                         capture_output=True, text=True)
    assert add.returncode == 0, add.stderr
    with serving(kb) as url:
        hits = httpx.get(url + "/search", params={"q": "公共服务 人均支出"}).json()["hits"]
        missing = httpx.get(url + "/clauses/999999")
    assert hits[0]["text"].startswith(FOURTH)
    assert (hits[0]["label"], hits[0]["path"]) == ("四是", ["二、西安—咸阳一体化经济发展面临的机遇和问题"])
    assert hits[0]["citation"] == "《聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议》二、四是"
    assert missing.status_code == 404
    assert missing.json() == {"error": "no clause 999999 in the knowledge base", "fix": "take a clause id from GET /search"}


@pytest.mark.slow
def test_token_write_cycle_upload_search_delete(tmp_path):
    kb = tmp_path / "kb"
    add = subprocess.run([sys.executable, "-m", "index", "add", str(PLAN), "--kb", str(kb), "--model", "demo",
                          "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert add.returncode == 0, add.stderr
    auth = {"Authorization": "Bearer s3cret"}
    query = {"q": "教育领域人均支出998元", "mode": "lexical"}
    with serving(kb, token="s3cret") as url:
        assert httpx.get(url + "/search", params=query).json()["hits"][0]["doc_id"] == 1
        assert httpx.post(url + "/documents", files={"file": (STUDY.name, STUDY.read_bytes())}).status_code == 401
        refused = httpx.post(url + "/documents", headers=auth, files={"file": ("x.exe", b"MZ")})
        up = httpx.post(url + "/documents", headers=auth, files={"file": (STUDY.name, STUDY.read_bytes())}, timeout=120)
        assert up.status_code == 200, up.text
        doc = up.json()["document"]
        first = httpx.get(url + "/search", params=query).json()["hits"][0]
        gone = httpx.delete(url + f"/documents/{doc['doc_id']}", headers=auth)
        after = httpx.get(url + "/search", params=query).json()["hits"]
        missing = httpx.get(url + f"/documents/{doc['doc_id']}")
    assert refused.status_code == 400 and ".exe" in refused.json()["error"]
    assert (doc["doc_id"], doc["title"]) == (2, "聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议")
    assert (first["doc_id"], first["label"]) == (2, "四是") and first["text"].startswith(FOURTH)
    assert gone.json() == {"doc_id": 2, "source": doc["source"]} and not Path(doc["source"]).exists()
    assert all(h["doc_id"] != 2 for h in after) and missing.status_code == 404


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(corpus_kb_dir, tmp_path):
    st = shutil.which("st") or shutil.which("schemathesis")
    if st is None:
        pytest.skip("schemathesis is not installed (pip install -r requirements.txt)")
    kb = copy_kb(corpus_kb_dir, tmp_path / "kb")
    with serving(kb) as url:  # no token: the write endpoints must answer 403, never 5xx
        run = subprocess.run([st, "run", url + "/openapi.json", "--checks", "not_a_server_error",
                              "--max-examples", "20", "--seed", "1", "--generation-database", "none"],
                             capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "17/17" in run.stdout  # every operation was exercised
