"""Schemas of the core/v1 kinds: Pod (and its spec's parts), Service, Node, Namespace, Endpoints, Event, and more.

Mirrors k8s.io/api/core/v1 types.go: the fields, and the markers that drive patching and apply
(`patchStrategy:"merge" patchMergeKey:"name"` on containers, env, volumes;
`+listType=map +listMapKey=containerPort +listMapKey=protocol` on ports; tolerations atomic).
Adding a kind is a `define(...)` of its spec and a `define_kind(...)` line (which adds its List).
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import (
    META,
    any_value,
    array,
    boolean,
    define,
    define_kind,
    int_or_string,
    integer,
    kind,
    quantity_map,
    ref,
    string,
    string_map,
    strings,
    struct,
    time,
)

V1 = "io.k8s.api.core.v1."
MERGE_RETAIN = "merge,retainKeys"

define(V1 + "ContainerPort", struct("ContainerPort is a network port in a single container.", {
    "name": string("An IANA_SVC_NAME for the port, unique within the pod."),
    "containerPort": integer("Port number on the pod's IP address (1-65535)."),
    "hostPort": integer("Port number on the host, if any."),
    "hostIP": string("Host IP to bind the external port to."),
    "protocol": string("UDP, TCP or SCTP. Defaults to TCP.", enum=("SCTP", "TCP", "UDP")),
}, required=("containerPort",)))

define(V1 + "EnvVar", struct("EnvVar is an environment variable present in a container.", {
    "name": string("Name of the environment variable."),
    "value": string("Value, with $(VAR_NAME) references expanded."),
    "valueFrom": struct("Source for the variable's value.", {
        "fieldRef": any_value("Selects a field of the pod."),
        "resourceFieldRef": any_value("Selects a resource of the container."),
        "configMapKeyRef": any_value("Selects a key of a ConfigMap."),
        "secretKeyRef": any_value("Selects a key of a secret."),
    }),
}, required=("name",)))

define(V1 + "VolumeMount", struct("VolumeMount describes a mounting of a Volume within a container.", {
    "name": string("Must match the name of a volume."),
    "mountPath": string("Path within the container at which the volume is mounted."),
    "subPath": string("Path within the volume to mount instead of its root."),
    "readOnly": boolean("Mounted read-only if true."),
    "mountPropagation": string("How mounts are propagated from the host to the container and back."),
}, required=("name", "mountPath")))

define(V1 + "ResourceRequirements", struct("ResourceRequirements describes the compute resource requirements.", {
    "limits": quantity_map("Maximum amount of compute resources allowed."),
    "requests": quantity_map("Minimum amount of compute resources required."),
    "claims": any_value("Dynamic resource claims used by this container."),
}))

define(V1 + "Probe", struct("Probe describes a health check to be performed against a container to determine "
                             "whether it is alive or ready to receive traffic.", {
    "exec": struct("ExecAction describes a \"run in container\" action.", {
        "command": strings("Command line to execute inside the container; exit status 0 is healthy."),
    }),
    "httpGet": struct("HTTPGetAction describes an action based on HTTP Get requests.", {
        "path": string("Path to access on the HTTP server."),
        "port": int_or_string("Name or number of the port to access on the container."),
        "host": string("Host name to connect to, defaults to the pod IP."),
        "scheme": string("Scheme to use for connecting to the host. Defaults to HTTP.", enum=("HTTP", "HTTPS")),
        "httpHeaders": array(struct("HTTPHeader describes a custom header to be used in HTTP probes", {
            "name": string("The header field name."),
            "value": string("The header field value."),
        }, required=("name", "value")), "Custom headers to set in the request."),
    }, required=("port",)),
    "tcpSocket": struct("TCPSocketAction describes an action based on opening a socket.", {
        "port": int_or_string("Number or name of the port to access on the container."),
        "host": string("Optional: Host name to connect to, defaults to the pod IP."),
    }, required=("port",)),
    "grpc": struct("GRPC specifies an action involving a GRPC port.", {
        "port": integer("Port number of the gRPC service."),
        "service": string("The name of the service to place in the gRPC HealthCheckRequest."),
    }, required=("port",)),
    "initialDelaySeconds": integer("Seconds after the container has started before probes are initiated."),
    "timeoutSeconds": integer("Seconds after which the probe times out. Defaults to 1 second."),
    "periodSeconds": integer("How often (in seconds) to perform the probe. Default to 10 seconds."),
    "successThreshold": integer("Minimum consecutive successes for the probe to be considered successful after "
                                "having failed. Defaults to 1; must be 1 for liveness and startup."),
    "failureThreshold": integer("Minimum consecutive failures for the probe to be considered failed after "
                                "having succeeded. Defaults to 3."),
    "terminationGracePeriodSeconds": integer("Seconds the pod needs to terminate gracefully upon probe "
                                             "failure.", "int64"),
}))

define(V1 + "Container", struct("A single application container that you want to run within a pod.", {
    "name": string("Name of the container, a DNS_LABEL unique within the pod. Cannot be updated."),
    "image": string("Container image name."),
    "command": strings("Entrypoint array; the image's ENTRYPOINT is used if not provided."),
    "args": strings("Arguments to the entrypoint; the image's CMD is used if not provided."),
    "workingDir": string("Container's working directory."),
    "ports": array(ref(V1 + "ContainerPort"), "Ports to expose from the container.",
                   key="containerPort", keys=("containerPort", "protocol")),
    "envFrom": array(any_value(), "Sources to populate environment variables from."),
    "env": array(ref(V1 + "EnvVar"), "Environment variables to set in the container.", key="name"),
    "resources": ref(V1 + "ResourceRequirements", "Compute resources required by this container."),
    "resizePolicy": array(any_value(), "Resources resize policy for the container."),
    "volumeMounts": array(ref(V1 + "VolumeMount"), "Pod volumes to mount into the container's filesystem.",
                          key="mountPath"),
    "volumeDevices": array(any_value(), "Block devices to be used by the container.", key="devicePath"),
    "livenessProbe": ref(V1 + "Probe", "Periodic probe of container liveness. Container will be restarted "
                         "if the probe fails."),
    "readinessProbe": ref(V1 + "Probe", "Periodic probe of container service readiness. Container will be "
                          "removed from service endpoints if the probe fails."),
    "startupProbe": ref(V1 + "Probe", "StartupProbe indicates that the Pod has successfully initialized; no "
                        "other probe runs until it succeeds."),
    "lifecycle": any_value("Actions the system takes in response to container lifecycle events."),
    "terminationMessagePath": string("Where the container's termination message is written."),
    "terminationMessagePolicy": string("File or FallbackToLogsOnError."),
    "imagePullPolicy": string("Always, Never or IfNotPresent.", enum=("Always", "IfNotPresent", "Never")),
    "securityContext": any_value("Security options the container should run with."),
    "stdin": boolean("Allocate a buffer for stdin."),
    "stdinOnce": boolean("Close stdin after the first attach."),
    "tty": boolean("Allocate a TTY."),
}, required=("name",)))

define(V1 + "Toleration", struct("The pod this Toleration is attached to tolerates any taint that "
                                 "matches the triple <key,value,effect>.", {
    "key": string("The taint key the toleration applies to; empty matches all keys."),
    "operator": string("Exists or Equal. Defaults to Equal."),
    "value": string("The taint value the toleration matches to."),
    "effect": string("NoSchedule, PreferNoSchedule or NoExecute; empty matches all effects."),
    "tolerationSeconds": integer("How long a NoExecute toleration tolerates the taint.", "int64"),
}))

define(V1 + "Volume", struct("Volume represents a named volume in a pod; exactly one source is set.", {
    "name": string("Name of the volume, a DNS_LABEL unique within the pod."),
    "emptyDir": any_value("A temporary directory that shares a pod's lifetime."),
    "hostPath": any_value("A pre-existing file or directory on the host machine."),
    "configMap": any_value("A ConfigMap that should populate this volume."),
    "secret": any_value("A secret that should populate this volume."),
    "persistentVolumeClaim": any_value("A reference to a PersistentVolumeClaim in the same namespace."),
    "projected": any_value("Items for all in one resources secrets, configmaps, and downward API."),
    "downwardAPI": any_value("Downward API about the pod that should populate this volume."),
    "csi": any_value("Storage handled by a CSI driver."),
    "ephemeral": any_value("A volume handled by a cluster storage driver, with the pod's lifetime."),
}, required=("name",), open=True))

define(V1 + "LocalObjectReference", struct("A reference to an object in the same namespace.", {
    "name": string("Name of the referent."),
}))

define(V1 + "PodSpec", struct("PodSpec is a description of a pod.", {
    "volumes": array(ref(V1 + "Volume"), "Volumes that can be mounted by containers of this pod.",
                     key="name", strategy=MERGE_RETAIN),
    "initContainers": array(ref(V1 + "Container"), "Containers run in order before the app containers.",
                            key="name"),
    "containers": array(ref(V1 + "Container"), "Containers belonging to the pod. There must be at least one.",
                        key="name"),
    "ephemeralContainers": array(any_value(), "Ephemeral containers run in this pod for debugging.", key="name"),
    "restartPolicy": string("Always, OnFailure or Never. Defaults to Always."),
    "terminationGracePeriodSeconds": integer("Seconds the pod needs to terminate gracefully.", "int64"),
    "activeDeadlineSeconds": integer("Seconds the pod may be active before the system fails it.", "int64"),
    "dnsPolicy": string("ClusterFirst, ClusterFirstWithHostNet, Default or None."),
    "nodeSelector": string_map("Labels a node must have for the pod to fit on it."),
    "serviceAccountName": string("Name of the ServiceAccount to use to run this pod."),
    "serviceAccount": string("Deprecated alias of serviceAccountName."),
    "automountServiceAccountToken": boolean("Whether a service account token is mounted."),
    "nodeName": string("The node the pod is bound to; set by the scheduler."),
    "hostNetwork": boolean("Use the host's network namespace."),
    "hostPID": boolean("Use the host's pid namespace."),
    "hostIPC": boolean("Use the host's ipc namespace."),
    "shareProcessNamespace": boolean("Share a single process namespace between all containers."),
    "securityContext": any_value("Pod-level security attributes and common container settings."),
    "imagePullSecrets": array(ref(V1 + "LocalObjectReference"), "Secrets used to pull the images.", key="name"),
    "hostname": string("Hostname of the pod."),
    "subdomain": string("Subdomain of the pod."),
    "affinity": any_value("The pod's scheduling constraints."),
    "schedulerName": string("The scheduler that dispatches this pod."),
    "tolerations": array(ref(V1 + "Toleration"), "The pod's tolerations."),
    "hostAliases": array(any_value(), "Entries added to the pod's hosts file.", key="ip"),
    "priorityClassName": string("The pod's priority class."),
    "priority": integer("The priority value, from the priority class."),
    "dnsConfig": any_value("DNS parameters of the pod."),
    "readinessGates": array(any_value(), "Extra conditions evaluated for pod readiness."),
    "runtimeClassName": string("RuntimeClass used to run this pod."),
    "enableServiceLinks": boolean("Whether service information is injected as environment variables."),
    "preemptionPolicy": string("Never or PreemptLowerPriority."),
    "overhead": quantity_map("Resource overhead of running the pod on its RuntimeClass."),
    "topologySpreadConstraints": array(any_value(), "How the pods spread across topology domains.",
                                       key="topologyKey", keys=("topologyKey", "whenUnsatisfiable")),
    "setHostnameAsFQDN": boolean("The pod's hostname is its FQDN."),
    "os": any_value("The OS of the containers in the pod."),
    "hostUsers": boolean("Use the host's user namespace."),
    "schedulingGates": array(any_value(), "Gates that keep the pod from being scheduled.", key="name"),
    "resourceClaims": array(any_value(), "Resource claims the pod needs.", key="name", strategy=MERGE_RETAIN),
}, required=("containers",)))

define(V1 + "PodStatus", struct("Most recently observed status of the pod; written by the kubelet.", {
    "phase": string("Pending, Running, Succeeded, Failed or Unknown."),
    "conditions": array(any_value(), "Current service state of the pod.", key="type"),
    "message": string("Why the pod is in this condition."),
    "reason": string("A brief CamelCase reason for the pod's state."),
    "hostIP": string("IP of the host the pod runs on."),
    "podIP": string("IP allocated to the pod."),
    "podIPs": array(any_value(), "IPs allocated to the pod.", key="ip"),
    "startTime": time("When the kubelet acknowledged the pod."),
    "containerStatuses": array(any_value(), "One status per container."),
    "initContainerStatuses": array(any_value(), "One status per init container."),
    "qosClass": string("Guaranteed, Burstable or BestEffort."),
}, open=True))

define(V1 + "PodTemplateSpec", struct("Describes the data a pod should have when created from a template.", {
    "metadata": ref(META + "ObjectMeta", "Standard object's metadata."),
    "spec": ref(V1 + "PodSpec", "Specification of the desired behavior of the pod."),
}))

define_kind(V1 + "Pod", kind("", "v1", "Pod", "Pod is a collection of containers that can run on a host.",
                             V1 + "PodSpec", V1 + "PodStatus"))

define(V1 + "ServicePort", struct("ServicePort contains information on a service's port.", {
    "name": string("Name of this port within the service; required with several ports."),
    "protocol": string("TCP, UDP or SCTP. Defaults to TCP."),
    "appProtocol": string("The application protocol of this port."),
    "port": integer("The port exposed by this service."),
    "targetPort": int_or_string("Number or name of the port to reach on the pods."),
    "nodePort": integer("The port on each node for NodePort and LoadBalancer services."),
}, required=("port",)))

define(V1 + "ServiceSpec", struct("ServiceSpec describes the attributes a user creates on a service.", {
    "ports": array(ref(V1 + "ServicePort"), "The ports exposed by this service.", key="port",
                   keys=("port", "protocol")),
    "selector": string_map("Route traffic to pods with labels matching this selector."),
    "clusterIP": string("The IP address of the service; allocated by the server."),
    "clusterIPs": strings("IP addresses of the service, primary first."),
    "type": string("ClusterIP, NodePort, LoadBalancer or ExternalName."),
    "externalIPs": strings("IPs for which nodes also accept traffic for this service."),
    "sessionAffinity": string("ClientIP or None."),
    "loadBalancerIP": string("Deprecated: requested load balancer IP."),
    "externalName": string("DNS name returned for ExternalName services."),
    "externalTrafficPolicy": string("Cluster or Local."),
    "internalTrafficPolicy": string("Cluster or Local."),
    "ipFamilies": strings("IP families of the service."),
    "ipFamilyPolicy": string("SingleStack, PreferDualStack or RequireDualStack."),
    "publishNotReadyAddresses": boolean("Publish endpoints of pods that are not ready."),
    "allocateLoadBalancerNodePorts": boolean("Allocate node ports for LoadBalancer services."),
}))

define(V1 + "ServiceStatus", struct("Current status of a service.", {
    "loadBalancer": any_value("Status of the load balancer, if any."),
    "conditions": array(any_value(), "Current service state.", key="type"),
}, open=True))

define_kind(V1 + "Service", kind("", "v1", "Service", "A named abstraction of software service: a port the proxy "
                                 "listens on and the selector that picks the pods answering.",
                                 V1 + "ServiceSpec", V1 + "ServiceStatus"))

define(V1 + "Taint", struct("The node this Taint is attached to repels pods that do not tolerate it.", {
    "key": string("The taint key."), "value": string("The taint value."),
    "effect": string("NoSchedule, PreferNoSchedule or NoExecute."),
    "timeAdded": time("When the taint was added (NoExecute taints)."),
}, required=("key", "effect")))

define(V1 + "NodeSpec", struct("NodeSpec describes the attributes a node is created with.", {
    "podCIDR": string("The pod IP range assigned to the node."),
    "podCIDRs": strings("The pod IP ranges assigned to the node.", list_type="set", strategy="merge"),
    "providerID": string("ID of the node assigned by the cloud provider."),
    "unschedulable": boolean("Controls node schedulability of new pods."),
    "taints": array(ref(V1 + "Taint"), "The node's taints."),
}))

define(V1 + "NodeStatus", struct("Most recently observed status of the node.", {
    "capacity": quantity_map("Total resources of the node."),
    "allocatable": quantity_map("Resources of the node available for scheduling."),
    "conditions": array(any_value(), "Conditions of the node.", key="type"),
    "addresses": array(any_value(), "Addresses reachable to the node.", key="type"),
    "nodeInfo": any_value("General information about the node."),
}, open=True))

define_kind(V1 + "Node", kind("", "v1", "Node", "Node is a worker node in Kubernetes.", V1 + "NodeSpec",
                              V1 + "NodeStatus"))

define(V1 + "NamespaceSpec", struct("NamespaceSpec describes the attributes of a namespace.", {
    "finalizers": strings("Finalizers that must run before the namespace is removed."),
}))
define(V1 + "NamespaceStatus", struct("Current status of a namespace.", {
    "phase": string("Active or Terminating."),
    "conditions": array(any_value(), "Conditions of the namespace.", key="type"),
}, open=True))
define_kind(V1 + "Namespace", kind("", "v1", "Namespace", "Namespace provides a scope for names.",
                                   V1 + "NamespaceSpec", V1 + "NamespaceStatus"))

define(V1 + "EndpointSubset", struct("A group of addresses with a common set of ports.", {
    "addresses": array(any_value(), "Ready IP addresses."),
    "notReadyAddresses": array(any_value(), "IP addresses not ready to serve."),
    "ports": array(any_value(), "Port numbers available on the addresses."),
}))
define_kind(V1 + "Endpoints", kind("", "v1", "Endpoints", "Endpoints is the set of endpoints that implement a "
                                   "service.", None, None,
                                   subsets=array(ref(V1 + "EndpointSubset"), "Sets of addresses and ports.")))

define_kind(V1 + "Event", kind(
    "", "v1", "Event", "Event is a report of an event somewhere in the cluster.", None, None, open=True,
    involvedObject=any_value("The object this event is about."),
    reason=string("Short, machine understandable reason for the transition."),
    message=string("A human-readable description of the event."),
    source=any_value("The component reporting this event."),
    firstTimestamp=time("When the event was first recorded."),
    lastTimestamp=time("When the most recent occurrence was recorded."),
    count=integer("How many times the event occurred."),
    type=string("Normal or Warning."),
    eventTime=ref(META + "MicroTime", "When the event was first observed."),
    series=any_value("Data about the event series."),
    action=string("What action was taken or failed."),
    related=any_value("A secondary object."),
    reportingComponent=string("Name of the controller that emitted the event."),
    reportingInstance=string("ID of the controller instance."),
))

define_kind(V1 + "ConfigMap", kind(
    "", "v1", "ConfigMap", "ConfigMap holds configuration data for pods to consume.", None, None,
    data=string_map("Configuration data: UTF-8 values."),
    binaryData=string_map("Binary configuration data, base64 encoded."),
    immutable=boolean("If true, the data cannot be updated (only the object deleted and recreated)."),
))

define_kind(V1 + "Secret", kind(
    "", "v1", "Secret", "Secret holds secret data of a certain type.", None, None,
    data=string_map("Secret data: base64-encoded values."),
    stringData=string_map("Write-only convenience: plain values merged into data on write."),
    type=string("Used to facilitate programmatic handling of secret data (Opaque by default)."),
    immutable=boolean("If true, the data cannot be updated (only the object deleted and recreated)."),
))

define_kind(V1 + "ServiceAccount", kind(
    "", "v1", "ServiceAccount", "ServiceAccount binds together a name, secrets and image pull secrets.", None, None,
    secrets=array(any_value(), "Secrets pods running as this service account may use.", key="name"),
    imagePullSecrets=array(ref(V1 + "LocalObjectReference"), "Secrets used to pull images of pods "
                           "running as this service account."),
    automountServiceAccountToken=boolean("Whether pods running as this service account mount a token."),
))
