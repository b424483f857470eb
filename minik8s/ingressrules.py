"""Validation of Ingress and IngressClass: hosts, paths and their types, backends, TLS hosts, the class controller.

Mirrors pkg/apis/networking/validation (`ValidateIngressCreate`, `ValidateIngressSpec`,
`validateIngressRules`, `validateHTTPIngressPath`, `validateIngressBackend`, `validateIngressTLS`,
`ValidateIngressClass`, `validateIngressClassSpec`, `validateIngressClassSpecUpdate`) with the
messages of k8s.io/apimachinery/pkg/util/validation (`IsDNS1123Subdomain`,
`IsWildcardDNS1123Subdomain`, `IsValidPortNum`, `IsDomainPrefixedPath`).
"""

from __future__ import annotations

import ipaddress
import re

from kubeatlas.minik8s import status
from kubeatlas.minik8s.status import Cause

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_PATH_CHARS = re.compile(r"^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$")
SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                 "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                 r"is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
WILDCARD_MSG = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
                r"(e.g. '*.example.com', regex used for validation is '\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?"
                r"(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                  "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                  "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
INVALID_SEQUENCES, INVALID_SUFFIXES = ("//", "/./", "/../", "%2f", "%2F"), ("/..", "/.")
CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def _subdomain(value: str) -> bool:
    return len(value) <= 253 and bool(_SUBDOMAIN.match(value))


def _host(host: str, path: str, causes: list[Cause]) -> None:
    if "*" in host:
        if not (host.startswith("*.") and _subdomain(host[2:])):
            causes.append(Cause(path, f'Invalid value: "{host}": {WILDCARD_MSG}'))
    elif not _subdomain(host):
        causes.append(Cause(path, f'Invalid value: "{host}": {SUBDOMAIN_MSG}'))


def _backend(backend, path: str, causes: list[Cause]) -> None:
    """validateIngressBackend."""
    backend = backend if isinstance(backend, dict) else {}
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        causes.append(Cause(path, 'Invalid value: "": cannot set both resource and service backends'))
    elif resource is not None:
        if not (resource or {}).get("kind"):
            causes.append(Cause(f"{path}.resource.kind", "Required value: kind is required", "FieldValueRequired"))
    elif service is not None:
        name = service.get("name") or ""
        if not name:
            causes.append(Cause(f"{path}.service.name", "Required value", "FieldValueRequired"))
        elif len(name) > 63 or not _LABEL_1035.match(name):
            causes.append(Cause(f"{path}.service.name", f'Invalid value: "{name}": {LABEL_1035_MSG}'))
        port = service.get("port") or {}
        if port.get("name") and port.get("number"):
            causes.append(Cause(path, 'Invalid value: "": cannot set both port name & port number'))
        elif port.get("number") and not 1 <= int(port["number"]) <= 65535:
            causes.append(Cause(f"{path}.service.port.number", f"Invalid value: {port['number']}: must be between "
                                "1 and 65535, inclusive"))
        elif not port.get("name") and not port.get("number"):
            causes.append(Cause(path, "Required value: port name or number is required", "FieldValueRequired"))
    else:
        causes.append(Cause(path, 'Invalid value: "": resource or service backend is required'))


def _http_path(item: dict, path: str, causes: list[Cause]) -> None:
    """validateHTTPIngressPath."""
    kind, value = item.get("pathType"), item.get("path") or ""
    if kind is None:
        causes.append(Cause(f"{path}.pathType", "Required value: pathType must be specified", "FieldValueRequired"))
        return
    if (kind in ("Exact", "Prefix") or (kind == "ImplementationSpecific" and value)) and not value.startswith("/"):
        causes.append(Cause(f"{path}.path", f'Invalid value: "{value}": must be an absolute path'))
    if kind in ("Exact", "Prefix") and value:
        causes.extend(Cause(f"{path}.path", f"Invalid value: \"{value}\": must not contain '{seq}'")
                      for seq in INVALID_SEQUENCES if seq in value)
        causes.extend(Cause(f"{path}.path", f"Invalid value: \"{value}\": cannot end with '{suffix}'")
                      for suffix in INVALID_SUFFIXES if value.endswith(suffix))
    if kind not in PATH_TYPES:
        causes.append(Cause(f"{path}.pathType", f'Unsupported value: "{kind}": supported values: '
                            + ", ".join(f'"{t}"' for t in PATH_TYPES), "FieldValueNotSupported"))
    _backend(item.get("backend"), f"{path}.backend", causes)


