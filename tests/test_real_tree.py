"""Checks on a real Kubernetes tree (KUBEATLAS_K8S_ROOT): the kubelet -> CRI chain, known
interface implementations, the role map, API kinds and every minik8s link."""

from __future__ import annotations

import pytest

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.errors import DirectoryOnly, NodeNotFound
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.knowledge.illustrations import load_links
from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.query.meeting import meeting
from kubeatlas.graph.store.sqlite.reader import SqliteReader

pytestmark = pytest.mark.k8s
K = "k8s.io/kubernetes/pkg"


@pytest.fixture(scope="module")
def atlas(k8s_root, tmp_path_factory) -> Atlas:
    db = tmp_path_factory.mktemp("real") / "k8s.sqlite"
    index_tree(describe_checkout(k8s_root), db, jobs=2, max_file_bytes=64 << 20,
               stages=default_stages())
    return Atlas(SqliteReader(db))


def test_kubelet_reaches_cri_run_pod_sandbox(atlas):
    chain = atlas.shortest_path(
        atlas.resolve("kuberuntime.(*kubeGenericRuntimeManager).SyncPod"),
        "method:k8s.io/kubernetes/pkg/kubelet/cri/remote.(*remoteRuntimeService).RunPodSandbox")
    assert chain is not None
    assert "method:k8s.io/cri-api/pkg/apis.(RuntimeService).RunPodSandbox" in chain \
        or "method:k8s.io/cri-api/pkg/apis.(PodSandboxManager).RunPodSandbox" in chain


def test_a_learner_walks_from_a_binary_to_its_main_loop_and_on_to_the_cri(atlas):
    """`path cmd/kubelet syncLoop` (package -> code) starts at main; `path syncLoop cri`
    (code -> role) ends in CRI code without passing a fake."""
    loop = f"method:{K}/kubelet.(*Kubelet).syncLoop"
    start = atlas.shortest_chain("pkg:k8s.io/kubernetes/cmd/kubelet", loop)
    assert start is not None
    assert (start[1].kind, start[1].id) == ("contains", "func:k8s.io/kubernetes/cmd/kubelet.main")
    assert start[-1].id == loop and len(start) <= 12
    cri = atlas.shortest_chain(loop, "role:cri")
    assert cri is not None and cri[-1].id == "role:cri" and cri[-1].kind == "in"
    inside = [h.id for h in cri[1:-1]]
    assert not any(n.attrs.get("test_helper") for n in atlas.reader.get_nodes(inside).values())


def test_functions_kept_in_fields_are_followed_to_their_callers(atlas):
    """kube-proxy's BoundedFrequencyRunner calls the syncProxyRules its constructor was given
    (handed on to construct, stored in fn); the informer's processLoop passes on the
    HandleDeltas its Config.Process holds."""
    sync = f"method:{K}/proxy/iptables.(*Proxier).syncProxyRules"
    stored = {e.source: e.attrs.get("field") for e in atlas.callers(sync)
              if e.attrs.get("via") == "stored"}
    assert stored.get(f"method:{K}/util/async.(*BoundedFrequencyRunner).tryRun") == \
        f"{K}/util/async.BoundedFrequencyRunner.fn"
    cache = "k8s.io/client-go/tools/cache"
    passed = [e for e in atlas.reader.edges_from([f"method:{cache}.(*controller).processLoop"],
                                                 ["REFERENCES"])
              if e.target == f"method:{cache}.(*sharedIndexInformer).HandleDeltas"]
    assert passed and passed[0].attrs["via"] == "stored"
    assert passed[0].attrs["field"] == f"{cache}.Config.Process"


def test_scheduler_plugin_registry_names_every_in_tree_plugin(atlas):
    """`NewInTreeRegistry` maps each plugin's name to its constructor (`selectorspread.Name:
    selectorspread.New`): every constructor is a function value of it, as go/types says."""
    registry = f"func:{K}/scheduler/framework/plugins.NewInTreeRegistry"
    values = {e.target for e in atlas.callees(registry) if e.kind == "REFERENCES"}
    for plugin in ("defaultbinder", "imagelocality", "interpodaffinity", "nodeaffinity",
                   "queuesort", "selectorspread", "tainttoleration", "volumezone"):
        assert f"func:{K}/scheduler/framework/plugins/{plugin}.New" in values
    assert len(values) >= 24


