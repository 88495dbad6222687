"""The Milvus side of a KB: connection, the collection's schema and index, the rows it takes,
and search filters as Milvus boolean expressions.

One collection per KB. Fields: ``id`` (clause id, primary key), ``doc_id``, the filter fields
``issuer``, ``doc_type`` (文种), ``year`` (as the store's filter reads the document date),
``bm25_len`` (the clause's token count, so the BM25 statistics can be counted out when a
clause is deleted), ``dense`` (FLOAT_VECTOR, inner product: FLAT on milvus-lite, which is exact
like FAISS's flat index; HNSW on a server) and ``sparse`` (SPARSE_FLOAT_VECTOR of the clause
side of BM25 over the project's tokens, inner product; ``index.bm25_sparse``).
"""
from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

from index.backend import IndexesConfig, Restriction, is_lite
from index.dense import DenseSettings
from index.records import DocumentRow, Filters, KBError

TOKEN_ENV = "MILVUS_TOKEN"
TEXT_MAX = 1024  # bytes of issuer / doc_type kept (longer values are cut at a character boundary)
SEARCH_LIMIT = 16_384  # Milvus's largest topk
OUTPUT = ["doc_id"]


def connect(indexes: IndexesConfig, *, kb_dir: Path):
    """A ``MilvusClient`` for the KB's URI (a relative lite path is inside ``kb_dir``); token from MILVUS_TOKEN."""
    try:
        from pymilvus import MilvusClient
    except ImportError as e:  # the package is optional: only a Milvus KB needs it
        raise KBError(f"this knowledge base keeps its indexes in Milvus, but pymilvus cannot be imported ({e}): "
                      f"pip install -r requirements.txt") from None
    logging.getLogger("pymilvus").setLevel(logging.ERROR)  # iterator timestamp notices on every listing
    uri = resolved_uri(indexes, kb_dir=kb_dir)
    try:
        return MilvusClient(uri=uri, token=os.environ.get(TOKEN_ENV, ""))
    except Exception as e:  # pymilvus raises its own MilvusException and grpc errors
        raise KBError(f"cannot connect to Milvus at {uri} ({type(e).__name__}: {e}): start the server, "
                      f"check --milvus-uri and {TOKEN_ENV}") from None


def resolved_uri(indexes: IndexesConfig, *, kb_dir: Path) -> str:
    """The URI to connect to: a relative milvus-lite path is taken inside ``kb_dir``."""
    uri = indexes.uri
    if is_lite(uri) and not Path(uri).is_absolute():
        uri = str(Path(kb_dir) / uri)
    return uri


def release_lite(uri: str) -> None:
    """Stop this process's milvus-lite engine for the file ``uri`` (it runs in-process until
    exit otherwise, and holds the file: another process could not open the KB)."""
    try:
        from milvus_lite.server_manager import server_manager_instance
    except ImportError:
        return
    server_manager_instance.release_server(uri)


def create_collection(client, name: str, *, dim: int, lite: bool, dense: DenseSettings) -> None:
    """Create the KB's collection with its fields and indexes when it does not exist."""
    if client.has_collection(name):
        return
    from pymilvus import DataType, MilvusClient

    s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("doc_id", DataType.INT64)
    s.add_field("issuer", DataType.VARCHAR, max_length=TEXT_MAX)
    s.add_field("doc_type", DataType.VARCHAR, max_length=TEXT_MAX)
    s.add_field("year", DataType.INT64)
    s.add_field("bm25_len", DataType.INT64)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    ip = client.prepare_index_params()
    if lite:
        ip.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
    else:
        ip.add_index(field_name="dense", index_type="HNSW", metric_type="IP",
                     params={"M": dense.hnsw_m, "efConstruction": 200})
    ip.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    for field in ("doc_id", "issuer", "doc_type", "year"):  # INVERTED: the scalar index milvus-lite has too
        ip.add_index(field_name=field, index_type="INVERTED")
    client.create_collection(name, schema=s, index_params=ip, consistency_level="Strong")


def sqlite_year(date: str | None) -> int:
    """The year the store's filter reads: ``CAST(substr(date, 1, 4) AS INTEGER)``; -1 for no date
    (SQL NULL, which no year bound admits)."""
    if date is None:
        return -1
    m = re.match(r"\s*([+-]?\d+)", date[:4])
    return int(m.group(1)) if m else 0


def _cut(value: str | None) -> str:
    raw = (value or "").encode("utf-8")[:TEXT_MAX]
    return raw.decode("utf-8", errors="ignore")


def doc_fields(doc: DocumentRow) -> dict:
    """The filter fields of a document's clauses."""
    return {"doc_id": doc.doc_id, "issuer": _cut(doc.issuer), "doc_type": _cut(doc.doc_type),
            "year": sqlite_year(doc.date)}


def _quoted(values) -> str:
    return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in values) + "]"


def filter_expr(f: Filters) -> list[str]:
    """The parts of a Milvus expression for the store-backed filters (status is computed: see ``Restriction.narrowed``)."""
    parts = []
    if f.doc_ids:
        parts.append(f"doc_id in [{', '.join(str(int(d)) for d in f.doc_ids)}]")
    if f.issuers:
        parts.append(f"issuer in {_quoted(_cut(i) for i in f.issuers)}")
    if f.doc_types:
        parts.append(f"doc_type in {_quoted(_cut(t) for t in f.doc_types)}")
    if f.year_from is not None:
        parts.append(f"year >= {int(f.year_from)}")
    if f.year_to is not None:
        parts.append(f"(year >= 0 and year <= {int(f.year_to)})")
    return parts


def expression(r: Restriction) -> str | None:
    """The whole restriction as one expression (None = no restriction). The filters go as
    field conditions (no id list however many clauses they allow); phrases and status as ids."""
    parts = filter_expr(r.filters)
    if r.narrowed is not None:
        parts.append(f"id in [{', '.join(str(int(i)) for i in sorted(r.narrowed))}]")
    if r.excluded:
        parts.append(f"id not in [{', '.join(str(int(i)) for i in sorted(r.excluded))}]")
    return " and ".join(parts) or None


def empty(r: Restriction) -> bool:
    """True when nothing can match (an empty allowed set: Milvus is not asked)."""
    return (r.allowed is not None and not r.allowed) or (r.narrowed is not None and not r.narrowed)
