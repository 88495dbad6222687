"""Links between documents, computed at query time from the ``refs`` rows and the documents table.

Resolution is done when asked (never stored), so it stays right whatever is added, replaced or removed
on either side: a reference matches a document whose ``title_key`` (or 发文字号) equals the reference key.
Versions: documents with the same title key form a chain ordered by date; the newest is current, the
others superseded. A document named in a clause of another KB document that says it is repealed
(``…同时废止`` / ``…自…起废止``) is repealed, with that clause. A document whose title says it amends
another (``关于修改《X》的决定``, ``X修正案（十一）``) is listed with X as one of its amendments; it does
not join X's version chain (it holds the changes, not a full text) and X's status is not changed by it.
A reference also matches a document whose title carries issuing bodies before 关于 that the reference
leaves out (``issuer_free``).
"""
from __future__ import annotations

from dataclasses import dataclass

from index.records import DocumentRow
from ingest.refs import amended_title, issuer_free, repeals, title_key


class Status:
    """Status values of a document (plain strings in JSON)."""
    CURRENT, SUPERSEDED, REPEALED, UNKNOWN = "current", "superseded", "repealed", "unknown"


@dataclass(frozen=True)
class DocLinks:
    """Status and version chain of one document (chain: doc ids oldest first)."""
    doc_id: int
    status: str
    chain: tuple[int, ...]
    repealed_by: int | None = None  # the repealing clause id
    amends: int | None = None  # the document this one amends (a 修改决定 / 修正案)
    amendments: tuple[int, ...] = ()  # the documents amending this one, oldest first


def _keys(docs: list[DocumentRow]) -> dict[str, list[DocumentRow]]:
    by_key: dict[str, list[DocumentRow]] = {}
    for d in docs:
        key = title_key(d.title)
        by_key.setdefault(key, []).append(d)
        if issuer_free(key) != key:
            by_key.setdefault(issuer_free(key), []).append(d)
        if d.doc_number:
            by_key.setdefault(d.doc_number, []).append(d)
    return by_key


def _newest(docs: list[DocumentRow]) -> DocumentRow:
    return max(docs, key=lambda d: (d.date or "", d.doc_id))


def _lookup(by_key: dict[str, list[DocumentRow]], key: str) -> list[DocumentRow]:
    return by_key.get(key) or by_key.get(issuer_free(key)) or []


def resolve(kb, key: str) -> int | None:
    """The doc id a reference key names (the newest version when several match), or None."""
    found = _lookup(_keys(kb.documents()), key)
    return _newest(found).doc_id if found else None


def _amends(docs: list[DocumentRow], by_key: dict[str, list[DocumentRow]]) -> dict[int, int]:
    """{amending doc id: amended doc id} from the titles (the newest version of X when several)."""
    out = {}
    for d in docs:
        target = amended_title(d.title)
        found = [x for x in _lookup(by_key, title_key(target)) if x.doc_id != d.doc_id] if target else []
        if found:
            out[d.doc_id] = _newest(found).doc_id
    return out


def references(kb, doc_id: int) -> dict:
    """``{"cites": [...], "cited_by": [...]}`` of a document (the ``refs`` command's JSON)."""
    docs = kb.documents()
    by_key, by_id = _keys(docs), {d.doc_id: d for d in docs}
    if doc_id not in by_id:
        return {"cites": [], "cited_by": []}
    with kb._lock:
        own = kb.store.refs_of(doc_id)
        me = by_id[doc_id]
        keys = [title_key(me.title), issuer_free(title_key(me.title))] + ([me.doc_number] if me.doc_number else [])
        citing = kb.store.refs_with_keys(keys)
    cites = []
    for clause_id, title, _kind, cue, key in own:
        found = [d for d in _lookup(by_key, key) if d.doc_id != doc_id]
        cites.append({"title": title, "doc_id": _newest(found).doc_id if found else None,
                      "clause_id": clause_id, "cue": cue})
    cited_by, seen = [], set()
    for clause_id, other, _key, _cue, _text in citing:
        if other != doc_id and clause_id not in seen:
            seen.add(clause_id)
            cited_by.append({"doc_id": other, "title": by_id[other].title, "clause_id": clause_id})
    return {"cites": cites, "cited_by": cited_by}


