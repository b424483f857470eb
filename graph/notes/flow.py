"""The Deployment-creation flow as the architecture diagrams draw it (kubectl -> apiserver -> etcd
-> controllers -> scheduler -> kubelet -> CRI): steps, each with the code anchors that carry it.
An anchor lists node ids across releases; the first one the index holds is cited."""

from __future__ import annotations

from dataclasses import dataclass

K = "k8s.io/kubernetes/pkg"


@dataclass(frozen=True, slots=True)
class FlowStep:
    role: str
    title: str
    text: str
    anchors: tuple[tuple[str, ...], ...]


DEPLOYMENT_FLOW = (
    FlowStep("kubectl", "kubectl sends the Deployment",
             "`kubectl create -f deployment.yaml` builds the object from the file and POSTs it "
             "to the apiserver through cli-runtime's REST helper.",
             (("func:k8s.io/kubectl/pkg/cmd/create.NewCmdCreate",
               f"func:{K}/kubectl/cmd/create.NewCmdCreate"),
              ("method:k8s.io/kubectl/pkg/cmd/create.(*CreateOptions).RunCreate",
               f"method:{K}/kubectl/cmd/create.(*CreateOptions).RunCreate"),
              ("method:k8s.io/cli-runtime/pkg/resource.(*Helper).Create",
               f"method:{K}/kubectl/resource.(*Helper).Create"))),
    FlowStep("kube-apiserver", "the apiserver admits and stores it",
             "The generic REST handler decodes the request, runs the admission chain (mutating, "
             "then validating) and hands the object to the registry store for its resource.",
             (("func:k8s.io/apiserver/pkg/endpoints/handlers.createHandler",),
              ("type:k8s.io/apiserver/pkg/admission.Interface",),
              ("method:k8s.io/apiserver/pkg/registry/generic/registry.(*Store).Create",))),
    FlowStep("etcd-storage", "etcd persists it and the watch fans out",
             "The storage layer writes the encoded object to etcd v3 in a transaction; the etcd "
             "revision becomes the resourceVersion, and the watch cache streams the event to "
             "every watcher.",
             (("method:k8s.io/apiserver/pkg/storage/etcd3.(*store).Create",),
              ("type:k8s.io/apiserver/pkg/storage/cacher.Cacher",
               "type:k8s.io/apiserver/pkg/storage.Cacher"))),
    FlowStep("kube-controller-manager", "controllers create a ReplicaSet, then Pods",
             "The Deployment controller, woken by its informer, creates a ReplicaSet for the "
             "new template; the ReplicaSet controller then creates the missing Pods.",
             ((f"method:{K}/controller/deployment.(*DeploymentController).syncDeployment",),
              (f"method:{K}/controller/deployment.(*DeploymentController).getNewReplicaSet",),
              (f"method:{K}/controller/replicaset.(*ReplicaSetController).syncReplicaSet",),
              (f"method:{K}/controller/replicaset.(*ReplicaSetController).manageReplicas",),
              (f"method:{K}/controller.(RealPodControl).CreatePods",
               f"method:{K}/controller.(RealPodControl).CreatePodsWithControllerRef"))),
    FlowStep("kube-scheduler", "the scheduler binds each Pod to a node",
             "The scheduler pops an unscheduled Pod, runs the framework's filter and score "
             "plugins to pick a node, and writes the Binding back to the apiserver.",
             ((f"method:{K}/scheduler.(*Scheduler).scheduleOne",),
              (f"method:{K}/scheduler.(*Scheduler).schedulePod",
               f"method:{K}/scheduler/core.(*genericScheduler).Schedule"),
              (f"method:{K}/scheduler.(*Scheduler).bind",),
              (f"method:{K}/scheduler/framework/plugins/defaultbinder.(DefaultBinder).Bind",))),
    FlowStep("kubelet", "the kubelet on that node syncs the Pod",
             "The kubelet's sync loop sees the Pod bound to its node, hands it to a pod worker, "
             "and SyncPod asks the container runtime manager to make it real.",
             ((f"method:{K}/kubelet.(*Kubelet).syncLoop",),
              (f"method:{K}/kubelet.(*Kubelet).HandlePodAdditions",),
              (f"method:{K}/kubelet.(*podWorkers).UpdatePod",),
              (f"method:{K}/kubelet.(*Kubelet).SyncPod", f"method:{K}/kubelet.(*Kubelet).syncPod"),
              (f"method:{K}/kubelet/kuberuntime.(*kubeGenericRuntimeManager).SyncPod",))),
    FlowStep("cri", "the runtime starts the sandbox and containers over CRI",
             "kuberuntime creates the pod sandbox and its containers through CRI gRPC calls; "
             "the runtime (containerd, CRI-O) sets up the network with CNI and runs them with "
             "an OCI runtime.",
             ((f"method:{K}/kubelet/kuberuntime.(*kubeGenericRuntimeManager).createPodSandbox",),
              ("method:k8s.io/cri-api/pkg/apis.(PodSandboxManager).RunPodSandbox",
               f"method:{K}/kubelet/apis/cri.(PodSandboxManager).RunPodSandbox"),
              (f"method:{K}/kubelet/cri/remote.(*remoteRuntimeService).RunPodSandbox",
               f"method:{K}/kubelet/remote.(*remoteRuntimeService).RunPodSandbox"))),
)
