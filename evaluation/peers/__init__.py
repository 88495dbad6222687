"""Peer retrievers scored in the same run and on the same clauses as the knowledge base.

Each peer ranks positions in one ``ClauseSet`` (the KB's clauses in document order):

- ``substring`` — what users do today with Ctrl+F: clauses containing every space-separated
  term (whitespace ignored on both sides, so PDF line wraps do not hide a match), in document order.
- ``fts5`` — SQLite FTS5 with the ``trigram`` tokenizer, in memory: every term must match
  (terms under 3 characters by ``instr``), ranked by FTS5's bm25; ``fts5-or`` ORs the
  query's character trigrams instead, so whole questions match too.
- ``bm25-NAME`` — ``index.lexical.LexicalIndex`` alone with tokenizer NAME from ``index.tokenize``.
- ``dense-SPEC`` — exact FAISS search over ``index.embed.get_embedder(SPEC)`` vectors of the same
  clauses; vectors are cached under ``artifacts/embcache/``.
- ``fuse:METHOD:PARAM:LEX:DENSE`` — two components fused by the product's own fusion function,
  for tuning, e.g. ``fuse:rrf:60:bigram:semantic`` (reciprocal rank fusion, k=60) or
  ``fuse:minmax:0.3:bigram:semantic`` (min-max normalised scores, weight 0.3 on the lexical side).
  LEX is a tokenizer name, DENSE is ``semantic`` (the KB's own vectors) or an embedder spec.
- ``NAME+strip`` — peer NAME fed the query without question words (``strip_question``).

Modules: ``base`` (ClauseSet, Ranked, Peer), ``lexical``, ``dense``, ``fused``, ``registry`` (build_peers).
"""
