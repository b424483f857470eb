"""Query console page: read-only SQL on the index through the store's run_readonly (statement
allow-list, time limit, row cap with a `truncated` flag)."""

from __future__ import annotations

import streamlit as st

from kubeatlas import settings
from kubeatlas.app.web import language, state
from kubeatlas.app.web.words import say

# the examples offered, by their words' key (app/web/words/console.py)
EXAMPLES = {
    "example_nodes": "SELECT kind, count(*) AS n FROM nodes GROUP BY kind ORDER BY n DESC",
    "example_packages": "SELECT id, json_extract(attrs, '$.lines') AS lines FROM nodes "
                        "WHERE kind = 'Package' ORDER BY lines DESC LIMIT 20",
    "example_edges": "SELECT source, target, kind, attrs FROM edges "
                  "WHERE kind IN ('TALKS_TO', 'DEPENDS_ON') ORDER BY kind, source",
    "example_interfaces": "SELECT target, count(*) AS n FROM edges WHERE kind = "
                                   "'IMPLEMENTS' GROUP BY target ORDER BY n DESC LIMIT 20",
}

atlas = state.atlas()
lang = language.chosen()
st.title(say(lang, "page_console"))
limit_ms = int(settings.setting("query_ms"))
max_rows = int(settings.setting("max_rows"))
st.caption(say(lang, "console_caption", ms=limit_ms, rows=max_rows))
example = st.selectbox(say(lang, "console_example"), list(EXAMPLES), key="console-example",
                       format_func=lambda key: say(lang, key))
with st.form("console"):
    sql = st.text_area("SQL", value=EXAMPLES[example], height=120)
    submitted = st.form_submit_button(say(lang, "console_run"))
run = getattr(atlas.reader, "run_readonly", None)
if run is None:
    st.error(say(lang, "console_no_sql"))
else:
    with state.reported():
        # run on submit, or for new text (a newly picked example); a rerun caused by anything
        # else shows the last result instead of running the query again
        last = st.session_state.get("console_result")
        if submitted or last is None or last[0] != (sql, limit_ms, max_rows):
            result = run(sql, limit_ms=limit_ms, max_rows=max_rows)
            st.session_state["console_result"] = ((sql, limit_ms, max_rows), result)
        else:
            result = last[1]
        st.caption(say(lang, "console_rows", count=len(result.rows),
                       truncated=say(lang, "yes" if result.truncated else "no")))
        if result.truncated:
            st.warning(say(lang, "console_truncated", count=max_rows))
        st.dataframe([dict(zip(result.columns, row, strict=True)) for row in result.rows], hide_index=True)
