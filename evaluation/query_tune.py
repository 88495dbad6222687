"""Query-understanding variants on the train halves (or test), one KB load and one query embedding per set.

    python evaluation/query_tune.py --split train --variant base:query.strip_questions=false \
        --variant strip: --variant exp0.3:query.expansion_weight=0.3@artifacts/qa/lex.tsv

A variant is ``NAME:SET,SET...[@LEXICON]`` (``--set`` assignments of ``evaluation.overrides``); the
table gives MRR@10 / R@10 / R@100 of hybrid and lexical per set.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluation.lexicon import _in_fold  # noqa: E402
from evaluation.metrics import aggregate  # noqa: E402
from evaluation.overrides import apply_settings  # noqa: E402
from evaluation.queries import load_queries  # noqa: E402
from evaluation.runner import KBMode, run_system  # noqa: E402

# set -> (queries, KB), where the project's commands put them: `python -m index add corpus/` (kb/),
# `python -m evaluation sets ncp|stard|laws-kb` (artifacts/); --set-paths points elsewhere
SETS = {"own": ("eval/corpus_queries.jsonl", "kb"),
        "ncp": ("artifacts/eval/ncp.jsonl", "artifacts/ncp/kb"),
        "stard": ("artifacts/eval/stard.jsonl", "artifacts/laws/kb")}


class CachedEmbedder:
    """The KB's embedder with its query vectors kept: variants change only the lexical side."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.cache: dict[str, np.ndarray] = {}

    def encode_queries(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode_queries(missing)))
        return np.stack([self.cache[t] for t in texts])

    def encode_passages(self, texts):
        return self.inner.encode_passages(texts)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sets", default="own,ncp,stard")
    p.add_argument("--split", default="train")
    p.add_argument("--modes", default="hybrid,lexical")
    p.add_argument("--variant", action="append", required=True)
    p.add_argument("--fold", default="", help="EVEN or ODD: only that half of the split (see evaluation.lexicon)")
    p.add_argument("--set-paths", action="append", default=[], metavar="NAME=QUERIES,KB",
                   help="another query file and KB for a set (repeatable), e.g. ncp=my/ncp.jsonl,my/ncp-kb")
    args = p.parse_args()
    sets = dict(SETS)
    for item in args.set_paths:
        name, _, paths = item.partition("=")
        queries, _, kb = paths.partition(",")
        if name not in SETS or not queries or not kb:
            p.error(f"--set-paths {item}: give NAME=QUERIES,KB with NAME one of {', '.join(SETS)}")
        sets[name] = (queries, kb)
    from index.embed import get_embedder
    from index.kb import KnowledgeBase

    print(f"split={args.split} fold={args.fold or 'all'}")
    for name in args.sets.split(","):
        qfile, kb_dir = sets[name]
        queries = [q for q in load_queries(qfile, split=args.split) if _in_fold(q, args.fold)]
        with KnowledgeBase.open(kb_dir, create=False) as probe:
            model = probe.config.model
        kb = KnowledgeBase.open(kb_dir, create=False, embedder=CachedEmbedder(get_embedder(model)))
        for variant in args.variant:
            label, _, rest = variant.partition(":")
            sets, _, lexicon = rest.partition("@")
            kb._searcher.named_docs.lexicon_path = Path(lexicon) if lexicon else Path("index/data/lexicon.tsv").resolve()
            restore = apply_settings(kb, [s for s in sets.split(",") if s])
            cells = []
            for mode in args.modes.split(","):
                m = aggregate(run_system(KBMode(kb, mode), queries, k=100).outcomes, (10, 100))
                cells.append(f"{mode} {m.mrr10:.3f} / {m.recall[10]:.3f} / {m.recall[100]:.3f}")
            restore()
            print(f"{name:<6} {label:<24} " + "   ".join(cells), flush=True)
        kb.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
