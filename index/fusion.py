"""Search modes and the one fusion of a lexical and a dense ranking (used by the product and
by the evaluation, so what is tuned is what ships)."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Sequence

from index.doc_kinds import ClauseFacts
from index.learned import learned_ranking
from index.records import Scored


class Mode(StrEnum):
    """Which rankings a search uses: both fused (综合), BM25 only (关键词), vectors only (语义)."""

    HYBRID = "hybrid"
    LEXICAL = "lexical"
    SEMANTIC = "semantic"


MODES: tuple[Mode, ...] = tuple(Mode)


class FusionMethod(StrEnum):
    """How two rankings become one (see ``SearchSettings``)."""

    MINMAX = "minmax"
    RRF = "rrf"
    LEARNED = "learned"


def parse_mode(mode: str) -> Mode:
    """``mode`` as a Mode; ValueError naming the choices otherwise."""
    try:
        return Mode(mode)
    except ValueError:
        raise ValueError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}") from None


@dataclass(frozen=True)
class SearchSettings:
    """Fusion parameters (recorded in the KB manifest).

    ``fusion``: ``minmax`` (each list's scores scaled to 0–1 by its own min and max, then
    weighted and added; a clause missing from a list gets 0 from it) or ``rrf`` (reciprocal
    rank fusion with constant ``rrf_k``). ``candidates``: depth of the lexical and dense lists
    fed to fusion. Defaults chosen on the train halves of three eval sets (docs/EVALUATION.md):
    min-max 0.5/0.5 over 200 candidates beat RRF k=60 on MRR@10 on every set.

    ``learned`` (the default since issue 15): a logistic model over both lists' scores and ranks,
    their agreement and confidence, clause length and document kind (``index.learned``); on the
    train halves it beat min-max 0.5/0.5 on MRR@10 by +0.022 (STARD) and +0.011 (NCP), lost one
    query of 37 on the own set (docs/EVALUATION.md, "Search quality (issue 15)"). ``floor``: a
    result set whose best relevance estimate is below it is "no good match" (``index.hits.good_match``).
    """

    fusion: FusionMethod = FusionMethod.LEARNED
    rrf_k: int = 10
    candidates: int = 200
    lexical_weight: float = 0.5
    dense_weight: float = 0.5
    floor: float = 0.1

    def __post_init__(self) -> None:
        # a name read back from JSON (or set by `--set search.fusion=rrf`) becomes the enum here
        try:
            object.__setattr__(self, "fusion", FusionMethod(self.fusion))
        except ValueError:
            raise ValueError(f"unknown fusion {self.fusion!r}; use learned, minmax or rrf") from None


def fuse(lexical: Sequence, dense: Sequence, *, settings: SearchSettings,
         facts: dict[int, ClauseFacts] | None = None, cover: dict[int, float] | None = None) -> list[Scored]:
    """Fuse two ranked lists of records with ``clause_id`` and ``score`` (see SearchSettings);
    ``facts`` (length, document kind) and ``cover`` (query coverage) per candidate feed the learned fusion."""
    if settings.fusion == FusionMethod.LEARNED:
        return learned_ranking(lexical, dense, facts or {}, cover)
    scores: dict[int, float] = {}
    for weight, ranked in ((settings.lexical_weight, lexical), (settings.dense_weight, dense)):
        if not ranked:
            continue
        if settings.fusion == FusionMethod.RRF:
            parts = [1.0 / (settings.rrf_k + rank) for rank in range(1, len(ranked) + 1)]
        else:
            hi, lo = max(h.score for h in ranked), min(h.score for h in ranked)
            # a list whose scores are all equal (e.g. one hit) gives each of them full weight
            parts = [(h.score - lo) / (hi - lo) if hi > lo else 1.0 for h in ranked]
        for h, part in zip(ranked, parts):
            scores[h.clause_id] = scores.get(h.clause_id, 0.0) + weight * part
    # ties (equal fused score) keep the lexical-first order of insertion
    order = sorted(scores.items(), key=lambda kv: -kv[1])
    return [Scored(clause_id=c, score=s) for c, s in order]


def combine(lexical: Sequence[Scored], dense: Sequence[Scored], *, mode: Mode,
            settings: SearchSettings, facts: dict[int, ClauseFacts] | None = None,
            cover: dict[int, float] | None = None) -> list[Scored]:
    """The ranking a mode shows: the fused lists (hybrid), or the one list it uses."""
    if mode == Mode.HYBRID:
        return fuse(lexical, dense, settings=settings, facts=facts, cover=cover)
    return list(lexical if mode == Mode.LEXICAL else dense)
