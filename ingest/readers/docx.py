""".docx reader with python-docx: paragraphs with heading levels from styles, the list numbers
Word generates (``一、``, ``（一）``, ``1.``), and tables as rows, in document order."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ingest.limits import LIMITS, Limits, check_lines, check_zip
from ingest.records import CELL_SEPARATOR, CorruptFile, EmptyDocument, EncryptedFile, Line, Page

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)

_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def chinese_number(n: int) -> str:
    """Chinese counting numerals as Word writes them: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _CN_DIGITS[rest] if rest < 10 else (_CN_DIGITS[1] if rest < 20 else "") + chinese_number(rest))
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """One list counter in a Word ``numFmt`` (decimal, chineseCounting, upperLetter, …)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
               "ideographDigital", "taiwaneseCounting"):
        return chinese_number(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _TIANGAN[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return str(n)


class _Numbering:
    """Reproduces the numbers Word generates for ``numPr`` paragraphs (``一、``, ``（一）``, ``1.``)."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.findall(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{_W}lvl"):
                start = lvl.find(f"{_W}start")
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                levels[int(lvl.get(f"{_W}ilvl"))] = (
                    int(start.get(f"{_W}val")) if start is not None else 1,
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "",
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = dict(abstract.get(ref.get(f"{_W}val"), {}))

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return the generated label, "" for bullets."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start, fmt, _ = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""
        text = levels[ilvl][2]
        for k in range(ilvl + 1):
            if k in levels:
                value = counters.get(k, levels[k][0])
                text = text.replace(f"%{k + 1}", format_number(value, levels[ilvl][1] if k == ilvl else levels[k][1]))
        return text


def _num_pr(paragraph) -> tuple[str, int] | None:
    """The paragraph's list (numId, ilvl) from its own properties or its style's."""
    style = paragraph.style
    for owner in (paragraph._p.pPr, style.element.pPr if style is not None else None):
        if owner is None:
            continue
        num_pr = owner.find(f"{_W}numPr")
        if num_pr is None:
            continue
        num_id = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        if num_id is not None and num_id.get(f"{_W}val") not in (None, "0"):
            return num_id.get(f"{_W}val"), int(ilvl.get(f"{_W}val")) if ilvl is not None else 0
    return None


def _style_level(paragraph) -> int | None:
    """Heading level from the paragraph style: Title → 0, Heading N / 标题 N → N, else outline level."""
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    if name.lower() == "title" or name == "标题":
        return 0
    match = _HEADING_STYLE.match(name)
    if match:
        return int(match.group(1))
    for owner in (paragraph._p.pPr, style.element.pPr if style is not None else None):
        if owner is not None:
            outline = owner.find(f"{_W}outlineLvl")
            if outline is not None and int(outline.get(f"{_W}val")) < 9:
                return int(outline.get(f"{_W}val")) + 1
    return None


def _paragraph_line(paragraph, numbering: _Numbering) -> Line:
    """One paragraph as a line: its list number prefixed, its heading level as the hint."""
    name = (paragraph.style.name or "") if paragraph.style is not None else ""
    if name.lower().startswith("toc"):
        # an entry of a generated table of contents: no list number is counted for it
        return Line(paragraph.text.rstrip(), toc=True)
    text = paragraph.text.rstrip()
    level = _style_level(paragraph)
    num = _num_pr(paragraph)
    if num is not None:
        label = numbering.label(*num)
        if label and not text.lstrip().startswith(label):
            text = label + text.lstrip()
        if level is None and label:
            level = num[1] + 1
    return Line(text, heading_hint=level)


def _table_lines(table) -> list[Line]:
    """One line per table row, cells joined by ``CELL_SEPARATOR``; a cell merged across
    columns gives its text once and empty cells after it, so every row has as many cells
    as the table has columns. Rows of a table of two or more columns are marked ``table``;
    a one-column table is a layout box around text and gives plain lines."""
    out = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                cells.append("")
                continue
            seen.add(id(cell._tc))
            cells.append(re.sub(r"\s*\n\s*", " ", cell.text).strip())
        if any(cells):
            out.append(Line(CELL_SEPARATOR.join(cells), table=len(cells) > 1))
    return out


def read_docx(path: Path, data: bytes, *, limits: Limits = LIMITS) -> tuple[Page, ...]:
    """Body paragraphs and tables of a .docx in document order, with heading hints.

    The zip's declared sizes are checked against ``limits`` before python-docx inflates anything."""
    import docx

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise EncryptedFile(path, "the .docx is an OLE container (password-protected or a renamed .doc); "
                                  "remove the password or save it again as .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise CorruptFile(path, f"the .docx is not a valid zip archive ({type(exc).__name__}: {exc}); "
                                "re-save it from Word") from exc
    check_zip(path, infos, compressed=len(data), limits=limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:
        raise CorruptFile(path, f"python-docx cannot open it ({type(exc).__name__}: {exc}); re-save it from Word") from exc
    body = document.element.body
    # counted on the parsed XML before the (slow: ~1 ms a paragraph) conversion to lines
    check_lines(path, len(body.findall(f"{_W}p")) + sum(1 for _ in body.iter(f"{_W}tr")), limits)
    lines = _body_lines(body, document._body, _Numbering(document))
    if not any(ln.text.strip() for ln in lines):
        raise EmptyDocument(path, "the .docx has no text")
    return (Page(number=None, lines=tuple(lines)),)


def _body_lines(element, parent, numbering: _Numbering) -> list[Line]:
    """The lines of the paragraphs and tables under ``element``, in document order; content
    controls (``w:sdt``) are opened."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[Line] = []
    for child in element.iterchildren():
        if child.tag == f"{_W}p":
            lines.append(_paragraph_line(Paragraph(child, parent), numbering))
        elif child.tag == f"{_W}tbl":
            lines.extend(_table_lines(Table(child, parent)))
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines.extend(_body_lines(content, parent, numbering))
    return lines
