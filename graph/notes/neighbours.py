"""The end of a role's note: its wires to other components (from the catalog), the libraries it
imports and the code it shares (package imports, told apart from wires), and how to watch it in
minik8s with the module that mirrors the functions the note cites and what it does."""

from __future__ import annotations

from typing import Any

from kubeatlas.graph.knowledge.walkthrough import Walkthrough
from kubeatlas.graph.model.schema import EdgeKind, key_of
from kubeatlas.graph.notes.citation import Citation
from kubeatlas.graph.notes.glossary import phrase
from kubeatlas.graph.notes.lang import pick
from kubeatlas.graph.notes.rank import is_library_import
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.writer import Writer
from kubeatlas.graph.query.code import mini_summary

MAX_MIRRORS = 4


def write_neighbours(w: Writer, card: dict[str, Any]) -> None:
    talks, deps, users = card["talks_to"], card["depends_on"], card["depended_by"]
    if not (talks or deps or users):
        return
    planes = {r.id: str(r.attrs.get("plane", "")) for r in w.atlas.roles()}
    w.add(f"## {w.say('neighbours')}", "")
    if talks:
        # a role absent from the tree (dockershim) talked so before its removal, not today
        present = card["role"].get("present", True) is not False
        w.add(w.say("wires" if present else "wires_removed"), "")
        for t in talks:
            w.add("- " + w.say("talks_to", role=key_of(t["role"]),
                               protocol=phrase(str(t.get("protocol", "?")), w.lang)))
        w.add("")
    ranked = sorted(deps, key=lambda d: (-int(d.get("weight", 0)), d["role"]))
    libraries = [d for d in ranked if is_library_import(d.get("evidence") or [], planes.get(d["role"], ""))]
    shared = [d for d in ranked if d not in libraries]
    for heading, group, key in (("libraries", libraries, "library_dep"), ("shared_code", shared, "shared_dep")):
        if group:
            w.add(w.say(heading), "")
            for d in group:
                w.add("- " + w.say(key, role=key_of(d["role"]), count=d.get("weight", 0),
                                   example=_example_import(w, d.get("evidence") or [])))
            w.add("")
    if users:
        w.add(w.say("users"), "")
    for d in sorted(users, key=lambda d: (-int(d.get("weight", 0)), d["role"])):
        w.add("- " + w.say("used_by", role=key_of(d["role"]), count=d.get("weight", 0)))
    if users:
        w.add("")


def _example_import(w: Writer, evidence: list[str]) -> str:
    for pair in evidence[:3]:
        source, _, target = pair.partition(" -> ")
        for e in w.atlas.reader.edges_from([f"pkg:{source}"], [str(EdgeKind.IMPORTS)]):
            if key_of(e.target) == target and e.attrs.get("file_paths"):
                path = sorted(e.attrs["file_paths"])[0]
                return w.say("example", cite=w.cite(Citation(path, None, f'"{target}"')))
    return ""


def write_minik8s(w: Writer, walk: Walkthrough | None, cited: list[str], packages: list[str]) -> None:
    """The command, what to watch, and the minik8s modules whose ILLUSTRATES edges reach the
    functions this note cites (else the role's packages)."""
    edges = w.atlas.reader.edges_to(cited, [str(EdgeKind.ILLUSTRATES)]) if cited else []
    if not edges and packages:
        edges = w.atlas.reader.edges_to(packages, [str(EdgeKind.ILLUSTRATES)])
    if not edges and not (walk and walk.mini_command):
        return
    w.add(f"## {w.say('see_it')}", "")
    if walk and walk.mini_command:
        w.add(w.say("run", command=walk.mini_command, watch=pick(w.lang, walk.mini_watch_en,
                                                                   walk.mini_watch_zh)), "")
    by_mini: dict[str, list[str]] = {}
    for e in sorted(edges, key=lambda e: (e.source, e.target)):
        by_mini.setdefault(e.source, []).append(e.target)
    minis = w.atlas.reader.get_nodes(list(by_mini))
    for mid, targets in by_mini.items():
        module = str(minis[mid].attrs.get("module", key_of(mid))) if mid in minis else key_of(mid)
        summary = mini_summary(minis[mid], w.lang) if mid in minis else ""
        shown = w.say("sep").join(f"`{short_name(t)}`" for t in targets[:MAX_MIRRORS])
        more = f" (+{len(targets) - MAX_MIRRORS})" if len(targets) > MAX_MIRRORS else ""
        w.add("- " + w.say("mirrors_what" if summary else "mirrors", module=module, summary=summary,
                           cites=shown + more))
    if by_mini:
        w.add("")
