"""The words around a quantity: its comparator, its base, the years a sentence names, and
the indicator phrase cleaned of verbs, time phrases and its subject (region or body)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Comparison words written right before a number, longest first; each maps to (change, bound).
_TAIL_WORDS: dict[str, tuple[str, str]] = {}
for _words, _value in (
    ("达到了 达到 达 为 是 增至 增加到 提高到 提升到 上升到 扩大到 降至 降低到 下降到 减少到 减至 降到 "
     "稳定在 保持在 维持在 放宽至 调至 提高至 提升至 增长到 增加至 占到 约为 拓展至 扩展至 扩大至 达至 升至", ("", "")),
    ("不少于 不低于 至少 及以上", ("", "以上")),
    ("超过 超 突破 逾 多于 高于 大于 快于", ("", "超过")),
    ("不超过 不高于 以内 控制在", ("", "以下")),
    ("不到 不足 少于 低于 小于 慢于", ("", "低于")),
    ("约 近 接近 将近 大约 近乎", ("", "左右")),
    ("年均增长 年均增速为 年均增速 年均提高 年均递增", ("年均增长", "")),
    ("年均下降 年均降低 年均递减", ("年均下降", "")),
    ("增长了 增长 增加了 增加 提高了 提高 提升了 提升 上升了 上升 扩大了 扩大 增速为 增速达 增速 增幅为 增幅 "
     "涨幅为 涨幅", ("增长", "")),
    ("下降了 下降 降低了 降低 减少了 减少 压减 再减量 减量 缩减 缩小 降幅", ("下降", "")),
):
    for _w in _words.split():
        _TAIL_WORDS[_w] = _value
_TAIL_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _TAIL_WORDS), key=len, reverse=True)) + r")\s*$")
# 到/至/在 left by a year (城镇化率到2025年达到…), but not the 到 of 增长到 (a level reached)
_FILLER_TAIL = re.compile(r"(?:(?<![长高降低少加升大小减增])(?:到|至|在)|分别|了|的|都|均|已|已经|再|力争|仍|将|要|稳步|持续|一举|首次|进一步|快速|大幅|明显|显著|较快|迅速)\s*$")

YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?:度)?")
_BASE_BEFORE = re.compile(r"(?:较|比|与|同|是|为|相对于|相比于?|对比)\s*$")
_BASE_PATTERNS = (
    re.compile(r"(?:较|比|与)\s*((?:19|20)\d{2})\s*年(?:度|底|末)?(?:相比)?"),
    re.compile(r"是\s*((?:19|20)\d{2})\s*年(?:度|底|末)?的"),
    re.compile(r"(?:比|较)(上年|去年|上年度|同期)"),
    re.compile(r"(同比)"),
)

# Words in front of an indicator that are not part of it (time, scope, connectives, hedges).
_LEAD = re.compile(
    r"^(?:[，、；：,;:\s（(]|其中|以及|并且|并|和|及|与|同时|此外|另外|看总量|看增量|看速度|预计|力争|争取|确保|"
    r"全年共|全年|共(?=建成|计|有)|累计|到(?:19|20)\d{2}年(?:底|末)?|截至(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?|"
    r"(?:19|20)\d{2}年(?:度|底|末|全年)?|(?:“|\")?十[一二三四五六七八九]五(?:”|\")?(?:期末|末|时期|期间|时)?|"
    r"今年|去年|上年|当年|本年度|将|要|使|让|把|进一步|稳步|持续|逐步|实现了|实现|达到|已|"
    r"以(?=不到|不足|超过|约|近)|(?:从|由)(?=(?:19|20)\d{2})|分别|拥有|建有|共有)+")
_TRAIL = re.compile(r"(?:的|之|为|是|则|也|都|均|已)+$")
_YEAR_INSIDE = re.compile(r"(?<=[\u4e00-\u9fff])(?:19|20)\d{2}\s*年(?:度)?(?=[\u4e00-\u9fff])")
_PAREN_NUM = re.compile(r"[（(][^（）()]*\d[^（）()]*[）)]")
_SUBJECT_WORDS = re.compile(r"^(全市|全省|全区|全县|全国|全镇|我市|我省|我区|本市|本区|两市|三地|“两市三地”)")
_REGION_SUFFIX = re.compile(
    r"^([\u4e00-\u9fff“”]{2,10}?(?:自治区|城市群|都市圈|经济区|经济圈|经济带|新区|两市|三地|省|市(?<!城市)(?<!都市)(?<!上市)|县))"
    r"(?=[\u4e00-\u9fffA-Za-z“（(])")
# a region name does not start with a verb or a preposition (提请市人大常委会, 办理市政协提案)
_NOT_REGION_START = re.compile(r"^(?:提请|办理|开展|推进|建设|实现|发挥|完成|新增|新建|组织|支持|推动|加快|促进|落实|"
                               r"实施|举办|召开|出台|在|对|向|从|把|将|为|由|与|和|及|经)")
_LIST_SUBJECT = re.compile(r"^((?:[\u4e00-\u9fff]{2,3}、)+)([\u4e00-\u9fff]{2,3}?)(两市|三地|两地|等地|等市)?(?=\S{2,})")

# a phrase after a number that is a predicate, not the noun the number counts
PREDICATE_START = re.compile(r"^(?:增长|下降|达到|达|占|比|较|是|为|提高|提升|降低|减少|增加|超过|突破|分别|同比|年均|"
                             r"左右|以上|以下|增至|降至|上升|扩大|缩小|相比|和|及|与|或|至|到)")
# comparing with another region: 低于全国平均水平8.57万元/人
COMPARE_START = re.compile(r"^(?:远|略|明显|均|仍)?(?:低于|高于|少于|多于|超过|不及|相当于|仅为|达到|为)")
# verbs of reduction written before the thing reduced: 压减一般性支出23.9亿元
REDUCE_START = re.compile(r"^(?:压减|削减|减少|节约|降低|压降|缩减)")
GENERIC_HEADS = ("总数", "总量", "总额", "数量", "规模", "总规模")
_ADVERBS = re.compile(r"全部|均|已经|已|都|基本")

ACTION_VERBS = ("妥善安置", "疏散转移", "规划建设", "建设筹集", "精细化治理提升", "精细治理", "规范拆除", "新认定",
                "新开工", "新增", "新建", "新设", "新开", "建成", "建设", "建立", "完成", "出台", "推出", "开展",
                "举办", "开通", "整治", "拆除", "腾退", "竣工", "安置", "创建", "培育", "引进", "认定", "办理",
                "提请", "承接", "推介", "改造", "改造提升", "启动", "实施", "制定", "打造")
# verbs that only introduce a number-first phrase (提前布置20余万人防汛抢险队伍): dropped
_INTRO_VERBS = ("布置", "促进", "帮扶", "吸纳", "带动", "培训", "支持", "推动", "组织", "提升", "优化", "拥有",
                "建有", "贡献了", "贡献", "有", "涉及")
STAGE_WORDS = ("新开工", "开工", "完工", "竣工", "建成", "开通", "投产")


@dataclass(frozen=True)
class Tail:
    """What the words right before a number say: the phrase left, and the comparison."""

    rest: str
    change: str = ""
    bound: str = ""
    respectively: bool = False  # 分别


def strip_tail(text: str) -> Tail:
    """Peel comparison words (``达到``, ``增长超``, ``约``, ``分别``) off the end of the phrase
    before a number."""
    change = bound = ""
    respectively = False
    while True:
        m = _TAIL_RE.search(text)
        if m and m.start() < len(text):
            c, b = _TAIL_WORDS[m.group(0).strip()]
            change, bound = change or c, bound or b
            text = text[:m.start()]
            continue
        m = _FILLER_TAIL.search(text)
        if m and m.start() < len(text):
            respectively = respectively or "分别" in m.group(0)
            text = text[:m.start()]
            continue
        m = re.search(r"(?:(?:较|比|与|是|从|由)\s*)?(?:(?:19|20)\d{2}\s*年(?:度|底|末)?|上年|去年|同期)(?:相比)?\s*$|同比\s*$", text)
        if m and m.start() < len(text):
            text = text[:m.start()]
            continue
        return Tail(text, change, bound, respectively)


def find_base(text: str) -> str | None:
    """The base a figure is compared with, named in ``text`` (the words since the previous
    figure): ``较2017年`` → ``2017年``, ``比上年`` → ``上年``, ``同比`` → ``同比``."""
    found = None
    for pattern in _BASE_PATTERNS:
        for m in pattern.finditer(text):
            if found is None or m.start() > found[0]:
                g = m.group(1)
                found = (m.start(), g + "年" if g.isdigit() else g)
    return found[1] if found else None


@dataclass(frozen=True)
class YearMention:
    """A year named in a sentence: ``role`` is ``value`` (``2022年的626.22亿元``: the year of
    the next figure and of those after it), ``base-value`` (``是2005年1264.84亿元的``: of the
    next figure only), ``base`` (``较2017年``), ``scope`` (governs what follows) or ``other``."""

    year: int
    start: int
    end: int
    role: str


def year_mentions(text: str) -> list[YearMention]:
    """Every year named in ``text``, with its role."""
    out = []
    for m in YEAR_RE.finditer(text):
        after = text[m.end():m.end() + 3]
        based = _BASE_BEFORE.search(text[max(0, m.start() - 4):m.start()])
        if re.match(r"\s*\d", after):  # 是2005年1264.84亿元: that figure only
            role = "base-value" if based else "value"
        elif re.match(r"的\s*\d", after) and not based:  # 增长到2022年的626.22亿元, and later figures
            role = "value"
        elif based or re.match(r"(?:度)?相比", after):
            role = "base"
        elif re.match(r"(?:以来|前|之前|起)", after):
            role = "other"
        else:
            role = "scope"
        out.append(YearMention(int(m.group(1)), m.start(), m.end(), role))
    return out


def clean_indicator(text: str) -> tuple[str, str | None]:
    """The indicator in the words before a number (comparators already peeled), and the
    subject split off its front: ``到2025年，关中平原城市群常住人口城镇化率`` →
    (``常住人口城镇化率``, ``关中平原城市群``) when the sentence is cut at its commas."""
    text = _YEAR_INSIDE.sub("", _PAREN_NUM.sub("", text)).strip()
    if text.count("（") > text.count("）"):  # 电子产品（占进出口总额比重: the bracket opened a gloss
        at = text.rfind("（")
        text = text[:at] + text[at + 1:]
    subject = None
    for _ in range(3):
        text = _LEAD.sub("", text)
        m = _SUBJECT_WORDS.match(text) or _LIST_SUBJECT.match(text) or (
            None if _NOT_REGION_START.match(text) else _REGION_SUFFIX.match(text))
        if m and len(text) - m.end() >= 2:
            if m.re is _LIST_SUBJECT:
                subject = (subject or "") + m.group(1) + m.group(2) + (m.group(3) or "")
            else:
                subject = (subject or "") + m.group(1)
            text = text[m.end():]
            continue
        break
    text = _TRAIL.sub("", text).strip(" ，、")
    return text, subject


def clean_after(text: str) -> str:
    """The noun after a number-first figure (what the number counts; no subject is split off
    it), adverbs dropped: ``受灾学校全部如期开学`` → ``受灾学校如期开学``."""
    return _TRAIL.sub("", _ADVERBS.sub("", text.lstrip("的"))).strip(" ，、")


def last_item(indicator: str) -> str:
    """The indicator at the end of a run of examples or list items: ``完成燃气、供热等老旧管线
    改造`` → ``老旧管线改造``; ``统筹公交和轨道站点设置、50米内换乘比例`` → ``50米内换乘比例``;
    a list ending in ``等``/``等指标`` is left for the caller to distribute."""
    if re.search(r"等(?:指标)?$", indicator):
        return indicator
    m = re.search(r"^.*[、，].*?等(.{2,})$", indicator)
    if m:
        return m.group(1)
    if "、" in indicator:
        tail = indicator.rsplit("、", 1)[1]
        if len(tail) >= 2:
            return tail
    return indicator


def split_action(text: str) -> tuple[str, str]:
    """A leading action verb kept with its noun (``新增``) and the rest: ``新增瞪羚企业`` →
    (``新增``, ``瞪羚企业``); no verb → ("", text)."""
    for verb in sorted(ACTION_VERBS, key=len, reverse=True):
        if text.startswith(verb) and len(text) > len(verb):
            return verb, text[len(verb):]
    return "", text


def trailing_verb(text: str) -> tuple[str, str] | None:
    """When ``text`` ends with a verb that introduces a number-first phrase (``集中推出``,
    ``提前布置``), the verb to keep (``推出``, or "" for an introducing verb) and the text
    before it; else None."""
    for verb in sorted(ACTION_VERBS + _INTRO_VERBS, key=len, reverse=True):
        if text.endswith(verb):
            keep = verb if verb in ACTION_VERBS else ""
            return keep, text[:-len(verb)]
    return None
