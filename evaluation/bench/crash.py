"""``python -m evaluation crash-bench --trials 50``: SIGKILL ``python -m index add`` (and ``remove``)
at random moments and check after each kill that the KB reopens with its database and both derived
indexes holding the same clause ids, at the database's generation, with whole documents only, each
a version that was written to disk; a second open needs no repair."""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HELP = "kill -9 trials: ingestion killed at random moments, KB consistency checked after each"
DESCRIPTION = __doc__
ROOT = Path(__file__).resolve().parents[2]
BODY = """{title}

一、总体要求

到2025年，{topic}水平明显提高，第{n}轮目标稳步推进。

二、重点任务

（一）{topic}重点工程。推进{topic}设施建设，新建项目{n}个。

（二）{topic}保障措施。完善{topic}投入机制，第{n}轮资金{m}万元。

（三）{topic}考核评价。建立{topic}年度考核制度，考核结果第{n}次公开。
"""
TOPICS = ["公共服务", "交通运输", "医疗卫生", "生态环境", "科技创新", "文化旅游", "乡村振兴", "教育发展"]


@dataclass
class Outcome:
    """What the trials did."""

    killed: list[float] = field(default_factory=list)  # seconds into the run
    finished: int = 0
    inconsistent: list[str] = field(default_factory=list)
    checks: int = 0
    after_commit: int = 0  # kills after the batch committed (the generation moved): index save cut short
    temp_left: int = 0  # kills that left a half-written temp file of an index


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``crash-bench``."""
    p.add_argument("--trials", type=int, default=50, help="kills to make (default 50)")
    p.add_argument("--model", default="demo", help="embedding model of the KB (default demo: fast, so the "
                                                  "kills spread over parse, embed, write and save)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--dir", default=None, help="work directory (default: a temp dir)")


def _write_docs(d: Path, n: int, rng: random.Random, hashes: dict[str, set[str]]) -> None:
    import hashlib

    for i, topic in enumerate(TOPICS):
        if i == 0 or rng.random() < 0.5:  # change some files each round so there is work to do
            f = d / f"doc{i}.txt"
            f.write_text(BODY.format(title=f"{topic}实施方案", topic=topic, n=n, m=rng.randint(1, 9999)),
                         encoding="utf-8")
            hashes.setdefault(str(f.resolve()), set()).add(hashlib.sha256(f.read_bytes()).hexdigest())


def files_lie(kb_dir: Path) -> str | None:
    """An index file stamped with the database's generation must hold exactly its clause ids (an
    older stamp is allowed: it is repaired by id diff on open, never trusted)."""
    from index.config import read_manifest
    from index.dense import DenseIndex
    from index.lexical import LexicalIndex
    from index.location import DB_FILE, DENSE_FILE, LEXICAL_FILE
    from index.store import Store

    store = Store(kb_dir / DB_FILE)
    try:
        gen, ids = store.generation(), store.clause_ids()
        model, dim = store.get_meta("model"), store.get_meta("dim")
    finally:
        store.close()
    manifest = read_manifest(kb_dir)
    if manifest is None or model is None:
        return None  # killed before the first commit: nothing recorded yet
    lex = LexicalIndex.load(kb_dir / LEXICAL_FILE, settings=manifest.settings.lexical)
    dense = DenseIndex.load(kb_dir / DENSE_FILE, model=model, dim=int(dim), settings=manifest.settings.dense)
    for name, idx in (("lexical", lex), ("dense", dense)):
        if idx is not None and idx.generation == gen and idx.id_set() != ids:
            return f"{name}.npz is stamped with generation {gen} but holds other clause ids"
    return None


def check(kb_dir: Path, hashes: dict[str, set[str]]) -> str | None:
    """None when the KB is consistent, else what is wrong."""
    from index.kb import KnowledgeBase

    problem = files_lie(kb_dir)
    if problem:
        return problem
    kb = KnowledgeBase.open(kb_dir, create=False)
    try:
        kb.refresh()
        db_ids = kb.store.clause_ids()
        if kb._lexical.id_set() != db_ids or kb._dense.id_set() != db_ids:
            return "index id sets differ from the database's after reopening"
        if not kb._lexical.generation == kb._dense.generation == kb.store.generation():
            return "index generations differ from the database's"
        for d in kb.documents():
            if d.clauses != 4:
                return f"{d.source}: {d.clauses} clauses, a partial document"
            if d.content_hash not in hashes.get(d.source, set()):
                return f"{d.source}: a version never written"
    finally:
        kb.close()
    return files_lie(kb_dir) or _stale_after_reopen(kb_dir)


def _stale_after_reopen(kb_dir: Path) -> str | None:
    """After one open repaired the files, they carry the database's generation."""
    from index.kb import KnowledgeBase

    kb = KnowledgeBase.open(kb_dir, create=False)
    try:
        changed = kb.refresh()  # False: the files on disk were current
    finally:
        kb.close()
    return "the second open found stale index files" if changed else None


