"""The narrated demo: create a Deployment and a Service, and print each step as it really happens.

Every line is a trace step emitted by the component that did the work, with the graph id
of the real Kubernetes function it mirrors, in the order of the real flow: client create
-> apiserver admission -> etcd3 store -> deployment controller -> replicaset controller
-> scheduler (filter, score, assume, bind) -> kubelet (SyncPod, RunPodSandbox with CNI,
PullImage, CreateContainer, StartContainer) -> status -> endpoints -> kube-proxy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from kubeatlas.minik8s.cluster import Cluster, ClusterConfig
from kubeatlas.minik8s.printers import table
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.trace import Step
from kubeatlas.minik8s.wait import poll

DEPLOYMENT = for_kind("apps/v1", "Deployment")
SERVICE = for_kind("v1", "Service")
POD = for_kind("v1", "Pod")
CLIENT_CREATE = "method:k8s.io/client-go/kubernetes/typed/apps/v1.(*deployments).Create"
CHAPTERS = {
    "client": "the client: what `kubectl create` sends",
    "apiserver": "kube-apiserver: handle the request, admit it, store it in etcd",
    "deployment-controller": "kube-controller-manager: the Deployment controller",
    "replicaset-controller": "kube-controller-manager: the ReplicaSet controller",
    "scheduler": "kube-scheduler: find a node for each pod",
    "kubelet": "kubelet: make the node run what is bound to it, through CRI",
    "endpoints-controller": "kube-controller-manager: the Endpoints controller",
    "kube-proxy": "kube-proxy: program the Service's virtual IP",
    "node-ipam-controller": "kube-controller-manager: node IPAM",
}


class Narrator:
    """Prints trace steps as they arrive, numbered, with the real function under each."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.steps: list[Step] = []
        self._lock = threading.Lock()
        self._chapter = ""
        self.quiet = True

    def __call__(self, step: Step) -> None:
        with self._lock:
            if self.quiet:
                return
            self.steps.append(step)
            chapter = step.component.split("/")[0]
            if chapter != self._chapter:
                self._chapter = chapter
                self.echo(f"\n== {CHAPTERS.get(chapter, chapter)}")
            self.echo(f"{len(self.steps):3}. [{step.component}] {step.action}: {step.detail}")
            self.echo(f"       mirrors {step.mirrors}")


def run_demo(*, replicas: int = 2, runtime: str = "sim", echo: Callable[[str], None] = print,
             timeout: float = 30.0) -> list[Step]:
    narrator = Narrator(echo)
    config = ClusterConfig(nodes=2, runtime=runtime, record_events=False).fast()
    cluster = Cluster(config, trace=narrator).start()
    try:
        client = cluster.client("demo")
        poll(lambda: all(n.runtime.network for n in cluster.kubelets.values()), 10)
        echo(f"minik8s demo: 2 nodes ({runtime} runtime), apiserver at {cluster.url}")
        echo("Creating Deployment 'hello' with "
             f"{replicas} replica(s), then Service 'hello'. Each step names the real code it mirrors.")
        narrator.quiet = False
        narrator(Step("client", "POST /apis/apps/v1/namespaces/default/deployments", CLIENT_CREATE,
                      "like `kubectl create deployment hello --image=hello:1.0`"))
        labels = {"app": "hello"}
        client.create(DEPLOYMENT, "default", {
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "hello"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "hello", "image": "hello:1.0",
                                                           "command": ["sleep", "30"],
                                                           "ports": [{"containerPort": 8080}]}]}}}})
        available = poll(lambda: (client.get(DEPLOYMENT, "default", "hello").get("status") or {})
                          .get("availableReplicas") == replicas, timeout)
        client.create(SERVICE, "default", {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "hello"},
            "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": 8080}]}})
        poll(lambda: any(b for b in cluster.proxy.table.values()), 10)
        time.sleep(0.3)
        narrator.quiet = True
        pods = client.list(POD, "default", label_selector="app=hello")[0]
        echo("\n== result (kubeatlas mini get pods -o wide)")
        echo(table("Pod", pods, wide=True))
        echo("\n== kube-proxy's rules for the Service (iptables-save -t nat)")
        echo(cluster.proxy.render().rstrip())
        distinct = sorted({s.mirrors for s in narrator.steps})
        echo(f"\n{len(narrator.steps)} steps, {len(distinct)} distinct real functions; "
             f"Deployment {'available' if available else 'NOT available in time'}.")
        return narrator.steps
    finally:
        cluster.stop()
