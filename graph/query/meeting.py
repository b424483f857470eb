"""Where a producer and a pulling consumer meet. `addPodToSchedulingQueue` puts a pod in the
scheduler's queue; `scheduleOne` takes the next one by calling `Pop`, which `Add`'s condition
variable wakes. No chain runs from the producer to the consumer (the consumer calls for what
the producer gave), so `path` would stop at "no chain". The answer a reader wants is the
function both reach: the producer through a hand-off, the consumer by calls. Store-neutral,
over the reader's edges, as chains are."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kubeatlas.graph.model.schema import EdgeKind, NodeKind, kind_of
from kubeatlas.graph.query.bridge import CALL_KINDS
from kubeatlas.graph.query.chain import Hop, find_chain, helpers_among, hops_of, search

GIVE_HOPS = 6  # the producer to the taker, its last hop the hand-off
TAKE_HOPS = 4  # the consumer to the taker, by calls: `scheduleOne` -> `NextPod` -> `Pop`


class _Reader(Protocol):
    def edges_from(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def edges_to(self, ids: Sequence[str], kinds: Sequence[str]) -> list[Any]: ...

    def get_nodes(self, ids: Sequence[str]) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Meeting:
    """`given`: the chain from the producer to `at`, ending in a hand-off; `taken`: the chain
    from the consumer to `at`."""

    at: str
    given: tuple[Hop, ...]
    taken: tuple[Hop, ...]

    def as_json(self) -> dict[str, object]:
        return {"at": self.at, "given": [h.as_json() for h in self.given],
                "taken": [h.as_json() for h in self.taken]}


def meeting(reader: _Reader, producer: str, consumer: str, budget_s: float = 4.0
            ) -> Meeting | None:
    """The closest function the producer hands off to (its chain's last hop a HANDS_OFF edge)
    that the consumer reaches by its own chain; None when there is none within GIVE_HOPS and
    TAKE_HOPS, or past the time budget, or when either is no function or method. Test helpers
    are no way through."""
    if not all(kind_of(n) in (NodeKind.FUNCTION, NodeKind.METHOD) for n in (producer, consumer)):
        return None
    deadline = time.monotonic() + budget_s
    reach = _reach(reader, consumer, TAKE_HOPS, deadline)
    reach.discard(consumer)
    takers = {e.target for e in reader.edges_to(sorted(reach), [str(EdgeKind.HANDS_OFF)])}
    if not takers or time.monotonic() > deadline:
        return None
    found = search(reader, (producer,), takers.__contains__, CALL_KINDS, GIVE_HOPS,
                   deadline=deadline)
    if found is None or not found.edges or found.edges[-1].kind != str(EdgeKind.HANDS_OFF):
        return None  # the producer calls the taker itself: a shared callee, not a hand-off
    at = found.edges[-1].target
    taken = find_chain(reader, consumer, at, CALL_KINDS, TAKE_HOPS)
    return Meeting(at, tuple(hops_of(found)), tuple(taken)) if taken is not None else None


def _reach(reader: _Reader, start: str, hops: int, deadline: float) -> set[str]:
    """What start reaches along calls, dispatch, values and hand-offs within `hops`, not
    through test helpers."""
    seen = {start}
    frontier = [start]
    for _ in range(hops):
        if not frontier or time.monotonic() > deadline:
            break
        nxt = sorted({e.target for e in reader.edges_from(frontier, list(CALL_KINDS))} - seen)
        seen.update(nxt)
        helpers = helpers_among(reader, nxt)
        frontier = [n for n in nxt if n not in helpers]
    return seen