def test_platform_view_follows_the_windows_bodies(atlas):
    """cadvisor.New is written per OS: its windows body makes the perf counter client, so
    the kubelet's run reaches it on windows/amd64 only; the linux view is the default."""
    from kubeatlas.graph.query.platform import Platform, PlatformView

    windows = Atlas(PlatformView(atlas.reader, Platform("windows", "amd64")))
    new, client = f"func:{K}/kubelet/cadvisor.New", f"func:{K}/kubelet/winstats.NewPerfCounterClient"
    assert client not in {e.target for e in atlas.callees(new)}
    assert client in {e.target for e in windows.callees(new)}
    assert windows.node(new).attrs["file"] == "pkg/kubelet/cadvisor/cadvisor_windows.go"
    run = "func:k8s.io/kubernetes/cmd/kubelet/app.run"
    assert atlas.shortest_path(run, client) is None
    assert windows.shortest_path(run, client) == [run, new, client]


@pytest.mark.parametrize("interface, implementer, via_pointer", [
    ("k8s.io/cri-api/pkg/apis.RuntimeService", f"{K}/kubelet/cri/remote.remoteRuntimeService", True),
    ("k8s.io/cri-api/pkg/apis.ImageManagerService", f"{K}/kubelet/cri/remote.remoteImageService",
     True),
    (f"{K}/kubelet/container.Runtime", f"{K}/kubelet/kuberuntime.kubeGenericRuntimeManager", True),
    (f"{K}/scheduler/framework.FilterPlugin", f"{K}/scheduler/framework/plugins/noderesources.Fit",
     True),
    (f"{K}/scheduler/framework.ScorePlugin",
     f"{K}/scheduler/framework/plugins/imagelocality.ImageLocality", True),
    ("k8s.io/apiserver/pkg/storage.Interface", "k8s.io/apiserver/pkg/storage/etcd3.store", True),
    ("k8s.io/client-go/tools/cache.SharedIndexInformer",
     "k8s.io/client-go/tools/cache.sharedIndexInformer", True),
    (f"{K}/proxy.Provider", f"{K}/proxy/iptables.Proxier", True),
    ("k8s.io/apiserver/pkg/admission.MutationInterface",
     "k8s.io/kubernetes/plugin/pkg/admission/alwayspullimages.AlwaysPullImages", True),
    ("k8s.io/apimachinery/pkg/runtime.Object", "k8s.io/api/core/v1.Pod", True),
    (f"{K}/kubelet/cm/devicemanager.Manager", f"{K}/kubelet/cm/devicemanager.ManagerImpl", True),
    # methods promoted through an embedded *genericregistry.Store: the value type implements
    ("k8s.io/apiserver/pkg/registry/rest.Storage", f"{K}/registry/core/pod/storage.REST", False),
])
def test_known_implementations(atlas, interface, implementer, via_pointer):
    found = {e.source: e.attrs["via_pointer"] for e in atlas.implementers(f"type:{interface}")}
    assert found.get(f"type:{implementer}") is via_pointer


@pytest.mark.parametrize("role, package", [
    ("kubelet", f"{K}/kubelet/kuberuntime"), ("cri", f"{K}/kubelet/cri/remote"),
    ("cri", "k8s.io/cri-api/pkg/apis"), ("kube-scheduler", f"{K}/scheduler/framework"),
    ("kube-controller-manager", f"{K}/controller/deployment"),
    ("kube-apiserver", f"{K}/controlplane"), ("etcd-storage", "k8s.io/apiserver/pkg/storage/etcd3"),
    ("kube-proxy", f"{K}/proxy/iptables"), ("csi", f"{K}/volume/csi"),
    ("device-plugin", f"{K}/kubelet/cm/devicemanager"),
    ("informer-machinery", "k8s.io/client-go/tools/cache"),
])
def test_role_core_packages(atlas, role, package):
    assert f"pkg:{package}" in atlas.role_summary(f"role:{role}")["packages_by_path"]


