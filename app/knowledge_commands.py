"""CLI commands over the knowledge layer: implementers, interfaces, paths, callers, roles, kinds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from kubeatlas.app.cli_options import (
    json_option,
    open_atlas,
    pick_option,
    platform_of,
    platform_options,
    production_option,
    role_of,
    role_option,
    store_options,
)
from kubeatlas.app.console import out, print_json, print_table
from kubeatlas.graph.model.records import EdgeRecord
from kubeatlas.graph.model.schema import EdgeKind, NodeKind, holder_phrase, key_of, route_phrases
from kubeatlas.graph.notes.lang import say
from kubeatlas.graph.query.apiserver import Write, kinds_used, roles_writing, via_apiserver
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.bridge import HOW as BRIDGE_HOW
from kubeatlas.graph.query.bridge import unbridged
from kubeatlas.graph.query.chain import Hop as ChainHop
from kubeatlas.graph.query.chain import helpers_among, hop_kind
from kubeatlas.graph.query.meeting import meeting
from kubeatlas.graph.query.names import Pick
from kubeatlas.graph.query.platform import Platform

_TYPES = (NodeKind.TYPE,)
_FUNCS = (NodeKind.FUNCTION, NodeKind.METHOD)


@click.command()
@click.argument("interface")
@production_option
@pick_option
@role_option
@store_options
@json_option
def implements(interface, production_only, choice, role, db, neo4j_uri, as_json) -> None:
    """Types that implement INTERFACE (Go structural typing; pointer receivers marked),
    production code first."""
    atlas = open_atlas(db, neo4j_uri)
    picked = atlas.pick(interface, _TYPES, choice, role_of(atlas, role))
    iid = picked.id
    edges = atlas.implementers(iid, production_only=production_only)
    if as_json:
        print_json({"interface": iid, "implementers": [
            {"type": e.source, **e.attrs} for e in edges], "candidates": picked.as_json()})
        return
    _say_pick(interface, picked, "--pick")
    print_table(f"{len(edges)} implementers of {iid}", ("type", "via pointer"),
                ((e.source, "*T" if e.attrs.get("via_pointer") else "T") for e in edges))


@click.command()
@click.argument("type_name", metavar="TYPE")
@store_options
@json_option
def interfaces(type_name, db, neo4j_uri, as_json) -> None:
    """Interfaces that TYPE implements."""
    atlas = open_atlas(db, neo4j_uri)
    tid = atlas.resolve(type_name, _TYPES)
    edges = atlas.interfaces_of(tid)
    if as_json:
        print_json({"type": tid, "interfaces": [{"interface": e.target, **e.attrs}
                                                for e in edges]})
        return
    print_table(f"{tid} implements {len(edges)} interfaces", ("interface", "via pointer"),
                ((e.target, "*T" if e.attrs.get("via_pointer") else "T") for e in edges))


@click.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--pick-from", "pick_from", type=int, default=1, show_default=True,
              help="Which candidate FROM means when it matches several (ranked).")
@click.option("--pick", "pick_to", type=int, default=1, show_default=True,
              help="Which candidate TO means when it matches several (ranked).")
@role_option
@platform_options
@store_options
@json_option
def path(source, target, pick_from, pick_to, role, goos, goarch, db, neo4j_uri, as_json) -> None:
    """Shortest chain FROM -> TO: imports between packages, calls between functions (through
    interface dispatch, functions passed as values, and hand-offs through a channel, work
    queue or condition variable field), dependencies between roles.
    Between kinds, a role stands for its packages, a package for its code and a type for its
    methods: `path kubelet pkg/kubelet/cm`, `path 'kubelet.(*Kubelet).syncLoop' cri` (calls
    until code of the CRI), `path SyncPod apis.RuntimeService`.
    Test helpers (fakes, _test.go code) are gone around when any other chain exists.
    A consumer that pulls (`scheduleOne` calls `Pop`) is reached by no chain from its producer:
    then the function they meet at is shown, the producer's chain into it ending in a
    hand-off and the consumer's chain of calls into it (`meeting` in --json). Code of another
    component is reached through the API server: the chain to a write of a kind through the
    typed client (a create or bind first) that the target's package watches (`apiserver`)."""
    platform = platform_of(goos, goarch)
    atlas = open_atlas(db, neo4j_uri, platform)
    role_id = role_of(atlas, role)
    src = atlas.pick(source, choice=pick_from, role=role_id)
    dst = atlas.pick(target, choice=pick_to, role=role_id)
    hops = atlas.shortest_chain(src.id, dst.id)
    inside = [h.id for h in (hops or [])[1:-1]]
    through_tests = sorted(helpers_among(atlas.reader, inside)) if inside else []
    met = meeting(atlas.reader, src.id, dst.id) if hops is None else None
    api = via_apiserver(atlas, src.id, dst.id) if hops is None and met is None else None
    if as_json:
        print_json({"from": src.id, "to": dst.id,
                    "chain": None if hops is None else [h.id for h in hops],
                    "hops": None if hops is None else [h.as_json() for h in hops],
                    "meeting": met.as_json() if met else None,
                    "apiserver": None if api is None else {
                        "hops": [h.as_json() for h in api.chain], "kind": api.write.kind,
                        "verb": api.write.verb, "client": api.write.client,
                        "line": api.write.line, "watched_by": api.watch.source,
                        "evidence": api.watch.attrs.get("evidence", "")},
                    "through_tests": through_tests,
                    "candidates": {"from": src.as_json(), "to": dst.as_json()},
                    "platform": platform.name})
        return
    _say_pick(source, src, "--pick-from")
    _say_pick(target, dst, "--pick")
    _say_platform(platform)
    if hops is None and met is not None:
        at = met.at.rsplit("/", 1)[-1]
        out.print(f"no chain from {src.id} to {dst.id}; they meet at {met.at}: the first hands "
                  "off to it, the second calls it to take what was given")
        _print_chain(atlas, f"given: {_hops(met.given)} to {at}", met.given)
        _print_chain(atlas, f"taken: {_hops(met.taken)} to {at}", met.taken)
        return
    if api is not None:
        file = atlas.node(api.write.function).attrs.get("file", "")
        out.print(f"no chain of calls from {src.id} to {dst.id}; it is reached through the API "
                  f"server: the last function below {say('en', 'verb_' + api.write.verb)} "
                  f"{api.write.kind} through the typed client ({file}:{api.write.line}), and "
                  f"{key_of(api.watch.source)} watches it ({api.watch.attrs.get('evidence', '')})")
        _print_chain(atlas, f"{_hops(api.chain)} to the write", list(api.chain))
        return
    if hops is None:
        why = unbridged(src.id, dst.id)
        out.print(f"no chain from {src.id} to {dst.id}" + (f": {why}" if why else ""))
        raise SystemExit(1)
    _print_chain(atlas, _hops(hops), hops)
    if through_tests:
        out.print(f"no chain avoids test code: this one passes through {len(through_tests)} "
                  "test helper(s)")


