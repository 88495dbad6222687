"""User-controlled text shown as text: the one helper for Streamlit calls that interpret Markdown.

``st.markdown``, ``st.info``/``error``/``warning``/``success``, ``st.caption``, ``st.subheader`` and ``st.title``
read their argument as Markdown (links, images, headings, Streamlit's ``:red[...]`` and ``$`` maths). A query from
a link, a document title or an upload's file name must never become a live link or an image that loads from
another host, so every such string goes through ``as_text`` first. HTML is not a risk there (Streamlit does not
render raw HTML without ``unsafe_allow_html``); cards and clause views are built by ``webui.render`` with
``html.escape``.
"""
from __future__ import annotations

import re
import string

# CommonMark lets any ASCII punctuation be backslash-escaped; escaping ':' and '.' also breaks GFM's
# autolinked ``http://`` and ``www.`` literals, and '$' stops Streamlit's maths.
_ESCAPE = {ord(c): "\\" + c for c in string.punctuation}
_ESCAPE.update({ord("\n"): " ", ord("\r"): " ", ord("\t"): " "})
# Streamlit's remark-gfm links bare URLs and e-mail addresses *after* parsing, escapes or not (seen in Chromium):
# a zero-width space after the scheme, "www" or "@" breaks its pattern and changes nothing visible.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto|@)")


def as_text(text: object) -> str:
    """``text`` as a Markdown string that renders to exactly its characters (newlines folded to spaces, zero-width spaces after URL schemes)."""
    return _AUTOLINK.sub(lambda m: m.group(0) + "\u200b", str(text)).translate(_ESCAPE)
