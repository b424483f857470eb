"""Schemas of networking.k8s.io/v1 Ingress and IngressClass.

Mirrors k8s.io/api/networking/v1 types.go (`IngressSpec`: ingressClassName, defaultBackend, tls,
rules of hosts and HTTP paths with a pathType and a service or resource backend;
`IngressStatus.loadBalancer`; `IngressClassSpec`: controller and parameters).
"""

from __future__ import annotations

from kubeatlas.minik8s.schema import any_value, array, define, define_kind, integer, kind, ref, string, strings, struct

NET = "io.k8s.api.networking.v1."
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")

define(NET + "ServiceBackendPort", struct("ServiceBackendPort is the service port being referenced.", {
    "name": string("The name of the port on the Service; mutually exclusive with number."),
    "number": integer("The numerical port number on the Service; mutually exclusive with name."),
}))

define(NET + "IngressServiceBackend", struct("IngressServiceBackend references a Kubernetes Service as a Backend.", {
    "name": string("The referenced service; it must exist in the same namespace as the Ingress."),
    "port": ref(NET + "ServiceBackendPort", "The port of the referenced service."),
}, required=("name",)))

define(NET + "IngressBackend", struct("IngressBackend describes all endpoints for a given service and port.", {
    "service": ref(NET + "IngressServiceBackend", "The referenced Service; mutually exclusive with resource."),
    "resource": any_value("A TypedLocalObjectReference to another resource in the namespace of the Ingress."),
}))

define(NET + "HTTPIngressPath", struct("HTTPIngressPath associates a path with a backend.", {
    "path": string("Matched against the path of an incoming request; must begin with '/' for Exact and Prefix."),
    "pathType": string("How the path is matched: Exact, Prefix or ImplementationSpecific.", enum=PATH_TYPES),
    "backend": ref(NET + "IngressBackend", "The referenced service endpoint to which the traffic is forwarded."),
}, required=("pathType", "backend")))

define(NET + "IngressRule", struct("IngressRule represents the rules mapping the paths under a host to backends.", {
    "host": string("The fully qualified domain name of a network host (a wildcard '*.' prefix allowed)."),
    "http": struct("A list of http selectors pointing to backends.", {
        "paths": array(ref(NET + "HTTPIngressPath"), "A collection of paths that map requests to backends."),
    }, required=("paths",)),
}))

define(NET + "IngressTLS", struct("IngressTLS describes the transport layer security associated with an ingress.", {
    "hosts": strings("Hosts included in the TLS certificate."),
    "secretName": string("The Secret used to terminate TLS traffic on port 443."),
}))

define(NET + "IngressSpec", struct("IngressSpec describes the Ingress the user wishes to exist.", {
    "ingressClassName": string("The name of an IngressClass cluster resource."),
    "defaultBackend": ref(NET + "IngressBackend", "The backend for requests no rule matches."),
    "tls": array(ref(NET + "IngressTLS"), "TLS configuration."),
    "rules": array(ref(NET + "IngressRule"), "A list of host rules used to configure the Ingress."),
}))

define(NET + "IngressStatus", struct("IngressStatus describes the current state of the Ingress.", {
    "loadBalancer": struct("The current status of the load-balancer.", {
        "ingress": array(any_value(), "Ingress points for the load-balancer (ip or hostname, ports)."),
    }),
}))

define_kind(NET + "Ingress", kind(
    "networking.k8s.io", "v1", "Ingress", "Ingress is a collection of rules that allow inbound connections to reach "
    "the endpoints defined by a backend.", NET + "IngressSpec", NET + "IngressStatus"))

define(NET + "IngressClassSpec", struct("IngressClassSpec provides information about the class of an Ingress.", {
    "controller": string("The name of the controller that should handle this class (a domain-prefixed path)."),
    "parameters": any_value("A link to a custom resource containing additional configuration for the controller."),
}))

define_kind(NET + "IngressClass", kind(
    "networking.k8s.io", "v1", "IngressClass", "IngressClass represents the class of the Ingress, referenced by the "
    "Ingress Spec.", NET + "IngressClassSpec", None))
