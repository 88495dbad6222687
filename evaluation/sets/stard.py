"""STARD legal questions: eval rows (gold = the cited article texts) and the laws of their knowledge base."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from evaluation.relevance import relevance_form
from evaluation.sets.common import split_of

_ARTICLE_KEY = re.compile(r"(.+?)第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?$")
_ARTICLE_LINE = re.compile(r"^\s*第[零一二三四五六七八九十百千]+条", re.M)


def law_key(title: str) -> str:
    """A law title reduced for matching STARD's names to file titles (no 中华人民共和国, brackets, spaces)."""
    return re.sub(r"[《》（）()\s]", "", title.replace("中华人民共和国", ""))


def _cited_law(article: str) -> str:
    """The law key of a STARD article name (``…法第十二条``), or the name itself."""
    m = _ARTICLE_KEY.match(article)
    return law_key(m.group(1)) if m else article


def stard_rows(shared: Path) -> list[dict]:
    """STARD questions as eval rows: gold = the cited article texts; kind = single | multi article."""
    rows = []
    with open(shared / "eval" / "stard-train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            gold = [t.strip() for t in d["relevant"].values() if t.strip()]
            qid = f"s{d['query_id']}"
            rows.append({"id": qid, "query": d["query"], "gold": gold,
                         "kind": "single" if len(gold) == 1 else "multi", "split": split_of(qid),
                         "laws": sorted({_cited_law(k) for k in d["relevant"]})})
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


def law_titles(shared: Path) -> dict[Path, str]:
    """Every law markdown file with its ``# title`` line."""
    out = {}
    for p in sorted((shared / "laws").rglob("*.md")):
        if p.name == "_index.md":
            continue
        with open(p, encoding="utf-8") as fh:
            first = fh.readline()
        out[p] = first.lstrip("#").strip()
    return out


def select_laws(rows: list[dict], *, shared: Path, distractors: int = 500, order: str = "smallest") -> LawSelection:
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
    text = "\n".join(relevance_form(p.read_text(encoding="utf-8")) for p in files)
    golds = {g for r in rows for g in r["gold"]}
    return sum(1 for g in golds if relevance_form(g) in text), len(golds)
