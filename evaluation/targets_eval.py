"""Precision and recall of the quantitative-statement extractor on the labelled set.

    python -m evaluation targets-eval --split test [--labels eval/targets_labelled.jsonl] [--misses 40]

Each labelled row names its source (``corpus/…`` relative to the repository, ``realdocs/…``
relative to ``../shared``), the text it was read from (``clause_text``) and the statement.
Every statement in a labelled text is labelled, so the extractor is scored inside those
texts only: a prediction counts when its phrase ends inside a labelled text of the split.

A prediction matches a label when the indicator, value (and range end), unit and year agree:
indicators by canonical name (``ingest.targets.canonical_name``), also allowing the subject to
be written inside the indicator (``缺水城市`` + ``再生水利用率``); values and units once
magnitudes are multiplied out (``4.4万亿元`` = ``44000亿元``). Also printed: the looser
value+unit+year score (how many misses are indicator names only), and on matched pairs how
often the comparator and the kind agree. Predictions that match a label of the other split
are neither counted nor charged.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__":  # runnable as a script from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.text import _MATCH_DASHES  # the project's match form, char by char
from ingest.pipeline import parse_file
from ingest.targets import ClauseStatement, canonical_name, extract_document, same_quantity

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_LABELS = REPO / "eval" / "targets_labelled.jsonl"


@dataclass(frozen=True)
class Label:
    """One labelled statement (a line of the JSONL file)."""

    id: str
    source: str
    clause_text: str
    indicator: str
    value: float
    value_high: float | None
    unit: str
    comparator: str
    kind: str
    year: int | None
    subject: str | None
    split: str


def load_labels(path: str | Path = DEFAULT_LABELS) -> list[Label]:
    """Read the labelled JSONL file."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(Label(**json.loads(line)))
    return rows


def source_path(source: str) -> Path:
    """``corpus/…`` is in the repository; anything else is under ``../shared``."""
    return REPO / source if source.startswith("corpus/") else SHARED / source


def match_form_map(text: str) -> tuple[str, list[int]]:
    """The match form of ``text`` (as ``ingest.text.match_form``) with, for each of its
    characters, the offset of the original character it came from."""
    out, where = [], []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).casefold().translate(_MATCH_DASHES):
            if not c.isspace():
                out.append(c)
                where.append(i)
    return "".join(out), where


def locate(clause_texts: list[str], needle: str) -> tuple[int, int, int] | None:
    """(clause index, start, end) of ``needle`` in the clauses, compared in match form."""
    target, _ = match_form_map(needle)
    for k, text in enumerate(clause_texts):
        form, where = match_form_map(text)
        at = form.find(target)
        if at >= 0:
            return k, where[at], where[at + len(target) - 1] + 1
    return None


def _names(indicator: str, subject: str | None) -> set[str]:
    names = {canonical_name(indicator)}
    if subject:
        names.add(canonical_name(subject + indicator))
    return names


def matches(label: Label, st, *, indicator: bool = True) -> bool:
    """Indicator (canonical), value, range end, unit and year agree."""
    if label.year != st.year:
        return False
    if not same_quantity((label.value, label.unit), (st.value, st.unit)):
        return False
    if (label.value_high is None) != (st.value_high is None):
        return False
    if label.value_high is not None and not same_quantity((label.value_high, label.unit), (st.value_high, st.unit)):
        return False
    return not indicator or bool(_names(label.indicator, label.subject) & _names(st.indicator, st.subject))


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    gold: int = 0
    loose_tp: int = 0
    comparator_ok: int = 0
    kind_ok: int = 0
    statements: int = 0
    seconds: float = 0.0


def score(labels: list[Label], split: str, *, report: list[str] | None = None) -> Tally:
    """Score the extractor on the labels of ``split`` (``all`` for both halves)."""
    tally = Tally()
    by_source: dict[str, list[Label]] = defaultdict(list)
    for lab in labels:
        by_source[lab.source].append(lab)
    for source, rows in sorted(by_source.items()):
        if not any(split in ("all", r.split) for r in rows):
            continue
        doc = parse_file(source_path(source))
        t0 = time.perf_counter()
        found = extract_document(doc)
        tally.seconds += time.perf_counter() - t0
        tally.statements += len(found)
        _score_source(doc, rows, found, split, tally, report)
    return tally


