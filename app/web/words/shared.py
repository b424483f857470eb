"""The words of the sidebar (the language switch, the navigation, the search box, the index
line) and of what several pages share: planes, the live graph, picking a node by name, and
the messages about refused or unknown input."""

TEXT: dict[str, tuple[str, str]] = {
    # the sidebar: the switch, and the navigation's sections and pages
    "language": ("language · 语言", "language · 语言"),
    "no_language": ("no {what} language '{asked}'; {what}s are written in English (lang=en) and "
                    "Chinese (lang=zh, 中文). Showing English.",
                    "没有{what}语言 '{asked}'；{what}有英文（lang=en）和中文（lang=zh）两种。现在显示英文。"),
    "what_note": ("note", "笔记"),
    "what_page": ("page", "页面"),
    "nav_architecture": ("Architecture", "架构"),
    "nav_questions": ("Questions", "问题"),
    "nav_tools": ("Tools", "工具"),
    "page_architecture": ("Architecture map", "架构图"),
    "page_role": ("Role", "角色"),
    "page_package": ("Package", "包"),
    "page_code": ("Type or function", "类型或函数"),
    "page_search": ("Search", "搜索"),
    "page_deps": ("Dependencies & paths", "依赖与路径"),
    "page_interfaces": ("Interfaces", "接口"),
    "page_compare": ("Compare releases", "版本对比"),
    "page_console": ("Query console", "查询控制台"),
    "page_notes": ("Study notes", "学习笔记"),
    "page_mini": ("Mini cluster", "迷你集群"),
    # words several pages share
    "choose_options": ("Choose options", "请选择"),  # an emptied multiselect's placeholder
    "more": ("… {count} more (raise the cap to see them)", "…… 另有 {count} 个（调高上限即可看到）"),
    "plane_control": ("control plane", "控制平面"),
    "plane_node": ("node", "节点"),
    "plane_interface": ("interfaces", "接口"),
    "plane_library": ("libraries", "库"),
    "plane_tool": ("tools", "工具"),
    "declared_at": ("declared at {where}", "声明于 {where}"),
    # what a node is, as a search hit's badge and a code page's caption say it
    "badge_role": ("role", "角色"),
    "badge_kind": ("kind", "API 类型"),
    "badge_pkg": ("pkg", "包"),
    "badge_ext": ("ext", "外部包"),
    "badge_type": ("type", "类型"),
    "badge_func": ("func", "函数"),
    "badge_method": ("method", "方法"),
    "badge_mini": ("mini", "minik8s 组件"),
    # table columns the type-or-function and package pages share
    "col_how": ("how", "方式"),
    "col_line": ("line", "行"),
    "col_declared": ("declared at", "声明位置"),
    "col_method": ("method", "方法"),
    "col_from": ("from", "来自"),
    "col_embedded_depth": ("embedded depth", "嵌入深度"),
    # the live graph and the minik8s links, on every page that draws them
    "graph_edges": ("edges", "边"),
    # the edge filters (graph/query/neighbourhood.py's EDGE_FILTERS)
    "edges_imports": ("imports", "导入"),
    "edges_calls": ("calls", "调用"),
    "edges_dispatch": ("dispatch", "分派"),
    "edges_value references": ("value references", "值引用"),
    "edges_hand-offs": ("hand-offs", "交接"),
    "edges_implements": ("implements", "实现"),
    "edges_embeds": ("embeds", "嵌入"),
    "edges_methods": ("methods", "方法"),
    "edges_in role": ("in role", "所属角色"),
    "edges_role edges": ("role edges", "角色之间的边"),
    "edges_api kinds": ("api kinds", "API 类型"),
    "edges_minik8s": ("minik8s", "minik8s"),
    "graph_kinds": ("node kinds (all when empty)", "节点类型（留空为全部）"),
    "graph_cap": ("cap", "上限"),
    "graph_cap_help": ("Neighbours drawn per expanded node; the rest is counted",
                       "每个展开的节点绘制的邻居数；其余的只计数"),
    "graph_drawn": ("{nodes} nodes, {edges} edges drawn", "已绘制 {nodes} 个节点、{edges} 条边"),
    "graph_more": (" · {count} more neighbours not drawn (raise the cap or expand)",
                   " · 另有 {count} 个邻居未绘制（调高上限或展开）"),
    "graph_how": (" · click to select, double-click to expand, scroll to zoom",
                  " · 单击选中，双击展开，滚动缩放"),
    "graph_node_more": (" (+{count} more)", "（另有 {count} 个）"),
    "graph_open": ("open {name}", "打开 {name}"),
    "graph_reset": ("reset", "重置"),
    "no_mini": ("No minik8s component illustrates this.", "minik8s 中没有演示它的组件。"),
    # choosing a node by what is typed (the package and type-or-function pages' boxes)
    "pick_ambiguous": ("'{text}' matches {count} nodes — pick one (best first{first})",
                       "'{text}' 匹配 {count} 个节点 —— 选择一个（最佳的在前{first}）"),
    "pick_role_first": ("; {role}'s code first", "；{role} 的代码优先"),
    "pick_directory": ("'{text}' is a directory with no Go files of its own — open one of the "
                       "{count} packages under it",
                       "'{text}' 是一个本身没有 Go 文件的目录 —— 打开它下面 {count} 个包中的一个"),
    "pick_directory_one": ("'{text}' is a directory with no Go files of its own: the one "
                           "package under it, {package}, is shown",
                           "'{text}' 是一个本身没有 Go 文件的目录：下面显示的是它下面唯一的包 {package}"),
    "pick_no_directory": ("no directory '{text}' with Go code in this tree (another release "
                          "may have it)",
                          "本源码树中没有目录 '{text}'，也没有其下的 Go 代码（可能属于另一个版本）"),
    "pick_nothing": ("nothing named '{text}' in this index", "本索引中没有名为 '{text}' 的节点"),
    "pick_nearest": ("no exact match for '{text}' — did you mean (best first)",
                     "没有与 '{text}' 完全匹配的结果 —— 你要找的是不是（最佳的在前）"),
    "pick_choose": ("choose a candidate", "选择一个候选"),
    # what a user typed or put in a URL, refused or naming nothing (app/web/guard.py)
    "refused_control": ("the {what} '{text}' contains control characters; refused",
                        "{what} '{text}' 含有控制字符，已拒绝"),
    "refused_long": ("the {what} is too long ({count} characters, at most {limit}); refused",
                     "{what}太长（{count} 个字符，最多 {limit} 个），已拒绝"),
    "unknown_name": ("no {what} '{text}' in this index; pick one below or search in the sidebar",
                     "本索引中没有{what} '{text}'；请在下方选择，或在侧边栏中搜索"),
    "what_search": ("search text", "搜索文本"),
    "what_param": ("URL parameter {name!r}", "URL 参数 {name!r}"),
    "shown_cut": ("{text}… ({count} characters)", "{text}……（共 {count} 个字符）"),
    # the index line in the sidebar, and a missing or unreadable index (app/web/state.py)
    "index_line": ("Kubernetes **{version}** at {pinned}  \nindex `{shown}`",
                   "Kubernetes **{version}**，{pinned}  \n索引 `{shown}`"),
    "no_commit": ("no commit", "没有提交"),
    "index_unreadable": ("{path} is not a readable kubeatlas index ({why})",
                         "{path} 不是可读取的 kubeatlas 索引（{why}）"),
    "index_where": ("The web app reads the index named by `KUBEATLAS_DB` (default "
                    "`<cache>/index/default.sqlite`). Build one with `kubeatlas index PATH`, or "
                    "start the app with `kubeatlas web --db FILE`.",
                    "本应用读取 `KUBEATLAS_DB` 指定的索引（默认为 "
                    "`<cache>/index/default.sqlite`）。用 `kubeatlas index PATH` 建立索引，或用 "
                    "`kubeatlas web --db FILE` 启动本应用。"),
    "query_refused": ("{why}", "查询被拒绝（控制台只运行只读查询）。原因：{why}"),
    "index_broken": ("the index could not be read ({why}); re-run `kubeatlas index`",
                     "无法读取索引（{why}）；请重新运行 `kubeatlas index`"),
    "tree_choice": ("tree", "源码树"),
}
