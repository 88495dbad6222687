"""政策文件知识库 — the search page. Run: ``streamlit run app.py`` (KB at env POLICY_KB or kb/)."""
import streamlit as st

from webui.render import CSS

st.set_page_config(page_title="政策文件知识库", page_icon=":material/menu_book:", layout="wide")
st.html(CSS)
st.navigation(
    [
        st.Page("webui/search.py", title="检索", icon=":material/search:", url_path="search", default=True),
        st.Page("webui/kbpage.py", title="知识库", icon=":material/folder_open:", url_path="kb"),
    ]
).run()
