"""The search state (query, mode, filters, result count) and its URL form.

The whole search lives in the URL query string, so a search is a link that can be
shared and reopened: ``?q=公共服务 人均支出&mode=hybrid&k=10&doc=2&issuer=…&type=…&from=2021&to=2024``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from index.fusion import MODES, Mode
from index.records import Filters

MODE_LABELS: dict[str, str] = {Mode.HYBRID: "综合", Mode.LEXICAL: "关键词", Mode.SEMANTIC: "语义"}
K_CHOICES: tuple[int, ...] = (5, 10, 20, 50)
DEFAULT_K = 10


@dataclass(frozen=True)
class SearchState:
    """Everything that decides a result list; ``doc`` is a clause id opened in the document view."""

    q: str = ""
    mode: str = "hybrid"
    k: int = DEFAULT_K
    doc_ids: tuple[int, ...] = ()
    issuers: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    open_clause: int | None = None
    current_only: bool = False  # 仅现行有效 (index/links.py status)

    def filters(self) -> Filters:
        """The KB filters this state asks for."""
        return Filters(
            doc_ids=self.doc_ids,
            issuers=self.issuers,
            doc_types=self.doc_types,
            year_from=self.year_from,
            year_to=self.year_to,
            status="current" if self.current_only else None,
        )

    def has_filters(self) -> bool:
        """True when any filter narrows the search."""
        return self.filters() != Filters()


def _all(params: Mapping, key: str) -> list[str]:
    """Every value of ``key``: st.query_params gives the last one, AppTest may give a list."""
    if hasattr(params, "get_all"):
        values = params.get_all(key)
    else:
        value = params.get(key)
        values = [] if value is None else value if isinstance(value, list) else [value]
    out: list[str] = []
    for value in values:
        # doc ids may also come comma-joined (?doc=1,2), which is easier to type by hand
        out.extend(str(value).split(",") if key == "doc" else [str(value)])
    return [v for v in out if v.strip()]


def _int_or_none(text: str | None) -> int | None:
    """A whole number from the URL, or None; outside SQLite's integer range (an id or year of 2^64
    raised OverflowError deep in a query) it is None too."""
    try:
        n = int(str(text).strip()) if text not in (None, "") else None
    except ValueError:
        return None
    return n if n is None or 0 <= n < 2**63 else None


def from_params(params: Mapping) -> SearchState:
    """Read a search state from URL query parameters; unknown or bad values fall back to defaults."""
    q_values = _all(params, "q")
    mode_values = _all(params, "mode")
    mode = mode_values[-1] if mode_values else "hybrid"
    k = _int_or_none((_all(params, "k") or [None])[-1]) or DEFAULT_K
    doc_ids = tuple(i for i in (_int_or_none(v) for v in _all(params, "doc")) if i is not None)
    return SearchState(
        q=q_values[-1].strip() if q_values else "",
        mode=mode if mode in MODES else "hybrid",
        k=min(max(k, 1), max(K_CHOICES)),
        doc_ids=doc_ids,
        issuers=tuple(_all(params, "issuer")),
        doc_types=tuple(_all(params, "type")),
        year_from=_int_or_none((_all(params, "from") or [None])[-1]),
        year_to=_int_or_none((_all(params, "to") or [None])[-1]),
        open_clause=_int_or_none((_all(params, "at") or [None])[-1]),
        current_only=(_all(params, "current") or [""])[-1] == "1",
    )


def to_params(state: SearchState) -> dict[str, str | list[str]]:
    """The URL query parameters of a state; defaults are left out to keep links short."""
    params: dict[str, str | list[str]] = {}
    if state.q:
        params["q"] = state.q
    if state.mode != "hybrid":
        params["mode"] = state.mode
    if state.k != DEFAULT_K:
        params["k"] = str(state.k)
    if state.doc_ids:
        params["doc"] = [str(i) for i in state.doc_ids]
    if state.issuers:
        params["issuer"] = list(state.issuers)
    if state.doc_types:
        params["type"] = list(state.doc_types)
    if state.year_from is not None:
        params["from"] = str(state.year_from)
    if state.year_to is not None:
        params["to"] = str(state.year_to)
    if state.open_clause is not None:
        params["at"] = str(state.open_clause)
    if state.current_only:
        params["current"] = "1"
    return params


def other_mode(mode: str) -> str:
    """The mode to offer when a search finds nothing: meaning-based for words, words for meaning."""
    return "lexical" if mode == "semantic" else "semantic"
