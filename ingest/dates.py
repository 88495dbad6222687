"""Dates as official documents write them: ``2024年4月2日`` and ``二〇二四年四月二日``."""
from __future__ import annotations

import re

from ingest.headings import cn_value

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGIT.update({"零": 0, "○": 0, "O": 0, "Ｏ": 0, "o": 0})
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(r"([〇零○OＯo一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
# A date standing alone on its line, as under a signature: ``2024年4月2日``, ``（2024年4月2日印发）``.
DATE_LINE = re.compile(rf"^[（(]?\s*(?:{DATE.pattern}|{CN_DATE.pattern})\s*(?:[）)]|印发|发布|通过)?$")


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO ``yyyy-mm-dd`` (``2024年4月2日``, ``二〇二四年四月二日``)."""
    m = DATE.search(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = CN_DATE.search(text)
        if not m:
            return None
        y = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
        mo, d = cn_value(m.group(2)), cn_value(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"
