"""The text relevance rule: when a hit counts as a gold passage.

Relevance is judged by text, not by clause ids, so a score survives re-segmentation: a hit is
relevant to a gold passage when both share a long run of characters (see ``RelevanceRule``).
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=200_000)
def relevance_form(text: str) -> str:
    """Return ``text`` reduced to letters and digits (NFKC, lower case).

    Whitespace, punctuation and symbols are dropped, so PDF line wraps, full/half-width
    forms and bold markers do not break a run of shared characters. Not the product's
    ``match_form`` (phrase search), which keeps punctuation: the rule needs a looser form.
    """
    norm = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in norm if unicodedata.category(ch)[0] in "LN")


@dataclass(frozen=True)
class RelevanceRule:
    """When a hit text counts as the gold passage.

    On the relevance forms, let ``s`` be the length of the shorter of hit and gold. The hit is
    relevant when the two share a common substring of at least
    ``max(floor, min(min_run, ceil(fraction * s)))`` characters. So a clause that is a part of a
    long gold article counts (it shares all of itself, or ``min_run`` chars), a clause that
    contains the gold sentence counts, and two texts that only share a stock phrase shorter
    than ``min_run`` (and shorter than ``fraction`` of the shorter text) do not. Texts shorter
    than ``floor`` never count: a bare heading is not an answer.
    """

    min_run: int = 30
    fraction: float = 0.8
    floor: int = 8

    def threshold(self, hit_len: int, gold_len: int) -> int:
        """The common-run length needed between texts of these relevance-form lengths."""
        shorter = min(hit_len, gold_len)
        return max(self.floor, min(self.min_run, math.ceil(self.fraction * shorter)))

    def is_relevant(self, hit_text: str, gold_text: str) -> bool:
        """True when ``hit_text`` matches ``gold_text`` under this rule."""
        return GoldMatcher(gold_text, self).matches(hit_text)


class GoldMatcher:
    """One gold passage, with its character n-gram sets cached per run length (fast scoring)."""

    def __init__(self, gold_text: str, rule: RelevanceRule):
        self.form = relevance_form(gold_text)
        self.rule = rule
        self._grams: dict[int, frozenset[str]] = {}

    def _gram_set(self, n: int) -> frozenset[str]:
        grams = self._grams.get(n)
        if grams is None:
            g = self.form
            grams = frozenset(g[i : i + n] for i in range(len(g) - n + 1))
            self._grams[n] = grams
        return grams

    def matches(self, hit_text: str) -> bool:
        """True when the hit shares a long enough run with this gold passage."""
        h, g = relevance_form(hit_text), self.form
        need = self.rule.threshold(len(h), len(g))
        if min(len(h), len(g)) < need:
            return False
        shorter, longer = (h, g) if len(h) <= len(g) else (g, h)
        if shorter in longer:
            return True
        grams = self._gram_set(need)
        return any(h[i : i + need] in grams for i in range(len(h) - need + 1))


_MATCHERS: dict[tuple[str, RelevanceRule], GoldMatcher] = {}
_MATCH_CACHE: dict[tuple[int, str], bool] = {}


def gold_matcher(gold: str, rule: RelevanceRule) -> GoldMatcher:
    """The one GoldMatcher of this gold text and rule (kept for the whole process)."""
    key = (gold, rule)
    if key not in _MATCHERS:
        _MATCHERS[key] = GoldMatcher(gold, rule)
    return _MATCHERS[key]


def cached_match(matcher: GoldMatcher, text: str) -> bool:
    """``matcher.matches(text)``, judged once per (matcher, text) in this process."""
    # the same clause comes back from many systems for the same query: judge it once
    key = (id(matcher), text)
    hit = _MATCH_CACHE.get(key)
    if hit is None:
        hit = _MATCH_CACHE[key] = matcher.matches(text)
    return hit
