"""Quantitative statements in running text: ``extract_statements(text, context=...)``.

A sentence is read quantity by quantity. The words before a quantity (since the previous
quantity or the last comma) give its comparator (``达到``, ``增长超``, ``约``), its base
(``较2017年``) and its indicator; when they name none, the indicator is the previous one
(``增长5.2%、约4.4万亿元``), a list distributed by ``分别``, or the noun after the number
(``16个科技设施平台进入科研状态``, ``1/6的人口``). ``占…`` makes a share of the previous
indicator. The year is the one written with the figure, else the sentence's, else
``到2025年`` from an earlier sentence or the context; the kind follows from the year
against ``context.now_year``, else from cue words, else from the context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.targets import phrases
from ingest.targets.quantities import Quantity, find_quantities
from ingest.targets.records import LEVEL, Kind, Statement, TargetContext
from ingest.targets.tables import is_table_text, table_statements

_SENTENCE_END = re.compile(r"[。！？!?\n]")
_STRONG = re.compile(r"[，。；：,;:！？!?\n]")
_AFTER_STOP = re.compile(r"[，。；：、,;:！？!?\n（(]")
_JOINERS = re.compile(r"(?:和|及|与|、|以及|，)+$")
_SCOPE = re.compile(r"(?:到|(?<!截)至|争取到|力争到|预计到)\s*(?:((?:19|20)\d{2})\s*年|[“\"]?十([一二三四五六七八九])五[”\"]?期?末)")
_PERIOD = re.compile(r"十([一二三四五六七八九])五[”\"]?(?:期末|末|时期|期间)")
_TARGET_CUES = re.compile(r"力争|争取|确保|目标|预期|计划|到(?:19|20)\d{2}年|期末|稳定在|保持在|控制在|不少于|不低于|"
                          r"年初预算|全年预算|预算数|今年|将")
_ACTUAL_CUES = re.compile(r"截至|已经|已|累计|了|比上年|同比|过去|去年|决算|完成情况|预计(?:19|20)\d{2}年")
# a legal condition or penalty is not a statement of fact or goal: 连续工作满12个月以上的，处五千元以上罚款
_PENALTY = re.compile(r"罚款|罚金|徒刑|拘役|拘留|处分|没收")
_PEOPLE = re.compile(r"人员|居民|群众|劳动力|人口|农民|学生|职工|患者|人才|游客|老人|儿童|贫困|人")
_SHARE_TAIL = re.compile(r"(?:比重|比例|份额|占比)$")


def plan_end_year(numeral: str) -> int:
    """十N五 → its last year: 十三五 → 2020, 十四五 → 2025."""
    return 1955 + 5 * (10 + "一二三四五六七八九".index(numeral) + 1)


@dataclass
class _Draft:
    """A quantity on its way to a statement."""

    q: Quantity
    seg_start: int
    indicator: str
    subject: str | None
    change: str
    bound: str
    respectively: bool
    items: list[str]
    joined: bool  # starts right after the previous quantity (``、``/``和``)
    year: int | None
    base: str | None
    end: int
    compared: bool = False  # 低于成渝双城经济圈的…: a figure of another subject
    condition: bool = False  # …12个月以上的，… (a rule's condition or a penalty)


def extract_statements(text: str, *, context: TargetContext | None = None) -> list[Statement]:
    """The quantitative statements in ``text`` (a clause, a sentence, or table rows with
    `` | `` cells), with spans into ``text``. Pure: no I/O, no model."""
    context = context or TargetContext()
    if is_table_text(text):
        return table_statements(text, context=context)
    quantities = find_quantities(text)
    if not quantities:  # most clauses: nothing more to read
        return []
    out: list[Statement] = []
    scope = context.year
    start = 0
    for m in list(_SENTENCE_END.finditer(text)) + [None]:
        end = m.end() if m else len(text)
        mine = [replace(q, start=q.start - start, end=q.end - start) for q in quantities
                if start <= q.start and q.end <= end]
        if mine:
            out.extend(_sentence(text[start:end], start, context, scope, mine))
        if end > start:
            scope = scope_year(text[start:end], current=scope, periods=True)
        start = end
    return out


def scope_year(text: str, *, current: int | None = None, periods: bool = False) -> int | None:
    """The year a text leaves in force for what follows (its last ``到2025年`` or
    ``到“十四五”期末``; with ``periods``, also ``“十二五”时期``, which governs the rest of its
    clause only), else ``current``."""
    found = [(m.start(), int(m.group(1)) if m.group(1) else plan_end_year(m.group(2)))
             for m in _SCOPE.finditer(text)]
    if periods:
        found += [(m.start(), plan_end_year(m.group(1))) for m in _PERIOD.finditer(text)]
    return max(found)[1] if found else current


def _sentence(sent: str, offset: int, ctx: TargetContext, scope: int | None,
              quantities: list[Quantity]) -> list[Statement]:
    mentions = phrases.year_mentions(sent) + [
        phrases.YearMention(plan_end_year(m.group(1)), m.start(), m.end(), "scope") for m in _PERIOD.finditer(sent)]
    mentions.sort(key=lambda m: m.start)
    drafts: list[_Draft] = []
    prev_end = 0
    for i, q in enumerate(quantities):
        nxt = quantities[i + 1].start if i + 1 < len(quantities) else len(sent)
        drafts.append(_draft(sent, q, prev_end, nxt, mentions, scope))
        prev_end = drafts[-1].end
    _resolve(drafts, sent)
    subject = _sentence_subject(sent, quantities[0].start)
    return [st for d in drafts for st in _statements(d, sent, offset, ctx, subject)]


def _draft(sent: str, q: Quantity, prev_end: int, nxt: int, mentions, scope: int | None) -> _Draft:
    delims = [m.end() for m in _STRONG.finditer(sent, prev_end, q.start)]
    seg_start = max([prev_end] + delims)
    tail = phrases.strip_tail(sent[seg_start:q.start])
    paren = sent[seg_start:q.start].rstrip().endswith(("（", "("))
    indicator, subject = ("", None) if paren else phrases.clean_indicator(tail.rest)
    change, bound = q.change or tail.change, q.bound or tail.bound
    compared = phrases.COMPARE_START.match(indicator)
    if compared:  # 低于全国平均水平8.57万元/人: the same indicator, another subject
        subject, indicator = phrases.clean_indicator(indicator[compared.end():])[0] or None, ""
    reduced = phrases.REDUCE_START.match(indicator)
    if reduced and not change:
        change, indicator = "下降", indicator[reduced.end():]
    items: list[str] = []
    if tail.respectively and indicator:
        items = [x for x in re.split(r"[、和及与]", indicator) if x]
        indicator = items[0] if len(items) > 1 else indicator
    elif not tail.respectively:
        indicator = phrases.last_item(indicator)
    unit, end = q.unit, q.end
    number_first = False
    stop = _AFTER_STOP.search(sent, q.end, nxt)
    after = _JOINERS.sub("", sent[q.end:stop.start() if stop else nxt]).strip()
    if _number_first(after, indicator):
        noun = phrases.clean_after(after)
        if noun:
            number_first = True
            indicator = _leading_verb(indicator) + noun
            end = q.end + sent[q.end:].find(after) + len(after)
            if unit in ("万", "亿") and _PEOPLE.search(noun):
                unit += "人"
    delim = _STRONG.search(sent, q.end)
    rest = sent[q.end:delim.start() if delim else len(sent)].rstrip()
    condition = rest.endswith("的") or bool(_PENALTY.search(sent[seg_start:delim.start() if delim else len(sent)]))
    if not number_first and indicator.endswith("等") and not re.search(r"、.*等$", indicator):
        indicator = indicator[:-1]
    joined = seg_start == prev_end and prev_end > 0
    return _Draft(replace(q, unit=unit), seg_start, indicator, subject, change, bound, tail.respectively,
                  items, joined, _year_for(mentions, q.start, scope), phrases.find_base(sent[prev_end:q.start]),
                  end, compared is not None, condition)


def _number_first(after: str, indicator: str) -> bool:
    """``16个科技设施平台…``, ``1/6的人口``, ``抢通256个断路村``: the number counts the noun
    after it (a predicate after the number, ``增长``, ``占``, is not a noun)."""
    if not after or phrases.PREDICATE_START.match(after):
        return False
    return after.startswith("的") or "\u4e00" <= after[0] <= "\u9fff" or after[0] in "“\""


def _leading_verb(before: str) -> str:
    """The action verb to keep in front of a number-first noun: ``集中推出`` → 推出,
    ``规划建设三里屯等`` → 规划建设, ``提前布置`` → ""."""
    if before.endswith("等"):
        return phrases.split_action(before)[0]
    verb = phrases.trailing_verb(before)
    return verb[0] if verb else ""


def _year_for(mentions, pos: int, scope: int | None) -> int | None:
    """The year written with a figure (``2022年的626.22亿元``), else the sentence's last
    scope year before it, else the carried scope."""
    year = scope
    for m in mentions:
        if m.start >= pos:
            break
        if m.role in ("value", "base-value") and pos - m.end <= 2:
            return m.year
        if m.role in ("scope", "value"):
            year = m.year
    return year


def _resolve(drafts: list[_Draft], sent: str) -> None:
    """Give indicator-less figures their indicator: a 分别 list, the previous indicator, a
    share (``占…``) of it, or the sentence's topic; carry a list's leading verb
    (``新增A421家、B432家``)."""
    pending: list[str] = []
    for i, d in enumerate(drafts):
        prev = drafts[i - 1] if i else None
        if prev and prev.compared and d.joined and d.indicator and not (d.change or d.bound):
            d.subject, d.indicator, d.compared = d.indicator, "", True  # 、成渝双城经济圈的9.44万元/人
        if d.items and len(d.items) > 1:
            pending = d.items[1:]
        elif d.respectively and not d.indicator and prev:
            group = _group_size(drafts, i)
            previous = [x.indicator for x in drafts[:i]][-group:]
            d.indicator, pending = (previous[0], previous[1:]) if previous else ("", [])
        elif not d.indicator and pending:
            d.indicator = pending.pop(0)
            if prev and not (d.change or d.bound):  # 分别下降4.8%和1.8%
                d.change, d.bound = prev.change, prev.bound
        elif d.indicator.startswith("占") and prev:
            d.indicator = prev.indicator + _share(d.indicator)
            d.subject = d.subject or prev.subject
        elif not d.indicator and prev:
            d.indicator, d.subject = prev.indicator, d.subject or prev.subject
        elif not d.indicator:
            d.indicator, subject = _topic(sent[:d.seg_start])
            d.subject = d.subject or subject
        elif d.indicator in phrases.GENERIC_HEADS and prev and len(prev.indicator) >= 2:
            d.indicator = prev.indicator[-2:] + d.indicator  # 新设企业…，总数 → 企业总数
        elif prev and d.joined:
            _carry_verb(d, prev)
        if "占" in d.indicator[1:] and not _SHARE_TAIL.search(d.indicator):
            d.indicator += "比重"


def _topic(before: str) -> tuple[str, str | None]:
    """The thing a sentence is about, named in a clause before its first figure:
    ``西安、咸阳研发经费投入快速增长，从2017年的375.75亿元…`` → 研发经费投入."""
    for part in reversed([p for p in _STRONG.split(before) if p.strip()]):
        tail = phrases.strip_tail(part)
        indicator, subject = phrases.clean_indicator(tail.rest)
        if indicator and len(indicator) <= 20:
            return phrases.last_item(indicator), subject
        break
    return "", None


def _group_size(drafts: list[_Draft], i: int) -> int:
    n = 1
    while i + n < len(drafts) and not drafts[i + n].indicator and drafts[i + n].joined:
        n += 1
    return n


def _share(text: str) -> str:
    text = text.rstrip("的")
    if text == "占":
        return "占比"
    return text if _SHARE_TAIL.search(text) else text + "比重"


def _carry_verb(d: _Draft, prev: _Draft) -> None:
    """``整治桥下空间183处、城市家具1万余处`` → 整治城市家具; ``新开工300个、完工200个`` →
    老旧小区综合整治完工."""
    if d.indicator in phrases.STAGE_WORDS:
        for stage in phrases.STAGE_WORDS:
            if prev.indicator.endswith(stage):
                d.indicator = prev.indicator[:-len(stage)] + d.indicator
                return
    verb, _ = phrases.split_action(prev.indicator)
    own, _ = phrases.split_action(d.indicator)
    if verb and not own and not d.change and not d.bound:
        d.indicator = verb + d.indicator


def _sentence_subject(sent: str, first_quantity: int) -> str | None:
    """A region or body at the head of the sentence, before its first figure (``到2025年，
    关中平原城市群综合实力…``): the first clause that says more than a time."""
    for part in _STRONG.split(sent[:first_quantity]):
        indicator, subject = phrases.clean_indicator(part)
        if subject:
            return subject
        if indicator:
            return None
    return None


def _statements(d: _Draft, sent: str, offset: int, ctx: TargetContext, subject: str | None) -> list[Statement]:
    if not d.indicator or d.condition:
        return []
    kind = _kind(d, sent[:d.q.end], ctx)
    year = d.year
    if year is None:
        year = ctx.target_year if kind is Kind.TARGET else ctx.actual_year
    comparator = (d.change + d.bound) or LEVEL
    names = [d.indicator]
    if "、" in d.indicator and re.search(r"等(?:指标)?$", d.indicator):
        names = [x for x in re.split(r"[、和及]", re.sub(r"等(?:指标)?$", "", d.indicator)) if x]
    return [Statement(indicator=name, value=d.q.value, unit=d.q.unit, comparator=comparator, kind=kind, year=year,
                      value_high=d.q.value_high, base=d.base, subject=d.subject or subject,
                      start=offset + d.seg_start, end=offset + d.end) for name in names]


def _kind(d: _Draft, prefix: str, ctx: TargetContext) -> Kind:
    """A year after ``now_year`` is a target; else cue words; else the context's default."""
    if re.search(r"年初预算|全年预算|预算数", d.indicator):
        return Kind.TARGET
    if d.year is not None and ctx.now_year is not None:
        return Kind.TARGET if d.year > ctx.now_year else Kind.ACTUAL
    target, actual = _TARGET_CUES.search(prefix), _ACTUAL_CUES.search(prefix)
    if target and not actual:
        return Kind.TARGET
    if actual and not target:
        return Kind.ACTUAL
    return ctx.kind or Kind.ACTUAL
