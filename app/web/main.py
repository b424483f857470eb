"""Entry of the Streamlit app (`kubeatlas web`, or `streamlit run app/web/main.py`): page setup,
the index check shared by every page, and the navigation between pages."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # `streamlit run` puts only app/web on the path
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from app.web import nav, state  # noqa: E402

st.set_page_config(page_title="kubeatlas", page_icon=":material/map:", layout="wide")
page = st.navigation(nav.pages())
state.sidebar(state.atlas())
page.run()