def all_links(kb) -> dict[int, DocLinks]:
    """Status and chain of every document."""
    with kb._lock:
        return store_links(kb.store)


def status_clause_ids(store, status: str) -> set[int]:
    """Ids of the clauses of documents with ``status`` (the search filter)."""
    keep = [d for d, link in store_links(store).items() if link.status == status]
    return store.clause_ids_of_docs(keep)


def demote_superseded(ranked: list, doc_of: dict[int, int], chains: dict[int, DocLinks]) -> list:
    """Move a superseded version's clause just below the first clause of its current version when both
    are in ``ranked`` and the old one ranks higher (a re-ordering after fusion; scores are kept).
    ``chains``: ``store_links(store, repeals_too=False)``, computed once per batch of queries."""
    docs = {doc_of.get(r.clause_id) for r in ranked}
    links = {d: l for d, l in chains.items() if d in docs and len(l.chain) > 1}
    if not links:
        return ranked
    pos = {}
    for i, r in enumerate(ranked):
        pos.setdefault(doc_of.get(r.clause_id), i)
    def key(ir):
        i, r = ir
        link = links.get(doc_of.get(r.clause_id))
        if link and link.status == Status.SUPERSEDED and pos.get(link.chain[-1], -1) > i:
            return pos[link.chain[-1]] + 0.5
        return i
    return [r for _, r in sorted(enumerate(ranked), key=key)]


def store_links(store, *, repeals_too: bool = True) -> dict[int, DocLinks]:
    """Status and chain of every document of a store (the caller holds the KB lock)."""
    docs = store.documents()
    chains: dict[str, list[DocumentRow]] = {}
    for d in docs:
        chains.setdefault(title_key(d.title), []).append(d)
    by_key = _keys(docs)
    repealed: dict[int, int] = {}
    rows = store.refs_with_keys(list(by_key)) if repeals_too else []
    for clause_id, citing_doc, key, cue, text in rows:
        if cue == "废止" and repeals(text):
            for d in _lookup(by_key, key):
                if d.doc_id != citing_doc:
                    repealed.setdefault(d.doc_id, clause_id)
    amends = _amends(docs, by_key)
    amendments: dict[int, list[DocumentRow]] = {}
    by_id = {d.doc_id: d for d in docs}
    for source, target in amends.items():
        amendments.setdefault(target, []).append(by_id[source])
    out = {}
    for members in chains.values():
        members = sorted(members, key=lambda d: (d.date or "", d.doc_id))
        chain = tuple(d.doc_id for d in members)
        newest = members[-1].doc_id
        for d in members:
            if d.doc_id in repealed:
                status = Status.REPEALED
            elif len(members) > 1:
                status = Status.CURRENT if d.doc_id == newest else Status.SUPERSEDED
            else:
                status = Status.CURRENT if d.date else Status.UNKNOWN
            later = sorted(amendments.get(d.doc_id, []), key=lambda x: (x.date or "", x.doc_id))
            out[d.doc_id] = DocLinks(doc_id=d.doc_id, status=status, chain=chain,
                                     repealed_by=repealed.get(d.doc_id), amends=amends.get(d.doc_id),
                                     amendments=tuple(x.doc_id for x in later))
    return out


def versions(kb, doc_id: int) -> dict:
    """``{"doc_id", "status", "repealed_by", "chain": [{"doc_id", "title", "date", "status"}],
    "amends": {"doc_id", "title", "date"} | None, "amendments": [{"doc_id", "title", "date"}]}``."""
    links = all_links(kb)
    by_id = {d.doc_id: d for d in kb.documents()}
    me = links.get(doc_id)
    if me is None:
        return {"doc_id": doc_id, "status": Status.UNKNOWN, "repealed_by": None, "chain": [],
                "amends": None, "amendments": []}
    def brief(i: int) -> dict:
        return {"doc_id": i, "title": by_id[i].title, "date": by_id[i].date}
    chain = [{**brief(i), "status": links[i].status} for i in me.chain]
    return {"doc_id": doc_id, "status": me.status, "repealed_by": me.repealed_by, "chain": chain,
            "amends": brief(me.amends) if me.amends is not None else None,
            "amendments": [brief(i) for i in me.amendments]}