def _generation(kb_dir: Path) -> int | None:
    """The database's generation, read without opening the KB (None before the first commit)."""
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{kb_dir / 'kb.sqlite'}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def _trial(cmd: list[str], typical: float | None, rng: random.Random, out: Outcome) -> float | None:
    """Run ``cmd``, killing it at a random moment of a typical run; returns the run's duration when it finished."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # the first ~40% of a run is interpreter start and imports (nothing written): kill after it
    delay = rng.uniform(0.4, 1.0) * typical if typical else None
    try:
        proc.wait(timeout=delay)
        out.finished += 1
        return time.monotonic() - started
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL
        proc.wait()
        out.killed.append(delay)
        return None


def trials(work: Path, *, count: int, model: str, seed: int) -> Outcome:
    """Kill ``count`` runs; check the KB after every run."""
    rng = random.Random(seed)
    docs, kb_dir = work / "docs", work / "kb"
    docs.mkdir(parents=True, exist_ok=True)
    hashes: dict[str, set[str]] = {}
    out, typical, n = Outcome(), None, 0
    while len(out.killed) < count and n < 4 * count:
        _write_docs(docs, n, rng, hashes)
        if n % 7 == 6:
            victim = docs / f"doc{rng.randrange(len(TOPICS))}.txt"
            cmd = [sys.executable, "-m", "index", "remove", str(victim), "--kb", str(kb_dir), "--quiet"]
        else:
            cmd = [sys.executable, "-m", "index", "add", str(docs), "--kb", str(kb_dir), "--model", model, "--quiet"]
        gen = _generation(kb_dir)
        killed = len(out.killed)
        took = _trial(cmd, typical if n % 5 else None, rng, out)  # every 5th run whole: a fresh typical
        if len(out.killed) > killed:
            out.after_commit += _generation(kb_dir) != gen
            out.temp_left += any(kb_dir.glob("*.tmp"))
        if took is not None and cmd[3] == "add":
            typical = took if typical is None else 0.5 * (typical + took)
        if (kb_dir / "kb.sqlite").exists():
            out.checks += 1
            problem = check(kb_dir, hashes)
            if problem:
                out.inconsistent.append(f"run {n}: {problem}")
        n += 1
    return out


def run(args: argparse.Namespace) -> int:
    """Run the trials and print the figures; exit 1 when any KB was inconsistent."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crash-") as tmp:
        work = Path(args.dir) if args.dir else Path(tmp)
        out = trials(work, count=args.trials, model=args.model, seed=args.seed)
    kills = sorted(out.killed)
    print(f"kills {len(kills)}, uninterrupted runs {out.finished}, consistency checks {out.checks}, "
          f"inconsistent {len(out.inconsistent)}; seconds {time.monotonic() - started:.0f}")
    print(f"kills after the batch committed: {out.after_commit}; kills that left a temp index file: {out.temp_left}")
    if kills:
        print(f"kill moments: {kills[0]:.2f}-{kills[-1]:.2f} s into the run (median {kills[len(kills) // 2]:.2f} s)")
    for line in out.inconsistent:
        print("  INCONSISTENT", line)
    return 1 if out.inconsistent else 0
