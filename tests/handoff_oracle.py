"""Go's type checker as ground truth for HANDS_OFF: run tools/goimports/handoffs, pair the ends
it reports (each function that gives into a field -> each other function that takes from it)
and measure the index's recall and precision against those pairs."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from call_oracle import reported, run_tool

# Where hand-offs carry a main loop: controllers' queues, the kubelet's and the proxy's
# channels (and cmd/kubelet/app, which hands the config's channel to the kubelet, and the
# config mux that listens on each pod source's channel), the scheduler's queue, async's
# runner, client-go's informer plumbing.
K8S_SCOPE = ("pkg/kubelet/...", "cmd/kubelet/app", "pkg/scheduler/...", "pkg/controller/...",
             "pkg/proxy/...", "pkg/util/async", "pkg/util/config",
             "staging/src/k8s.io/client-go/tools/cache")


@dataclass(frozen=True, slots=True)
class End:
    direction: str  # give | take
    function: str
    key: str  # field:<pkg>.<Type>.<field>
    via: str  # channel | queue
    where: str  # file:line

    @property
    def line(self) -> int:
        return int(self.where.rpartition(":")[2])


@dataclass(frozen=True, slots=True)
class HandOff:
    source: str
    target: str
    field: str  # the key without "field:"
    via: str
    line: int  # the giver's first line
    to_line: int  # the taker's first line
    count: int  # the giver's sites

    @property
    def triple(self) -> tuple[str, str, str]:
        return self.source, self.target, self.field


@dataclass(frozen=True, slots=True)
class Score:
    expected: int
    found: int
    ours: int
    confirmed: int
    missed: tuple[tuple[str, str, str], ...]
    extra: tuple[tuple[str, str, str], ...]

    @property
    def recall(self) -> float:
        return 100.0 * self.found / self.expected if self.expected else 100.0

    @property
    def precision(self) -> float:
        return 100.0 * self.confirmed / self.ours if self.ours else 100.0


@dataclass(frozen=True, slots=True)
class GoReport:
    ends: tuple[End, ...]
    same: tuple[tuple[str, str], ...]  # two fields that hold one channel made in a function


def go_ends(binary: Path, root: Path, scope: tuple[str, ...] = (), goos: str = "linux",
            goarch: str = "amd64") -> GoReport:
    lines = run_tool(binary, root, scope, goos, goarch)
    return GoReport(tuple(End(*fields) for fields in lines if fields[0] != "same"),
                    tuple((fields[1], fields[2]) for fields in lines if fields[0] == "same"))


def expected_handoffs(report: GoReport) -> dict[tuple[str, str], HandOff]:
    """(source, target) -> the hand-off the index should hold, by its rule: each giver of a key
    to each other taker of it (fields holding one made channel are one key, the giver's
    field is named); a pair joined through two fields keeps the first key's."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    held: dict[str, set[str]] = defaultdict(set)  # made channel in no field -> fields
    for a, b in report.same:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        if not b.startswith("field:"):
            held[b].add(a)
    giving: dict[str, dict[str, list[End]]] = defaultdict(lambda: defaultdict(list))
    taking: dict[str, dict[str, list[End]]] = defaultdict(lambda: defaultdict(list))
    for end in report.ends:
        (giving if end.direction == "give" else taking)[root(end.key)][end.function].append(end)
    out: dict[tuple[str, str], HandOff] = {}
    for key in sorted(giving.keys() & taking.keys()):
        for source, gives in sorted(giving[key].items()):
            for target, takes in sorted(taking[key].items()):
                field = _meeting_key(sorted({e.key for e in gives}), {e.key for e in takes}, held)
                if source != target and field and (source, target) not in out:
                    out[(source, target)] = HandOff(
                        source, target, field.partition(":")[2],
                        gives[0].via, min(e.line for e in gives), min(e.line for e in takes),
                        len(gives))
    return out


def _meeting_key(gives: list[str], takes: set[str], held: dict[str, set[str]]) -> str:
    """The giver's key a hand-off goes by: the least the taker has too, else the least that
    meets one of the taker's, "" for none. Two fields of one key meet; a field meets a
    channel a function made (`fn#name`) that it holds; two channels that two functions made
    never meet, though one field may hold either."""
    def meet(give: str, take: str) -> bool:
        field_give, field_take = give.startswith("field:"), take.startswith("field:")
        if field_give and field_take:
            return True
        if field_give != field_take:
            field, made = (give, take) if field_give else (take, give)
            return field in held.get(made, ())
        return False

    for key in gives:
        if key in takes:
            return key
    for key in gives:
        if any(meet(key, take) for take in sorted(takes)):
            return key
    return ""


def index_handoffs(db: Path, scope: tuple[str, ...] = (), goos: str = "linux",
                   goarch: str = "amd64") -> dict[tuple[str, str], HandOff]:
    """(source, target) -> the index's HANDS_OFF edge, for both ends declared in a non-test
    file of the scope that goos/goarch builds (the oracle reads the ends of the scope only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        kept = reported(conn, scope, goos, goarch)
        out: dict[tuple[str, str], HandOff] = {}
        for row in conn.execute(
                "SELECT source, target, json_extract(attrs, '$.field'), "
                "json_extract(attrs, '$.via'), json_extract(attrs, '$.line'), "
                "json_extract(attrs, '$.to_line'), json_extract(attrs, '$.count') "
                "FROM edges WHERE kind = 'HANDS_OFF'"):
            if kept(row[0]) and kept(row[1]):
                out[(row[0], row[1])] = HandOff(*row)
        return out
    finally:
        conn.close()


def score(expected: dict[tuple[str, str], HandOff], ours: dict[tuple[str, str], HandOff]
          ) -> Score:
    """Recall and precision over (source, target, field) triples."""
    theirs = {h.triple for h in expected.values()}
    have = {h.triple for h in ours.values()}
    return Score(len(theirs), len(theirs & have), len(have), len(have & theirs),
                 tuple(sorted(theirs - have)), tuple(sorted(have - theirs)))


def difference(expected: dict[tuple[str, str], HandOff], ours: dict[tuple[str, str], HandOff]
               ) -> str:
    """The edges only one side has (or has with other attributes), one a line."""
    lines = [f"- oracle only: {expected[p]}" for p in sorted(expected) if expected[p] != ours.get(p)]
    lines += [f"+ index only: {ours[p]}" for p in sorted(ours) if ours[p] != expected.get(p)]
    return "\n".join(lines)


def render(s: Score) -> str:
    return "\n".join(["| measure | oracle | index | agreed | share |", "|---|---|---|---|---|",
                      f"| recall | {s.expected} | {s.ours} | {s.found} | {s.recall:.1f} % |",
                      f"| precision | {s.expected} | {s.ours} | {s.confirmed} | "
                      f"{s.precision:.1f} % |"])
