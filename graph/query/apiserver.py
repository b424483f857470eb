"""Hops through the API server, read from the calls the graph holds: a function that creates,
updates, patches or deletes an object through client-go's typed client writes that API kind;
the packages that watch or reconcile the kind pick the change up. No code calls across that
hop, so it is no edge: it is found from CALLS into the typed client's methods when asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubeatlas.graph.model.schema import EdgeKind, NodeKind, key_of, kind_of
from kubeatlas.graph.query import library_writes
from kubeatlas.graph.query.chain import Hop, chain_kinds, hops_of, search

if TYPE_CHECKING:  # the atlas reads writers through this module's pure functions
    from kubeatlas.graph.query.atlas import Atlas, EdgeRecord

TYPED = "k8s.io/client-go/kubernetes/typed/"
WRITES = "WRITES"  # a kind card's relation of a function that writes the kind (not an edge)
# the typed client's methods that write (a note says each with graph/notes/lang's verb_<name>),
# grouped by how well they tell how one component reaches another: what brings an object or
# its placement, then what changes it, then what removes it
_VERB_ORDER = (("Create", "Bind"), ("Update", "UpdateStatus", "Patch", "Apply", "ApplyStatus"),
               ("Delete", "DeleteCollection"))
VERBS = tuple(verb for group in _VERB_ORDER for verb in group)
_VERB_RANK = {verb: rank for rank, group in enumerate(_VERB_ORDER) for verb in group}
# the writes a kind's hand-written Expansion interface adds, each with the verb it stands for: a
# Pod's binding (the scheduler's); an Event's writes into the event's own namespace (the event
# recorder's sink: every component reports through it)
EXPANSION_VERBS = {"Bind": "Bind", "CreateWithEventNamespace": "Create",
                   "UpdateWithEventNamespace": "Update", "PatchWithEventNamespace": "Patch"}


@dataclass(frozen=True, slots=True)
class Write:
    """`function` calls the typed client's `client` method (`verb`) for API kind `kind` at
    `line` of its file; or, `via` a helper of another package, calls that helper at `line`,
    which calls `client` at `via_line` of its own file (the kubelet's status manager patches a
    Pod through `statusutil.PatchPodStatus`); or `via` library code it runs, whose function
    `writer`, further on, calls `client` at `via_line` of its own file (the kubelet's
    `(*Kubelet).Run` runs the `lease.Controller` whose `retryUpdateLease` updates the Lease)."""

    function: str
    kind: str
    verb: str
    client: str
    line: int
    via: str = ""
    via_line: int = 0
    writer: str = ""  # set only when the client's caller is further on than `via`

    @property
    def method(self) -> str:
        """The client's method as the code calls it: `Create`, `CreateWithEventNamespace`."""
        return key_of(self.client).rpartition(").")[2]

    @property
    def calls_client(self) -> str:
        """The function that calls the typed client."""
        return self.writer or self.via or self.function


def client_methods(kind: str) -> list[str]:
    """The typed client's writing methods for API kind `kind:apps/v1.ReplicaSet`:
    `method:k8s.io/client-go/kubernetes/typed/apps/v1.(ReplicaSetInterface).Create`, …"""
    group_version, _, name = key_of(kind).rpartition(".")
    group, _, version = group_version.rpartition("/")
    package = f"{TYPED}{group.split('.')[0] or 'core'}/{version}"
    return ([f"method:{package}.({name}Interface).{verb}" for verb in VERBS]
            + [f"method:{package}.({name}Expansion).{verb}" for verb in EXPANSION_VERBS])


def verb_of(client: str) -> str:
    """The verb of a typed client's writing method: `Create` for `(PodInterface).Create` and
    for `(EventExpansion).CreateWithEventNamespace`."""
    method = key_of(client).rpartition(").")[2]
    return EXPANSION_VERBS.get(method, method) if "Expansion)." in client else method


def kind_written(client: str) -> str:
    """The API kind a typed client method writes (`kind:apps/v1.ReplicaSet`), or ""."""
    key = key_of(client)
    verb = key.rpartition(").")[2]
    if not key.startswith(TYPED) or (verb not in VERBS and verb not in EXPANSION_VERBS):
        return ""
    package, _, rest = key.partition(".(")
    interface = rest.partition(")")[0]
    group, _, version = package[len(TYPED):].partition("/")
    if "/" in version:
        return ""
    if interface.endswith("Interface"):
        return f"kind:{group}/{version}.{interface[:-len('Interface')]}"
    if interface.endswith("Expansion") and verb in EXPANSION_VERBS:
        return f"kind:{group}/{version}.{interface[:-len('Expansion')]}"
    return ""


