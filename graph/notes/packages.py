"""A role's packages for a learner: ranked by production lines (tests not counted, Linux-only
packages before other platforms'), each with its key declarations — or, when it has none that
are hand-written and exported, what it does have (a generated API, test helpers, `main`)."""

from __future__ import annotations

from kubeatlas.graph.model.schema import EdgeKind, NodeKind
from kubeatlas.graph.notes.rank import is_generated, is_test_code, platform_rank, production_lines
from kubeatlas.graph.notes.source import PackageContents, key_declarations, read_package
from kubeatlas.graph.notes.writer import Writer
from kubeatlas.graph.query.atlas import Atlas

MAX_NAMES = 3


def rank_packages(atlas: Atlas, ids: list[str], limit: int) -> tuple[list[PackageContents], int]:
    """The `limit` largest packages by production lines (tests not counted; from file nodes read
    in one batch), Linux-only before other platforms', read in full; and how many there are."""
    contains = atlas.reader.edges_from(ids, [str(EdgeKind.CONTAINS)])
    files = atlas.reader.get_nodes([e.target for e in contains])
    prod: dict[str, int] = dict.fromkeys(ids, 0)
    for e in contains:
        f = files.get(e.target)
        if f is not None and not f.attrs.get("is_test") and not str(f.id).endswith("_test.go"):
            prod[e.source] = prod.get(e.source, 0) + int(f.attrs.get("lines", 0))
    order = sorted(ids, key=lambda i: (platform_rank(i + ".go"), -prod.get(i, 0), i))
    return [read_package(atlas, i) for i in order[:limit]], len(ids)


def package_line(w: Writer, c: PackageContents) -> str:
    prod, tests = production_lines(c)
    files = sum(1 for f in c.files if not f.attrs.get("is_test"))
    decls = [d for d in key_declarations(c) if not is_test_code(d)
             and not d.attrs.get("test_helper", False)]
    shown = w.say("sep").join(w.cite_node(d) for d in decls) or _what_else(w, c)
    return w.say("pkg_line", dir=c.package.attrs.get("dir", c.package.id), files=files, lines=prod,
                 tests=w.say("pkg_tests", lines=tests) if tests else "", decls=shown)


def _what_else(w: Writer, c: PackageContents) -> str:
    """Never "no exported declarations" when there are some: name the generated API or the
    test helpers the ranking left out."""
    generated = {str(f.attrs.get("path")) for f in c.files if f.attrs.get("is_generated")}
    exported = [d for d in c.decls if d.attrs.get("exported") and not d.attrs.get("is_test")
                and d.kind != NodeKind.METHOD]
    gen = [d for d in exported if is_generated(d, generated)]
    helpers = [d for d in exported if d not in gen and is_test_code(d)]
    types_first = sorted(gen, key=lambda d: (d.kind != NodeKind.TYPE, d.id))
    if gen:
        return w.say("generated_api", names=w.say("sep").join(w.cite_node(d) for d in types_first[:MAX_NAMES]))
    if helpers:
        return w.say("test_helpers", names=w.say("sep").join(w.cite_node(d) for d in helpers[:MAX_NAMES]))
    if c.package.attrs.get("name") == "main" or any(d.name == "main" for d in c.decls):
        return w.say("main_only")
    return w.say("unexported_only")
