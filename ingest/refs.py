"""References a clause makes to other documents: ``《…》`` titles and 发文字号 mentions.

Pure text work (no KB): ``extract_refs(text)`` returns ``Ref``s with the cue word before the title
(依据/根据/按照/…, or ``""`` for a plain mention). ``title_key`` is the form titles are matched on:
without the 中华人民共和国 prefix, quotes, spaces and a version date such as ``(2023-09-01)``;
``issuer_free`` drops the issuing bodies before 关于 (a decision names 《关于…的规定》, the KB holds
《最高人民法院关于…的规定》). ``amended_title`` reads from a document's own title which document it amends
(``关于修改《X》的决定``, ``X修正案（十一）``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.metadata import parse_doc_number

CUES = ("依据", "根据", "按照", "贯彻", "落实", "参照", "印发", "废止", "执行", "遵照", "实施", "修订", "修改")
_TITLE = re.compile(r"《([^《》\n]{2,80})》")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,14}\s*[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*第?\s*\d{1,5}\s*号")
_VERSION = re.compile(r"[（(]\s*\d{4}(?:[-.年]\d{1,2}(?:[-.月]\d{1,2}日?)?)?\s*(?:年)?(?:修订|修正|修改)?\s*[)）]\s*$")
# Issuing bodies that may stand before 关于 in a title and be left out when it is cited.
_ISSUERS = re.compile(r"^(?:(?:最高人民法院|最高人民检察院|国务院办公厅|国务院|全国人民代表大会常务委员会|全国人民代表大会"
                      r"|中共中央办公厅|中共中央|[\u4e00-\u9fff]{2,12}(?:部|委员会|总局|办公厅|人民政府))[、和及\s]*)+(?=关于)")
_AMENDS = re.compile(r"关于修改《([^《》]{2,80})》(?:等[^《》]{0,30})?的决定$")
_AMENDMENT = re.compile(r"^(.{2,60}?)修正案(?:[（(][一二三四五六七八九十百]+[)）])?$")
_REPEAL = re.compile(r"同时废止|起废止|予以废止|停止执行")
# How far before a title a cue word may stand (``依据《》`` … ``根据国务院印发的《》``).
_CUE_WINDOW = 8


@dataclass(frozen=True)
class Ref:
    """One reference: the title (or 文号) as written, its kind and the cue word before it."""
    title: str
    kind: str  # "title" or "doc_number"
    cue: str


def title_key(title: str) -> str:
    """The matching form of a title: no 中华人民共和国 prefix, quotes, spaces or version date."""
    t = re.sub(r"[\s\u3000\"'“”‘’「」『』《》〈〉]", "", title or "")
    t = _VERSION.sub("", t)
    if t.startswith("中华人民共和国"):
        t = t[len("中华人民共和国"):]
    return t


def issuer_free(key: str) -> str:
    """A title key without the issuing bodies before 关于 (``最高人民法院关于X`` → ``关于X``)."""
    return _ISSUERS.sub("", key)


def amended_title(title: str) -> str | None:
    """The title of the document a document amends, read from its own title, or None:
    ``最高人民法院关于修改《关于上海金融法院案件管辖的规定》的决定`` → ``关于上海金融法院案件管辖的规定``,
    ``中华人民共和国刑法修正案（十一）`` → ``中华人民共和国刑法``."""
    t = _VERSION.sub("", re.sub(r"\s", "", title or ""))
    m = _AMENDS.search(t) or _AMENDMENT.match(t)
    return m.group(1) if m else None


def _cue_before(text: str, start: int) -> str:
    window = text[max(0, start - _CUE_WINDOW):start]
    best, pos = "", -1
    for cue in CUES:
        p = window.rfind(cue)
        if p > pos:
            best, pos = cue, p
    return best


def extract_refs(text: str) -> list[Ref]:
    """The documents ``text`` names, in order, each once (titles, then 文号 outside titles)."""
    refs: list[Ref] = []
    seen: set[tuple[str, str]] = set()
    # Most clauses name nothing: two substring tests spare them the regexes (ingest time, README figures).
    has_title, has_number = "《" in text, "号" in text
    if not (has_title or has_number):
        return refs
    for m in _TITLE.finditer(text):
        title = m.group(1).strip()
        cue = _cue_before(text, m.start())
        if cue == "" and _REPEAL.search(text[m.end():m.end() + 20]):
            cue = "废止"
        if (title, "title") not in seen:
            seen.add((title, "title"))
            refs.append(Ref(title=title, kind="title", cue=cue))
    if not has_number:
        return refs
    outside = _TITLE.sub(lambda m: "《" + " " * len(m.group(1)) + "》", text) if has_title else text
    for m in _DOC_NUMBER.finditer(outside):
        number = parse_doc_number(m.group(0))
        # The Han run before 〔 may swallow a joining word (``和国发〔…〕``): drop it.
        number = re.sub(r"^[和及与或、的按照依据根据]+", "", number) if number else None
        if number and (number, "doc_number") not in seen:
            seen.add((number, "doc_number"))
            refs.append(Ref(title=number, kind="doc_number", cue=_cue_before(outside, m.start())))
    return refs


def repeals(text: str) -> bool:
    """Whether a clause says something is repealed (``…同时废止`` / ``…自…起废止``)."""
    return bool(_REPEAL.search(text))
