"""Search knows numbers: a query naming an indicator ranks the clauses that state a value of it first.

**Naming.** Each query term and phrase of at most ``MAX_TERM_CHARS`` characters is cut into
jieba words (punctuation and spaces break the runs); every run of up to ``MAX_RUN_WORDS``
consecutive words is read as a candidate name and put in canonical form (the KB's synonyms
over ``ingest.targets.canonical_name``: ``常住人口城镇化率`` → ``城镇化率``, ``研发投入强度`` →
``研发经费投入强度``). A run names an indicator of the KB when

- its canonical form equals the indicator's canonical name, and that name is a measure (it ends
  in a word of ``MEASURE``: 率, 比重, 强度, 总额, 支出, 面积, 人口…, or is a canonical name the
  KB's synonyms file declares). Names of counted things
  (``纳税人``, ``中小企业``, ``疫情防控物资``) are everyday words of policy questions, even of
  questions asking 多少: on the train half of the 2020 policy Q&A set, promoting them cost
  MRR@10 (docs/EVALUATION.md);
- or it is two or more words, ``MIN_SUFFIX_CHARS`` or more characters, itself a measure, and the
  canonical name ends with it: Chinese compounds put the measured thing last (``人均支出``
  names ``教育领域人均支出``; ``声环境功能区夜间达标率`` names
  ``地级及以上城市声环境功能区夜间达标率``), while a single generic word (``增长率``) names
  only an indicator of exactly that name.

A name shorter than ``MIN_SUFFIX_CHARS`` (``人口``) counts only as the whole term
(``降低人口的密集程度`` is not about the figure). Longer runs are tried first; a run inside one
that named something is not tried.

**Promotion** (``promote``): the clauses stating a value of a named indicator that the filters,
phrases and exclusions allow come first, in their fused order, their scores raised by the
candidate list's score range so scores still fall down the list; those of them missing from the
candidates follow (with the top score). Every other clause keeps its order and score. The rule
is measured on ``eval/corpus_queries.jsonl`` in docs/EVALUATION.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from index.query import ParsedQuery
from index.records import Scored
from index.tokenize import segment_words

MAX_TERM_CHARS = 40  # a pasted paragraph is a drafter's text, not an indicator name
MAX_RUN_WORDS = 6
MIN_SUFFIX_CHARS = 3
_WORD = re.compile(r"[\w%‰]+")
MEASURE = re.compile(r"(?:率|比重|比例|占比|强度|指数|系数|密度|总值|增加值|总量|总额|规模|产值|产量|用水量|能耗|排放量"
                     r"|收入|支出|投入|投资|经费|额|量|里程|面积|人口|人数|数量|天数|次数|户数|个数|家数|件数|价格|寿命)$")


@dataclass(frozen=True)
class IndicatorNames:
    """The canonical indicator names of a KB, indexed by their endings (see the module docstring)."""

    exact: frozenset[str] = frozenset()
    by_suffix: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, canonicals: Iterable[str]) -> "IndicatorNames":
        """Index the names (each under every ending of ``MIN_SUFFIX_CHARS`` characters or more)."""
        exact = frozenset(canonicals)
        suffixes: dict[str, set[str]] = {}
        for name in exact:
            for i in range(0, len(name) - MIN_SUFFIX_CHARS + 1):
                suffixes.setdefault(name[i:], set()).add(name)
        return cls(exact=exact, by_suffix={k: frozenset(v) for k, v in suffixes.items()})

    def named(self, pq: ParsedQuery, canonical: Callable[[str], str], *,
              declared: frozenset[str] = frozenset()) -> set[str]:
        """The canonical names the query's terms and phrases name (``declared``: names the
        synonyms file gives, measures whatever their ending)."""
        if not self.exact:
            return set()
        found: set[str] = set()
        for term in pq.terms + pq.phrases:
            if len(term) <= MAX_TERM_CHARS:
                groups = _word_groups(term)
                for words in groups:
                    found |= self._named_in(words, canonical, alone=len(groups) == 1, declared=declared)
        return found

    def _named_in(self, words: Sequence[str], canonical: Callable[[str], str], *, alone: bool,
                  declared: frozenset[str]) -> set[str]:
        found: set[str] = set()
        covered: list[tuple[int, int]] = []
        for size in range(min(MAX_RUN_WORDS, len(words)), 0, -1):
            for i in range(0, len(words) - size + 1):
                if any(a <= i and i + size <= b for a, b in covered):
                    continue
                name = canonical("".join(words[i : i + size]))
                whole = alone and size == len(words)
                measure = name in declared or bool(MEASURE.search(name))
                hits = {name} if measure and name in self.exact and (len(name) >= MIN_SUFFIX_CHARS or whole) \
                    else set()
                if not hits and size >= 2 and len(name) >= MIN_SUFFIX_CHARS and measure:
                    hits = set(self.by_suffix.get(name, ()))
                if hits:
                    found |= hits
                    covered.append((i, i + size))
        return found


def _word_groups(term: str) -> list[list[str]]:
    """jieba words of ``term`` in runs without punctuation or spaces."""
    groups: list[list[str]] = [[]]
    for word in segment_words(term):
        if _WORD.fullmatch(word):
            groups[-1].append(word)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def promote(ranked: Sequence[Scored], stating: set[int], *, allowed: set[int] | None,
            excluded: set[int]) -> list[Scored]:
    """``ranked`` with the allowed clauses of ``stating`` first (see the module docstring)."""
    eligible = {c for c in stating if c not in excluded and (allowed is None or c in allowed)}
    if not eligible:
        return list(ranked)
    scores = [r.score for r in ranked]
    hi, lo = (max(scores), min(scores)) if scores else (1.0, 1.0)
    lift = hi - lo
    first = [Scored(clause_id=r.clause_id, score=r.score + lift) for r in ranked if r.clause_id in eligible]
    missing = sorted(eligible - {r.clause_id for r in ranked})
    first += [Scored(clause_id=c, score=hi) for c in missing]
    return first + [r for r in ranked if r.clause_id not in eligible]
