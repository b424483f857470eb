"""Label and field selectors: parse the query-string syntax, match objects.

Mirrors k8s.io/apimachinery/pkg/labels (`labels.Parse`, `Requirement.Matches`),
metav1.LabelSelectorAsSelector for `matchLabels`/`matchExpressions`, and
k8s.io/apimachinery/pkg/fields for `spec.nodeName=...`-style field selectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubeatlas.minik8s.status import bad_request

OPERATORS = ("in", "notin", "exists", "!", "=", "==", "!=")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One clause of a selector: key, operator (in/notin/exists/!exists/=/!=), values."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        op = self.operator
        if op in ("=", "==", "in"):
            return present and value in self.values
        if op in ("!=", "notin"):
            return not present or value not in self.values
        if op == "exists":
            return present
        if op == "!exists":
            return not present
        if op in ("gt", "lt"):
            try:
                number, bound = int(value), int(self.values[0])
            except (TypeError, ValueError, IndexError):
                return False
            return number > bound if op == "gt" else number < bound
        return False


@dataclass(frozen=True, slots=True)
class Selector:
    """A conjunction of requirements; the empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: dict | None) -> bool:
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements


EVERYTHING = Selector()
_CLAUSE = re.compile(r"\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(==|!=|=|\s+in\s+|\s+notin\s+)\s*"
                     r"(\([^)]*\)|[A-Za-z0-9_.-]*))?\s*$")


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def parse_labels(text: str | None) -> Selector:
    """Parse `a=b,c!=d,e in (x,y),!f,g` (labels.Parse)."""
    if not text or not text.strip():
        return EVERYTHING
    requirements = []
    for clause in _split_top(text):
        match = _CLAUSE.match(clause)
        if not match:
            raise bad_request(f"unable to parse requirement: {clause.strip()!r}")
        negate, key, op, value = match.groups()
        if op is None:
            requirements.append(Requirement(key, "!exists" if negate else "exists"))
            continue
        if negate:
            raise bad_request(f"unable to parse requirement: {clause.strip()!r}")
        op = op.strip()
        if op in ("in", "notin"):
            if not value.startswith("("):
                raise bad_request(f"set-based requirement needs (values): {clause.strip()!r}")
            values = tuple(v.strip() for v in value[1:-1].split(",") if v.strip())
            requirements.append(Requirement(key, op, values))
        else:
            requirements.append(Requirement(key, "!=" if op == "!=" else "=", (value,)))
    return Selector(tuple(requirements))


def from_label_selector(spec: dict | None) -> Selector:
    """metav1.LabelSelectorAsSelector: matchLabels and matchExpressions; None matches nothing."""
    if spec is None:
        return Selector((Requirement("", "in", ()),))  # labels.Nothing()
    requirements = [Requirement(k, "=", (str(v),)) for k, v in (spec.get("matchLabels") or {}).items()]
    for expr in spec.get("matchExpressions") or ():
        op = {"In": "in", "NotIn": "notin", "Exists": "exists",
              "DoesNotExist": "!exists"}.get(expr.get("operator", ""))
        if op is None:
            raise bad_request(f"{expr.get('operator')!r} is not a valid label selector operator")
        requirements.append(Requirement(expr.get("key", ""), op, tuple(expr.get("values") or ())))
    return Selector(tuple(requirements))


def to_query(spec: dict | None) -> str:
    """A LabelSelector object as the query-string form (metav1.FormatLabelSelector)."""
    if not spec:
        return ""
    parts = [f"{k}={v}" for k, v in sorted((spec.get("matchLabels") or {}).items())]
    for expr in spec.get("matchExpressions") or ():
        op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or ()
        if op in ("In", "NotIn"):
            parts.append(f"{key} {op.lower()} ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)


def field_value(obj: dict, path: str) -> str:
    """The value of a dotted field path such as spec.nodeName ('' when absent)."""
    current = obj
    for part in path.split("."):
        if not isinstance(current, dict):
            return ""
        current = current.get(part)
    return "" if current is None else str(current)


_META = ("metadata.name", "metadata.namespace")
# the field labels each kind's AddFieldLabelConversionFunc accepts (pkg/apis/core/v1/conversion.go,
# pkg/apis/batch/v1); other kinds take DefaultMetaV1FieldSelectorConversion's metadata.name and namespace
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": (*_META, "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"),
    "Node": ("metadata.name", "spec.unschedulable"),
    "Namespace": ("metadata.name", "status.phase"),
    "Secret": (*_META, "type"),
    "Event": (*_META, "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
              "reportingComponent", "source", "type"),
    "Job": (*_META, "status.successful"),
}


def parse_fields(text: str | None, kind: str = "") -> tuple[tuple[str, str, str], ...]:
    """Parse `spec.nodeName=n1,status.phase!=Failed` into (path, op, value) triples; with a kind, a
    field the kind does not support is a 400, as ConvertFieldLabel answers."""
    if not text or not text.strip():
        return ()
    terms = []
    for clause in text.split(","):
        match = re.match(r"\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$", clause)
        if not match:
            raise bad_request(f"invalid field selector: {clause.strip()!r}")
        path, op, value = match.groups()
        if kind and kind in FIELD_LABELS and path not in FIELD_LABELS[kind]:
            raise bad_request(f"field label not supported: {path}")
        if kind and kind not in FIELD_LABELS and path not in _META:
            raise bad_request(f'"{path}" is not a known field selector: only "metadata.name", "metadata.namespace"')
        terms.append((path, "!=" if op == "!=" else "=", value))
    return tuple(terms)


def fields_match(obj: dict, terms: tuple[tuple[str, str, str], ...]) -> bool:
    for path, op, value in terms:
        actual = field_value(obj, path)
        if (actual == value) != (op == "="):
            return False
    return True