def _score_source(doc, rows: list[Label], found: list[ClauseStatement], split: str, tally: Tally,
                  report: list[str] | None) -> None:
    texts = [c.text for c in doc.clauses]
    regions: dict[tuple[int, int, int], list[Label]] = defaultdict(list)
    for lab in rows:
        where = locate(texts, lab.clause_text)
        if where is None:
            raise ValueError(f"{lab.id}: clause_text not found in {lab.source}")
        regions[where].append(lab)
    for (k, start, end), labs in regions.items():
        ordinal = doc.clauses[k].ordinal
        preds = [cs.statement for cs in found if cs.ordinal == ordinal and start < cs.statement.end <= end]
        mine = [lab for lab in labs if split in ("all", lab.split)]
        if not mine:
            continue
        others = [lab for lab in labs if lab not in mine]
        used: set[int] = set()
        for lab in mine:
            tally.gold += 1
            hit = next((i for i, p in enumerate(preds) if i not in used and matches(lab, p)), None)
            loose = next((p for p in preds if matches(lab, p, indicator=False)), None)
            tally.loose_tp += loose is not None
            if hit is None:
                if report is not None:
                    near = loose or next(iter(preds), None)
                    report.append(f"MISS {lab.id}: {lab.indicator} {lab.comparator} {lab.value:g}"
                                  f"{'-%g' % lab.value_high if lab.value_high else ''} {lab.unit} {lab.year} "
                                  f"[{lab.kind}]  ← got: {_show(near) if near else '-'}")
                continue
            used.add(hit)
            tally.tp += 1
            tally.comparator_ok += preds[hit].comparator == lab.comparator
            tally.kind_ok += preds[hit].kind.value == lab.kind
        for i, p in enumerate(preds):
            if i in used or any(matches(o, p) for o in others):
                continue
            tally.fp += 1
            if report is not None:
                report.append(f"FP   {mine[0].id[:mine[0].id.index('#')]}: {_show(p)}")


def _show(st) -> str:
    high = f"-{st.value_high:g}" if st.value_high is not None else ""
    return (f"{st.subject + '|' if st.subject else ''}{st.indicator} {st.comparator} {st.value:g}{high} {st.unit} "
            f"{st.year} [{st.kind.value}]")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m evaluation targets-eval``."""
    p.add_argument("--split", choices=("train", "test", "all"), default="test")
    p.add_argument("--labels", default=str(DEFAULT_LABELS))
    p.add_argument("--misses", type=int, default=60, help="how many misses and false positives to print")


def main(argv: list[str] | None = None) -> int:
    """Print precision, recall and the misses on a split of the labelled set."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(p)
    return run(p.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Score the split ``args`` names (see ``main``)."""
    labels = load_labels(args.labels)
    missing = sorted({lab.source for lab in labels if not source_path(lab.source).exists()})
    if missing:
        print(f"error: sources not found (is ../shared there?): {', '.join(missing)}", file=sys.stderr)
        return 2
    report: list[str] = []
    t = score(labels, args.split, report=report)
    precision = t.tp / (t.tp + t.fp) if t.tp + t.fp else 0.0
    recall = t.tp / t.gold if t.gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"# targets_eval split={args.split} labels={t.gold} predictions_in_labelled_text={t.tp + t.fp}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  (indicator+value+unit+year)")
    print(f"value+unit+year only: recall {t.loose_tp / t.gold if t.gold else 0:.3f}")
    if t.tp:
        print(f"on matched pairs: comparator agrees {t.comparator_ok / t.tp:.3f}, kind agrees {t.kind_ok / t.tp:.3f}")
    print(f"extraction over the labelled documents: {t.statements} statements in {t.seconds:.3f} s")
    for line in report[:args.misses]:
        print(line)
    if len(report) > args.misses:
        print(f"… {len(report) - args.misses} more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
