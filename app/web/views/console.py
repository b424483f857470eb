"""Query console page: read-only SQL on the index through the store's run_readonly (statement
allow-list, time limit, row cap with a `truncated` flag)."""

from __future__ import annotations

import streamlit as st

from kubeatlas import settings
from kubeatlas.app.web import state

EXAMPLES = {
    "node counts": "SELECT kind, count(*) AS n FROM nodes GROUP BY kind ORDER BY n DESC",
    "largest packages": "SELECT id, json_extract(attrs, '$.lines') AS lines FROM nodes "
                        "WHERE kind = 'Package' ORDER BY lines DESC LIMIT 20",
    "role edges": "SELECT source, target, kind, attrs FROM edges "
                  "WHERE kind IN ('TALKS_TO', 'DEPENDS_ON') ORDER BY kind, source",
    "most implemented interfaces": "SELECT target, count(*) AS n FROM edges WHERE kind = "
                                   "'IMPLEMENTS' GROUP BY target ORDER BY n DESC LIMIT 20",
}

atlas = state.atlas()
st.title("Query console")
limit_ms = int(settings.setting("query_ms"))
max_rows = int(settings.setting("max_rows"))
st.caption(f"Read-only SQL (SELECT / WITH / EXPLAIN) on the index: tables `nodes(id, kind, name, "
           f"package, attrs)`, `edges(source, target, kind, attrs)`, `problems`, `meta`. "
           f"Limits: {limit_ms} ms (KUBEATLAS_QUERY_MS), {max_rows} rows (KUBEATLAS_MAX_ROWS).")
example = st.selectbox("example", list(EXAMPLES))
with st.form("console"):
    sql = st.text_area("SQL", value=EXAMPLES[example], height=120)
    submitted = st.form_submit_button("Run")
run = getattr(atlas.reader, "run_readonly", None)
if run is None:
    st.error("The console reads the SQLite index; this store has no SQL console.")
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
        st.caption(f"{len(result.rows)} rows · truncated: {result.truncated}")
        if result.truncated:
            st.warning(f"truncated: only the first {max_rows} rows are shown "
                       "(raise KUBEATLAS_MAX_ROWS)")
        st.dataframe([dict(zip(result.columns, row, strict=True)) for row in result.rows], hide_index=True)
