"""Query understanding without a hub: what a question asks, which document it names, and the
words the documents use for what it says.

``QueryAnalyser.analyse(parsed)`` gives a frozen ``QueryAnalysis``:

- ``question_forms``: question scaffolding recognised in the terms (什么, 如何, 怎么办, 是否, 吗 …);
  ``lexical_terms`` are the terms without it (BM25 gets those; the dense side embeds the whole query);
- ``named``: documents the query names — a 《title》, a title, or a short name built from the KB's titles
  (中华人民共和国 dropped: 民法典, 刑法; 关于…的通知 → its subject; edition brackets dropped). A 《》
  quoted name restricts the search to that document, an unquoted one boosts its clauses;
- ``expansions``: everyday words mapped to the terms documents use (噪音 → 噪声) from the lexicon
  shipped in ``index/data/lexicon.tsv`` (built from train splits by ``python -m evaluation lexicon``);
  they are added to the lexical side only, with a lower weight, and shown ("也检索了：噪声").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from index.query import ParsedQuery
from ingest.text import match_form

LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.tsv"

# Question scaffolding that carries no topic, longest first so 怎么办 goes before 怎么.
QUESTION_FORMS = tuple(sorted((
    "请问", "为什么", "怎么办", "怎么样", "怎么", "怎样", "如何", "是否", "能否", "能不能", "可不可以", "可以吗",
    "哪些", "哪个", "哪里", "多少", "什么", "有没有", "是不是", "吗", "呢", "吧", "我们", "我", "你",
), key=len, reverse=True))
_QUESTION_RE = re.compile("|".join(map(re.escape, QUESTION_FORMS)))
_PUNCT_RE = re.compile(r"[？?！!。，,、；;：:]+")
_QUOTED_RE = re.compile(r"《([^《》]{2,80})》")
_PRC = "中华人民共和国"
_EDITION_RE = re.compile(r"[（(][^（）()]{1,12}[）)]$")  # （2019修正）, （一）, （试行）
# A short name of two or three characters is kept only when it ends like a law's name (刑法, 民法典).
_LAW_ENDINGS = ("法", "法典", "条例")
MIN_NAME_CHARS = 4


@dataclass(frozen=True)
class QuerySettings:
    """Query understanding switches and weights (recorded in the KB manifest; chosen on train halves,
    docs/EVALUATION.md "Query understanding")."""

    strip_questions: bool = True
    expansion_weight: float = 0.4  # an expansion term's BM25 weight relative to the query's own words
    named_boost: float = 0.2  # added to a named document's clauses, as a share of the best fused score
    named_depth: int = 20  # clauses of a named document added to each candidate list


@dataclass(frozen=True)
class NamedDocument:
    """A document the query names: the words as found, the title they resolve to, its document ids."""

    name: str
    title: str
    doc_ids: tuple[int, ...]
    quoted: bool  # 《…》: restrict the search to it


@dataclass(frozen=True)
class Expansion:
    """A document term searched for a word of the query (lexical side only)."""

    word: str
    term: str
    weight: float


@dataclass(frozen=True)
class QueryAnalysis:
    """What the analyser made of a query (see the module docstring)."""

    query: str
    question_forms: tuple[str, ...]
    lexical_terms: tuple[str, ...]
    named: tuple[NamedDocument, ...]
    expansions: tuple[Expansion, ...]

    @property
    def match_text(self) -> str:
        """The lexical index's text: the terms without question forms, in match form."""
        return " ".join(match_form(t) for t in self.lexical_terms)

    @property
    def weighted_expansions(self) -> tuple[tuple[str, float], ...]:
        """(term in match form, weight) pairs for the lexical index."""
        return tuple((match_form(e.term), e.weight) for e in self.expansions)

    @property
    def also_searched(self) -> tuple[str, ...]:
        """The expansion terms, as shown to the user (也检索了：…)."""
        return tuple(dict.fromkeys(e.term for e in self.expansions))

    @property
    def restricted_to(self) -> tuple[int, ...]:
        """Document ids the search is restricted to (a 《》 quoted name), empty for none."""
        return tuple(sorted({d for n in self.named if n.quoted for d in n.doc_ids}))

    @property
    def boosted(self) -> tuple[int, ...]:
        """Document ids whose clauses are boosted (a name found without 《》)."""
        return tuple(sorted({d for n in self.named if not n.quoted for d in n.doc_ids}))

    def notes(self) -> tuple[str, ...]:
        """What the analysis changed, in words for the user: 也检索了 (expansions) and the named documents."""
        lines = ["也检索了：" + "、".join(self.also_searched)] if self.expansions else []
        lines += [("限定文件：" if n.quoted else "优先文件：") + f"《{n.title}》" for n in self.named]
        return tuple(lines)

    def to_dict(self) -> dict:
        """JSON form for ``search --json``."""
        return {"question_forms": list(self.question_forms), "also_searched": list(self.also_searched),
                "named_documents": [{"name": n.name, "title": n.title, "doc_ids": list(n.doc_ids),
                                     "restricted": n.quoted} for n in self.named]}