def _print_chain(atlas: Atlas, title: str, hops: Sequence[ChainHop]) -> None:
    nodes = atlas.reader.get_nodes([h.id for h in hops])
    rows = []
    for step, hop in enumerate(hops):
        attrs = nodes[hop.id].attrs if hop.id in nodes else {}
        where = f"{attrs['file']}:{attrs['line']}" if attrs.get("file") else attrs.get("dir", "")
        rows.append((step, _hop_text(hop), hop.id, where))
    print_table(title, ("#", "how", "node", "where"), rows)


def _say_pick(typed: str, pick: Pick, option: str) -> None:
    """Which candidate was taken, by what rule (graph/query/names.py rank_ids), the next ones."""
    if len(pick.candidates) > 1:
        others = [(i, c) for i, c in enumerate(pick.candidates, 1) if i != pick.picked][:2]
        nexts = ", ".join(f"#{i} {c}" for i, c in others)
        out.print(f"{typed!r} matches {len(pick.candidates)} nodes; took #{pick.picked} "
                  f"{pick.id} (production code first, --role's code first, then the most "
                  f"called); next: {nexts} ({option} N for another, --json lists them)")


def _say_platform(platform: Platform) -> None:
    if not platform.is_default:
        out.print(f"platform view {platform.name}: a function written per OS is read from the "
                  "body this platform builds")


_HOP_TEXT = {"start": "", "call": "calls", "dispatch": "dispatches to",
             "value": "passes as a value", "hand-off": "hands off to", **BRIDGE_HOW,
             "depends_on": "depends on", "talks_to": "talks to"}


def _hops(chain: Sequence[Any]) -> str:
    """`1 hop`, `3 hops`: a chain's length as its title says it."""
    return f"{len(chain) - 1} hop{'' if len(chain) == 2 else 's'}"


_HOP_VIA = {("call", "stored"): " what a field holds", ("value", "stored"): " what a field holds"}
_HAND_OFF_VIA = {"channel": "through a channel", "queue": "through a work queue",
                 "cond": "waking what waits on a condition variable"}


