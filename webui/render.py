"""HTML for result cards, context and document views, with matched words highlighted.

Every piece of document text goes through ``html.escape`` before it reaches the page;
highlighting finds the matched words in the raw text and wraps the escaped pieces in
``<mark>``, so a clause can never inject markup.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from index.hits import page_label
from index.query import parse_query
from index.records import ClauseRow, Hit

CSS = """
<style>
[data-testid="stMainBlockContainer"]{padding-top:2.2rem}
.kb-card{font-size:0.95rem;line-height:1.65}
.kb-cite{font-size:0.88rem;color:#444;margin-bottom:0.25rem}
.kb-cite .kb-title{font-weight:600;color:#1a1a1a}
.kb-cite .kb-sep{color:#999;margin:0 0.25rem}
.kb-cite .kb-label{font-weight:600;color:#8a2be2}
.kb-cite .kb-score{float:right;color:#888;font-size:0.8rem}
.kb-status{margin-left:.4rem;padding:0 .35rem;border-radius:.3rem;font-size:.75rem;background:#e8f5e9;color:#1b5e20}
.kb-status-superseded,.kb-status-repealed{background:#fdecea;color:#8a1c1c}
.kb-status-unknown{background:#eee;color:#555}
.kb-rank{display:inline-block;min-width:1.4rem;text-align:center;background:#c0392b;color:#fff;border-radius:0.7rem;font-size:0.75rem;margin-right:0.35rem}
.kb-text mark,.kb-clause mark{background:#ffe58a;padding:0 1px;border-radius:2px}
.kb-clauses{border-left:3px solid #eee;padding-left:0.6rem}
.kb-clause{padding:0.3rem 0.5rem;margin:0.15rem 0;border-radius:4px;font-size:0.92rem;line-height:1.6}
.kb-clause.kb-hit{background:#fff7d6;border-left:4px solid #e0a800}
.kb-addr{font-size:0.78rem;color:#888}
.kb-heading{font-weight:600;margin:0.8rem 0 0.2rem 0;color:#1a1a1a}
.kb-depth-1{margin-left:0.8rem}.kb-depth-2{margin-left:1.6rem}.kb-depth-3{margin-left:2.4rem}
</style>
"""


def _spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every occurrence of every term, case-insensitive."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for term in {t.strip().lower() for t in terms if t and t.strip()}:
        start = lowered.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: Iterable[str]) -> str:
    """``text`` as safe HTML with each occurrence of ``terms`` wrapped in ``<mark>``."""
    out: list[str] = []
    pos = 0
    for start, end in _spans(text, terms):
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _short(heading: str, limit: int = 28) -> str:
    return heading if len(heading) <= limit else heading[: limit - 1] + "…"


def address_html(path: Sequence[str], label: str) -> str:
    """The clause's address, headings shortened (full text on hover), then its label."""
    parts = [
        f'<span title="{html.escape(p)}">{html.escape(_short(p))}</span>' for p in path
    ]
    if label:
        parts.append(f'<span class="kb-label">{html.escape(label)}</span>')
    return '<span class="kb-sep">›</span>'.join(parts)


STATUS_LABELS = {"current": "现行有效", "superseded": "已被修订", "repealed": "已废止", "unknown": "时效未知"}


def status_badge(status: str | None) -> str:
    """A 时效 badge (index/links.py status), empty when the status is not known to the caller."""
    if not status:
        return ""
    label = STATUS_LABELS.get(status, status)
    return f'<span class="kb-status kb-status-{html.escape(status)}">{html.escape(label)}</span>'


def relevance_label(hit: Hit) -> str:
    """`` · 相关度 0.58`` (the model's estimate, index/learned.py), or "" when the hit has none."""
    return "" if hit.relevance is None else f" · 相关度 {hit.relevance:.2f}"


def card_html(hit: Hit, *, status: str | None = None) -> str:
    """One result: rank, citation line (《标题》, path, label, 发文字号, page), status badge, score, text."""
    bits = [f'<span class="kb-rank">{hit.rank}</span><span class="kb-title">《{html.escape(hit.doc_title)}》</span>'
            + status_badge(status)]
    addr = address_html(hit.path, hit.label)
    if addr:
        bits.append(addr)
    if hit.doc_number:
        bits.append(html.escape(hit.doc_number))
    pages = page_label(hit.page_start, hit.page_end)
    if pages:
        bits.append(pages)
    cite = '<span class="kb-sep">·</span>'.join(bits)
    return (
        f'<div class="kb-card"><div class="kb-cite">{cite}'
        f'<span class="kb-score">得分 {hit.score:.3f}{relevance_label(hit)}</span></div>'
        f'<div class="kb-text">{highlight(hit.text, hit.matched)}</div></div>'
    )


def clause_id_anchor(clause_id: int) -> str:
    """The HTML id of a clause in the context and document views."""
    return f"kb-clause-{clause_id}"


def clauses_html(
    clauses: Sequence[ClauseRow], *, marked: int | None, terms: Iterable[str] = (), headings: bool = False
) -> str:
    """Clauses in order, the ``marked`` one highlighted; with ``headings`` a heading row
    is shown wherever the section path changes (the document view), otherwise each
    clause carries its own address (the context view)."""
    terms = tuple(terms)
    out = ['<div class="kb-clauses">']
    previous: tuple[str, ...] = ()
    for clause in clauses:
        if headings:
            # show only the heading levels that changed since the previous clause
            common = 0
            while common < min(len(previous), len(clause.path)) and previous[common] == clause.path[common]:
                common += 1
            for depth, heading in enumerate(clause.path[common:], start=common):
                out.append(f'<div class="kb-heading kb-depth-{min(depth, 3)}">{html.escape(heading)}</div>')
            previous = clause.path
        is_hit = clause.clause_id == marked
        css = "kb-clause kb-hit" if is_hit else "kb-clause"
        addr = "" if headings else address_html(clause.path, clause.label)
        pages = page_label(clause.page_start, clause.page_end)
        meta = '<span class="kb-sep">·</span>'.join(x for x in (addr, pages) if x)
        if headings and clause.label:
            meta = f'<span class="kb-label">{html.escape(clause.label)}</span>' + (f" · {pages}" if pages else "")
        text = highlight(clause.text, terms if is_hit else ())
        out.append(
            f'<div class="{css}" id="{clause_id_anchor(clause.clause_id)}">'
            + (f'<div class="kb-addr">{meta}</div>' if meta else "")
            + f"<div>{text}</div></div>"
        )
    out.append("</div>")
    return "".join(out)


def query_terms(query: str) -> list[str]:
    """The words of a query as the user typed them (quotes and ``-exclusions`` dropped):
    ``ParsedQuery.shown`` of the search's own parser, so “中文引号” and 「」 phrases are highlighted too."""
    return list(parse_query(query).shown)
