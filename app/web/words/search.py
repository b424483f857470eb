"""The search page's words, and the sidebar search box's."""

TEXT: dict[str, tuple[str, str]] = {
    "search_box": ("name or part of one", "名称或名称的一部分"),
    "search_type": ("Type a name: a role, an API kind, a package, a type, a function or a method.",
                    "输入一个名称：角色、API 类型、包、类型、函数或方法。"),
    "search_short": ("Type {count} characters or more.", "请至少输入 {count} 个字符。"),
    "search_nothing": ("Nothing named like '{text}' in this index.",
                       "本索引中没有名称与 '{text}' 相近的节点。"),
    "search_glossary": ("The code's names are English; the components and the glossary of the "
                        "Chinese notes say:",
                        "代码中的名称都是英文；对应的组件和中文笔记的术语表如下："),
    "search_hits": ("{count} hits", "{count} 个结果"),
    "search_first": (" (first {count})", "（前 {count} 个）"),
    "search_more": ("{count} more hits", "另外 {count} 个结果"),
    # the box in the sidebar, on every page
    "box_short": ("type {count} characters or more", "请至少输入 {count} 个字符"),
    "box_nothing": ("nothing named like '{text}'", "没有名称与 '{text}' 相近的节点"),
    "box_all": ("all results …", "全部结果 …"),
    "box_term": ("{zh} = {en}: search for '{en}'", "{zh} = {en}：搜索 '{en}'"),
    "box_term_only": ("{zh} = {en} (no name in the code holds it)",
                      "{zh} = {en}（代码中没有含这个词的名称）"),
    "box_role": ("the component {name}", "组件：{name}"),
    "tier_test": ("test", "测试"),
    "tier_generated": ("generated", "生成的"),
}
