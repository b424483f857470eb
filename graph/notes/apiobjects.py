"""What a role asks of the API server: the kinds its packages watch (an informer, a lister or a
list-watch) and the kinds its functions write through the typed client, each cited where the
code does it. A flow's hop through the API server cites the same two things."""

from __future__ import annotations

from collections.abc import Sequence

from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.citation import Citation
from kubeatlas.graph.notes.claim import Claim
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.writer import Writer
from kubeatlas.graph.query.apiserver import Write, kinds_used

MAX_KINDS = 12  # kinds listed, those the role touches most first
MAX_EACH = 3  # watchers and writers named per kind
_OWN = "k8s.io/kubernetes/"


def write_api_objects(w: Writer, packages: Sequence[str]) -> None:
    """The section: one line per kind, its watching packages and its writers, each cited."""
    uses = kinds_used(w.atlas, packages)
    if not uses:
        return
    w.add(f"## {w.say('api_objects')}", "",
          w.say("api_objects_intro", watched=sum(1 for u in uses if u.watches),
                written=sum(1 for u in uses if u.writes)), "")
    for use in uses[:MAX_KINDS]:
        parts = []
        if use.watches:
            parts.append(w.say("watched_by", who=_listed(w, [  # only those shown are cited
                f"`{_package(package)}` {cite_watch(w, evidence)}"
                for package, evidence in use.watches[:MAX_EACH]], len(use.watches))))
        if use.writes:
            parts.append(w.say("written_by", who=_listed(w, [
                _say_write(w, x) for x in use.writes[:MAX_EACH]], len(use.writes))))
        w.add("- " + w.say("kind_use", kind=key_of(use.kind), uses=w.say("uses_sep").join(parts)))
    if len(uses) > MAX_KINDS:
        w.add("- " + w.say("more", count=len(uses) - MAX_KINDS, what=w.say("what_kinds")))
    w.add("")


def _say_write(w: Writer, write: Write) -> str:
    """`who` through the client's call, through a helper's call and the helper's own, or
    through its call into library code and that code's call of the client further on."""
    who = f"`{short_name(write.function)}`"
    if not write.via:
        return w.say("write_call", who=who, call=cite_write(w, write))
    helper = _cite_call(w, write.function, write.via, write.line, short_name(write.via))
    if write.writer:  # library code it runs: the first call, then the client's call further on
        return w.say("write_call_library", who=who, helper=helper, call=_cite_call(
            w, write.writer, write.client, write.via_line, f"{short_name(write.writer)} → {write.method}"))
    return w.say("write_call_via", who=who, helper=helper,
                 call=_cite_call(w, write.via, write.client, write.via_line, write.method))


def cite_write(w: Writer, write: Write) -> str:
    """The typed client's call that writes, cited; a `calls` claim checks its meaning."""
    return _cite_call(w, write.function, write.client, write.line, write.method)


def _cite_call(w: Writer, caller: str, callee: str, line: int, label: str) -> str:
    source = w.atlas.node(caller)
    path = str(source.attrs.get("file", ""))
    span = (int(source.attrs.get("line", 0)), int(source.attrs.get("end_line", 0)))
    w.claim(Claim("calls", caller, callee, path, line, span))
    return w.cite(Citation(path, line, label))


def cite_watch(w: Writer, evidence: str) -> str:
    """Where a package watches a kind (a WATCHES edge's `path:line Name …` evidence: a field or
    parameter's declaration, an informer's or lister's call, a list-watch), cited; "" when it
    names no line."""
    where, _, rest = evidence.partition(" ")
    file, _, line = where.rpartition(":")
    return w.cite(Citation(file, int(line), rest.split(" ", 1)[0])) if line.isdigit() else ""


def _listed(w: Writer, items: list[str], total: int) -> str:
    """The items shown, and how many of `total` are not."""
    shown = w.say("sep").join(items)
    if total > len(items):
        shown += " " + w.say("more", count=total - len(items), what=w.say("what_items")).rstrip()
    return shown


def _package(pid: str) -> str:
    path = key_of(pid)
    return path[len(_OWN):] if path.startswith(_OWN) else path
