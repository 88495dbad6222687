"""Plain-text and Markdown readers with encoding detection that refuses mojibake.

A text file is one page of lines, blank ones included (they may separate paragraphs). A
Markdown file loses its front matter and its HTML comments; its ``#`` heading marks stay in
the text, for the furniture pass sees the lines as written (``normalize.markdown_line``
reads the marks afterwards).
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.records import EmptyDocument, EncodingError, Line, Page
from ingest.text import HAN_BASIC

# A decoding is accepted only when at most this share of its characters is implausible
# for a Chinese or English document (controls, private use, unassigned, rare planes).
_MAX_ODD_SHARE = 0.002
_MAX_ODD_CHARS_SMALL = 2
# A GB18030 decoding must have this share of its Han characters in GB2312.
_MIN_GB2312_SHARE = 0.9
_HAN = re.compile(f"[{HAN_BASIC}]")


@dataclass(frozen=True)
class DecodedText:
    """A text file's content and the encoding that produced it."""

    text: str
    encoding: str


def _odd(ch: str) -> bool:
    """A character that a correct decoding of a policy document would hardly contain."""
    if ch in "\t\n\r\f":
        return False
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return True
    if code == 0xFFFD or 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
        return True
    # GB18030 four-byte sequences decode to the rare planes; wrong guesses land there.
    if 0x20000 <= code <= 0x3FFFF:
        return True
    return unicodedata.category(ch) in ("Cn", "Cs", "Co")


def plausible(text: str) -> bool:
    """True when ``text`` looks like a correctly decoded document (few odd characters)."""
    if not text:
        return True
    odd = sum(1 for ch in text if _odd(ch))
    return odd <= max(_MAX_ODD_CHARS_SMALL, _MAX_ODD_SHARE * len(text))


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII characters leave NUL bytes on one side of each pair."""
    if len(data) < 2 or len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    if odd > even and odd >= len(data) // 20:
        return "utf-16-le"
    if even > odd and even >= len(data) // 20:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> DecodedText:
    """Decode a text file: BOM, strict UTF-8, GB18030, UTF-16 without BOM, charset-normalizer.

    Every candidate must decode strictly and look plausible; otherwise EncodingError.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise EncodingError(path, f"starts with a {encoding} byte-order mark but does not decode as {encoding}: {exc}") from exc
            return DecodedText(text, encoding)
    candidates = ["utf-8"]
    guess16 = _utf16_guess(data)
    if guess16:
        candidates.insert(0, guess16)
    elif b"\x00" not in data:
        candidates.append("gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if plausible(text) and (encoding != "gb18030" or _common_han_share(text) >= _MIN_GB2312_SHARE):
            return DecodedText(text, encoding)
    return _fallback(data, path)


def _common_han_share(text: str) -> float:
    """Share of the Han characters that are in GB2312 (the 6,763 common simplified ones).

    Simplified Chinese text scores near 1; Big5 or Latin bytes misread as GBK score far
    lower because their byte pairs land all over the GBK extension area.
    """
    han = _HAN.findall(text)
    if not han:
        return 1.0
    common = 0
    for ch in han:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(han)


def _fallback(data: bytes, path: str | Path) -> DecodedText:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if text and plausible(text):
            return DecodedText(text, best.encoding)
    raise EncodingError(
        path,
        "cannot determine the text encoding without mojibake (tried UTF-8, GB18030, UTF-16, "
        "charset detection); convert the file to UTF-8 and ingest it again",
    )


_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*(?:\n|\Z)", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _split_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def text_pages(decoded: DecodedText, path: Path) -> tuple[Page, ...]:
    """The one page of a .txt file: its lines, blank ones included."""
    lines = _split_lines(decoded.text.replace("\ufeff", ""))
    if not any(ln.strip() for ln in lines):
        raise EmptyDocument(path, "the text file is empty")
    return (Page(number=None, lines=tuple(Line(ln) for ln in lines)),)


def markdown_pages(decoded: DecodedText, path: Path) -> tuple[Page, ...]:
    """The one page of a .md file: front matter and HTML comments dropped, lines as written."""
    text = _FRONT_MATTER.sub("", decoded.text.replace("\ufeff", ""), count=1)
    # A comment on a line of its own (``<!-- INFO END -->``) becomes a blank line: a break.
    lines = _split_lines(_HTML_COMMENT.sub("", text))
    if not any(ln.strip() for ln in lines):
        raise EmptyDocument(path, "the Markdown file is empty")
    return (Page(number=None, lines=tuple(Line(ln) for ln in lines)),)
