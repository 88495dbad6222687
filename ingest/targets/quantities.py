"""Finding the quantities in a sentence: a number (Arabic, Chinese, a fraction, 成, 翻番)
with its unit and a bound written right after it (``以上``, ``左右``, ``余``).

What is *not* a quantity: years and dates (``2025年``), ordinals and names (``第三届``,
``3号线``, ``G5``, ``5G``, ``6.0版``, ``三大工程``, ``“3个100”``), numbers that qualify a name
(``20万吨级码头``, ``50米内换乘比例``), and bare numbers without a unit (only tables give
those a unit).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.targets.numbers import (CN_NUMERAL_CHARS, cheng_percent, fan_multiple, fraction_percent,
                                    normalise_unit, parse_number, to_base)

_MAG = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万"
_BASE_UNITS = sorted("""
个百分点 百分点 % ％ ‰ 倍
元 美元 欧元 港元
公里 千米 米 平方米 平方公里 平方千米 公顷 亩 立方米 吨标准煤 吨标煤 吨 千瓦时 千瓦 瓦 标箱 标准箱 斤 公斤 千克 克
微克 毫克 兆 人次 人 名 架次 辆 个月 个 家 条 项 处 所 张 部 套 户 场次 场 次 件 列 台 座 支 片 种 篇 株 头 只 间 栋
宗 笔 岁 天 小时 艘
""".split(), key=len, reverse=True)
_BASE = "|".join(map(re.escape, _BASE_UNITS))
_PER = rf"/(?:{_MAG})?(?:人|户|年|元|立方米|平方米|吨|千瓦时|公里|天|日|小时|亩)"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_DASH = r"[-—–~～至到]"
_SUFFIX = r"(?:及以上|以上|以下|以内|之内|左右|上下|多)"
_UNIT_TAIL = rf"(?P<a1>余|多)?(?P<mag>{_MAG})?(?P<a2>余|多)?(?P<base>(?:{_BASE})(?:{_PER})?)?(?P<suffix>{_SUFFIX})?"
_ARABIC = re.compile(rf"(?P<num>{_NUM})(?:\s*{_DASH}\s*(?P<high>{_NUM}))?\s*{_UNIT_TAIL}")
_CN_NUM = r"[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千]*"
_CHINESE = re.compile(rf"(?=[一二两三四五六七八九十百千万亿])(?P<num>{_CN_NUM})?{_UNIT_TAIL}")
# a magnitude without a unit (1.49万亿) ends the phrase
_BARE_MAG_END = re.compile(r"^(?:[，。；、,;：:）)\s]|$|的)")
# 12万城镇就业困难人员: a bare magnitude before people counts people
_PEOPLE_AHEAD = re.compile(r"^[^，。；、,;：:]{0,12}?(?:人员|居民|群众|劳动力|人口|农民|学生|职工|人才|游客|老人|儿童)")
_CHENG = re.compile(rf"(?P<num>[一二两三四五六七八九])成(?P<suffix>{_SUFFIX})?")
_HALF = re.compile(rf"(?P<word>一半|过半|半数)(?P<suffix>{_SUFFIX})?")
_FAN = re.compile(rf"翻了?(?P<num>[一两二三四])番(?P<suffix>{_SUFFIX})?")
_FRACTION = re.compile(rf"(?P<num>\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?|[一二三四五六七八九十百]+分之[一二三四五六七八九十]+)"
                       rf"(?P<suffix>{_SUFFIX})?")

# a number is part of a name or qualifier when followed by these
_NAME_AFTER = re.compile(r"^(?:级|型|号|线|届|版|周年|期工程|大(?![于约])|强|批次|代|系|甲|类|环|位数|"
                         r"工作日|个工作日|个字|内(?!容)|[A-Za-z])")
# Chinese numerals count only next to a comparison word: 达到百家, 超过万亿元, 百家左右
_CN_CUE_BEFORE = re.compile(r"(?:达到|达|超过|超|突破|近|约|逾|为|至|到|增至|提高到|不少于|不低于|不超过)$")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as found in the text (offsets into the sentence's text)."""

    start: int
    end: int
    value: float
    unit: str
    value_high: float | None = None
    bound: str | None = None  # 以上/超过/以下/左右 written at the quantity
    change: str | None = None  # 翻番


def _bound_of(suffix: str | None, approx: bool) -> str | None:
    if suffix in ("以上", "及以上"):
        return "以上"
    if suffix in ("以下", "以内", "之内"):
        return "以下"
    if suffix in ("左右", "上下"):
        return "左右"
    if suffix == "多" or approx:
        return "超过"
    return None


