"""NCP 2020 policy Q&A: each context becomes a text file, each question an eval row whose gold is
the sentence(s) holding the answer span."""
from __future__ import annotations

import json
import re
from pathlib import Path

from evaluation.relevance import relevance_form
from evaluation.sets.common import split_of

# where an answer passage may end: not the product's sentence ends (those include ：for headings)
_SENT_END = "。！？；!?;"
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def ncp_document_text(context: str) -> str:
    """A context as a text file: whitespace next to CJK text (the flattened paragraph breaks) becomes a newline."""
    return _CJK_SPACE.sub("\n", context.strip()) + "\n"


def _boundary(ch: str) -> bool:
    return ch in _SENT_END or ch.isspace()


def answer_passage(context: str, start: int, end: int, *, min_chars: int = 15) -> str:
    """The sentence(s) of ``context`` holding the answer span ``[start, end)``; at least ``min_chars`` letters."""
    lo = start
    while lo > 0 and not _boundary(context[lo - 1]):
        lo -= 1
    hi = max(end, start + 1)
    while hi < len(context) and not _boundary(context[hi - 1]):
        hi += 1
    while len(relevance_form(context[lo:hi])) < min_chars and hi < len(context):
        hi += 1
        while hi < len(context) and not _boundary(context[hi - 1]):
            hi += 1
    return context[lo:hi].strip()


def _ncp_row(d: dict) -> dict:
    """One NCP record as an eval row; kind = numeric | text answer."""
    ctx = d["context"]
    s, e = d["answer"]["span"]
    answer = d["answer"]["text"]
    if ctx[s:e] != answer:  # trust the text when the span is off
        s = ctx.find(answer)
        e = s + len(answer)
    kind = "numeric" if re.search(r"\d", answer) else "text"
    return {"id": d["id"], "query": d["question"], "gold": [answer_passage(ctx, s, e)], "kind": kind,
            "split": split_of(d["id"]), "answer": answer, "docid": d["docid"]}


def ncp_rows(shared: Path) -> tuple[list[dict], dict[str, str]]:
    """(eval rows, {docid: context}) from ``ncp-train.jsonl``; kind = numeric | text answer."""
    rows, docs = [], {}
    with open(shared / "eval" / "ncp-train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs.setdefault(d["docid"], d["context"])
            rows.append(_ncp_row(d))
    return rows, docs