def _hop_text(hop: ChainHop) -> str:
    """`calls`, `calls what a field holds`, `hands off to (through a channel, taken through
    plegCh)` …"""
    said = _HOP_TEXT.get(hop.kind, hop.kind) + _HOP_VIA.get((hop.kind, hop.via), "")
    if hop.kind != "hand-off":
        return said
    how = [w for w in (_HAND_OFF_VIA.get(hop.via, ""), hop.through) if w]
    return f"{said} ({', '.join(how)})" if how else said


def _via(attrs, kind: str) -> str:
    """How the edge goes; a call or value through a func-typed field, and a hand-off, names
    the field (and the getter or parameter an end reaches it through)."""
    via = str(attrs.get("via", kind.lower()))
    field = str(attrs.get("field") or "")
    named = via == "stored" or kind == str(EdgeKind.HANDS_OFF)
    if not (named and field):
        return via
    return f"{via} (" + ", ".join([holder_phrase(field), *route_phrases(attrs)]) + ")"


def _through(edge: EdgeRecord, picked: str, column: str) -> str:
    """A caller that reaches FUNCTION through an interface method it implements calls that
    method, not FUNCTION: say which (`interface, of expand.(ExpandController).Run`)."""
    if column != "source" or edge.target == picked:
        return ""
    return f", of {edge.target.partition(':')[2].rsplit('/', 1)[-1]}"


def _at(attrs, source_file: str) -> str:
    """Where a call (or value, or hand-off's giving end) is: `file.go:line`, in the caller's
    file unless the edge names its own (a platform view's variant, a value reference)."""
    line = attrs.get("line", "")
    file = str(attrs.get("file") or source_file)
    return f"{file.rsplit('/', 1)[-1]}:{line}" if line != "" and file else str(line)


def _call_command(name: str, edges_of: Callable[[Atlas, str, bool], list[EdgeRecord]], column: str,
                  help_text: str) -> click.Command:
    """The `callers` or `callees` command: pick FUNCTION, then list the edges `edges_of` finds,
    showing their `column` end (the caller, source, or the callee, target)."""

    @click.command(name, help=help_text)
    @click.argument("function")
    @pick_option
    @role_option
    @platform_options
    @production_option
    @store_options
    @json_option
    def command(function, choice, role, goos, goarch, production_only, db, neo4j_uri, as_json) -> None:
        platform = platform_of(goos, goarch)
        atlas = open_atlas(db, neo4j_uri, platform)
        picked = atlas.pick(function, _FUNCS, choice, role_of(atlas, role))
        if not as_json:
            _say_pick(function, picked, "--pick")
        edges = edges_of(atlas, picked.id, production_only)
        if as_json:
            print_json({name: [{"source": e.source, "target": e.target, "kind": e.kind,
                                "hop": hop_kind(e.kind), **e.attrs} for e in edges],
                        "function": picked.as_json(), "platform": platform.name})
            return
        _say_platform(platform)
        if not edges:  # one line, not an empty table squeezed under a long title
            out.print(f"no {name} of {picked.id}" + (" in production code" if production_only else ""))
            return
        sources = atlas.reader.get_nodes([e.source for e in edges])
        print_table(f"{name} of {picked.id}", ("caller" if column == "source" else "callee", "how", "via", "at"),
                    ((getattr(e, column), _HOP_TEXT.get(hop_kind(e.kind), e.kind.lower()),
                      _via(e.attrs, e.kind) + _through(e, picked.id, column),
                      _at(e.attrs, sources[e.source].attrs.get("file", "") if e.source in sources else ""))
                     for e in edges))

    return command


callers = _call_command("callers", Atlas.callers, "source", "Functions and methods that call FUNCTION (also "
                        "through the interface it implements), take it as a value, or hand off "
                        "to it (a send on a channel field, an add to a work queue it takes from, "
                        "a signal of a condition variable it waits on).")
callees = _call_command("callees", Atlas.callees, "target", "What FUNCTION calls, takes as a value, hands off "
                        "to (through a channel, work queue or condition variable field) and "
                        "(for an interface method) dispatches to.")