def writes_of(atlas: Atlas, function: str) -> list[Write]:
    """The API kinds `function` writes through the typed client."""
    edges = atlas.reader.edges_from([function], [str(EdgeKind.CALLS)])
    return [_write(e, kind_written(e.target)) for e in sorted(edges, key=lambda e: e.target)
            if kind_written(e.target)]


@dataclass(frozen=True, slots=True)
class KindUse:
    """How a role's packages use API kind `kind`: which of them watch it (package id and the
    watch's evidence, the shallowest package first) and which functions write it through the
    typed client (each function's first call of each verb)."""

    kind: str
    watches: tuple[tuple[str, str], ...]
    writes: tuple[Write, ...]


def kinds_used(atlas: Atlas, packages: Sequence[str]) -> list[KindUse]:
    """The API kinds `packages` (package ids) watch or write, those used most first."""
    watches: dict[str, list[tuple[str, str]]] = {}
    for edge in watched_by(atlas, packages):
        watches.setdefault(edge.target, []).append((edge.source, str(edge.attrs.get("evidence", ""))))
    writes: dict[str, list[Write]] = {}
    seen: set[tuple[str, str, str]] = set()
    # per kind, in story order: each function's first write of each verb
    for write in sorted(writes_by(atlas, packages), key=story_order):
        if (write.function, write.kind, write.verb) not in seen:
            seen.add((write.function, write.kind, write.verb))
            writes.setdefault(write.kind, []).append(write)
    uses = [KindUse(kind, tuple(sorted(watches.get(kind, ()),
                                       key=lambda w: (w[0].count("/"), w[0]))),
                    tuple(writes.get(kind, ())))
            for kind in set(watches) | set(writes)]
    return sorted(uses, key=lambda u: (-len(u.watches) - len(u.writes), u.kind))


def writes_by(atlas: Atlas, packages: Sequence[str], kinds: Sequence[str] = (),
              library: set[str] | None = None) -> list[Write]:
    """What the production functions of `packages` (package ids) write through the typed
    client (of `kinds` only, if given), directly, through a production helper of another
    package that calls it (one call away), or through library code they run (library_writes),
    by kind, then function and line. `library`: the library packages, when the caller asks for
    several roles (library_writes.library_packages)."""
    methods = sorted({m for kind in kinds or atlas.reader.ids_with_kind(str(NodeKind.API_KIND))
                      for m in client_methods(kind)})
    calls = atlas.reader.edges_to(methods, [str(EdgeKind.CALLS)])
    wanted = {key_of(p) for p in packages}
    package = _production_packages(atlas, {e.source for e in calls})
    found = [_write(e, kind_written(e.target)) for e in calls if package.get(e.source) in wanted]
    by_helper: dict[str, list[Write]] = {}
    for e in calls:  # a production writer outside the packages: a helper they may call
        if e.source in package and package[e.source] not in wanted:
            by_helper.setdefault(e.source, []).append(_write(e, kind_written(e.target)))
    into = atlas.reader.edges_to(sorted(by_helper), [str(EdgeKind.CALLS)])
    caller_package = _production_packages(atlas, {e.source for e in into})
    found += [Write(e.source, w.kind, w.verb, w.client, int(e.attrs.get("line") or 0),
                    e.target, w.line)
              for e in into if caller_package.get(e.source) in wanted
              and e.attrs.get("via") != "stored"  # the line names the field, not the helper
              for w in by_helper[e.target]]
    if library is None:
        library = library_writes.library_packages(atlas)
    in_library = {f: package[f] for f in by_helper if package[f] in library}
    found += [Write(e.source, w.kind, w.verb, w.client, int(e.attrs.get("line") or 0),
                    e.target, w.line, writer)
              for e, writer in library_writes.entries(atlas, packages, in_library, library)
              for w in by_helper[writer]]
    return sorted(found, key=lambda w: (w.kind, w.function, w.line))


def story_order(write: Write) -> tuple[int, bool, bool, str, int]:
    """How writes are told: a create before an update before a delete (what brings an object
    tells the story first), the role's own calls before those through a helper before those
    through library code, then function and line."""
    return (_VERB_RANK[write.verb], bool(write.via), bool(write.writer), write.function, write.line)


