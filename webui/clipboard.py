"""The card's "复制条文和引用" button: copies the clause text and its citation in one go.

Streamlit's own copy control (the icon of ``st.code``) copies what the code block shows, and the
card shows the citation there, so that control copies the citation alone. This second button is
plain HTML (``copy_button_html``, its payload HTML-escaped in a ``data-copy`` attribute) handled
by one page-wide listener (``COPY_JS``, installed once per page by ``install``): the Clipboard
API where the page is a secure context (localhost, https), else a hidden textarea and
``execCommand("copy")`` (a page opened over plain http on the LAN).
"""
from __future__ import annotations

import html

import streamlit as st

COPY_JS = """
<script>
if (!window.__kbCopy) {
  window.__kbCopy = true;
  const fallback = (text) => {
    const area = document.createElement("textarea");
    area.value = text; area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
  };
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".kb-copy");
    if (!button) return;
    const text = button.dataset.copy;
    const done = () => { button.dataset.done = "1"; button.textContent = "已复制";
      setTimeout(() => { button.textContent = button.dataset.label; delete button.dataset.done; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => { fallback(text); done(); });
    } else { fallback(text); done(); }
  });
}
</script>
"""

CSS = """
<style>
.kb-copy{width:100%;padding:0.38rem 0.5rem;border:1px solid rgba(49,51,63,0.2);border-radius:0.5rem;
background:#fff;cursor:pointer;font-size:0.88rem;white-space:nowrap}
.kb-copy:hover{border-color:#c0392b;color:#c0392b}
.kb-copy[data-done]{border-color:#2e7d32;color:#2e7d32}
</style>
"""

LABEL = "复制条文和引用"


def payload(text: str, citation: str) -> str:
    """What the button copies: the clause text, a line break, then the citation."""
    return f"{text}\n{citation}"


def copy_button_html(text: str, citation: str, *, label: str = LABEL) -> str:
    """The button as HTML; its payload is ``payload(text, citation)``, escaped for the attribute."""
    data = html.escape(payload(text, citation), quote=True)
    return (f'<button type="button" class="kb-copy" data-copy="{data}" data-label="{html.escape(label)}"'
            f' title="复制条文原文及其引用">{html.escape(label)}</button>')


def install() -> None:
    """Add the page-wide click listener (a no-op in the browser once it is there) and the button style."""
    st.html(CSS + COPY_JS, unsafe_allow_javascript=True)
