"""The PostgreSQL store (``--store postgresql://…``) behaves as the SQLite store: the same
documents, clause ids, hits (every mode, filters, phrases, exclusions), targets, references
and versions on the corpus with the demo embedder; remove and rebuild; migrations recorded
once; a second writer refused while the advisory lock is held; a SIGKILLed ingestion leaves
store and index ids in agreement. Needs a server: ``POLICY_TEST_PG`` (see conftest)."""
from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from conftest import CORPUS, ROOT, make_doc
from index.kb import KnowledgeBase
from index.links import references, versions
from index.records import Filters, KBBusy, KBError

pytestmark = pytest.mark.slow  # needs a PostgreSQL server

QUERIES = [json.loads(line)["query"] for line in (ROOT / "eval" / "corpus_queries.jsonl").read_text("utf-8").splitlines()
           if line.strip()]
SYNTAX = ['"公交卡互通"', "公共服务 -咸阳", "城镇化率 目标", "人均支出 “公共服务”"]
LINKED = [make_doc("old.txt", "旧办法", [((), "第一条", "第一条 旧规定。")], date="2001-01-01"),
          make_doc("new.txt", "新办法", [((), "第九条", "第九条 依据《关中平原城市群发展规划》，本办法自2020年1月1日起施行，"
                                                       "《旧办法》同时废止。")], date="2020-01-01")]


def build(path, demo_embedder, *, store=None):
    kb = KnowledgeBase.open(path, embedder=demo_embedder, store=store)
    kb.ingest([CORPUS])
    kb.ingest_parsed(LINKED)
    return kb


@pytest.fixture(scope="module")
def kbs(tmp_path_factory, pg_database, demo_embedder):
    """The same KB on SQLite and on PostgreSQL."""
    root = tmp_path_factory.mktemp("pgstore")
    lite, pg = build(root / "lite", demo_embedder), build(root / "pg", demo_embedder, store=pg_database())
    yield lite, pg
    lite.close()
    pg.close()


def agree(kb) -> set[int]:
    """The store's and both indexes' clause id sets are equal; returns them."""
    db_ids = kb.store.clause_ids()
    assert kb._lexical.id_set() == db_ids and kb._dense.id_set() == db_ids
    return db_ids


def test_the_kb_keeps_its_store_in_postgresql(kbs):
    lite, pg = kbs
    assert (lite.store.kind, pg.store.kind) == ("sqlite", "postgresql")
    cfg = json.loads((pg.path / "config.json").read_text(encoding="utf-8"))
    assert cfg["store"]["kind"] == "postgresql" and cfg["store"]["dsn"].startswith("postgresql://")
    assert not (pg.path / "kb.sqlite").exists()
    assert [(v, n.split(":")[0]) for v, n in pg.store.applied_migrations()] == [(1, "initial schema"), (2, "clause_boxes")]
    assert pg.stats().sizes["postgresql"] > 0
    with pytest.raises(KBError, match="keeps its store in postgresql"):
        KnowledgeBase.open(pg.path, store="sqlite")


def test_migrations_are_applied_once(kbs, demo_embedder):
    from index.store_pg import migrate

    _, pg = kbs
    assert migrate(pg.store.db) == []
    again = KnowledgeBase.open(pg.path, embedder=demo_embedder)  # reopened from config.json alone
    assert again.store.kind == "postgresql" and again.store.applied_migrations() == pg.store.applied_migrations()
    again.close()


def test_same_documents_and_clause_ids(kbs):
    lite, pg = kbs
    strip = lambda docs: [replace(d, added_at="") for d in docs]  # noqa: E731
    assert strip(pg.documents()) == strip(lite.documents())
    assert agree(pg) == agree(lite) and len(agree(pg)) == 80
    assert pg.store.counts() == lite.store.counts()
    assert pg.facets() == lite.facets()
    first = lite.documents()[0].doc_id
    assert pg.document_clauses(first) == lite.document_clauses(first)
    assert pg.context(5, n=2) == lite.context(5, n=2)


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_same_hits_for_every_query(kbs, mode):
    lite, pg = kbs
    queries = QUERIES + SYNTAX
    got, want = pg.batch_search(queries, k=10, mode=mode), lite.batch_search(queries, k=10, mode=mode)
    assert got == want
    assert sum(bool(h) for h in want) >= len(queries) - 2  # the comparison is about real result lists


