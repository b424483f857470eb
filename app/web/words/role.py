"""The role page's words."""

TEXT: dict[str, tuple[str, str]] = {
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
    "no_loop": ("The catalog names no main loop of {name}'s own (a command-line tool, a library, "
                "an interface or code run inside other binaries keeps none); its packages and key "
                "interfaces are below.",
                "目录中没有 {name} 自己的主循环（命令行工具、库、接口，或运行在其他二进制中的代码，"
                "都没有自己的常驻循环）；它的包和关键接口见下文。"),
    "no_loop_start": ("The catalog names no main loop of {name}'s own: it runs from its start to "
                      "its end, and its start-up follows.",
                      "目录中没有 {name} 自己的主循环：它从启动一路运行到结束，下面是它的启动过程。"),
    "no_loop_flow": ("The catalog names no main loop of {name}'s own (a command-line tool, a "
                     "library, an interface or code run inside other binaries keeps none): its "
                     "key data flow follows.",
                     "目录中没有 {name} 自己的主循环（命令行工具、库、接口，或运行在其他二进制中的"
                     "代码，都没有自己的常驻循环）：下面是它的关键数据流。"),
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
    # said of the other role, from this one: "API types — this role imports it: 179 imports"
    "rel_depends": ("this role imports it", "本角色导入它"),
    "rel_depended": ("imports this role", "它导入本角色"),
    "rel_talks": ("this role talks to it", "本角色与它通信"),
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
}
