"""A role's study note: what it is, how it works (start-up chain, main loops, data flow and
extension points from the catalog's walkthrough, each link a graph edge), where to start reading,
core packages and key interfaces ranked for a learner, the API objects it watches and writes,
its wires and libraries, and how to watch it in minik8s."""

from __future__ import annotations

from typing import Any

from kubeatlas.graph.knowledge.walkthrough import Walkthrough, load_walkthroughs
from kubeatlas.graph.model.schema import EdgeKind, key_of
from kubeatlas.graph.notes.apiobjects import write_api_objects
from kubeatlas.graph.notes.citation import Citation
from kubeatlas.graph.notes.claim import Claim
from kubeatlas.graph.notes.glossary import phrase
from kubeatlas.graph.notes.hops import say_hop
from kubeatlas.graph.notes.lang import amid_han, pick
from kubeatlas.graph.notes.neighbours import write_minik8s, write_neighbours
from kubeatlas.graph.notes.packages import package_line, rank_packages
from kubeatlas.graph.notes.rank import intended_implementers, is_production
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.walk import Placed, find_anchor, place_steps
from kubeatlas.graph.notes.writer import Note, Writer
from kubeatlas.graph.query.atlas import Atlas, NodeRecord

MAX_IMPLEMENTERS = 8
MAX_CALLS = 8


def role_note(atlas: Atlas, role: str, lang: str = "en",
              walkthroughs: dict[str, Walkthrough] | None = None) -> Note:
    card = atlas.role_summary(role)
    attrs = card["role"]
    rid = key_of(role)
    walk = (load_walkthroughs() if walkthroughs is None else walkthroughs).get(rid)
    w = Writer(atlas, lang)
    name = phrase(str(attrs.get("name") or rid), lang)  # "device plugin" is 设备插件 in Chinese
    title = w.say("role_title", name=name)
    w.header(title)
    w.add(f"## {w.say('what_it_is')}", "", pick(lang, attrs.get("summary_en", ""),
                                                 attrs.get("summary_zh", "")), "")
    if walk and (walk.intro_en or walk.intro_zh):
        w.add(pick(lang, walk.intro_en, walk.intro_zh), "")
    if attrs.get("note"):
        note = pick(lang, attrs["note"], attrs.get("note_zh") or "")
        said = "not_in_release" if lang == "en" or attrs.get("note_zh") else "not_in_release_plain"
        w.add("> " + w.say(said, note=note, spaced=amid_han(name)), "")
    if attrs.get("variants"):
        w.add(w.say("generation", variants=w.say("sep").join(attrs["variants"])), "")
    placed_all: list[Placed] = []
    shown_interfaces: set[str] = set()
    parts = dict(walk.parts) if walk else {}
    if "start" not in parts:
        _entry_point(w, attrs)
    for part, steps in (walk.parts if walk else ()):
        placed, left_out = place_steps(atlas, steps, linked=part != "extend")
        if not placed:
            continue
        w.add(f"## {w.say('part_' + part)}", "")
        for p in placed:
            if part == "extend":
                _interface(w, p.node, pick(lang, p.step.en, p.step.zh), name)
                shown_interfaces.add(p.node.id)
            else:
                _step(w, p, name)
        if part == "extend":
            for missing in left_out:
                w.claim(Claim("absent", missing))
                w.add("- " + w.say("missing_interface", name=key_of(missing)))
        elif left_out:
            w.add("", w.say("omitted", count=len(left_out),
                            names=w.say("sep").join(f"`{short_name(i)}`" for i in left_out)))
        w.add("")
        placed_all.extend(p for p in placed if part != "extend")
    _reading_path(w, placed_all)
    _core_packages(w, card)
    _key_interfaces(w, card, attrs, shown_interfaces)
    write_api_objects(w, card["packages_by_path"])
    write_neighbours(w, card)
    write_minik8s(w, walk, [c.subject for c in w.claims if c.kind == "declares"],
                  card["packages_by_path"])
    return w.note(title, slug=rid, tags=(str(attrs.get("plane", "")), rid))


def _step(w: Writer, p: Placed, role: str) -> None:
    sentence = pick(w.lang, p.step.en, p.step.zh)
    spelled = " " + w.say("spelled", name=short_name(p.node.id)) if p.spelled else ""
    w.add(f"- {w.cite_node(p.node)}{spelled} — {sentence}")
    where = f"{p.node.attrs.get('file')}:{p.node.attrs.get('line')}"
    w.card(w.say("card_step", role=role, name=short_name(p.node.id)), f"{sentence} ({where})")
    for hop in p.hops:
        w.claim(hop.claim)
        w.add("  - " + say_hop(w, hop))


def _reading_path(w: Writer, placed: list[Placed]) -> None:
    marked = [p for p in placed if p.step.breakpoint and p.node.attrs.get("file")]
    if not marked:
        return
    w.add(f"## {w.say('reading_path')}", "", w.say("reading_intro"), "")
    seen: set[str] = set()
    number = 0
    for p in marked:
        if p.node.id in seen:
            continue
        seen.add(p.node.id)
        number += 1
        where = f"{p.node.attrs['file']}:{p.node.attrs['line']}"
        w.add(f"{number}. `break {where}` — `{short_name(p.node.id)}`")
    w.add("")


