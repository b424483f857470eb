"""Benchmark the Neo4j store on a real Kubernetes index: full graph load time and entities per
second for several batch sizes, then p50/p95 latency of each query-API question on both stores
(SQLite file and Neo4j server), checking on the way that both give the same answer.

    kubeatlas index /path/to/kubernetes --db /tmp/k8s.sqlite
    kubeatlas neo4j start            # or set NEO4J_URI / NEO4J_PASSWORD
    python bench/neo4j_load.py --db /tmp/k8s.sqlite [--batch-sizes 5000,10000,20000] [--repeat 30]

Targets (issue 4): load <= 60 s; p95 <= 100 ms on Neo4j and <= 50 ms on SQLite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.neo4j.connection import connect
from kubeatlas.graph.store.neo4j.load import delete_tree, load_index
from kubeatlas.graph.store.neo4j.reader import Neo4jReader
from kubeatlas.graph.store.sqlite.reader import SqliteReader

K = "k8s.io/kubernetes/pkg/kubelet"
SYNC_POD = f"method:{K}/kuberuntime.(*kubeGenericRuntimeManager).SyncPod"
RUN_SANDBOX = f"method:{K}/cri/remote.(*remoteRuntimeService).RunPodSandbox"
# (name, level, question): level "role/package" questions carry the latency targets
QUESTIONS = [
    ("resolve pkg/kubelet", "package", lambda a: a.resolve("pkg/kubelet")),
    ("deps kubelet", "package", lambda a: a.deps(f"pkg:{K}")),
    ("deps kubelet depth 2 linux/amd64", "package",
     lambda a: a.deps(f"pkg:{K}", depth=2, goos="linux", goarch="amd64")),
    ("dependents core/v1", "package", lambda a: a.deps("pkg:k8s.io/api/core/v1", reverse=True)),
    ("path cmd/kubelet -> cri-api", "package", lambda a: a.shortest_path(
        "pkg:k8s.io/kubernetes/cmd/kubelet", "pkg:k8s.io/cri-api/pkg/apis")),
    ("roles", "role", lambda a: a.roles()),
    ("role summary kubelet", "role", lambda a: a.role_summary("role:kubelet")),
    ("role summary kube-apiserver", "role", lambda a: a.role_summary("role:kube-apiserver")),
    ("path role kubectl -> etcd", "role", lambda a: a.shortest_path("role:kubectl",
                                                                    "role:etcd-storage")),
    ("implementers RuntimeService", "type",
     lambda a: a.implementers("type:k8s.io/cri-api/pkg/apis.RuntimeService")),
    ("interfaces of remoteRuntimeService", "type",
     lambda a: a.interfaces_of(f"type:{K}/cri/remote.remoteRuntimeService")),
    ("kind summary Deployment", "type", lambda a: a.kind_summary("kind:apps/v1.Deployment")),
    ("callers RunPodSandbox", "function", lambda a: a.callers(RUN_SANDBOX)),
    ("callees SyncPod", "function", lambda a: a.callees(SYNC_POD)),
    ("path SyncPod -> RunPodSandbox", "function", lambda a: a.shortest_path(SYNC_POD,
                                                                            RUN_SANDBOX)),
    ("find SyncPod", "search", lambda a: a.find("SyncPod")),
    ("find 'Po' types", "search", lambda a: a.find("Po", [NodeKind.TYPE])),
    ("stats", "summary", lambda a: a.stats()),
]


def bench_loads(store, db: Path, tree: str, batch_sizes: list[int]) -> list[dict]:
    rows = []
    for batch in batch_sizes:
        delete_began = time.perf_counter()
        delete_tree(store, tree)
        deleted = time.perf_counter() - delete_began
        summary = load_index(store, db, tree=tree, batch_size=batch)
        load = summary.phases["nodes"] + summary.phases["edges"]
        rows.append({"batch_size": batch, "nodes": summary.nodes, "edges": summary.edges,
                     "load_s": round(summary.seconds, 2), "nodes_s": summary.phases["nodes"],
                     "edges_s": summary.phases["edges"], "delete_before_s": round(deleted, 2),
                     "entities_per_s": round((summary.nodes + summary.edges) / load)})
        print(f"batch {batch:>6}: load {summary.seconds:6.2f} s (nodes {summary.phases['nodes']:.2f}"
              f" s, edges {summary.phases['edges']:.2f} s), "
              f"{rows[-1]['entities_per_s']:,} entities/s; delete of the previous copy "
              f"{deleted:.2f} s", flush=True)
    return rows


def bench_queries(sqlite_atlas: Atlas, neo4j_atlas: Atlas, repeat: int) -> list[dict]:
    rows = []
    for name, level, question in QUESTIONS:
        answers = {}
        figures = {}
        for store_name, atlas in (("sqlite", sqlite_atlas), ("neo4j", neo4j_atlas)):
            answers[store_name] = _answer(question, atlas)
            for _ in range(3):  # warm caches and query plans
                _answer(question, atlas)
            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                _answer(question, atlas)
                times.append((time.perf_counter() - began) * 1000)
            times.sort()
            figures[store_name] = (statistics.median(times),
                                   times[max(0, round(0.95 * len(times)) - 1)])
        same = answers["sqlite"] == answers["neo4j"]
        rows.append({"question": name, "level": level, "same_answer": same,
                     "sqlite_p50_ms": round(figures["sqlite"][0], 2),
                     "sqlite_p95_ms": round(figures["sqlite"][1], 2),
                     "neo4j_p50_ms": round(figures["neo4j"][0], 2),
                     "neo4j_p95_ms": round(figures["neo4j"][1], 2)})
        print(f"{name:<36} {level:<8} sqlite p50 {figures['sqlite'][0]:7.2f} p95 "
              f"{figures['sqlite'][1]:7.2f} | neo4j p50 {figures['neo4j'][0]:7.2f} p95 "
              f"{figures['neo4j'][1]:7.2f} ms  {'same' if same else 'DIFFERENT'}", flush=True)
    return rows


def _answer(question, atlas):
    try:
        return question(atlas)
    except Exception as exc:
        return (type(exc).__name__, str(exc))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="index of a real tree")
    parser.add_argument("--neo4j", default=None, help="URI (default: NEO4J_URI or local)")
    parser.add_argument("--tree", default="bench", help="tree name used on the server")
    parser.add_argument("--batch-sizes", default="2000,5000,10000,20000")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per question")
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    parser.add_argument("--keep", action="store_true", help="leave the tree on the server")
    args = parser.parse_args()
    store = connect(args.neo4j)
    print(f"Neo4j {store.server_version} at {store.uri}; index {args.db}", flush=True)
    loads = bench_loads(store, args.db, args.tree, [int(b) for b in args.batch_sizes.split(",")])
    queries = bench_queries(Atlas(SqliteReader(args.db)), Atlas(Neo4jReader(store, args.tree)),
                            args.repeat)
    best = min(loads, key=lambda r: r["load_s"])
    print(f"\nbest batch size {best['batch_size']}: full load {best['load_s']} s, "
          f"{best['entities_per_s']:,} entities/s (target <= 60 s)")
    slow = [q["question"] for q in queries if q["level"] in ("role", "package")
            and (q["neo4j_p95_ms"] > 100 or q["sqlite_p95_ms"] > 50)]
    print("role/package questions over target: " + (", ".join(slow) or "none"))
    print("answers differ: " + (", ".join(q["question"] for q in queries
                                          if not q["same_answer"]) or "none"))
    if args.json:
        args.json.write_text(json.dumps({"loads": loads, "queries": queries}, indent=2))
    if not args.keep:
        delete_tree(store, args.tree)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