def test_release_specific_roles(atlas):
    assert atlas.node("role:cri").attrs["variants"] == ["CRI v1"]
    for gone in ("cni", "dockershim"):
        attrs = atlas.node(f"role:{gone}").attrs
        assert attrs["present"] is False and "v1.24" in attrs["note"]
    assert atlas.node("role:oci-runtime").attrs["present"] is True  # runc's libcontainer


def test_kubelet_talks_to_and_depends_on_cri(atlas):
    card = atlas.role_summary("role:kubelet")
    assert "role:cri" in {d["role"] for d in card["depends_on"]}
    assert "role:cri" in {d["role"] for d in card["talks_to"]}


@pytest.mark.parametrize("kind, reconciler", [
    ("Deployment", "deployment"), ("ReplicaSet", "replicaset"), ("StatefulSet", "statefulset"),
    ("DaemonSet", "daemon"), ("Job", "job"), ("CronJob", "cronjob"),
    ("Endpoints", "endpoint"), ("EndpointSlice", "endpointslice"),
    ("HorizontalPodAutoscaler", "podautoscaler"), ("Node", "nodelifecycle"),
    ("PersistentVolume", "volume/persistentvolume"),
    ("Pod", None), ("Service", None), ("Secret", None), ("ConfigMap", None),
    ("PersistentVolumeClaim", None),
])
def test_api_kinds_and_their_code(atlas, kind, reconciler):
    kid = atlas.resolve(kind, [NodeKind.API_KIND])
    relations = atlas.kind_summary(kid)["relations"]
    kinds = {rel for rel, _, _ in relations}
    assert {"DEFINES_KIND", "STORES"} <= kinds
    assert any(detail == "internal" for rel, _, detail in relations if rel == "DEFINES_KIND")
    if reconciler:
        assert ("RECONCILES", f"pkg:{K}/controller/{reconciler}") in {
            (rel, node) for rel, node, _ in relations}


def test_every_minik8s_link_resolves(atlas):
    links, _ = load_links()
    if not links:
        pytest.skip("no data/minik8s_links.yaml")
    targets = [t for link in links for t in link.illustrates]
    missing = [t for t in targets if not atlas.reader.get_nodes([t])]
    assert targets and missing == []


def test_hand_offs_carry_a_controller_and_an_informer_past_their_queues(atlas):
    """`path addDeployment syncDeployment` goes through the work queue (enqueue hands off to
    processNextWorkItem); the informer's listener is fed through its channels (add → pop →
    run); kube-proxy's Sync wakes the runner's Loop through its `run` channel."""
    dc = f"method:{K}/controller/deployment.(*DeploymentController)"
    chain = atlas.shortest_chain(f"{dc}.addDeployment", f"{dc}.syncDeployment")
    assert chain is not None
    assert ("hand-off", f"{dc}.processNextWorkItem", "queue") in [(h.kind, h.id, h.via)
                                                                  for h in chain]
    cache = "method:k8s.io/client-go/tools/cache.(*processorListener)"
    feed = atlas.shortest_chain("func:k8s.io/client-go/tools/cache.processDeltas", f"{cache}.run")
    assert feed is not None and [(h.kind, h.id) for h in feed[-2:]] == [
        ("hand-off", f"{cache}.pop"), ("hand-off", f"{cache}.run")]
    runner = f"method:{K}/util/async.(*BoundedFrequencyRunner)"
    woken = {e.source: e.attrs for e in atlas.callers(f"{runner}.Loop") if e.kind == "HANDS_OFF"}
    assert woken[f"{runner}.Run"]["field"] == f"{K}/util/async.BoundedFrequencyRunner.run"


