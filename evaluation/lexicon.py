"""``python -m evaluation lexicon``: build the everyday-word → document-term lexicon
(``index/data/lexicon.tsv``) from the **train** halves of the labelled sets.

Pairs mined from questions and their gold passages: a question word (jieba, two or more CJK
characters, not a question form) that no gold passage contains is paired with the gold word
(absent from the question) nearest to it by the embedding model's cosine. A pair is kept when it
was seen in at least ``--min-count`` questions with a mean cosine of at least ``--min-cos``, or
once with at least ``--high-cos``. Optionally the 同义词 groups of the ``cnsyn`` package
(Apache-2.0; its word list is read as a file, nothing is downloaded) add pairs whose target is a
gold word of the train sets and whose cosine passes ``--high-cos``.

The embedding model's cosines are compressed (e5: unrelated words ~0.80, 噪音/噪声 0.96), so the
thresholds are high. Word vectors are cached in ``artifacts/qa/wordvec.npz``.
"""
from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from evaluation.data import artifacts_dir
from evaluation.queries import EvalQuery, load_queries

HELP = "build the query-expansion lexicon from train splits"
DESCRIPTION = "Mine everyday-word → document-term pairs from train questions and their gold passages."
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
MAX_SYNONYM_CHARS, MAX_GROUP = 4, 12


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation lexicon``."""
    p.add_argument("--sets", nargs="+", default=["artifacts/eval/stard.jsonl", "artifacts/eval/ncp.jsonl"],
                   help="labelled query sets, as built by `python -m evaluation sets stard|ncp` (train halves only)")
    p.add_argument("--out", default="index/data/lexicon.tsv", help="lexicon file to write")
    p.add_argument("--model", default="e5-int8", help="embedder for word similarity")
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--min-cos", type=float, default=0.93)
    p.add_argument("--high-cos", type=float, default=0.95)
    p.add_argument("--synonyms", default="auto",
                   help="cnsyn's sim_words.txt ('auto': from the installed cnsyn package; 'none': skip)")
    p.add_argument("--fold", default="", help="EVEN or ODD: mine only that half of train (for cross-checks)")


def _words(text: str, stop: frozenset[str]) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    return [w for w in dict.fromkeys(jieba.lcut(text)) if _CJK_WORD.match(w) and w not in stop]


def _stop_words() -> frozenset[str]:
    from index.analyse import QUESTION_FORMS

    generic = ("可以", "应该", "应当", "需要", "规定", "法律", "情况", "有关", "相关", "问题", "怎么", "如果",
               "进行", "是否", "能够", "什么样", "哪些", "时候", "这种", "这个", "那么", "还是", "或者", "以及")
    return frozenset(QUESTION_FORMS + generic)


def _in_fold(q: EvalQuery, fold: str) -> bool:
    import hashlib

    if not fold:
        return True
    # not sha1(id): its parity is the train/test split itself
    odd = int(hashlib.md5(q.qid.encode()).hexdigest(), 16) % 2 == 1
    return odd == (fold.upper() == "ODD")


def mine_candidates(queries: list[EvalQuery], stop: frozenset[str]) -> list[tuple[str, list[str]]]:
    """Per question word absent from every gold passage: the gold words absent from the question."""
    out = []
    for q in queries:
        gold = "".join(q.gold)
        qwords = _words(q.query, stop)
        gwords = [w for w in _words(gold, stop) if w not in q.query]
        for w in qwords:
            if w not in gold and gwords:
                out.append((w, gwords))
    return out


class WordVectors:
    """Word vectors from the embedder, cached on disk across runs."""

    def __init__(self, model: str, cache: Path):
        self.model, self.cache = model, cache
        self.vec: dict[str, np.ndarray] = {}
        if cache.exists():
            with np.load(cache) as z:
                self.vec = dict(zip(str(z["words"]).split("\n"), z["vectors"]))

    def ensure(self, words) -> None:
        """Embed the words not cached yet, and save the cache."""
        missing = sorted(set(words) - set(self.vec))
        if not missing:
            return
        from index.embed import get_embedder

        print(f"embedding {len(missing)} words", file=sys.stderr)
        vectors = get_embedder(self.model).encode_queries(missing)
        self.vec.update(zip(missing, vectors))
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(self.cache, words=np.str_("\n".join(self.vec)), vectors=np.stack(list(self.vec.values())))

    def cos(self, a: str, b: str) -> float:
        """Cosine of two cached words."""
        return float(self.vec[a] @ self.vec[b])


def mined_pairs(cands, wv: WordVectors, *, min_count: int, min_cos: float, high_cos: float) -> dict:
    """(word, term) → mean cosine of the pairs that pass the count/cosine rule."""
    seen: dict[tuple[str, str], list[float]] = defaultdict(list)
    for w, gwords in cands:
        sims = [(wv.cos(w, g), g) for g in gwords]
        if sims:
            c, g = max(sims)
            seen[(w, g)].append(c)
    return {k: float(np.mean(v)) for k, v in seen.items()
            if (len(v) >= min_count and np.mean(v) >= min_cos) or max(v) >= high_cos}


def synonym_pairs(path: Path, targets: set[str], wv: WordVectors, *, high_cos: float) -> dict:
    """Pairs from cnsyn's groups whose term is a document (gold) word, above ``high_cos``."""
    pairs = {}
    wanted: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        # short words of small groups: the big groups are encyclopaedia lists (卦 names, colours)
        group = [w for w in line.split() if _CJK_WORD.match(w) and len(w) <= MAX_SYNONYM_CHARS]
        if len(group) > MAX_GROUP:
            continue
        for t in (g for g in group if g in targets):
            wanted += [(w, t) for w in group if w != t and w not in t and t not in w]
    wv.ensure({w for w, _ in wanted} | {t for _, t in wanted})
    for w, t in wanted:
        c = wv.cos(w, t)
        if c >= high_cos:
            pairs[(w, t)] = c
    return pairs


def _synonyms_file(arg: str) -> Path | None:
    if arg == "none":
        return None
    if arg != "auto":
        return Path(arg)
    spec = importlib.util.find_spec("cnsyn")  # not imported: its module opens a Windows path
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "chinese_dictionary" / "sim_words.txt"
    return path if path.exists() else None


def run(args: argparse.Namespace) -> int:
    """Mine the pairs and write the lexicon TSV."""
    stop = _stop_words()
    queries = [q for s in args.sets for q in load_queries(s, split="train") if _in_fold(q, args.fold)]
    cands = mine_candidates(queries, stop)
    wv = WordVectors(args.model, artifacts_dir() / "qa" / "wordvec.npz")
    wv.ensure({w for w, _ in cands} | {g for _, gs in cands for g in gs})
    pairs = {k: (c, "mined") for k, c in mined_pairs(cands, wv, min_count=args.min_count, min_cos=args.min_cos,
                                                    high_cos=args.high_cos).items()}
    syn = _synonyms_file(args.synonyms)
    if syn is not None:
        targets = {g for _, gs in cands for g in gs}
        for k, c in synonym_pairs(syn, targets, wv, high_cos=args.high_cos).items():
            pairs.setdefault(k, (c, "cnsyn"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# everyday word<TAB>document term<TAB>weight<TAB>source (cosine) — "
             "python -m evaluation lexicon, from train halves only"]
    for (w, t), (c, src) in sorted(pairs.items()):
        lines.append(f"{w}\t{t}\t1.0\t{src} {c:.3f}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(pairs)} pairs from {len(queries)} train questions → {out}", file=sys.stderr)
    return 0