def validate_ingress(obj: dict, causes: list[Cause]) -> None:
    """ValidateIngressCreate / ValidateIngressSpec."""
    spec = obj.get("spec") or {}
    rules, default = spec.get("rules") or [], spec.get("defaultBackend")
    if not rules and default is None:
        causes.append(Cause("spec", "Invalid value: \"null\": either `defaultBackend` or `rules` must be specified"))
    if default is not None:
        _backend(default, "spec.defaultBackend", causes)
    for i, rule in enumerate(rules):
        host = rule.get("host") or ""
        if host:
            try:
                ipaddress.ip_address(host)
                causes.append(Cause(f"spec.rules[{i}].host", f'Invalid value: "{host}": must be a DNS name, not an '
                                    "IP address"))
            except ValueError:
                _host(host, f"spec.rules[{i}].host", causes)
        http = rule.get("http")
        if http is not None:
            if not (http or {}).get("paths"):
                causes.append(Cause(f"spec.rules[{i}].http.paths", "Required value", "FieldValueRequired"))
            for j, item in enumerate((http or {}).get("paths") or ()):
                _http_path(item or {}, f"spec.rules[{i}].http.paths[{j}]", causes)
    for i, tls in enumerate(spec.get("tls") or ()):
        for j, host in enumerate((tls or {}).get("hosts") or ()):
            _host(host, f"spec.tls[{i}].hosts[{j}]", causes)
    name = spec.get("ingressClassName")
    if name is not None and not _subdomain(name):
        causes.append(Cause("spec.ingressClassName", f'Invalid value: "{name}": {SUBDOMAIN_MSG}'))
    annotation = ((obj.get("metadata") or {}).get("annotations") or {}).get(CLASS_ANNOTATION)
    if annotation is not None and name is not None and annotation != name:
        causes.append(Cause(f"annotations.{CLASS_ANNOTATION}", f'Invalid value: "{annotation}": must match '
                            "`ingressClassName` when both are specified"))


def validate_ingress_class(obj: dict, causes: list[Cause]) -> None:
    """validateIngressClassSpec: the controller is a domain-prefixed path of at most 250 characters."""
    controller = (obj.get("spec") or {}).get("controller") or ""
    if len(controller) > 250:
        causes.append(Cause("spec.controller", "Too long: may not be longer than 250", "FieldValueTooLong"))
    if not controller:
        causes.append(Cause("spec.controller", "Required value", "FieldValueRequired"))
        return
    domain, _, rest = controller.partition("/")
    if not rest:
        causes.append(Cause("spec.controller", f'Invalid value: "{controller}": must be a domain-prefixed path '
                            '(such as "acme.io/foo")'))
        return
    if not _subdomain(domain):
        causes.append(Cause("spec.controller", f'Invalid value: "{domain}": {SUBDOMAIN_MSG}'))
    if not _PATH_CHARS.match(rest):
        causes.append(Cause("spec.controller", f'Invalid value: "{rest}": Invalid path'))


def validate_class_update(obj: dict, old: dict) -> None:
    """validateIngressClassSpecUpdate: the controller is immutable."""
    new, before = (obj.get("spec") or {}).get("controller"), (old.get("spec") or {}).get("controller")
    if new != before:
        raise status.invalid("IngressClass", obj["metadata"].get("name", ""), (Cause(
            "spec.controller", f'Invalid value: "{new}": field is immutable'),), "networking.k8s.io")
