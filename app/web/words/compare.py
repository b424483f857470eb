"""The compare page's words."""

TEXT: dict[str, tuple[str, str]] = {
    "compare_two": ("Start the app with two indexes (`kubeatlas web --db A.sqlite --db B.sqlite`) "
                    "or on a Neo4j server holding two loaded trees (`kubeatlas web --neo4j`) to "
                    "compare releases.",
                    "要对比版本，请用两个索引启动本应用（`kubeatlas web --db A.sqlite --db "
                    "B.sqlite`），或连接一个已载入两棵源码树的 Neo4j 服务器（`kubeatlas web "
                    "--neo4j`）。"),
    "compare_older": ("older", "较旧的版本"),
    "compare_newer": ("newer", "较新的版本"),
    "compare_same": ("Choose two different indexes.", "请选择两个不同的索引。"),
    "compare_section": ("{title}: {added} added, {removed} removed",
                        "{title}：新增 {added} 个，移除 {removed} 个"),
    "compare_added": ("**added**", "**新增**"),
    "compare_removed": ("**removed**", "**移除**"),
    "compare_caption": ("The same comparison as `kubeatlas diff OLD.db NEW.db`; `kubeatlas notes "
                        "changes --from OLD.db --to NEW.db` writes it as a note.",
                        "与 `kubeatlas diff OLD.db NEW.db` 的对比相同；`kubeatlas notes changes "
                        "--from OLD.db --to NEW.db` 会把它写成一篇笔记。"),
    "compare_generations": ("Interface generations", "接口版本"),
    "compare_packages": ("Packages", "包"),
    "compare_moved": ("Packages moved ({count})", "移动的包（{count}）"),
    "compare_interfaces": ("Key interfaces whose methods changed ({count})",
                           "方法有变化的关键接口（{count}）"),
    "compare_graduated": ("API kinds graduated ({count})", "版本升级的 API 类型（{count}）"),
    "compare_anchors": ("Main-loop functions renamed or gone", "改名或已消失的主循环函数"),
    "compare_same_all": ("No differences in roles, packages, key interfaces, API kinds or main "
                         "loops.", "角色、包、关键接口、API 类型和主循环都没有差异。"),
}
