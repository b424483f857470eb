"""The interfaces page's words."""

TEXT: dict[str, tuple[str, str]] = {
    "iface_box": ("interface or type", "接口或类型"),
    "rows_shown": ("rows shown", "显示的行数"),
    "none": ("none", "无"),
    "col_type": ("type", "类型"),
    "col_receiver": ("receiver", "接收者"),
    "col_where": ("where", "位置"),
    "col_source": ("source", "源码"),
    "type_kind_interface": ("interface", "接口"),
    "type_kind_struct": ("struct", "结构体"),
    "type_kind_alias": ("alias", "别名"),
    "type_kind_other": ("type", "类型"),
    "kind_declared_at": ("{kind} declared at {where}", "{kind}，声明于 {where}"),
    "iface_implemented": ("Implemented by {count} types", "由 {count} 个类型实现"),
    "iface_implements": ("Implements {count} interfaces", "实现了 {count} 个接口"),
    "iface_embeds": ("Embeds {count} interfaces", "嵌入了 {count} 个接口"),
    "iface_embeds_help": ("An interface implements no other: it embeds others and takes on "
                          "their methods.",
                          "接口不去“实现”别的接口：它嵌入别的接口，得到它们的方法。"),
    "iface_embedded_by": ("Embedded by {count} types", "被 {count} 个类型嵌入"),
    "iface_methods": ("Methods ({count}: {own} declared here, {promoted} embedded)",
                      "方法（{count} 个：{own} 个在此声明，{promoted} 个来自嵌入类型）"),
    "iface_from": (" (from `{name}`)", "（来自 `{name}`）"),
    "iface_open_type": ("open the type page (source, graph, callers)",
                        "打开类型页面（源码、图、调用者）"),
}