def _excluded(text: str, start: int, end: int) -> bool:
    """Numbers that name or qualify rather than measure."""
    before = text[max(0, start - 1):start]
    if before and (before.isascii() and before.isalpha() or before in "第·.-—"):
        return True
    if _NAME_AFTER.match(text[end:end + 4]):
        return True
    # inside a short quoted name: “3个100”
    open_q, close_q = text.rfind("“", 0, start), text.rfind("”", 0, start)
    if open_q > close_q and 0 <= text.find("”", end) - open_q <= 12:
        return True
    return False


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order, overlapping matches resolved left to right."""
    found: list[Quantity] = []
    for q in _special(text) + _arabic(text) + _chinese(text):
        if not any(q.start < f.end and f.start < q.end for f in found):
            found.append(q)
    return _merge_ranges(sorted(found, key=lambda q: q.start))


def _merge_ranges(found: list[Quantity]) -> list[Quantity]:
    """``10人以上30人以下`` is one range, 10–30 人."""
    out: list[Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        if (prev and prev.bound == "以上" and q.bound == "以下" and q.start == prev.end
                and to_base(1, prev.unit)[1] == to_base(1, q.unit)[1] and prev.value_high is None):
            high = q.value * to_base(1, q.unit)[0] / to_base(1, prev.unit)[0]
            out[-1] = Quantity(prev.start, q.end, prev.value, prev.unit, high, None)
        else:
            out.append(q)
    return out


def _unit_of(text: str, m: re.Match) -> str | None:
    """The unit of a match, or None when it has none (a bare magnitude must end the phrase)."""
    mag, base = m.group("mag") or "", m.group("base") or ""
    if not base:
        if mag and _PEOPLE_AHEAD.match(text[m.end():]):
            return normalise_unit(mag + "人")
        if not mag or not _BARE_MAG_END.match(text[m.end():]):
            return None
    return normalise_unit(mag + base)


def _arabic(text: str) -> list[Quantity]:
    out = []
    for m in _ARABIC.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] in ".,"):
            continue
        unit = _unit_of(text, m)
        num_end = m.end("num")
        if unit is None or text[num_end:num_end + 1] == "年" or _excluded(text, m.start(), m.end()):
            continue
        high = parse_number(m.group("high")) if m.group("high") else None
        if unit in ("天", "岁", "小时", "个月") and high is not None:
            continue  # 8-10天: a period of time, not a measured value
        bound = _bound_of(m.group("suffix"), bool(m.group("a1") or m.group("a2")))
        out.append(Quantity(m.start(), m.end(), parse_number(m.group("num")), unit, high, bound))
    return out


def _chinese(text: str) -> list[Quantity]:
    out = []
    for m in _CHINESE.finditer(text):
        num = m.group("num")
        if (num is None and not m.group("mag")) or not (m.group("base") or m.group("mag")):
            continue
        if not (m.group("suffix") or _CN_CUE_BEFORE.search(text[max(0, m.start() - 4):m.start()])):
            continue
        unit = _unit_of(text, m)
        if unit is None or _excluded(text, m.start(), m.end()):
            continue
        if m.start() > 0 and text[m.start() - 1] in CN_NUMERAL_CHARS:
            continue
        value = parse_number(num) if num else 1.0
        if value is None:
            continue
        out.append(Quantity(m.start(), m.end(), value, unit, None,
                            _bound_of(m.group("suffix"), bool(m.group("a1") or m.group("a2")))))
    return out


def _special(text: str) -> list[Quantity]:
    """成 (两成 → 20 %), 一半 (50 %), fractions (1/5 → 20 %), 翻番 (翻一番 → 2 倍)."""
    out = []
    for m in _CHENG.finditer(text):
        if m.start() > 0 and text[m.start() - 1] in "完形组构促达变建合赞":  # 完成, 形成 … are words
            continue
        out.append(Quantity(m.start(), m.end(), cheng_percent(m.group("num")), "%", None,
                            _bound_of(m.group("suffix"), False)))
    for m in _HALF.finditer(text):
        bound = "超过" if m.group("word") == "过半" else _bound_of(m.group("suffix"), False)
        out.append(Quantity(m.start(), m.end(), 50.0, "%", None, bound))
    for m in _FAN.finditer(text):
        out.append(Quantity(m.start(), m.end(), fan_multiple(m.group("num")), "倍", None,
                            _bound_of(m.group("suffix"), False), change="翻番"))
    for m in _FRACTION.finditer(text):
        if "/" in m.group("num") and (text[m.end("num"):m.end("num") + 1] in "年月日" or
                                      text[max(0, m.start() - 1):m.start()].isdigit()):
            continue
        value = fraction_percent(m.group("num"))
        if value is not None:
            out.append(Quantity(m.start(), m.end(), value, "%", None, _bound_of(m.group("suffix"), False)))
    return out
