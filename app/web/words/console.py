"""The query console's words."""

TEXT: dict[str, tuple[str, str]] = {
    "console_caption": ("Read-only SQL (SELECT / WITH / EXPLAIN) on the index: tables `nodes(id, "
                        "kind, name, package, attrs)`, `edges(source, target, kind, attrs)`, "
                        "`problems`, `meta`. Limits: {ms} ms (KUBEATLAS_QUERY_MS), {rows} rows "
                        "(KUBEATLAS_MAX_ROWS).",
                        "对索引执行只读 SQL（SELECT / WITH / EXPLAIN）：表 `nodes(id, kind, name, "
                        "package, attrs)`、`edges(source, target, kind, attrs)`、`problems`、"
                        "`meta`。限制：{ms} 毫秒（KUBEATLAS_QUERY_MS），{rows} 行"
                        "（KUBEATLAS_MAX_ROWS）。"),
    "console_example": ("example", "示例"),
    "example_nodes": ("node counts", "各类节点的数量"),
    "example_packages": ("largest packages", "最大的包"),
    "example_edges": ("role edges", "角色之间的边"),
    "example_interfaces": ("most implemented interfaces", "实现最多的接口"),
    "console_run": ("Run", "运行"),
    "console_no_sql": ("The console reads the SQLite index; this store has no SQL console.",
                       "查询控制台读取 SQLite 索引；这个存储没有 SQL 控制台。"),
    "console_rows": ("{count} rows · truncated: {truncated}", "{count} 行 · 已截断：{truncated}"),
    "console_truncated": ("truncated: only the first {count} rows are shown (raise "
                          "KUBEATLAS_MAX_ROWS)",
                          "已截断：只显示前 {count} 行（可调高 KUBEATLAS_MAX_ROWS）"),
}