def test_condition_variables_wake_the_queues_of_the_scheduler_informer_and_watch_cache(atlas):
    """The scheduler's PriorityQueue.Add wakes Pop, DeltaFIFO's queueActionLocked wakes Pop,
    the watch cache's processEvent wakes waitUntilFreshAndBlock (all through a `cond` field);
    and `path addPodToSchedulingQueue scheduleOne` meets at PriorityQueue.Pop."""
    queue = f"method:{K}/scheduler/internal/queue.(*PriorityQueue)"
    fifo = "method:k8s.io/client-go/tools/cache.(*DeltaFIFO)"
    cacher = "method:k8s.io/apiserver/pkg/storage/cacher.(*watchCache)"
    for giver, taker in ((f"{queue}.Add", f"{queue}.Pop"),
                         (f"{fifo}.queueActionLocked", f"{fifo}.Pop"),
                         (f"{cacher}.processEvent", f"{cacher}.waitUntilFreshAndBlock")):
        woken = {e.source: e.attrs for e in atlas.callers(taker) if e.kind == "HANDS_OFF"}
        assert woken[giver]["via"] == "cond" and woken[giver]["field"].endswith(".cond"), woken
    sched = f"method:{K}/scheduler.(*Scheduler)"
    assert atlas.shortest_chain(f"{sched}.addPodToSchedulingQueue", f"{sched}.scheduleOne") is None
    met = meeting(atlas.reader, f"{sched}.addPodToSchedulingQueue", f"{sched}.scheduleOne")
    assert met is not None and met.at == f"{queue}.Pop"
    assert (met.given[-1].kind, met.given[-1].via) == ("hand-off", "cond")
    assert met.taken[0].id == f"{sched}.scheduleOne"


# the directories a reader of the seed blog post sees in `ls pkg/` and `ls staging/src/k8s.io/`
BLOG_DIRECTORIES = [f"pkg/{d}" for d in (
    "api", "apis", "auth", "capabilities", "client", "cloudprovider", "cluster", "controller",
    "controlplane", "credentialprovider", "features", "fieldpath", "generated", "kubeapiserver",
    "kubectl", "kubelet", "kubemark", "printers", "probe", "proxy", "quota", "registry", "routes",
    "scheduler", "security", "securitycontext", "serviceaccount", "util", "volume", "windows")] + [
    f"staging/src/k8s.io/{d}" for d in (
        "api", "apiextensions-apiserver", "apimachinery", "apiserver", "client-go", "cli-runtime",
        "cloud-provider", "cluster-bootstrap", "code-generator", "component-base",
        "component-helpers", "controller-manager", "cri-api", "csi-translation-lib",
        "dynamic-resource-allocation", "kms", "kube-aggregator", "kube-controller-manager",
        "kubectl", "kubelet", "kube-proxy", "kube-scheduler", "legacy-cloud-providers", "metrics",
        "mount-utils", "noderesourcetopology-api", "pod-security-admission", "sample-apiserver",
        "sample-cli-plugin", "sample-controller")]
ABSENT_IN_1_28 = {"staging/src/k8s.io/noderesourcetopology-api"}  # the blog's release had it


def test_every_directory_of_the_blog_listing_opens_its_package_or_those_under_it(atlas):
    """`pkg/util` and `pkg/client` hold only subpackages: they name those, never a vendored
    package whose path ends the same way (`k8s.io/kube-openapi/pkg/util`)."""
    own, under = [], {}
    for directory in BLOG_DIRECTORIES:
        if directory in ABSENT_IN_1_28:
            with pytest.raises(NodeNotFound) as missing:
                atlas.resolve(directory)
            assert not isinstance(missing.value, DirectoryOnly)
            continue
        try:
            pid = atlas.resolve(directory)
        except DirectoryOnly as exc:
            packages = exc.fields["packages"]
            assert packages and all(
                str(atlas.node(p).attrs["dir"]).startswith(directory + "/") for p in packages)
            under[directory] = len(packages)
            continue
        assert atlas.node(pid).attrs.get("dir") == directory, (directory, pid)
        own.append(directory)
    assert {"pkg/api", "pkg/apis", "pkg/auth", "pkg/client", "pkg/cluster", "pkg/quota",
            "pkg/util", "pkg/windows"} == set(under)
    assert under["pkg/util"] >= 20
    assert len(own) == len(BLOG_DIRECTORIES) - len(under) - len(ABSENT_IN_1_28)


