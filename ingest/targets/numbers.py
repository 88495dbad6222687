"""Numbers and units in Chinese policy text: numerals, fractions, 成/倍/番, unit spelling,
and the comparison of two quantities written with different magnitudes.

- ``parse_number("1,511.89")`` → 1511.89; ``parse_number("二千")`` → 2000.0; ``"两"`` → 2.0;
- fractions and shares become percentages: ``1/5`` and ``五分之一`` → 20 %, ``两成`` → 20 %,
  ``一半`` → 50 %; ``翻一番`` → 2 倍 (``翻两番`` → 4 倍);
- a unit keeps its magnitude prefix as written (``万亿元``, ``万人``, ``亿美元``): the value is
  what the text says, so a citation can be checked against it; ``to_base`` compares
  ``4.4 万亿元`` with ``44000 亿元``;
- ``normalise_unit`` spells one unit one way: ``％`` → ``%``, ``千米`` → ``公里``, ``万名`` → ``万人``.
"""
from __future__ import annotations

import re
from functools import lru_cache

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"

# magnitude prefixes a unit may carry, longest first (万亿 before 万)
MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("万亿", 1e12), ("千亿", 1e11), ("百亿", 1e10), ("十亿", 1e9), ("亿", 1e8), ("千万", 1e7),
    ("百万", 1e6), ("十万", 1e5), ("万", 1e4),
)
# units in which 千 or 百 is part of the unit itself, not a magnitude
_NO_SPLIT = ("千瓦", "千克", "千米", "百分点", "个百分点", "千瓦时", "百分比")

_UNIT_ALIASES = {"％": "%", "千米": "公里", "名": "人", "个人": "人", "岁": "岁", "吨标准煤": "吨标准煤",
                 "平方千米": "平方公里", "km": "公里", "人口": "人"}


def parse_number(text: str) -> float | None:
    """Return the value of an Arabic or Chinese numeral (``"1,511.89"``, ``"3.8"``, ``"二千"``,
    ``"十四"``, ``"百"``), or None when the text is not one."""
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if all(ch in CN_NUMERAL_CHARS for ch in text):
        return _parse_chinese(text)
    return None


def _parse_chinese(text: str) -> float | None:
    total, section, digit = 0.0, 0.0, None
    for ch in text:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            total = (total + (section or 1)) * _CN_BIG[ch]
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


_FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
_CN_FRACTION = re.compile(rf"^([{CN_NUMERAL_CHARS}\d]+)分之([{CN_NUMERAL_CHARS}\d]+)$")


def fraction_percent(text: str) -> float | None:
    """``1/5`` or ``五分之一`` → 20.0 (a share in per cent, rounded to 2 decimals); None otherwise."""
    m = _FRACTION.match(text)
    if m:
        num, den = float(m.group(1)), float(m.group(2))
    else:
        m = _CN_FRACTION.match(text.strip())
        if not m:
            return None
        den, num = parse_number(m.group(1)), parse_number(m.group(2))
        if den is None or num is None:
            return None
    if den == 0:
        return None
    return round(100.0 * num / den, 2)


def cheng_percent(numeral: str) -> float | None:
    """``两`` (from 两成) → 20.0; ``七`` → 70.0; ``一半`` is handled by the caller."""
    value = parse_number(numeral)
    return None if value is None else value * 10.0


def fan_multiple(numeral: str) -> float | None:
    """翻N番: ``一`` → 2.0 (doubling), ``两`` → 4.0."""
    value = parse_number(numeral)
    return None if value is None else 2.0 ** value


@lru_cache(maxsize=4096)
def normalise_unit(unit: str) -> str:
    """One spelling per unit: full-width % and spaces removed, ``千米`` → ``公里``,
    ``名``/``个人`` (people) → ``人``, ``万名`` → ``万人``; magnitude prefixes kept."""
    unit = unit.replace("％", "%").replace(" ", "").replace("\u3000", "")
    if unit in _UNIT_ALIASES:
        return _UNIT_ALIASES[unit]
    prefix, rest = split_magnitude(unit)
    if prefix and rest in _UNIT_ALIASES:
        return prefix + _UNIT_ALIASES[rest]
    return unit


@lru_cache(maxsize=4096)
def split_magnitude(unit: str) -> tuple[str, str]:
    """``"万亿元"`` → ``("万亿", "元")``; ``"千瓦"`` → ``("", "千瓦")``; ``"万千瓦"`` → ``("万", "千瓦")``."""
    if unit.startswith(_NO_SPLIT):
        return "", unit
    for prefix, _ in MAGNITUDES:
        if unit.startswith(prefix) and (len(unit) > len(prefix) or prefix in ("万", "亿", "万亿", "千亿")):
            rest = unit[len(prefix):]
            if rest.startswith(_NO_SPLIT) or not rest.startswith(("千", "百", "十")):
                return prefix, rest
    return "", unit


def to_base(value: float, unit: str) -> tuple[float, str]:
    """The quantity with its magnitude prefix multiplied out: ``(4.4, "万亿元")`` →
    ``(4.4e12, "元")``; ``(3, "个百分点")`` stays. Use it to compare two statements."""
    unit = normalise_unit(unit)
    per = ""
    if "/" in unit:  # 万元/人: only the numerator carries a magnitude
        unit, per = unit.split("/", 1)
        per = "/" + per
    prefix, rest = split_magnitude(unit)
    factor = dict(MAGNITUDES).get(prefix, 1.0)
    return value * factor, rest + per


def same_quantity(a: tuple[float, str], b: tuple[float, str], *, rel: float = 1e-3) -> bool:
    """True when two ``(value, unit)`` pairs state the same quantity once magnitudes are
    multiplied out (relative tolerance ``rel``, for 33.33 % against 1/3)."""
    va, ua = to_base(*a)
    vb, ub = to_base(*b)
    if ua != ub:
        return False
    return abs(va - vb) <= rel * max(abs(va), abs(vb), 1e-9)
