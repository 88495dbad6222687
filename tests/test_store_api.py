"""Which store a KB uses (no server needed): ``--store`` parsing, the ``config.json`` key, a KB
refusing another store than the one it records, and the SQL fragments of the two dialects."""
from __future__ import annotations

import json
import sqlite3

import pytest

from index.kb import KnowledgeBase
from index.records import KBError
from index.sql_dialect import POSTGRES, SQLITE
from index.store_api import StoreKind, StoreSpec, choose_spec


def test_store_argument_and_config_key():
    assert StoreSpec.from_arg(None) is None
    assert StoreSpec.from_arg("sqlite") == StoreSpec()
    pg = StoreSpec.from_arg("postgresql://u@h/db")
    assert pg == StoreSpec(kind=StoreKind.POSTGRESQL, dsn="postgresql://u@h/db")
    assert pg.to_dict() == {"kind": "postgresql", "dsn": "postgresql://u@h/db"}
    assert StoreSpec.from_dict(pg.to_dict()) == pg and StoreSpec.from_dict(None) == StoreSpec()
    with pytest.raises(KBError, match="give sqlite or a PostgreSQL URL"):
        StoreSpec.from_arg("mysql://h/db")
    with pytest.raises(KBError, match='without a "dsn"'):
        StoreSpec.from_dict({"kind": "postgresql"})
    with pytest.raises(KBError, match="unknown store"):
        StoreSpec.from_dict({"kind": "oracle"})


def test_a_sqlite_kb_records_its_store_and_refuses_another(tmp_path, demo_embedder):
    KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder).close()
    assert json.loads((tmp_path / "kb" / "config.json").read_text("utf-8"))["store"] == {"kind": "sqlite"}
    assert choose_spec(tmp_path / "kb", None) == (StoreSpec(), True)
    assert choose_spec(tmp_path / "new", None) == (StoreSpec(), False)
    with pytest.raises(KBError, match=r"keeps its store in sqlite, not postgresql: leave out --store"):
        KnowledgeBase.open(tmp_path / "kb", store="postgresql://u:secret@h/db")


def test_a_recorded_postgresql_store_is_named_without_its_password(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "config.json").write_text(json.dumps({"format_version": 1, "embedding": {"model": "demo", "dim": 256},
                                                "store": {"kind": "postgresql", "dsn": "postgresql://u:secret@h/db"}}))
    assert choose_spec(kb, None) == (StoreSpec(kind=StoreKind.POSTGRESQL, dsn="postgresql://u:secret@h/db"), True)
    with pytest.raises(KBError) as e:
        choose_spec(kb, StoreSpec())
    assert "postgresql (postgresql://u:***@h/db), not sqlite" in str(e.value) and "secret" not in str(e.value)


def test_an_unreadable_config_is_refused_not_replaced(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(KBError, match="cannot be read back"):
        KnowledgeBase.open(kb)
    assert (kb / "config.json").read_text(encoding="utf-8") == "{not json" and not (kb / "kb.sqlite").exists()


def test_dialect_fragments_select_the_same_rows_on_sqlite():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (d TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [("2024-04-02",), (None,), ("",), ("19xx",)])
    years = [r[0] for r in db.execute(f"SELECT {SQLITE.year_of('d')} FROM t")]
    assert years == [2024, None, 0, 19]  # what the PostgreSQL form reproduces (see test_store_pg)
    assert POSTGRES.contains("c.text") == "strpos(c.text, ?) > 0"
    assert SQLITE.contains("c.text") == "instr(c.text, ?) > 0"
