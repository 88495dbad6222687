"""Builders of the evaluation sets and their knowledge bases from the shared data (outputs under ``artifacts/``).

Usage::

    python -m evaluation sets stard     # artifacts/eval/stard.jsonl (1,235 queries, gold = article texts)
    python -m evaluation sets laws-kb   # artifacts/laws/kb: every cited law + 500 distractor laws
    python -m evaluation sets ncp       # artifacts/ncp/docs/*.txt, artifacts/ncp/kb, artifacts/eval/ncp.jsonl
    python -m evaluation sets segmented-kb corpus --kb artifacts/seg/corpus-300 --max-chars 300   # clause bounds

Every set is split into train/test halves by a hash of the query id (tune on train, report on test).
Modules: ``common`` (split, JSONL), ``stard`` (STARD and its laws), ``ncp`` (2020 policy Q&A),
``kbs`` (building their KBs), ``cli`` (the ``sets`` sub-command).
"""
