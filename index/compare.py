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

# Below this share of agreeing characters two clauses are different provisions, not versions.
SIMILAR = 0.5
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


def _similar(a: ClauseRow, b: ClauseRow) -> bool:
    """Two clauses are versions of one another when at least half their text agrees.
    ``real_quick_ratio`` and ``quick_ratio`` are upper bounds of ``ratio``: checked first, they
    reject most pairs of a long block cheaply and never change the answer."""
    sm = difflib.SequenceMatcher(None, _body(a), _body(b), autojunk=False)
    return sm.real_quick_ratio() >= SIMILAR and sm.quick_ratio() >= SIMILAR and sm.ratio() >= SIMILAR


def _by_similarity(a: list[ClauseRow], b: list[ClauseRow]) -> list[tuple]:
    """Pairs of two clause lists aligned by difflib on their texts; near matches become changed pairs."""
    pairs = []
    sm = difflib.SequenceMatcher(None, [_body(c) for c in a], [_body(c) for c in b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            pairs += list(zip(a[i1:i2], b[j1:j2]))
            continue
        rest_b = list(b[j1:j2])
        for x in a[i1:i2]:  # each old clause takes the first similar new one of the block, in order
            k = next((k for k, y in enumerate(rest_b) if _similar(x, y)), None)
            if k is None:
                pairs.append((x, None))
                continue
            pairs += [(None, y) for y in rest_b[:k]] + [(x, rest_b[k])]
            rest_b = rest_b[k + 1:]
        pairs += [(None, y) for y in rest_b]
    return pairs


def _ordered(pairs: list[tuple], a: list[ClauseRow], b: list[ClauseRow]) -> list[tuple]:
    """Pairs in B's order; a clause only in A follows the B clause its A predecessor was paired with."""
    pos_b = {c.clause_id: i for i, c in enumerate(b)}
    partner = {x.clause_id: pos_b[y.clause_id] for x, y in pairs if x and y}
    last, key_a = -1.0, {}
    for i, c in enumerate(a):
        last = partner.get(c.clause_id, last + 0.001)
        key_a[c.clause_id] = last
    return sorted(pairs, key=lambda p: pos_b[p[1].clause_id] if p[1] else key_a[p[0].clause_id] + 0.0005)


def compare(a: list[ClauseRow], b: list[ClauseRow]) -> dict:
    """``{"pairs": [...]}`` aligning the clauses of two documents (see the module docstring)."""
    art_b = {n: c for c in b if (n := _article(c))}
    numbered = [(x, art_b[n]) for x in a if (n := _article(x)) in art_b and _similar(x, art_b[n])]
    used = {c.clause_id for p in numbered for c in p}
    pairs = numbered + _by_similarity([c for c in a if c.clause_id not in used],
                                      [c for c in b if c.clause_id not in used])
    return {"pairs": [_pair(x, y) for x, y in _ordered(pairs, a, b)]}
