"""The type or function page's words, and the minik8s component page it shows."""

TEXT: dict[str, tuple[str, str]] = {
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
    # a minik8s component's page, and the links to it (app/web/minik8s_panel.py)
    "mini_open": ("open the minik8s component {name}", "打开 minik8s 组件 {name}"),
    "mini_mirrors": ("The real Kubernetes code it mirrors ({count})",
                     "它对应的真实 Kubernetes 代码（{count}）"),
    "mini_not_in_tree": ("not in this tree", "不在本源码树中"),
    "mini_missing": ("Not in this tree: {names}", "不在本源码树中：{names}"),
    "mini_doc": ("*What it mirrors and what it simplifies:*", "*它对应什么、简化了什么：*"),
    "mini_docstring": ("The module's docstring", "模块的文档字符串（英文原文）"),
    "mini_source": ("Python source", "Python 源码"),
    "mini_no_source": ("Source not shown: {problem}.", "未显示源码：{problem}。"),
}
