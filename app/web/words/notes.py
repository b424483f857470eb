"""The notes page's words (the note itself is written by graph/notes)."""

TEXT: dict[str, tuple[str, str]] = {
    # the notes page (the note itself is written by graph/notes)
    "notes_note": ("note", "笔记"),
    "notes_subject": ("note subject", "笔记主题"),
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
