"""The dependencies & paths page's words, and those of the chains it draws."""

TEXT: dict[str, tuple[str, str]] = {
    "deps_title": ("Dependencies", "依赖"),
    "deps_box": ("package", "包"),
    "deps_reverse": ("dependents", "反向依赖"),
    "deps_reverse_help": ("who imports the package, instead of what it imports",
                          "显示谁导入了这个包，而不是它导入了什么"),
    "deps_tests_help": ("include imports made only by _test.go files",
                        "包括只由 _test.go 文件引入的导入"),
    "deps_external": ("external", "外部包"),
    "deps_depth": ("depth", "深度"),
    "deps_any": ("any", "任意"),
    "deps_all": ("all", "全部"),
    "deps_platform_pair": ("GOOS and GOARCH go together; showing all platforms.",
                           "GOOS 和 GOARCH 需要一起设置；现在显示所有平台。"),
    "deps_imports": ("`{pkg}` imports **{count}** packages", "`{pkg}` 导入 **{count}** 个包"),
    "deps_imported": ("`{pkg}` imported by **{count}** packages",
                      "`{pkg}` 被 **{count}** 个包导入"),
    "deps_first": (" (first {count} shown)", "（只显示前 {count} 个）"),
    "col_depth": ("depth", "深度"),
    "col_package": ("package", "包"),
    "col_files": ("files", "文件数"),
    "col_test_only": ("test only", "仅测试"),
    "col_platforms": ("platforms", "平台"),
    "deps_open": ("open a direct dependency", "打开一个直接依赖"),
    "paths_title": ("Paths", "路径"),
    "paths_intro": ("Between packages the chain follows imports; between functions and methods it "
                    "follows calls, interface calls, dispatch to implementations, function values "
                    "and hand-offs (a send on a channel field, an add to a work queue or a signal "
                    "of a condition variable, to what receives, takes from or waits on it); "
                    "between roles, role edges. Across kinds a role stands for its packages, a "
                    "package for its code and a type for its methods (`syncLoop` to `cri`: calls "
                    "until code of the CRI). Chains go around fakes and test code when they can. "
                    "Short names work: pick from the ranked candidates.",
                    "包与包之间，链沿着导入；函数和方法之间，沿着调用、接口调用、分派到实现、函数值"
                    "以及交接（向 channel 字段发送、向工作队列添加或通知条件变量，直到接收、取出或"
                    "在其上等待的一方）；角色之间，沿着角色的边。跨类别时，角色代表它的包，包代表"
                    "它的代码，类型代表它的方法（从 `syncLoop` 到 `cri`：沿调用直到 CRI 的代码）。"
                    "链会尽量绕开 fake 和测试代码。可以输入短名称，再从排序后的候选中选择。"),
    "paths_from": ("from", "起点"),
    "paths_from_example": ("kuberuntime.(*kubeGenericRuntimeManager).SyncPod or syncLoop",
                           "kuberuntime.(*kubeGenericRuntimeManager).SyncPod 或 syncLoop"),
    "paths_to": ("to", "终点"),
    "paths_alternatives": ("alternatives", "备选链数"),
    "paths_platform": ("Platform view {goos}/{goarch} (GOOS and GOARCH above): a function written "
                       "once per OS is followed through the body this platform builds.",
                       "平台视图 {goos}/{goarch}（上面的 GOOS 和 GOARCH）：按操作系统分别实现的"
                       "函数，沿这个平台编译的那一份实现继续。"),
    "paths_meet": ("No chain from `{source}` to `{target}`; they meet at `{at}`: the first hands "
                   "off to it, the second calls it to take what was given.",
                   "没有从 `{source}` 到 `{target}` 的链；两者在 `{at}` 相遇：前者把数据交给它，"
                   "后者调用它取走交出的数据。"),
    "paths_given": ("**Given**: `{source}` to `{at}`", "**交出**：从 `{source}` 到 `{at}`"),
    "paths_taken": ("**Taken**: `{target}` to `{at}`", "**取走**：从 `{target}` 到 `{at}`"),
    "paths_via_api": ("No chain of calls from `{source}` to `{target}`: it is reached through the "
                      "API server. `{writer}` {verb} `{kind}` through the typed client, {write}; "
                      "`{watcher}` watches it, {watch}.",
                      "没有从 `{source}` 到 `{target}` 的调用链：两者经由 API server 相连。"
                      "`{writer}` 通过 typed client {verb} `{kind}`，{write}；`{watcher}` 监听它，"
                      "{watch}。"),
    "paths_none": ("No chain from `{source}` to `{target}`{why}", "没有从 `{source}` 到 `{target}` 的链{why}"),
    "paths_budget": (" within the time budget", "（在时间预算内）"),
    "paths_along": (" along {kinds}.", "（沿 {kinds}）。"),
    "paths_unbridged": (": {why}.", "：{why}。"),
    # a chain drawn (app/web/chain_view.py)
    "chain_hops_one": ("{count} hop", "{count} 跳"),
    "chain_hops": ("{count} hops", "{count} 跳"),
    "chain_along": ("**{hops}** along {kinds} — the shortest in red, alternatives in grey",
                    "**{hops}**，沿 {kinds} —— 最短的链为红色，备选为灰色"),
    "chain_shortest": ("Shortest chain", "最短链"),
    "chain_alternative": ("Alternative {number} ({hops})", "备选 {number}（{hops}）"),
    "chain_budget": ("The search for alternatives stopped at its time budget.",
                     "备选链的搜索在时间预算用完时停止。"),
    "chain_only": ("No other chain of similar length.", "没有长度相近的其他链。"),
    "chain_at_line": (" (at line {line} of the caller)", "（在调用者的第 {line} 行）"),
    # what a hop is (graph/query/chains.py's `how`, keyed by its English), and its routes
    "how_call": ("call", "调用"),
    "how_interface call": ("interface call", "接口调用"),
    "how_call through a field": ("call through a field", "经字段调用"),
    "how_call of what a field holds": ("call of what a field holds", "调用字段中保存的函数"),
    "how_function value a field holds": ("function value a field holds", "字段中保存的函数值"),
    "how_function value": ("function value", "函数值"),
    "how_hand-off through a channel": ("hand-off through a channel", "经 channel 交接"),
    "how_hand-off through a work queue": ("hand-off through a work queue", "经工作队列交接"),
    "how_hand-off through a condition variable": ("hand-off through a condition variable",
                                                  "经条件变量交接"),
    "how_dispatch to an implementation": ("dispatch to an implementation", "分派到实现"),
    "how_import": ("import", "导入"),
    "how_depends on": ("depends on", "依赖"),
    "how_talks to": ("talks to", "通信"),
    "how_embeds": ("embeds", "嵌入"),
    "how_implements": ("implements", "实现"),
    "how_contains": ("contains", "包含"),
    "how_is in": ("is in", "属于"),
    "route_given": ("given through {name}", "经 {name} 交出"),
    "route_taken": ("taken through {name}", "经 {name} 取走"),
    "route_made": ("{name} made in {maker}", "{maker} 中创建的 {name}"),
    "route_made_in": ("made in {maker}", "在 {maker} 中创建"),
}
