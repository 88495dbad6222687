"""对照: two documents aligned article by article, with character-level differences.

Articles (``第X条`` labels) are paired by number when both documents have them; the remaining clauses
are paired by text similarity (``difflib`` over the clause sequences). Each pair is same / changed /
added (only in B) / removed (only in A); a changed pair carries ``diff`` = ``[[op, text], ...]`` with
op ``=`` (equal), ``-`` (only in A), ``+`` (only in B).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import asdict

from index.records import ClauseRow

_ARTICLE = re.compile(r"^第([零〇一二三四五六七八九十百千\d]+)条")


def _article(c: ClauseRow) -> str | None:
    m = _ARTICLE.match(c.label or "") or _ARTICLE.match(c.text)
    return m.group(1) if m else None


def _body(c: ClauseRow) -> str:
    """The text without its article number (renumbered articles compare by content)."""
    return _ARTICLE.sub("", c.text, count=1).strip()


def char_diff(a: str, b: str) -> list[list[str]]:
    """Character-level difference of two texts as ``[[op, text], ...]``."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(["=", a[i1:i2]])
        else:
            if i2 > i1:
                out.append(["-", a[i1:i2]])
            if j2 > j1:
                out.append(["+", b[j1:j2]])
    return out


def _pair(a: ClauseRow | None, b: ClauseRow | None) -> dict:
    if a is None or b is None:
        return {"a": asdict(a) if a else None, "b": asdict(b) if b else None,
                "change": "added" if a is None else "removed", "diff": []}
    same = _body(a) == _body(b)
    return {"a": asdict(a), "b": asdict(b), "change": "same" if same else "changed",
            "diff": [] if same else char_diff(a.text, b.text)}


def _by_similarity(a: list[ClauseRow], b: list[ClauseRow]) -> list[tuple]:
    """Pairs of two clause lists aligned by difflib on their texts; near matches become changed pairs."""
    pairs = []
    sm = difflib.SequenceMatcher(None, [_body(c) for c in a], [_body(c) for c in b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            pairs += list(zip(a[i1:i2], b[j1:j2]))
            continue
        pairs += [(c, None) for c in a[i1:i2]] + [(None, c) for c in b[j1:j2]]
    return pairs


def compare(a: list[ClauseRow], b: list[ClauseRow]) -> dict:
    """``{"pairs": [...]}`` aligning the clauses of two documents (see the module docstring)."""
    art_a = {n: c for c in a if (n := _article(c))}
    art_b = {n: c for c in b if (n := _article(c))}
    if art_a and art_b:
        pairs = _by_similarity([c for c in a if not _article(c)], [c for c in b if not _article(c)])
        seq = list(dict.fromkeys([_article(c) for c in b if _article(c)] +
                                 [_article(c) for c in a if _article(c)]))
        keyed = {id(p): p for p in pairs}
        pairs = list(keyed.values()) + [(art_a.get(n), art_b.get(n)) for n in seq]
        order = {c.clause_id: i for i, c in enumerate(b)} | {c.clause_id: i + 0.5 for i, c in enumerate(a)}
        pairs.sort(key=lambda p: order[(p[1] or p[0]).clause_id])
    else:
        pairs = _by_similarity(a, b)
    return {"pairs": [_pair(x, y) for x, y in pairs]}