def roles_writing(atlas: Atlas, kind: str) -> list[tuple[str, Write]]:
    """Each component role (not a library's) whose packages write API kind `kind` (role id), with
    its first write (a create before an update before a delete; directly, then through a
    helper, then through library code it runs), by role id."""
    firsts: list[tuple[str, Write]] = []
    library = library_writes.library_packages(atlas)  # once, not once a role
    for role in atlas.roles():
        if role.attrs.get("plane") == "library":
            continue
        packages = sorted(e.source for e in atlas.reader.edges_to([role.id], [str(EdgeKind.IN_ROLE)])
                          if e.attrs.get("how") == "path")
        writes = writes_by(atlas, packages, (kind,), library)
        if writes:
            firsts.append((role.id, min(writes, key=story_order)))
    return sorted(firsts, key=lambda pair: pair[0])


def _production_packages(atlas: Atlas, functions: set[str]) -> dict[str, str]:
    """Each production (not test-helper) function's package import path."""
    nodes = atlas.reader.get_nodes(sorted(functions))
    return {nid: str(n.attrs.get("package")) for nid, n in nodes.items()
            if not n.attrs.get("test_helper")}


def watched_by(atlas: Atlas, packages: Sequence[str]) -> list[EdgeRecord]:
    """The kinds `packages` (package ids) watch: their WATCHES edges, by kind then package."""
    edges = atlas.reader.edges_from(list(packages), [str(EdgeKind.WATCHES)])
    return sorted(edges, key=lambda e: (e.target, e.source))


def watchers(atlas: Atlas, kind: str) -> list[EdgeRecord]:
    """The packages that reconcile `kind`, then those that only watch it."""
    edges = atlas.neighbours(kind, (EdgeKind.RECONCILES, EdgeKind.WATCHES), reverse=True)
    return sorted(edges, key=lambda e: (e.kind != EdgeKind.RECONCILES, e.source))


def through_apiserver(atlas: Atlas, sources: Sequence[str], target: str
                      ) -> tuple[Write, EdgeRecord] | None:
    """How `target` (a function) is reached from one of `sources` through the API server: a
    source writes a kind that target's package reconciles or watches (the latest source
    first); None when none does."""
    if kind_of(target) not in (NodeKind.FUNCTION, NodeKind.METHOD):
        return None
    package = f"pkg:{atlas.node(target).attrs.get('package')}"
    for source in reversed(sources):
        for write in writes_of(atlas, source):
            seen = [w for w in watchers(atlas, write.kind) if w.source == package]
            cited = [w for w in seen if ".go:" in str(w.attrs.get("evidence", ""))]
            if seen:
                return write, (cited or seen)[0]  # a watch cites the field or parameter
    return None


@dataclass(frozen=True, slots=True)
class ApiServerHop:
    """How `source` reaches a function of another component through the API server: `chain`,
    calls from source to the function that writes a kind through the typed client (`write`),
    then `watch`, the target's package watching that kind."""

    chain: tuple[Hop, ...]
    write: Write
    watch: EdgeRecord


def via_apiserver(atlas: Atlas, source: str, target: str) -> ApiServerHop | None:
    """The shortest chain from `source` (a function) to a write of a kind that `target`'s
    package watches, with that write and watch; None when there is none."""
    if not {kind_of(source), kind_of(target)} <= {NodeKind.FUNCTION, NodeKind.METHOD}:
        return None
    package = f"pkg:{atlas.node(target).attrs.get('package')}"
    watched = {e.target: e for e in atlas.reader.edges_from([package], [str(EdgeKind.WATCHES)])}
    methods = atlas.reader.get_nodes(sorted({m for kind in watched for m in client_methods(kind)}))
    for verbs in _VERB_ORDER:  # a create or a bind is the story, a cleanup's delete is not
        wanted = {m for m in methods if verb_of(m) in verbs}  # and a test's write is none
        found = search(atlas.reader, (source,), wanted.__contains__, chain_kinds(source),
                       through_tests=False)
        if found is not None:
            break
    else:
        return None
    chain = hops_of(found)
    writer, client = (chain[-2].id, chain[-1].id) if len(chain) > 1 else ("", "")
    write = next((w for w in writes_of(atlas, writer) if w.client == client), None)
    if write is None:  # the client's method reached by dispatch or as a value: no call of it
        return None
    return ApiServerHop(tuple(chain[:-1]), write, watched[write.kind])


def _write(e: EdgeRecord, kind: str) -> Write:
    return Write(e.source, kind, verb_of(e.target), e.target, int(e.attrs.get("line") or 0))