def test_same_hits_under_filters(kbs):
    lite, pg = kbs
    facets = lite.facets()
    year = facets.years[0]
    for f in (Filters(issuers=(facets.issuers[0],)), Filters(doc_types=(facets.doc_types[0],)),
              Filters(year_from=year), Filters(year_to=year - 1), Filters(year_from=2000, year_to=2020),
              Filters(doc_ids=(lite.documents()[1].doc_id,))):
        want = lite.search("公共服务 发展", k=10, filters=f)
        assert pg.search("公共服务 发展", k=10, filters=f) == want, f
        assert pg.store.filtered_ids(f) == lite.store.filtered_ids(f)
    assert pg._containing("公共服务") == lite._containing("公共服务") != set()


def test_targets_references_and_versions_agree(kbs):
    lite, pg = kbs
    assert pg.indicators() == lite.indicators() and lite.indicators()
    for q, kw in ((None, {}), ("城镇化率", {}), (None, {"indicator": "常住人口城镇化率"}),
                  (None, {"kind": "target", "year_from": 2025}), ("研发", {"subject": "关中"})):
        assert pg.targets(q, **kw) == lite.targets(q, **kw)
    assert len(lite.targets("城镇化率")) >= 1
    by_source = {d.source: d.doc_id for d in lite.documents()}
    for doc_id in by_source.values():
        assert references(pg, doc_id) == references(lite, doc_id)
        assert versions(pg, doc_id) == versions(lite, doc_id)
    # more keys than PostgreSQL binds to one statement (65,535): sent in parts, the same rows
    many = [f"不存在的文件{i}" for i in range(70_000)] + ["旧办法"]
    assert pg.store.refs_with_keys(many) == lite.store.refs_with_keys(["旧办法"]) != []
    old = versions(pg, by_source["old.txt"])
    assert old["status"] == "repealed" and "同时废止" in pg.store.clause(old["repealed_by"]).text
    cites = {c["title"]: c["doc_id"] for c in references(pg, by_source["new.txt"])["cites"]}
    assert cites["旧办法"] == by_source["old.txt"]


def test_remove_and_rebuild_as_sqlite(tmp_path, pg_database, demo_embedder):
    lite, pg = build(tmp_path / "lite", demo_embedder), build(tmp_path / "pg", demo_embedder, store=pg_database())
    try:
        victim = next(d.source for d in lite.documents() if "西咸" in d.source)
        for kb in (lite, pg):
            assert kb.remove(victim) is True
            assert all("西咸" not in h.doc_title for h in kb.search("西安 咸阳 一体化", k=20))
        assert pg.batch_search(QUERIES, k=5) == lite.batch_search(QUERIES, k=5)
        assert agree(pg) == agree(lite)
        for kb in (lite, pg):
            kb.rebuild(paths=[CORPUS])
        assert agree(pg) == agree(lite) and pg.store.generation() == lite.store.generation()
        assert pg.batch_search(QUERIES, k=5) == lite.batch_search(QUERIES, k=5)
        assert [d.title for d in pg.documents()] == [d.title for d in lite.documents()]
    finally:
        lite.close()
        pg.close()


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path, pg_database, demo_embedder):
    dsn = pg_database()
    first = KnowledgeBase.open(tmp_path / "a", embedder=demo_embedder, store=dsn)
    # another machine: its own KB directory (its own index files) on the same database
    second = KnowledgeBase.open(tmp_path / "b", embedder=demo_embedder, store=dsn)
    held = first._writer._write_lock()
    with pytest.raises(KBBusy, match="another ingestion is writing to the knowledge base"):
        second.ingest([CORPUS])
    assert second.search("公共服务") == []  # readers are not blocked
    held.release()
    assert len(second.ingest([CORPUS]).added) == 2
    assert first.refresh() is True and agree(first) == agree(second) and len(agree(first)) == 78
    assert first.search("公共服务 人均支出") == second.search("公共服务 人均支出")
    first.close()
    second.close()


