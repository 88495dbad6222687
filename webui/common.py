"""What both pages need first: the KB handle (built from corpus/ when empty) or a readable error."""
from __future__ import annotations

import streamlit as st

from index.location import kb_path
from webui.errors import friendly, ingest_reason, show_error, technical
from webui.kbstore import KBHandle, get_handle, progress_bar, seed_if_empty


def open_handle() -> KBHandle | None:
    """The shared KB handle; on failure an ``st.error`` sentence with the fix and None."""
    path = str(kb_path())  # the same rule as the CLIs: $POLICY_KB, else kb/
    try:
        handle = get_handle(path)
        if not handle.seeded:
            update, done = progress_bar("知识库为空，正在从 corpus/ 建库…")
            report = seed_if_empty(handle, progress=update)
            done()
            if report is not None:
                for source, reason in report.failed:
                    show_error(ingest_reason(reason, name=source), technical(reason))
        return handle
    except Exception as exc:  # the page must show a sentence, never a traceback (friendly() names KB errors)
        show_error(friendly(exc, kb_path=path), technical(exc))
    return None