def _interface(w: Writer, iface: NodeRecord, sentence: str, role: str) -> None:
    edges = w.atlas.implementers(iface.id)
    nodes = w.atlas.reader.get_nodes([e.source for e in edges])
    impls = intended_implementers(w.atlas, iface, list(nodes.values()))
    for impl in impls[:MAX_IMPLEMENTERS]:
        w.claim(Claim("implements", impl.id, iface.id, str(impl.attrs.get("file", "")),
                      int(impl.attrs.get("line", 0)), object_path=str(iface.attrs.get("file", "")),
                      object_line=int(iface.attrs.get("line", 0))))
    head = w.cite_node(iface)
    listed = w.say("sep").join(w.cite_node(n) for n in impls[:MAX_IMPLEMENTERS])
    more = (" " + w.say("and_more", count=len(impls) - MAX_IMPLEMENTERS)
            if len(impls) > MAX_IMPLEMENTERS else "")
    lead = f" — {sentence}" if sentence else " —"
    # none: one sentence, not "Implemented in production code by: no production implementer"
    said = f"{w.say('implemented_by')}{listed}{more}" if impls else w.say("no_implementers")
    w.add(f"- {head}{lead} {said}".replace("。 ", "。"))
    if impls:
        w.card(w.say("card_impl", role=role, name=short_name(iface.id)), "; ".join(
            f"{short_name(n.id)} ({n.attrs.get('file')}:{n.attrs.get('line')})" for n in impls[:MAX_IMPLEMENTERS]))


def _entry_point(w: Writer, attrs: dict[str, Any]) -> None:
    package = key_of(attrs.get("entry_package") or "")
    if not package:
        return
    main = w.atlas.reader.get_nodes([f"func:{package}.main"]).get(f"func:{package}.main")
    w.add(f"## {w.say('where_starts')}", "")
    if main is None:
        w.add(w.say("no_main", entry=attrs.get("entrypoint")), "")
        return
    w.add(w.say("starts_in", main=w.cite_node(main)), "")
    edges = sorted(w.atlas.neighbours(main.id, (EdgeKind.CALLS, EdgeKind.REFERENCES)),
                   key=lambda e: (e.attrs.get("line", 0), e.target))
    callees = w.atlas.reader.get_nodes([e.target for e in edges])
    for e in edges[:MAX_CALLS]:
        callee = callees.get(e.target)
        if callee is None or not e.attrs.get("line"):
            continue
        span = (int(main.attrs.get("line", 0)), int(main.attrs.get("end_line", 0) or 0))
        through = str(e.attrs.get("field") or "") if e.attrs.get("via") == "stored" else ""
        kind = ("references" if e.kind == EdgeKind.REFERENCES else "calls") + (
            "-field" if through else "")
        w.claim(Claim(kind, main.id, callee.id, str(main.attrs["file"]), int(e.attrs["line"]), span,
                      object_path=through))
        called = through.rsplit(".", 1)[-1] if through else callee.name
        shown = called if kind.startswith("references") else f"{called}(…)"
        site = w.cite(Citation(str(main.attrs["file"]), int(e.attrs["line"]), called), shown)
        w.add(f"- {site} → {w.cite_node(callee)}")
    if len(edges) > MAX_CALLS:
        w.add("- " + w.say("more", count=len(edges) - MAX_CALLS, what=w.say("what_calls")))
    w.add("")


def _core_packages(w: Writer, card: dict[str, Any]) -> None:
    ids = card["packages_by_path"]
    if not ids:
        return
    ranked, total = rank_packages(w.atlas, ids, 12)
    reachable = card["packages_reachable"]  # none for a role without an entry point (CRI)
    w.add(f"## {w.say('core_packages')}", "",
          w.say("packages_intro" if reachable else "packages_intro_own", count=len(ids),
                reachable=reachable), "")
    for contents in ranked:
        w.add("- " + package_line(w, contents))
    if total > len(ranked):
        w.add("- " + w.say("more", count=total - len(ranked), what=w.say("what_packages")))
    w.add("")


def _key_interfaces(w: Writer, card: dict[str, Any], attrs: dict[str, Any], shown: set[str]) -> None:
    items = [i for i in card["key_interfaces"] if i["id"] not in shown]
    reported = {c.subject for c in w.claims if c.kind == "absent"}
    missing = [m for m in attrs.get("missing_interfaces") or ()
               if f"type:{m}" not in reported and find_anchor(w.atlas, (f"type:{m}",))[0] is None]
    if not items and not missing:
        return
    w.add(f"## {w.say('key_interfaces')}", "")
    for item in items:
        iface = w.atlas.reader.get_nodes([item["id"]]).get(item["id"])
        if iface is not None and is_production(iface):
            _interface(w, iface, "", phrase(str(attrs.get("name") or key_of(attrs["id"])), w.lang))
    for name in missing:
        w.claim(Claim("absent", f"type:{name}"))
        w.add("- " + w.say("missing_interface", name=name))
    w.add("")

