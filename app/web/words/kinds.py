"""The API kinds page's words."""

TEXT: dict[str, tuple[str, str]] = {
    "kinds_none": ("This index holds no API kinds.", "本索引中没有 API 类型。"),
    "kinds_what": ("API kind", "API 类型"),
    "kinds_box": ("kind", "API 类型"),
    "kinds_choose": ("choose an API kind", "选择一个 API 类型"),
    "kinds_versions": ("served versions: {versions} · preferred: {preferred} · top-level "
                       "resource: {resource}",
                       "提供的版本：{versions} · 首选版本：{preferred} · 顶层资源：{resource}"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "kinds_defines": ("Defining types", "定义它的 Go 类型"),
    "kinds_stores": ("Storage (registry)", "存储（registry）"),
    "kinds_watches": ("Watchers", "监听它的包"),
    "kinds_reconciles": ("Reconcilers", "调谐它的控制器"),
    "kinds_writes": ("Written through the typed client by", "通过 typed client 写入它的函数"),
    "kinds_roles": ("Components that write it", "写入它的组件"),
    "kinds_roles_intro": ("Each component's first write of this kind: by its own call of the "
                          "typed client, through a helper one call away, or through library code "
                          "it runs (a node's heartbeat Lease, a leader's Lease, Events).",
                          "每个组件对该类型的第一处写入：它自己调用 typed client，经由一次调用之外的辅助"
                          "函数，或经由它运行的库代码（节点心跳 Lease、选主 Lease、Event）。"),
    "kinds_section": ("{title} ({count})", "{title}（{count}）"),
    "kinds_nothing": ("none found in this tree", "本源码树中没有找到"),
    # the evidence of a relation (graph/knowledge/apikinds.py), English in the index
    "ev_internal": ("internal", "内部类型"),
    "ev_registry": ("`registry dir {dir}`", "registry 目录 `{dir}`"),
    "ev_names": ("`dir {dir} names {kind}`", "目录 `{dir}` 以 {kind} 命名"),
    "ev_declares": ("`declares {name}`", "声明了 `{name}`"),
    "ev_shares": ("`dir {dir} shares its name with {kind}`", "目录 `{dir}` 与 {kind} 同名"),
    "ev_called": ("{where} `{method} called in {name}`", "{where} 在 `{name}` 中调用 `{method}`"),
    "ev_list_watch": ('{where} `{function} lists and watches "{resource}" in {name}`',
                      '{where} `{name}` 用 `{function}` 对 "{resource}" 做 list 和 watch'),
    "ev_typed": ("{where} `{holder} {name} {type}`",
                 "{where} `{holder}` 的字段或参数 `{name}`，类型为 `{type}`"),
}
