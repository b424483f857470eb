"""Did-you-mean for the command line: a name the index does not hold is answered with the names
it does hold that look like it (`Scheduler.Run` -> `scheduler.(*Scheduler).Run`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from kubeatlas.errors import AmbiguousName, DirectoryOnly, NodeNotFound
from kubeatlas.graph.model.records import NodeRecord
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas, GraphReader
from kubeatlas.graph.query.names import rank_ids

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHOWN = 3
_SAME_NAME_POOL = 2000  # nodes named exactly like the last word (`Run`: 844 on v1.28.7)
_SPELLING_POOL = 5000  # names sharing the first three letters, for a misspelled one
_CLOSE = 0.8  # difflib ratio: `Schedular`~`Scheduler` 0.89, `scheduleOen`~`scheduleOne` 0.91


class AtlasWithHints(Atlas):
    """The query API as the command line asks it: a name that matches nothing is an error
    that names what the user most likely meant, so the next try can be a copy."""

    def resolve(self, text: str, kinds: Iterable[NodeKind] = ()) -> str:
        kinds = tuple(kinds)
        try:
            return super().resolve(text, kinds)
        except DirectoryOnly:
            raise
        except NodeNotFound as exc:
            hints = [*self._similar_roles(text, kinds), *similar_names(self.reader, text, kinds)]
            hints = list(dict.fromkeys(hints))[:_SHOWN]
            if not hints:
                self._other_kind(text, kinds)
                raise
            raise NodeNotFound(f"nothing named {text!r} in the index; did you mean "
                               + " or ".join(repr(h) for h in hints) + "?",
                               name=text, hints=hints) from exc

    def _other_kind(self, text: str, kinds: tuple[NodeKind, ...]) -> None:
        """Raise NodeNotFound naming what `text` is when it names a node of another kind than
        asked (`callers kubelet`: the role, not a function)."""
        if not kinds:
            return
        try:
            other = super().resolve(text)
        except (NodeNotFound, AmbiguousName):
            return
        asked = " or ".join(str(k).lower() for k in kinds)
        raise NodeNotFound(f"{text!r} names {other}, not a {asked}", name=text, node=other)

    def _similar_roles(self, text: str, kinds: tuple[NodeKind, ...]) -> list[str]:
        """Role ids spelled like text (`kube-schedular`): a role's name is its title, so the
        name search does not see them."""
        if kinds and NodeKind.ROLE not in kinds:
            return []
        ids = [r.id.partition(":")[2] for r in self.roles()]
        return difflib.get_close_matches(text.strip().removeprefix("role:"), ids, n=_SHOWN,
                                         cutoff=_CLOSE)


def similar_names(reader: GraphReader, text: str, kinds: Iterable[NodeKind] = ()) -> list[str]:
    """Up to three names the index resolves that look like `text`: the nodes named as its last
    word whose ids hold its other words (`Scheduler.Run`, `scheduler.Scheduler.Run`, a
    misspelled `Schedular.Run`), else those named so in another letter case (`syncpod`), else
    the nodes whose names are spelled like it (`scheduleOen`, `pkg/kubelett`), said as they
    can be typed back."""
    words = _WORD.findall(text)
    if not words:
        return []
    name, qualifiers = words[-1], [w.lower() for w in words[:-1]]
    wanted = tuple(str(k) for k in kinds)
    pool = reader.search(name, wanted, _SAME_NAME_POOL)
    same = [n for n in pool if n.name == name]
    if qualifiers and same:
        found = _best(reader, same, qualifiers, {name: 1.0})
        if found:
            return found
    other_case = [n for n in pool if n.name != name and n.name.lower() == name.lower()]
    if other_case:  # `syncpod`, `scheduleone`: Go is case-sensitive, learners typing are not
        found = _best(reader, other_case, qualifiers, {n.name: 1.0 for n in other_case})
        if found:
            return found
    if len(name) < 3:
        return []
    pool = [n for n in reader.search(name[:3], wanted, _SPELLING_POOL) if n.name != name]
    close = difflib.get_close_matches(name, {n.name for n in pool}, n=_SHOWN, cutoff=_CLOSE)
    spelled = {c: difflib.SequenceMatcher(None, name, c).ratio() for c in close}
    return _best(reader, [n for n in pool if n.name in spelled], qualifiers, spelled)


def _best(reader: GraphReader, nodes: list[NodeRecord], qualifiers: list[str],
          spelled: dict[str, float]) -> list[str]:
    """The nodes whose ids fit the qualifiers, best first: the name's spelling, the fit of the
    qualifiers to the id's last element (then to all of it), the last qualifier naming the
    receiver (`Kubelet.SyncPod`), then production before test code."""
    scored: dict[str, tuple[float, float, float]] = {}
    for node in nodes:
        key = node.id.split(":", 1)[-1]
        tail = _WORD.findall(key.rsplit("/", 1)[-1].lower())
        fit = _fit(qualifiers, tail) if qualifiers else 1.0
        if fit < _CLOSE:
            fit = _fit(qualifiers, _WORD.findall(key.lower())) - 0.01
        if fit < _CLOSE - 0.01:
            continue
        receiver = _fit(qualifiers[-1:], tail[1:-1]) if qualifiers and tail[1:-1] else 0.0
        scored[node.id] = (spelled[node.name], fit, receiver)
    ranked = rank_ids(reader, list(scored))
    best = sorted(ranked, key=lambda nid: tuple(-v for v in scored[nid]))  # stable: rank within
    if best and scored[best[0]][2] >= _CLOSE:  # the receiver named: not other types' methods
        best = [nid for nid in best if scored[nid][2] >= _CLOSE]
    typed = {nid: _typed(nid, node) for node in nodes for nid in [node.id] if nid in scored}
    return list(dict.fromkeys(typed[nid] for nid in best))[:_SHOWN]


def _fit(qualifiers: list[str], id_words: list[str]) -> float:
    """How well every qualifier is one of the id's words: the worst of their best ratios."""
    return min(max((difflib.SequenceMatcher(None, q, w).ratio() for w in id_words), default=0.0)
               for q in qualifiers)


def _typed(nid: str, node: NodeRecord) -> str:
    """What to type for a node: a function's or type's id from the last path element
    (`scheduler.(*Scheduler).Run`), a package's directory, any other's key
    (`apps/v1.Deployment`)."""
    prefix, _, key = nid.partition(":")
    if prefix in ("func", "method", "type"):
        return key.rsplit("/", 1)[-1]
    return str(node.attrs.get("dir") or key) if prefix == "pkg" else key
