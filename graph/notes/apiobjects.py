"""What a role asks of the API server: the kinds its packages watch (an informer, a lister or a
list-watch) and the kinds its functions write through the typed client, each cited where the
code does it. A flow's hop through the API server cites the same two things."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.citation import Citation
from kubeatlas.graph.notes.claim import Claim
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.writer import Writer
from kubeatlas.graph.query.apiserver import Write, watched_by, writes_by
from kubeatlas.graph.query.atlas import EdgeRecord

MAX_KINDS = 12  # kinds listed, those the role touches most first
MAX_EACH = 3  # watchers and writers named per kind
_OWN = "k8s.io/kubernetes/"


def write_api_objects(w: Writer, packages: Sequence[str]) -> None:
    """The section: one line per kind, its watching packages and its writers, each cited."""
    by_kind: defaultdict[str, tuple[list[EdgeRecord], list[Write]]] = defaultdict(lambda: ([], []))
    for watch in watched_by(w.atlas, packages):
        by_kind[watch.target][0].append(watch)
    seen: set[tuple[str, str]] = set()
    for write in writes_by(w.atlas, packages):
        if (write.function, write.kind + write.verb) not in seen:  # a function's first call
            seen.add((write.function, write.kind + write.verb))  # of each verb
            by_kind[write.kind][1].append(write)
    if not by_kind:
        return
    watched = sum(1 for watches, _ in by_kind.values() if watches)
    written = sum(1 for _, writes in by_kind.values() if writes)
    w.add(f"## {w.say('api_objects')}", "",
          w.say("api_objects_intro", watched=watched, written=written), "")
    ranked = sorted(by_kind.items(), key=lambda kv: (-len(kv[1][0]) - len(kv[1][1]), kv[0]))
    for kind, (watches, writes) in ranked[:MAX_KINDS]:
        parts = []
        if watches:  # the role's own top package (`pkg/scheduler`) before its plugins
            watches.sort(key=lambda e: (len(_package(e.source).split("/")), e.source))
            parts.append(w.say("watched_by", who=_listed(w, [
                f"`{_package(e.source)}` {cite_watch(w, e)}" for e in watches], len(watches))))
        if writes:
            parts.append(w.say("written_by", who=_listed(w, [
                f"`{short_name(x.function)}` {w.say('verb_' + x.verb)} {cite_write(w, x)}"
                for x in writes], len(writes))))
        w.add(f"- `{key_of(kind)}`: " + "; ".join(parts))
    if len(ranked) > MAX_KINDS:
        w.add("- " + w.say("more", count=len(ranked) - MAX_KINDS, what=w.say("what_kinds")))
    w.add("")


def cite_write(w: Writer, write: Write) -> str:
    """The typed client's call that writes, cited; a `calls` claim checks its meaning."""
    source = w.atlas.node(write.function)
    path = str(source.attrs.get("file", ""))
    span = (int(source.attrs.get("line", 0)), int(source.attrs.get("end_line", 0)))
    w.claim(Claim("calls", write.function, write.client, path, write.line, span))
    return w.cite(Citation(path, write.line, write.verb))


def cite_watch(w: Writer, watch: EdgeRecord) -> str:
    """Where a package watches a kind (`path:line Name …` evidence: a field or parameter's
    declaration, an informer's or lister's call, a list-watch), cited; "" when it names no line."""
    where, _, rest = str(watch.attrs.get("evidence", "")).partition(" ")
    file, _, line = where.rpartition(":")
    return w.cite(Citation(file, int(line), rest.split(" ", 1)[0])) if line.isdigit() else ""


def _listed(w: Writer, items: list[str], total: int) -> str:
    shown = w.say("sep").join(items[:MAX_EACH])
    if total > MAX_EACH:
        shown += " " + w.say("more", count=total - MAX_EACH, what="").rstrip()
    return shown


def _package(pid: str) -> str:
    path = key_of(pid)
    return path[len(_OWN):] if path.startswith(_OWN) else path
