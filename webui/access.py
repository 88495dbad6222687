"""Who may use the page and what they may change: an optional access token and a read-only mode.

- ``POLICY_PAGE_TOKEN``: when set, every new browser session must type it before the page shows
  anything (compared in constant time; kept in the session, never in the URL). Use it whenever the
  page is bound to a network address (``.streamlit/config.toml`` binds 127.0.0.1 by default).
- ``POLICY_READONLY=1``: upload, delete and rebuild are hidden and refused; search, 查先例, 指标
  and exports work as usual.
"""
from __future__ import annotations

import hmac
import os

TOKEN_ENV = "POLICY_PAGE_TOKEN"
READONLY_ENV = "POLICY_READONLY"
_PASSED = "access_passed"


def page_token() -> str | None:
    """The access token the page asks for, or None when the page is open."""
    return os.environ.get(TOKEN_ENV) or None


def read_only() -> bool:
    """True when ``POLICY_READONLY`` is set to 1/true/yes: no upload, delete or rebuild."""
    return os.environ.get(READONLY_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def token_matches(given: str, expected: str) -> bool:
    """Compare in constant time (a timing difference must not reveal the token's prefix)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def gate() -> bool:
    """Render the token form when the page needs one and this session has not passed it; True
    when the page may be shown."""
    import streamlit as st

    expected = page_token()
    if expected is None or st.session_state.get(_PASSED):
        return True
    st.title("政策文件知识库")
    with st.form("access"):
        given = st.text_input("访问口令", type="password", key="access_token")
        submitted = st.form_submit_button("进入", type="primary")
    if submitted:
        if token_matches(given or "", expected):
            st.session_state[_PASSED] = True
            st.rerun()
        st.error("口令不正确，请向管理员索取访问口令。")
    return False