@click.command()
@click.argument("role_id", required=False)
@store_options
@json_option
def role(role_id, db, neo4j_uri, as_json) -> None:
    """The architecture roles, or one role's card (packages, interfaces, neighbours)."""
    atlas = open_atlas(db, neo4j_uri)
    if role_id is None:
        roles = atlas.roles()
        if as_json:
            print_json([r.as_json() for r in roles])
            return
        print_table(f"{len(roles)} roles", ("role", "plane", "entry point", "present"),
                    ((r.id, r.attrs.get("plane", ""), r.attrs.get("entrypoint", ""),
                      r.attrs.get("present", "")) for r in roles))
        return
    card = atlas.role_summary(atlas.resolve(role_id, (NodeKind.ROLE,)))
    uses = kinds_used(atlas, card["packages_by_path"])
    if as_json:
        print_json({**card, "api_objects": [
            {"kind": u.kind, "watched_by": [list(w) for w in u.watches],
             "written_by": [[w.function, w.verb, w.line, w.via, w.via_line, w.writer]
                            for w in u.writes]}
            for u in uses]})
        return
    attrs = card["role"]
    out.print(f"[bold]{attrs['id']}[/] — {attrs.get('name', '')} ({attrs.get('plane', '')})")
    out.print(attrs.get("summary_en", ""))
    out.print(attrs.get("summary_zh", ""))
    if attrs.get("note"):
        out.print(f"[yellow]note:[/] {attrs['note']}")
    out.print(f"entry point: {attrs.get('entrypoint') or '—'}")
    core = _shallow_first(atlas, card["packages_by_path"])
    out.print(f"core packages: {len(core)} by path rule, {card['packages_reachable']} more "
              "only reachable from entry points" + (" (the 40 nearest the top of the tree below)"
                                                    if len(core) > 40 else ""))
    if core:
        print_table("", ("package",), ((p,) for p in core[:40]))
    if card["external_packages"]:
        print_table("", ("out-of-tree package standing for this role",),
                    ((p,) for p in card["external_packages"]))
    if card["key_interfaces"]:
        print_table("", ("key interface", "implementers"),
                    ((i["id"], ", ".join(i["implementers"][:6])
                      + (" …" if len(i["implementers"]) > 6 else ""))
                     for i in card["key_interfaces"]))
    if uses:
        print_table("API objects it watches and writes (through the API server)",
                    ("kind", "watched by", "written by"),
                    ((u.kind, _first_of(u.watches, lambda w: f"{key_of(w[0])}: {w[1]}"),
                      _first_of(u.writes, _said_write))
                     for u in uses))
    print_table("neighbours", ("relation", "role", "detail"),
                [("depends on", d["role"], d.get("weight", "")) for d in card["depends_on"]]
                + [("depended on by", d["role"], d.get("weight", ""))
                   for d in card["depended_by"]]
                + [("talks to", d["role"], d.get("protocol", "")) for d in card["talks_to"]]
                + [("talked to by", d["role"], d.get("protocol", ""))
                   for d in card["talked_to_by"]])


def _shallow_first(atlas: Atlas, packages: Sequence[str]) -> list[str]:
    """A role's packages nearest the top of the tree first (`pkg/kubelet` and its children
    before `staging/src/k8s.io/kubelet/config/v1beta1`), then by directory."""
    found = atlas.reader.get_nodes(list(packages))
    dirs = {p: str(found[p].attrs.get("dir") or p) if p in found else p for p in packages}
    return sorted(packages, key=lambda p: (dirs[p].count("/"), dirs[p]))


def _said_write(w: Write) -> str:
    through = (f" through {w.via} … {w.writer} (line {w.via_line})" if w.writer else
               f" through {w.via} (line {w.via_line})" if w.via else "")
    return f"{w.function} ({w.verb}, line {w.line}{through})"


def _first_of(items: Sequence[Any], said: Callable[[Any], str]) -> str:
    """The first item said, and how many more: `pkg/scheduler: …:294 Informer … (+7 more)`."""
    if not items:
        return ""
    return said(items[0]) + (f" (+{len(items) - 1} more)" if len(items) > 1 else "")


@click.command()
@click.argument("kind_name", metavar="KIND")
@store_options
@json_option
def kind(kind_name, db, neo4j_uri, as_json) -> None:
    """An API kind (Deployment, apps/v1.Deployment): its types, storage and controllers, the
    functions that write it, and the components that write it (directly, through a helper or
    through library code they run: the kubelet's Lease through the lease controller)."""
    atlas = open_atlas(db, neo4j_uri)
    kid = atlas.resolve(kind_name, (NodeKind.API_KIND,))
    card = atlas.kind_summary(kid)
    writing = roles_writing(atlas, kid)
    if as_json:
        print_json({**card, "roles_writing": [
            [role, w.function, w.verb, w.line, w.via, w.via_line, w.writer] for role, w in writing]})
        return
    rows = [(rel, other, detail) for rel, other, detail in card["relations"]]
    print_table(f"{kid}", ("relation", "node", "detail"), rows)
    if writing:
        print_table("components that write it (their first write)", ("role", "write"),
                    [(role, _said_write(w)) for role, w in writing])
    else:
        out.print("no component writes it through client-go's typed client")