@pytest.mark.parametrize("directory, some_entries", [
    ("cmd", {"cmd/kubelet", "cmd/kube-apiserver", "cmd/kubeadm", "cmd/kubectl"}),
    ("pkg", {"pkg/kubelet", "pkg/apis", "pkg/controller", "pkg/scheduler"}),
    ("staging", {"staging/src/k8s.io"}),
    ("staging/src/k8s.io", {"staging/src/k8s.io/client-go", "staging/src/k8s.io/apiserver"}),
    ("plugin", {"plugin/pkg"}),
])
def test_a_top_level_directory_opens_as_a_directory(atlas, directory, some_entries):
    """`deps cmd` said "'cmd' matches 3 nodes" (kubectl's pkg/cmd …) and `deps staging`
    "nothing named": the seed post's top-level directories are directories, listed."""
    with pytest.raises(DirectoryOnly) as raised:
        atlas.resolve(directory)
    assert some_entries <= set(raised.value.fields["entries"])


def test_the_kubelet_writes_pod_and_node_status_through_their_helpers(atlas):
    """The status manager patches a Pod through `statusutil.PatchPodStatus` (pkg/util/pod) and
    the kubelet patches its Node through component-helpers' `PatchNodeStatus`: both are the
    kubelet's writes, cited at its call of the helper, with the helper's own call of `Patch`."""
    from kubeatlas.graph.query.apiserver import kinds_used

    uses = {u.kind: u for u in kinds_used(atlas, atlas.role_summary("role:kubelet")["packages_by_path"])}
    pod = {(w.function, w.verb, w.via) for w in uses["kind:core/v1.Pod"].writes}
    assert (f"method:{K}/kubelet/status.(*manager).syncPod", "Patch",
            f"func:{K}/util/pod.PatchPodStatus") in pod
    node = {(w.function, w.verb, w.via) for w in uses["kind:core/v1.Node"].writes}
    assert (f"method:{K}/kubelet.(*Kubelet).patchNodeStatus", "Patch",
            "func:k8s.io/component-helpers/node/util.PatchNodeStatus") in node
    # creates first: the Node's registration, then its status patches
    assert uses["kind:core/v1.Node"].writes[0].verb == "Create"


def test_heartbeat_and_leader_leases_are_the_writes_of_the_roles_that_run_them(atlas):
    """v1.28.7: `(*Kubelet).Run` starts component-helpers' lease controller, which creates and
    renews the node's Lease (and the kubelet's event recorder creates Events through client-go's
    sink); the scheduler's `app.Run` runs client-go's leader elector, which
    creates and updates its Lease through `resourcelock.(*LeaseLock)`. The kubelet runs no
    leader election."""
    from kubeatlas.graph.query.apiserver import kinds_used

    def lease_writes(role: str) -> set[tuple[str, str, str]]:
        uses = kinds_used(atlas, atlas.role_summary(f"role:{role}")["packages_by_path"])
        return {(w.function, w.verb, w.writer) for u in uses
                if u.kind == "kind:coordination/v1.Lease" for w in u.writes}

    lease = "k8s.io/component-helpers/apimachinery/lease.(*controller)"
    kubelet = lease_writes("kubelet")
    assert {(f"method:{K}/kubelet.(*Kubelet).Run", "Create", f"method:{lease}.ensureLease"),
            (f"method:{K}/kubelet.(*Kubelet).Run", "Update", f"method:{lease}.retryUpdateLease")
            } <= kubelet
    assert not [w for w in kubelet if "leaderelection" in w[2]]
    events = {(w.verb, w.writer) for u in kinds_used(atlas, atlas.role_summary("role:kubelet")[
        "packages_by_path"]) if u.kind == "kind:core/v1.Event" for w in u.writes}
    sink = "method:k8s.io/client-go/kubernetes/typed/core/v1.(*EventSinkImpl)"
    assert ("Create", f"{sink}.Create") in events  # the recorder's sink, which the kubelet starts
    lock = "k8s.io/client-go/tools/leaderelection/resourcelock.(*LeaseLock)"
    assert {("func:k8s.io/kubernetes/cmd/kube-scheduler/app.Run", "Create", f"method:{lock}.Create"),
            ("func:k8s.io/kubernetes/cmd/kube-scheduler/app.Run", "Update", f"method:{lock}.Update")
            } <= lease_writes("kube-scheduler")