def strip_question(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without question forms and punctuation, and the forms found (kept whole when nothing
    else would remain: 什么是吗 stays a query)."""
    found = tuple(_QUESTION_RE.findall(text))
    out = " ".join(_PUNCT_RE.sub(" ", _QUESTION_RE.sub(" ", text)).split())
    return (out, found) if out else (text, ())


def short_names(title: str) -> set[str]:
    """The names a user may call a document by: the title, without 中华人民共和国, without an edition
    bracket, and the subject of a 关于…的 title."""
    names = {title}
    bare = title.removeprefix(_PRC)
    names.add(bare)
    names.add(_EDITION_RE.sub("", bare))
    for n in list(names):
        head, sep, rest = n.partition("关于")
        if sep and head and len(rest) >= 6:
            names.add("关于" + rest)  # 国务院关于…的通知 → 关于…的通知
    return {n for n in names if len(n) >= MIN_NAME_CHARS or (len(n) >= 2 and n.endswith(_LAW_ENDINGS))}


class DocumentNames:
    """Titles and short names of a KB's documents, found in queries by one regex (longest first)."""

    def __init__(self, documents: Iterable[tuple[int, str]]):
        by_name: dict[str, set[int]] = {}
        title_of: dict[str, str] = {}
        for doc_id, title in documents:
            for name in short_names(title.strip()):
                by_name.setdefault(name, set()).add(doc_id)
                title_of.setdefault(name, title.strip())
        self.by_name = {n: tuple(sorted(ids)) for n, ids in by_name.items()}
        self.title_of = title_of
        names = sorted(self.by_name, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def find(self, text: str) -> tuple[NamedDocument, ...]:
        """Documents named in ``text``: 《》 quoted names (restricting) and bare names (boosting)."""
        found: dict[str, NamedDocument] = {}
        quoted = [m.group(1).strip() for m in _QUOTED_RE.finditer(text)]
        keys = [q if q in self.by_name else q.removeprefix(_PRC) for q in quoted]
        # restrict only when every quoted title is in the KB: a question quoting a law the KB lacks
        # may find its answer elsewhere, so the known ones are then boosted instead
        restrict = all(k in self.by_name for k in keys)
        for name, key in zip(quoted, keys):
            if key in self.by_name:
                found[key] = NamedDocument(name=name, title=self.title_of[key], doc_ids=self.by_name[key],
                                           quoted=restrict)
        if self._pattern is not None:
            for m in self._pattern.finditer(_QUOTED_RE.sub(" ", text)):
                name = m.group(0)
                if name not in found:
                    found[name] = NamedDocument(name=name, title=self.title_of[name], doc_ids=self.by_name[name],
                                                quoted=False)
        return tuple(found.values())


@dataclass(frozen=True)
class LexiconEntry:
    """An everyday word and a term the documents use for it, with the pair's weight (0–1)."""

    word: str
    term: str
    weight: float


def load_lexicon(path: Path = LEXICON_FILE) -> tuple[LexiconEntry, ...]:
    """The lexicon file: ``word<TAB>term<TAB>weight[<TAB>source]`` lines, ``#`` comments; empty when missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return ()
    out = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) >= 3 and cols[0] and cols[1] and cols[0] != cols[1]:
            out.append(LexiconEntry(word=cols[0], term=cols[1], weight=float(cols[2])))
    return tuple(out)


class Lexicon:
    """Everyday word → document terms, found in a query by one regex (longest word first)."""

    def __init__(self, entries: Iterable[LexiconEntry]):
        self.terms: dict[str, list[LexiconEntry]] = {}
        for e in entries:
            self.terms.setdefault(e.word, []).append(e)
        words = sorted(self.terms, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, words))) if words else None

    def expand(self, text: str, *, weight: float, known: Callable[[str], bool]) -> tuple[Expansion, ...]:
        """Expansions of the words of ``text`` whose term is not in ``text`` already and is ``known``
        (occurs in the KB: a term no clause contains would only be noise on the screen)."""
        if self._pattern is None or weight <= 0:
            return ()
        out: dict[str, Expansion] = {}
        for m in self._pattern.finditer(text):
            for e in self.terms[m.group(0)]:
                if e.term not in text and e.term not in out and known(e.term):
                    out[e.term] = Expansion(word=e.word, term=e.term, weight=weight * e.weight)
        return tuple(out.values())


_MEMO_SIZE = 256  # analyses an analyser remembers (a page session asks for a handful)


class QueryAnalyser:
    """Turns a parsed query into a ``QueryAnalysis`` for one KB (its document names and vocabulary)."""

    def __init__(self, *, names: DocumentNames, lexicon: Lexicon, known: Callable[[str], bool]):
        self.names = names
        self.lexicon = lexicon
        self.known = known
        self._memo: dict[tuple[ParsedQuery, QuerySettings], QueryAnalysis] = {}

    def analyse(self, pq: ParsedQuery, *, settings: QuerySettings) -> QueryAnalysis:
        """The analysis of ``pq`` under ``settings``, remembered: the CLI, the API and the page ask
        for the analysis of the query they have just searched (one analyser per KB generation, so
        what it remembers never outlives the documents it was made from)."""
        key = (pq, settings)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[key] = self._analyse(pq, settings=settings)
        return found

    def _analyse(self, pq: ParsedQuery, *, settings: QuerySettings) -> QueryAnalysis:
        named = self.names.find(pq.raw)
        # a quoted title names the scope, not a topic: its words are not searched for
        quoted = {n.name for n in named if n.quoted}
        forms: list[str] = []
        terms: list[str] = []
        for term in pq.terms:
            term = _QUOTED_RE.sub(lambda m: " " if m.group(1).strip() in quoted else m.group(0), term)
            if settings.strip_questions:
                term, found = strip_question(term)
                forms += found
            terms += term.split()
        terms = terms or list(pq.terms)
        text = " ".join(terms + list(pq.phrases))
        expansions = self.lexicon.expand(text, weight=settings.expansion_weight, known=self.known)
        return QueryAnalysis(query=pq.raw, question_forms=tuple(forms), lexical_terms=tuple(terms + list(pq.phrases)),
                             named=named, expansions=expansions)
