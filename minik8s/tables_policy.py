"""Printer columns of the kinds served beside the workloads: ResourceQuota, PodDisruptionBudget, PriorityClass, Ingress.

Mirrors pkg/printers/internalversion/printers.go (`resourceQuotaColumnDefinitions` with
`printResourceQuota`: "resource: used/hard" pairs in name order, limits.* in the Limit column;
`podDisruptionBudgetColumnDefinitions` with `printPodDisruptionBudget`: N/A for an unset bound;
`priorityClassColumnDefinitions` with `printPriorityClass`; `ingressColumnDefinitions` with
`printIngress`, `formatHosts`, `formatPorts`, `ingressLoadBalancerStatusStringer`;
`ingressClassColumnDefinitions` with `printIngressClass`; `horizontalPodAutoscalerColumnDefinitions`
with `printHorizontalPodAutoscaler` and `formatHPAMetrics`, read in the v2 form).
Registered into tables.COLUMNS when tables.py is imported.
"""

from __future__ import annotations

from kubeatlas.minik8s.hpaconversion import V2, as_version
from kubeatlas.minik8s.tables import AGE, COLUMNS, NAME, Column


def _quota_pairs(limits: bool):
    def cell(quota: dict) -> str:
        status = quota.get("status") or {}
        hard, used = status.get("hard") or {}, status.get("used") or {}
        return ", ".join(f"{name}: {used.get(name, '0')}/{hard[name]}" for name in sorted(hard)
                         if (name.split(".")[0] == "limits" and "." in name) == limits)
    return cell


def _bound(field: str):
    def cell(pdb: dict) -> str:
        value = (pdb.get("spec") or {}).get(field)
        return "N/A" if value is None else str(value)
    return cell


def _ingress_hosts(ingress: dict) -> str:
    """formatHosts: up to three hosts, '*' for none."""
    rules = (ingress.get("spec") or {}).get("rules") or []
    hosts = [r["host"] for r in rules[:3] if r.get("host")]
    if not hosts:
        return "*"
    return ",".join(hosts) + (f" + {len(rules) - 3} more..." if len(rules) > 3 else "")


def _ingress_address(ingress: dict) -> str:
    """ingressLoadBalancerStatusStringer (clipped to 16 characters, as without -o wide)."""
    points = ((ingress.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    text = ",".join(sorted({p.get("ip") or p.get("hostname") for p in points if p.get("ip") or p.get("hostname")}))
    return text[:13] + "..." if len(text) > 16 else text


def _class_parameters(ingress_class: dict) -> str:
    params = (ingress_class.get("spec") or {}).get("parameters")
    if not params:
        return "<none>"
    group = f".{params['apiGroup']}" if params.get("apiGroup") else ""
    return f"{params.get('kind', '')}{group}/{params.get('name', '')}"


def _hpa_targets(hpa: dict) -> str:
    """formatHPAMetrics for Resource metrics: current/target, '<unknown>' before the first reading."""
    v2 = as_version(hpa, V2)
    specs = (v2.get("spec") or {}).get("metrics") or []
    statuses = (v2.get("status") or {}).get("currentMetrics") or []
    if not specs:
        return "<none>"
    shown = []
    for i, metric in enumerate(specs):
        target = ((metric.get("resource") or metric.get("containerResource") or {}).get("target") or {})
        current = ((statuses[i].get("resource") or {}).get("current") or {}) if i < len(statuses) else {}
        if target.get("averageUtilization") is not None:
            now = f"{current['averageUtilization']}%" if current.get("averageUtilization") is not None else "<unknown>"
            shown.append(f"{now}/{target['averageUtilization']}%")
        else:
            value = target.get("averageValue") or target.get("value") or "<auto>"
            shown.append(f"{current.get('averageValue') or current.get('value') or '<unknown>'}/{value}")
    return ", ".join(shown[:2]) + (f" + {len(shown) - 2} more..." if len(shown) > 2 else "")


def _hpa_reference(hpa: dict) -> str:
    ref = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def _hpa_min(hpa: dict) -> str:
    low = (hpa.get("spec") or {}).get("minReplicas")
    return "<unset>" if low is None else str(low)


COLUMNS.update({
    "HorizontalPodAutoscaler": (
        NAME,
        Column("Reference", _hpa_reference,
               description="reference to scaled resource; horizontal pod autoscaler will learn the current resource "
               "consumption and will set the desired number of pods by using its Scale subresource."),
        Column("Targets", _hpa_targets, description="metrics contains the specifications for which to use to "
               "calculate the desired replica count"),
        Column("MinPods", _hpa_min, description="minReplicas is the lower limit for the number of replicas"),
        Column("MaxPods", lambda h: str((h.get("spec") or {}).get("maxReplicas", 0)),
               description="maxReplicas is the upper limit for the number of replicas"),
        Column("Replicas", lambda h: str((h.get("status") or {}).get("currentReplicas", 0)),
               description="currentReplicas is current number of replicas of pods managed by this autoscaler"),
        AGE),
    "Ingress": (NAME,
                Column("Class", lambda i: (i.get("spec") or {}).get("ingressClassName") or "<none>",
                       description="The name of the IngressClass resource that should be used for additional "
                       "configuration"),
                Column("Hosts", _ingress_hosts, description="Hosts that incoming requests are matched against before "
                       "the ingress rule"),
                Column("Address", _ingress_address, description="Address is a list containing ingress points for "
                       "the load-balancer"),
                Column("Ports", lambda i: "80, 443" if (i.get("spec") or {}).get("tls") else "80",
                       description="Ports of TLS configurations that open"),
                AGE),
    "IngressClass": (NAME,
                     Column("Controller", lambda c: (c.get("spec") or {}).get("controller", ""),
                            description="Controller that is responsible for handling this class"),
                     Column("Parameters", _class_parameters,
                            description="A reference to a resource with additional parameters"),
                     AGE),
    "PriorityClass": (NAME,
                      Column("Value", lambda c: c.get("value", 0), "integer", description="The value of this priority "
                             "class. This is the actual priority that pods receive when they have the name of this "
                             "class in their pod spec."),
                      Column("Global-Default", lambda c: bool(c.get("globalDefault")), "boolean",
                             description="globalDefault specifies whether this PriorityClass should be considered as "
                             "the default priority for pods that do not have any priority class."),
                      AGE),
    "PodDisruptionBudget": (NAME,
                            Column("Min Available", _bound("minAvailable"),
                                   description="The minimum number of pods that must be available."),
                            Column("Max Unavailable", _bound("maxUnavailable"),
                                   description="The maximum number of pods that may be unavailable."),
                            Column("Allowed Disruptions",
                                   lambda p: (p.get("status") or {}).get("disruptionsAllowed", 0), "integer",
                                   description="Calculated number of pods that may be disrupted at this time."),
                            AGE),
    "ResourceQuota": (NAME, AGE,
                      Column("Request", _quota_pairs(False), description="Request represents a minimum amount of "
                             "cpu/memory that a container may consume."),
                      Column("Limit", _quota_pairs(True), description="Limits control the maximum amount of "
                             "cpu/memory that a container may use independent of contention on the node.")),
})
