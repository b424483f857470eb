"""`notes changes --from OLD --to NEW`: a release diff (graph/diff, as its JSON mapping, so notes
and diff stay sibling layers) told as a note, in English or Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeatlas.graph.notes.lang import say
from kubeatlas.graph.notes.source import short_name

MAX_LISTED = 40


def changes_markdown(diff: Mapping[str, Any], lang: str = "en") -> str:
    d = _Fields(diff)
    def s(key: str, **values: object) -> str:
        return say(lang, key, **values)

    def names(items: list[str]) -> str:
        shown = s("sep").join(f"`{i}`" for i in items[:MAX_LISTED])
        more = " " + s("and_more", count=len(items) - MAX_LISTED) if len(items) > MAX_LISTED else ""
        return (shown + more) if items else s("none")

    lines = [f"# {s('changes_title', old=d.old, new=d.new)}", ""]
    for key, items in (("ch_roles_added", d.roles_added), ("ch_roles_removed", d.roles_removed)):
        lines += [f"## {s(key)}", "", names(items), ""]
    lines += [f"## {s('ch_variants')}", ""]
    def listed(items: list[str]) -> str:
        return s("sep").join(items) or s("none")

    lines += [f"- {s('ch_variant', role=v['role'], old=listed(v['old']), new=listed(v['new']))}"
              for v in d.variants] or [s("none")]
    lines += ["", "## " + s("ch_packages", added=len(d.packages_added), removed=len(d.packages_removed),
                            moved=len(d.packages_moved)), ""]
    lines += [f"- {s('ch_moved', old=m['old'], new=m['new'])}" for m in d.packages_moved[:MAX_LISTED]]
    lines += [f"- {s('ch_added', names=names(d.packages_added))}",
              f"- {s('ch_removed', names=names(d.packages_removed))}", ""]
    lines += [f"## {s('ch_interfaces')}", ""]
    lines += [f"- {s('ch_interface', name=short_name(i['id']), added=listed(i['added']), removed=listed(i['removed']))}"
              for i in d.interfaces] or [s("none")]
    lines += ["", f"## {s('ch_kinds')}", "", f"- {s('ch_added', names=names(d.kinds_added))}",
              f"- {s('ch_removed', names=names(d.kinds_removed))}"]
    lines += [f"- {s('ch_graduated', kind=g['kind'], old=g['old'], new=g['new'])}" for g in d.kinds_graduated]
    lines += ["", f"## {s('ch_anchors')}", ""]
    for a in d.anchors:
        key = "ch_renamed" if a["old"] and a["new"] else "ch_gone" if a["old"] else "ch_new"
        lines.append("- " + s(key, role=a["role"], old=short_name(a["old"]) if a["old"] else "",
                              new=short_name(a["new"]) if a["new"] else ""))
    if not d.anchors:
        lines.append(s("none"))
    return "\n".join(lines) + "\n"


class _Fields:
    """Attribute access over the diff's mapping."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        return self._data[name]
