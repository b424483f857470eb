"""The explorer's own words (page titles, headings, captions, labels, messages) in English and
Chinese; `say(lang, key, ...)` fills one in. Terms that stay English in Chinese follow
data/glossary.yaml (API kinds, component names, Go identifiers; controller -> 控制器, entry point
-> 入口, main loop -> 主循环). The notes' own sentences are graph/notes/lang.py's."""

from __future__ import annotations

from typing import Any

from kubeatlas.graph.notes.lang import LANGS
from kubeatlas.graph.notes.lang import say as notes_say

LANGUAGES = dict(zip(LANGS, ("English", "中文"), strict=True))  # as the switch shows them

_TEXT: dict[str, tuple[str, str]] = {
    # the sidebar: the switch, and the navigation's sections and pages
    "language": ("language · 语言", "language · 语言"),
    "no_language": ("no {what} language '{asked}'; {what}s are written in English (lang=en) and "
                    "Chinese (lang=zh, 中文). Showing English.",
                    "没有语言 '{asked}'；可选英文（lang=en）和中文（lang=zh）。现在显示英文。"),
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
    "more": ("… {count} more (raise the cap to see them)", "…… 另有 {count} 个（调高上限即可看到）"),
    "plane_control": ("control plane", "控制平面"),
    "plane_node": ("node", "节点"),
    "plane_interface": ("interfaces", "接口"),
    "plane_library": ("libraries", "库"),
    "plane_tool": ("tools", "工具"),
    "declared_at": ("declared at {where}", "声明于 {where}"),
    # the architecture map
    "map_intro": ("The components a learner knows from the diagrams, found in this tree. Blue "
                  "edges are the wires the diagrams draw (protocol); dashed grey edges count "
                  "package imports from one role's code into another's; a dashed box, and its "
                  "wires, are not in this release. Click a box, or a name below, to open the role.",
                  "学习者在架构图中熟悉的组件，及其在本源码树中的对应。蓝色的边是架构图所画的连接"
                  "（协议）；灰色虚线边统计一个角色的代码对另一个角色代码的包导入次数；虚线框及其连接"
                  "不在本版本中。点击一个框，或下方的名称，即可打开该角色。"),
    "map_options": ("Map options: edges, import weight, planes", "图的选项：边、导入次数、平面"),
    "map_talks": ("talks to", "通信"),
    "map_talks_help": ("TALKS_TO edges with their protocol", "TALKS_TO 边及其协议"),
    "map_depends": ("depends on", "依赖"),
    "map_depends_help": ("DEPENDS_ON edges: package imports", "DEPENDS_ON 边：包导入"),
    "map_weight": ("min imports per edge", "每条边的最少导入数"),
    "map_planes": ("planes", "平面"),
    "map_planes_help": ("Libraries are imported by everything; add them to see how much",
                        "所有组件都导入库；加上它们可以看到导入有多少"),
    "map_hidden": ("{count} DEPENDS_ON edges with fewer imports are hidden.",
                   "{count} 条导入较少的 DEPENDS_ON 边已隐藏。"),
    "map_roles": ("Roles", "角色"),
    "map_note": ("Study note: creating a Deployment, step by step",
                 "学习笔记：一步一步看 Deployment 的创建"),
    # the role page
    "role": ("role", "角色"),
    "choose_role": ("choose a role", "选择一个角色"),
    "role_plane": ("plane: **{plane}** · role id `{role}`", "平面：**{plane}** · 角色 id `{role}`"),
    "role_absent": ("No package of this tree belongs to this role.",
                    "本源码树中没有属于这个角色的包。"),
    "entry_point": ("Entry point", "入口"),
    "main_at": ("`main` is declared at {where}", "`main` 声明于 {where}"),
    "no_binary": ("No binary of its own (a library, an interface, or code inside other binaries).",
                  "没有自己的二进制（它是库、接口，或运行在其他二进制中的代码）。"),
    "no_walkthrough": ("The catalog walks through no code of {name} (no main loop, no reading "
                       "path); its packages and key interfaces are below.",
                       "目录中没有 {name} 的代码导读（没有主循环，也没有阅读路径）；"
                       "它的包和关键接口见下文。"),
    "no_loop": ("The catalog names no main loop of {name}'s own (a library, an interface, or code "
                "run inside other binaries); its study note follows its data flow.",
                "目录中没有 {name} 自己的主循环（它是库、接口，或运行在其他二进制中的代码）；"
                "它的学习笔记沿着它的数据流展开。"),
    "each_step": ("Each step explained: the study note for {name}", "逐步讲解：{name} 的学习笔记"),
    "packages_shown": ("packages shown", "显示的包数"),
    "core_packages": ("Core packages ({count})", "核心包（{count}）"),
    "core_intro": ("Under the role's directories; {count} more packages are reached only from "
                   "its entry point.", "位于该角色的目录下；另有 {count} 个包只从其入口可达。"),
    "lines": (" · {count} lines", " · {count} 行"),
    "implementers": ("{name} — {count} implementers", "{name} —— {count} 个实现"),
    "open_interfaces": ("open in Interfaces", "在“接口”页打开"),
    "not_in_tree": ("`{name}` is not in this tree.", "`{name}` 不在本源码树中。"),
    "no_interfaces": ("The catalog names no key interface for this role.",
                      "目录没有为这个角色列出关键接口。"),
    "api_objects": ("API objects it watches and writes ({count})",
                    "它监听和写入的 API 对象（{count}）"),
    "api_intro": ("Components coordinate through the API server: one writes an object, the "
                  "others watch it. The kinds this role's packages watch (an informer, a lister or "
                  "a list-watch) and write through the typed client (or through a helper of "
                  "another package that it calls), those it uses most first.",
                  "各组件通过 API server 协作：一个组件写入对象，其他组件监听它。这里列出这个角色的"
                  "包监听（通过 informer、lister 或 list-watch）以及通过 typed client 写入（或通过"
                  "它调用的其他包的辅助函数写入）的对象，最常用的排在前面。"),
    "watched_by": ("watched by {count}: ", "{count} 处监听："),
    "written_by": ("written by {count}: ", "{count} 处写入："),
    "no_kinds": ("Its packages watch and write no API kind in this tree.",
                 "在本源码树中，它的包不监听也不写入任何 API 对象。"),
    "rel_depends": ("depends on", "依赖它"),
    "rel_depended": ("depended on by", "被它依赖"),
    "rel_talks": ("talks to", "与它通信"),
    "neighbour": ("{name} — {relation}: {detail}", "{name} —— {relation}：{detail}"),
    "imports_one": ("{count} import", "{count} 处导入"),
    "imports": ("{count} imports", "{count} 处导入"),
    "as_picture": ("as a picture", "图示"),
    "no_deps": ("No dependencies recorded for this role.", "没有记录这个角色的依赖。"),
    "live_graph": ("Live graph", "交互式图"),
    "note_for": ("Study note for {name}", "{name} 的学习笔记"),
    "rank_first": ("Names typed on these pages rank this role's code first:",
                   "在这些页面中输入名称时，这个角色的代码排在最前："),
    "code_first": ("A type or function, {name} first", "类型或函数（{name} 优先）"),
    "paths_first": ("Paths, {name} first", "路径（{name} 优先）"),
    # the package page
    "pkg_box": ("package (import path, directory or id)", "包（导入路径、目录或 id）"),
    "pkg_tests": ("tests", "测试"),
    "pkg_tests_help": ("_test.go files and imports made only by them",
                       "_test.go 文件，以及只由它们引入的导入"),
    "pkg_generated": ("generated code", "生成的代码"),
    "pkg_generated_help": ("zz_generated*, *.pb.go, openapi", "zz_generated*、*.pb.go、openapi"),
    "pkg_external": ("external packages", "外部包"),
    "pkg_external_help": ("std library and vendored modules", "标准库和 vendor 中的模块"),
    "pkg_cap": ("node cap", "节点上限"),
    "pkg_cap_help": ("Nodes drawn and links listed per side; the rest is counted",
                     "每一侧绘制的节点数和列出的链接数；其余的只计数"),
    "pkg_type": ("Type a package: an import path, a directory of the tree or a node id.",
                 "输入一个包：导入路径、源码树中的目录或节点 id。"),
    "pkg_std": ("Outside the tree (standard library).", "在源码树之外（标准库）。"),
    "pkg_vendored": ("Outside the tree (a vendored module).", "在源码树之外（vendor 中的模块）。"),
    "pkg_table": ("| files | lines | generated share | test files |",
                  "| 文件 | 行数 | 生成的代码占比 | 测试文件 |"),
    "pkg_dir": ("directory {dir} · module `{module}`", "目录 {dir} · 模块 `{module}`"),
    "pkg_linked": ("linked into: {binaries}", "链接进：{binaries}"),
    "pkg_counts": ("imports {imports} packages · imported by {importers} · {minis} minik8s "
                   "components illustrate it",
                   "导入 {imports} 个包 · 被 {importers} 个包导入 · {minis} 个 minik8s 组件演示它"),
    "pkg_imports": ("{name} imports {count} packages", "{name} 导入 {count} 个包"),
    "pkg_importers": ("{name} imported by {count} packages", "{name} 被 {count} 个包导入"),
    "pkg_hidden": ("{count} files hidden by the toggles.", "{count} 个文件被开关隐藏。"),
    "pkg_open_type": ("open a type", "打开一个类型"),
    "tab_graph": ("Graph", "图"),
    "tab_imports": ("Imports", "导入"),
    "tab_importers": ("Importers", "导入者"),
    "tab_files": ("Files", "文件"),
    "tab_types": ("Types", "类型"),
    "tab_functions": ("Functions", "函数"),
    "tab_minik8s": ("minik8s", "minik8s"),
    # the type or function page
    "code_box": ("type, function or method (name or id)", "类型、函数或方法（名称或 id）"),
    "code_type": ("Type a name, or use the search box in the sidebar.",
                  "输入一个名称，或使用侧边栏的搜索框。"),
    "code_test": (" · test code", " · 测试代码"),
    "code_package": ("package {name}", "包 {name}"),
    "code_receiver": ("receiver type {name}", "接收者类型 {name}"),
    "code_role": ("role: {name}", "角色：{name}"),
    "open_one": ("open one", "打开其中一个"),
    "tab_source": ("Source", "源码"),
    "tab_callers": ("Callers ({count})", "调用者（{count}）"),
    "tab_callees": ("Callees ({count})", "被调用者（{count}）"),
    "tab_values": ("Value references ({count})", "值引用（{count}）"),
    "tab_methods": ("Methods ({count})", "方法（{count}）"),
    "tab_interfaces": ("Interfaces ({count})", "接口（{count}）"),
    "tab_mini": ("minik8s ({count})", "minik8s（{count}）"),
    "code_lines": ("{path} lines {first}–{last}, from the indexed checkout",
                   "{path} 第 {first}–{last} 行，来自建立索引的源码树"),
    "code_cut": ("cut at 400 lines; the GitHub link shows the rest",
                 "只显示前 400 行；其余部分见 GitHub 链接"),
    "code_no_source": ("Source not shown: {problem}. The GitHub link above still works.",
                       "未显示源码：{problem}。上面的 GitHub 链接仍然可用。"),
    "code_callers": ("calls (direct, or through an interface method this one implements), and "
                     "hand-offs: a send on a channel, an add to a work queue or a signal of a "
                     "condition variable this one receives, takes from or waits on",
                     "调用（直接调用，或经由它所实现的接口方法），以及交接：向 channel 发送、"
                     "向工作队列添加，或通知条件变量，而它从中接收、从中取出或在其上等待"),
    "code_valued_by": ("**Passed, assigned or stored as a value by**",
                       "**把它作为值传递、赋值或保存的**"),
    "code_values": ("**Uses as values**", "**它作为值使用的**"),
    "code_members": ("{own} declared here, {promoted} promoted from embedded types",
                     "{own} 个在此声明，{promoted} 个从嵌入类型提升而来"),
    "code_member": ("{name} (from {origin})", "{name}（来自 {origin}）"),
    "code_implements": ("**Implements {count} interfaces**", "**实现了 {count} 个接口**"),
    "code_implemented": ("**Implemented by {count} types**", "**由 {count} 个类型实现**"),
    # the live graph and the minik8s links, on every page that draws them
    "graph_edges": ("edges", "边"),
    "graph_kinds": ("node kinds (all when empty)", "节点类型（留空为全部）"),
    "graph_cap": ("cap", "上限"),
    "graph_cap_help": ("Neighbours drawn per expanded node; the rest is counted",
                       "每个展开的节点绘制的邻居数；其余的只计数"),
    "graph_drawn": ("{nodes} nodes, {edges} edges drawn", "已绘制 {nodes} 个节点、{edges} 条边"),
    "graph_more": (" · {count} more neighbours not drawn (raise the cap or expand)",
                   " · 另有 {count} 个邻居未绘制（调高上限或展开）"),
    "graph_how": (" · click to select, double-click to expand, scroll to zoom",
                  " · 单击选中，双击展开，滚动缩放"),
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
    "pick_nothing": ("nothing named '{text}' in this index", "本索引中没有名为 '{text}' 的节点"),
    "pick_nearest": ("no exact match for '{text}' — did you mean (best first)",
                     "没有与 '{text}' 完全匹配的结果 —— 你要找的是不是（最佳的在前）"),
    "pick_choose": ("choose a candidate", "选择一个候选"),
    # the notes page (the note itself is written by graph/notes)
    "notes_note": ("note", "笔记"),
    "notes_choose": ("choose a note", "选择一篇笔记"),
    "notes_flow": ("flow: {title}", "流程：{title}"),
    "notes_role": ("role: {name}", "组件：{name}"),
    "notes_writing": ("Writing the note …", "正在生成笔记 …"),
    "notes_download": ("Download Markdown", "下载 Markdown"),
    "notes_check": ("Check the {count} citations against a tree", "对照源码树核对这 {count} 处引用"),
    "notes_tree": ("Kubernetes tree: a checkout's directory (empty: the indexed one)",
                   "Kubernetes 源码树：检出目录（留空：建立索引的那一份）"),
    "notes_indexed": ("the indexed checkout", "建立索引的源码树"),
    "notes_check_button": ("Check citations", "核对引用"),
    "notes_no_tree": ("no tree at {root}", "找不到源码树：{root}"),
    "notes_stale": ("{count} stale citations", "{count} 处引用已失效"),
    "notes_hold": ("all {count} citations hold in {root}", "全部 {count} 处引用在{root}中成立"),
}


def say(lang: str, key: str, **values: Any) -> str:
    """The words `key` in `lang` (English for a language the explorer does not speak); a key
    this table lacks is the notes' (graph/notes/lang.py: `index_absent`, `ch_kinds`, …)."""
    if key not in _TEXT:
        return notes_say(lang if lang in LANGS else "en", key, **values)
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


def both(key: str, **values: Any) -> tuple[str, str]:
    """The words `key` in English and in Chinese (a tab's labels, kept across a switch)."""
    return say("en", key, **values), say("zh", key, **values)
