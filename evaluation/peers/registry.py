"""``build_peers``: peer systems by name (``substring``, ``fts5``, ``bm25-T``, ``dense-M``, ``fuse:…``, ``X+strip``)."""
from __future__ import annotations

import time
from typing import Callable, Sequence

from evaluation.peers.base import ClauseSet, Peer
from evaluation.peers.dense import DensePeer
from evaluation.peers.fused import FusedPeer, KBComponent, StrippedPeer
from evaluation.peers.lexical import BM25Peer, FTS5Peer, SubstringPeer

KB_MODES = ("semantic", "lexical", "hybrid")
KNOWN = "substring, fts5, fts5-or, bm25-TOKENIZER, dense-SPEC, fuse:METHOD:PARAM:TOKENIZER:DENSE"


class _Builder:
    """Builds each named peer once; fusion and ``+strip`` peers reuse the components already built."""

    def __init__(self, kb, clauses: ClauseSet, log: Callable[[str], None]):
        self.kb, self.clauses, self.log = kb, clauses, log
        self.made: dict[str, Peer] = {}

    def get(self, name: str) -> Peer:
        """The peer called ``name``, built (and logged) on first use."""
        if name not in self.made:
            t0 = time.perf_counter()
            peer = self._make(name)
            self.log(f"  built {name} over {len(self.clauses.texts)} clauses in {time.perf_counter() - t0:.1f}s")
            self.made[name] = peer
        return self.made[name]

    def _make(self, name: str) -> Peer:
        clauses = self.clauses
        if name.endswith("+strip"):
            return StrippedPeer(clauses, self.get(name[: -len("+strip")]))
        if name == "substring":
            return SubstringPeer(clauses)
        if name in ("fts5", "fts5-or"):
            return FTS5Peer(clauses, any_trigram=name == "fts5-or")
        if name.startswith("bm25-"):
            return BM25Peer(clauses, name[5:])
        if name in KB_MODES:
            return KBComponent(clauses, self.kb, name)
        if name.startswith("dense-"):
            return DensePeer(clauses, name[6:], log=self.log)
        if name.startswith("fuse:"):
            return self._fused(name)
        raise ValueError(f"unknown peer {name!r}; known: {KNOWN}")

    def _fused(self, name: str) -> Peer:
        parts = name.split(":")
        if len(parts) != 5:
            raise ValueError(f"peer {name!r}: write fuse:METHOD:PARAM:TOKENIZER:DENSE, e.g. fuse:rrf:60:bigram:semantic")
        _, method, param, tok, dense = parts
        dense_peer = self.get(dense if dense in KB_MODES else "dense-" + dense)
        return FusedPeer(self.clauses, self.get("bm25-" + tok), dense_peer, method=method, param=float(param),
                         name=name)


def build_peers(kb, names: Sequence[str], *, log: Callable[[str], None] = print,
                clauses: ClauseSet | None = None) -> list[Peer]:
    """Build the named peers over ``kb``'s clauses; ValueError names an unknown peer."""
    builder = _Builder(kb, clauses or ClauseSet.from_kb(kb), log)
    return [builder.get(n) for n in names]