def ingest_cmd(docs, kb_dir, dsn=None) -> list[str]:
    cmd = [sys.executable, "-m", "index", "add", str(docs), "--kb", str(kb_dir), "--quiet", "--model", "demo"]
    return cmd + (["--store", dsn] if dsn else [])


def test_sigkill_during_ingestion_leaves_store_and_indexes_agreeing(tmp_path, pg_database, demo_embedder):
    from test_crash import TOPICS, write_docs

    dsn, docs, kb_dir = pg_database(), tmp_path / "docs", tmp_path / "kb"
    docs.mkdir()
    rng = random.Random(16)
    subprocess.run(ingest_cmd(docs, kb_dir, dsn), cwd=ROOT, check=True, capture_output=True)  # the empty KB
    kills, typical = 0, None
    for n in range(12):
        write_docs(docs, n, rng)
        started = time.monotonic()
        proc = subprocess.Popen(ingest_cmd(docs, kb_dir), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            # the first run is timed; the others are killed at a random moment of a typical run
            proc.wait(timeout=rng.uniform(0.1, 0.95) * typical if typical else None)
            assert proc.returncode == 0, proc.stderr.read()
            typical = time.monotonic() - started
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            kills += 1
        kb = KnowledgeBase.open(kb_dir, embedder=demo_embedder)
        ids = agree(kb)
        assert kb._lexical.generation == kb._dense.generation == kb.store.generation()
        assert all(d.clauses == 4 for d in kb.documents())  # whole documents only
        assert len(ids) == 4 * len(kb.documents())
        kb.close()
    assert kills >= 6
    done = subprocess.run(ingest_cmd(docs, kb_dir), cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # the killed writers' advisory locks went with their sessions
    kb = KnowledgeBase.open(kb_dir, embedder=demo_embedder)
    assert len(agree(kb)) == 4 * len(TOPICS) and len(kb.documents()) == len(TOPICS)
    kb.close()


def test_cli_add_creates_a_postgresql_kb(tmp_path, pg_database, kbs):
    lite, _ = kbs
    dsn, kb_dir = pg_database(), tmp_path / "kb"
    made = subprocess.run(ingest_cmd(CORPUS, kb_dir, dsn), cwd=ROOT, capture_output=True, text=True)
    assert made.returncode == 0 and made.stdout.startswith("added 2,"), made.stderr
    assert json.loads((kb_dir / "config.json").read_text("utf-8"))["store"] == {"kind": "postgresql", "dsn": dsn}
    out = subprocess.run([sys.executable, "-m", "index", "search", "公共服务 人均支出", "--kb", str(kb_dir), "--json",
                          "--k", "3"], cwd=ROOT, capture_output=True, text=True, check=True)
    got = [h["clause_id"] for h in json.loads(out.stdout)["hits"]]
    assert got == [h.clause_id for h in lite.search("公共服务 人均支出", k=3)]
    busy = subprocess.run([sys.executable, "-m", "index", "add", str(CORPUS), "--kb", str(kb_dir), "--store",
                           "sqlite"], cwd=ROOT, capture_output=True, text=True)
    assert busy.returncode == 2 and "keeps its store in postgresql" in busy.stderr


def test_the_year_fragment_reads_dates_as_sqlite_does(pg_database):
    import psycopg

    from index.sql_dialect import POSTGRES

    with psycopg.connect(pg_database()) as c:
        got = [r[0] for r in c.execute(f"SELECT {POSTGRES.year_of('d')} FROM (VALUES (1, '2024-04-02'), (2, NULL),"
                                       " (3, ''), (4, '19xx')) AS t(n, d) ORDER BY n")]
    assert got == [2024, None, 0, 19]  # SQLite's CAST(substr(d, 1, 4) AS INTEGER), see test_store_api
