"""The architecture map's words."""

TEXT: dict[str, tuple[str, str]] = {
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
    "map_talks_help": ("TALKS_TO edges with their protocol",
                       "“通信”边（TALKS_TO）：架构图中的连接及其协议"),
    "map_depends": ("depends on", "依赖"),
    "map_depends_help": ("DEPENDS_ON edges: package imports",
                         "“依赖”边（DEPENDS_ON）：一个角色的包对另一个角色的包的导入"),
    "map_weight": ("min imports per edge", "每条边的最少导入数"),
    "map_planes": ("planes", "平面"),
    "map_planes_help": ("Libraries are imported by everything; add them to see how much",
                        "所有组件都导入库；加上它们可以看到导入有多少"),
    "map_hidden": ("{count} DEPENDS_ON edges with fewer imports are hidden.",
                   "另有 {count} 条导入次数较少的“依赖”边未画出。"),
    "map_roles": ("Roles", "角色"),
    "map_note": ("Study note: creating a Deployment, step by step",
                 "学习笔记：一步一步看 Deployment 的创建"),
}
