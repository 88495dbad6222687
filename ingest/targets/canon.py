"""Indicator names grouped under one canonical name.

1. Rules (``canonical_name``), decided from the labelled statements: width, spaces, quotes
   and parenthesised glosses (``（R&D）``, ``（类）``) go; ``R&D``/``研究与试验发展`` → ``研发``,
   ``GDP``/``国内生产总值``/``生产总值`` → ``地区生产总值`` (``万元GDP用水量`` and
   ``万元生产总值用水量`` are one indicator); ``常住人口城镇化率`` → ``城镇化率`` (the usual
   basis; ``户籍人口城镇化率`` stays apart); ``研发经费支出占地区生产总值比重`` →
   ``研发经费投入强度``; leading verbs that do not change what is counted (``完成``, ``实现``,
   ``累计``, ``建成``, ``拥有``, ``开展``) and scope words (``全市``) go; ``的`` goes;
   ``X新增`` reads ``新增X``.
2. Optionally, embedding similarity (``group_indicators(..., embedder=...)``): names whose
   unit vectors are within ``threshold`` and that share enough characters join the more
   frequent name's group.
3. A synonyms file overrides both: UTF-8 lines ``variant<TAB>canonical`` (``#`` comments);
   ``load_synonyms`` / ``apply_synonyms`` / ``save_synonyms``.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol, Sequence

_PAREN = re.compile(r"[（(][^（）()]*[）)]")
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》\s]")
_RULES: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"(?i)r\s*&\s*d|研究与试验发展|研究与开发|研究和试验发展", "研发"),
    (r"(?i)gdp|国内生产总值|(?<!地区)生产总值", "地区生产总值"),
    (r"地区地区生产总值", "地区生产总值"),
    (r"地区生产总值总量$", "地区生产总值"),
    (r"常住人口城镇化率", "城镇化率"),
    (r"^研发经费(?:支出|投入)?占地区生产总值(?:的)?比重$", "研发经费投入强度"),
    (r"^研发投入强度$", "研发经费投入强度"),
    (r"的", ""),
    (r"^(.+?)新增$", r"新增\1"),
))
_LEADING = re.compile(r"^(?:完成|实现|累计|共(?=建成|计)|全年|建成(?!区)|建有|拥有|共有|开展|达到|全市|全省|全区|全国|全县|我市|我省|我区)+")


def canonical_name(indicator: str) -> str:
    """The canonical form of an indicator name by rules (see the module docstring)."""
    text = unicodedata.normalize("NFKC", indicator)
    text = _QUOTES.sub("", _PAREN.sub("", text))
    stripped = _LEADING.sub("", text)
    text = stripped if len(stripped) >= 2 else text
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text


@dataclass(frozen=True)
class Synonyms:
    """Overrides read from a synonyms file: variant (as written, or its canonical form) → canonical."""

    mapping: dict[str, str] = field(default_factory=dict)


def load_synonyms(path: str | Path) -> Synonyms:
    """Read ``variant<TAB>canonical`` lines (``#`` starts a comment; blank lines ignored); a
    missing file gives no overrides. Raises ValueError naming the line for a malformed one."""
    path = Path(path)
    if not path.exists():
        return Synonyms()
    mapping: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"{path}:{n}: expected 'variant<TAB>canonical', got {line!r}")
        mapping[parts[0]] = parts[1]
    return Synonyms(mapping)


def save_synonyms(path: str | Path, synonyms: Synonyms) -> None:
    """Write the overrides as a synonyms file (sorted, with a header comment)."""
    lines = ["# variant<TAB>canonical — overrides the grouping of indicator names"]
    lines += [f"{v}\t{c}" for v, c in sorted(synonyms.mapping.items())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def apply_synonyms(indicator: str, synonyms: Synonyms | None = None) -> str:
    """The canonical name of ``indicator``: a synonyms override for the name as written or for
    its rule form, else the rule form."""
    key = canonical_name(indicator)
    if synonyms:
        for probe in (indicator, key):
            if probe in synonyms.mapping:
                return synonyms.mapping[probe]
    return key


class Embedder(Protocol):
    """Anything with ``encode_passages(texts) -> array of unit vectors`` (index.embed's models)."""

    def encode_passages(self, texts: Sequence[str]): ...


_ACTION = re.compile(r"^(?:新增|新建|新设|建成|建设|完成|开展|开通|创建|推出|出台)")


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def _compatible(a: str, b: str) -> bool:
    """A guard on embedding merges: the same kind of measure (a rate with a rate) and some
    characters in common, so that 新增托位 never joins 新增学位 on meaning alone."""
    rate = re.compile(r"(?:率|比重|比例|占比|强度)$")
    if bool(rate.search(a)) != bool(rate.search(b)):
        return False
    ga, gb = _bigrams(_ACTION.sub("", a)), _bigrams(_ACTION.sub("", b))
    return len(ga & gb) / len(ga | gb) >= 0.2


def group_indicators(names: Iterable[str], *, embedder: Embedder | None = None, threshold: float = 0.92,
                     synonyms: Synonyms | None = None) -> dict[str, str]:
    """Map each indicator name to its group's canonical name: rules first, then (with an
    ``embedder``) names whose canonical forms are closer than ``threshold`` in cosine join
    the more frequent one, then the synonyms overrides."""
    names = list(names)
    rule = {n: canonical_name(n) for n in names}
    counts = Counter(rule[n] for n in names)
    merged = {k: k for k in counts}
    if embedder is not None and len(counts) > 1:
        keys = [k for k, _ in counts.most_common()]
        vectors = embedder.encode_passages(keys)
        heads: list[int] = []
        for i, key in enumerate(keys):
            best, best_sim = None, threshold
            for h in heads:
                sim = float(vectors[i] @ vectors[h])
                if sim >= best_sim and _compatible(key, keys[h]):
                    best, best_sim = h, sim
            if best is None:
                heads.append(i)
            else:
                merged[key] = keys[best]
    out = {}
    for n in names:
        over = synonyms.mapping.get(n) or synonyms.mapping.get(rule[n]) if synonyms else None
        out[n] = over or merged[rule[n]]
    return out
