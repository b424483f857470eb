"""Benchmark minik8s: how many pods per second get scheduled and reach Running.

    python bench/mini.py [--pods 1000] [--nodes 20] [--clients 4] [--no-events] [--deployment]

Starts a whole cluster in this process (apiserver, controller-manager, scheduler, N
kubelets with the simulated CRI runtime, kube-proxy), creates the pods through the REST
API from several client threads (or one Deployment with --deployment, which adds the
ReplicaSet controller's slow-start batches), timestamps each pod where it happens (the
scheduler's bind returning, the kubelet writing phase Running, through the components'
trace hook), and prints: throughput of binding and of Running, latency percentiles from
create to bound and to Running, store writes per pod, process CPU against wall time,
context switches, and CPU seconds per component (live threads, from /proc).

What limits it: one CPython process. Every component runs on threads of the same
interpreter, so all of it shares one GIL: process CPU sits at ~1.0 core of the 2 while
throughput stays flat whatever the client concurrency. The work per pod is ~15 HTTP
round trips between threads (create, watch deliveries to scheduler / controllers / the
node's kubelet, bind, status patch, events), each a JSON encode + decode and several GIL
handoffs (~250 context switches per pod). Real Kubernetes runs these as separate
processes on many cores (and kube-apiserver serves watches from one decoded watch cache).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.controllermanager import ControllerSettings
from kubeatlas.minik8s.kubelet import KubeletSettings
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Step
from kubeatlas.minik8s.wait import wait_for

POD = for_kind("v1", "Pod")
DEPLOYMENT = for_kind("apps/v1", "Deployment")
COMPONENTS = [  # thread-name pattern -> component
    (r"process_request_thread|apiserver", "apiserver (HTTP, JSON, store)"),
    (r"^scheduler", "scheduler"),
    (r"podworker|pleg|^resync-node|lease-|nodestatus|listandwatch", "kubelets"),
    (r"controller|garbage|^reflector|^resync|^events", "controllers, reflectors, events"),
    (r"kube-proxy", "kube-proxy"),
    (r"MainThread|bench", "benchmark client"),
]


def cpu_by_thread() -> dict[int, float]:
    """CPU seconds per native thread id, from /proc/self/task/*/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    result = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        result[int(task.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return result


def component_cpu(before: dict[int, float]) -> dict[str, float]:
    names = {t.native_id: t.name for t in threading.enumerate()}
    totals: dict[str, float] = defaultdict(float)
    for tid, seconds in cpu_by_thread().items():
        name = names.get(tid, "exited threads")
        used = seconds - before.get(tid, 0.0)
        for pattern, component in COMPONENTS:
            if re.search(pattern, name):
                totals[component] += used
                break
        else:
            totals["other"] += used
    return dict(totals)


def pod(i: int) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"bench-{i:05d}", "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "app", "image": "bench:1",
                                     "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]}}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--no-events", action="store_true", help="do not write Events")
    parser.add_argument("--deployment", action="store_true", help="one Deployment instead of bare pods")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    config = ClusterConfig(nodes=args.nodes, record_events=not args.no_events,
                           kubelet=KubeletSettings(capacity={"cpu": "64", "memory": "256Gi", "pods": "500"}),
                           controllers=ControllerSettings(workers=4))
    started = time.perf_counter()
    tracer: list = []
    cluster = Cluster(config, trace=lambda step: tracer[0](step) if tracer else None).start()
    client = cluster.client("bench")
    wait_for(lambda: all(k.runtime.network is not None for k in cluster.kubelets.values()), 60, "pod networks")
    print(f"cluster up: {args.nodes} nodes in {time.perf_counter() - started:.2f}s; "
          f"{args.pods} pods, {args.clients} client threads, events {'off' if args.no_events else 'on'}")

    created_at: dict[str, float] = {}
    bound_at: dict[str, float] = {}
    running_at: dict[str, float] = {}
    done = threading.Event()

    def record(step: Step) -> None:
        """Component-side timestamps: when the scheduler's bind returned, when a kubelet wrote Running."""
        now = time.perf_counter()
        name = step.detail.split(" ", 1)[0].split("/")[-1].rstrip(":")
        if step.action == "bind pod":
            bound_at.setdefault(name, now)
        elif step.action == "update pod status" and step.detail.endswith("-> Running"):
            running_at.setdefault(name, now)
            if len(running_at) >= args.pods:
                done.set()
    tracer.append(record)

    time.sleep(0.2)
    revision0 = cluster.store.revision
    cpu0 = cpu_by_thread()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    if args.deployment:
        client.create(DEPLOYMENT, "default", {
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bench"},
            "spec": {"replicas": args.pods, "selector": {"matchLabels": {"app": "bench"}},
                     "template": {"metadata": {"labels": {"app": "bench"}}, "spec": pod(0)["spec"]}}})
        created = t0
    else:
        def creator(offset: int) -> None:
            mine = cluster.client("bench")
            for i in range(offset, args.pods, args.clients):
                created_at[f"bench-{i:05d}"] = time.perf_counter()
                mine.create(POD, "default", pod(i))
        threads = [threading.Thread(target=creator, args=(i,), name=f"bench-{i}") for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        created = time.perf_counter()
    done.wait(args.timeout)
    elapsed = time.perf_counter() - t0
    cpu = component_cpu(cpu0)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    process_cpu = (usage.ru_utime - usage0.ru_utime) + (usage.ru_stime - usage0.ru_stime)
    switches = (usage.ru_nvcsw - usage0.ru_nvcsw) + (usage.ru_nivcsw - usage0.ru_nivcsw)
    writes = cluster.store.revision - revision0
    cluster.stop()

    bound_total = max(bound_at.values(), default=t0) - t0
    running_total = max(running_at.values(), default=t0) - t0
    to_bound = [bound_at[n] - created_at.get(n, t0) for n in bound_at]  # Deployment pods: from t0
    to_running = [running_at[n] - created_at.get(n, t0) for n in running_at]
    if not args.deployment:
        print(f"\n{'pods created':28} {len(created_at):6d}   in {created - t0:6.2f}s "
              f"({len(created_at) / max(created - t0, 1e-9):7.1f}/s)")
    print(f"{'pods scheduled (bound)':28} {len(bound_at):6d}   in {bound_total:6.2f}s "
          f"({len(bound_at) / max(bound_total, 1e-9):7.1f}/s)")
    print(f"{'pods Running':28} {len(running_at):6d}   in {running_total:6.2f}s "
          f"({len(running_at) / max(running_total, 1e-9):7.1f}/s)")
    print(f"{'create -> bound latency':28} p50 {statistics.median(to_bound):.3f}s  "
          f"p99 {percentile(to_bound, 0.99):.3f}s")
    print(f"{'create -> Running latency':28} p50 {statistics.median(to_running):.3f}s  "
          f"p99 {percentile(to_running, 0.99):.3f}s")
    print(f"{'store writes':28} {writes:6d}   ({writes / max(len(running_at), 1):.1f} per pod)")
    total_cpu = sum(cpu.values())
    print(f"{'process CPU seconds':28} {process_cpu:6.2f}   over {elapsed:.2f}s wall "
          f"({process_cpu / elapsed:.2f} of {os.cpu_count()} cores), {switches} context switches "
          f"({switches / max(len(running_at), 1):.0f} per pod), {threading.active_count()} threads")
    print(f"{'CPU by live thread':28} {total_cpu:6.2f}")
    for component, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
        print(f"  {component:34} {seconds:6.2f}s  {100 * seconds / max(total_cpu, 1e-9):5.1f}%")
    return 0 if len(running_at) == args.pods else 1


if __name__ == "__main__":
    sys.exit(main())
