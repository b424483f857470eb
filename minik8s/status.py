"""API errors as Kubernetes `Status` objects (mirrors k8s.io/apimachinery/pkg/api/errors).

Every failure the apiserver reports travels as a `metav1.Status` with a code and a reason
(NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Gone, ...), the same shapes
`errors.NewNotFound`, `errors.NewConflict` and `errors.NewInvalid` build in Go; the client
raises them back as `ApiError`, so `is_conflict(err)` reads like `errors.IsConflict(err)`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cause:
    """One field-level cause of an Invalid error (metav1.StatusCause)."""

    field: str
    message: str
    reason: str = "FieldValueInvalid"


class ApiError(Exception):
    """A failed API call carrying its Status object."""

    def __init__(self, code: int, reason: str, message: str, *, kind: str = "", name: str = "",
                 group: str = "", causes: tuple[Cause, ...] = (), retry_after: int = 0) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # details.retryAfterSeconds (omitted when 0)
        self.code = code
        self.reason = reason
        self.message = message
        self.kind = kind
        self.name = name
        self.group = group
        self.causes = causes

    def status(self) -> dict:
        """The metav1.Status body for this error."""
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": self.message, "reason": self.reason, "code": self.code}
        details = {}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        if self.kind:
            details["kind"] = self.kind
        if self.causes:
            details["causes"] = [{"field": c.field, "message": c.message, "reason": c.reason} if c.field else
                                 {"reason": c.reason, "message": c.message} for c in self.causes]
        if self.retry_after:
            details["retryAfterSeconds"] = self.retry_after
        if details:
            body["details"] = details
        return body

    @classmethod
    def from_status(cls, body: dict, code: int) -> ApiError:
        details = body.get("details") or {}
        causes = tuple(Cause(c.get("field", ""), c.get("message", ""), c.get("reason", ""))
                       for c in details.get("causes") or ())
        return cls(int(body.get("code") or code), body.get("reason", "Unknown"),
                   body.get("message", f"HTTP {code}"), kind=details.get("kind", ""),
                   name=details.get("name", ""), group=details.get("group", ""), causes=causes)


def _resource(kind: str, group: str) -> str:
    return f"{kind}.{group}" if group else kind


def not_found(kind: str, name: str, group: str = "") -> ApiError:
    return ApiError(404, "NotFound", f'{_resource(kind, group)} "{name}" not found',
                    kind=kind, name=name, group=group)


def already_exists(kind: str, name: str, group: str = "") -> ApiError:
    return ApiError(409, "AlreadyExists", f'{_resource(kind, group)} "{name}" already exists',
                    kind=kind, name=name, group=group)


def conflict(kind: str, name: str, detail: str, group: str = "") -> ApiError:
    return ApiError(409, "Conflict", f'Operation cannot be fulfilled on {_resource(kind, group)} '
                    f'"{name}": {detail}', kind=kind, name=name, group=group)


def invalid(kind: str, name: str, causes: tuple[Cause, ...], group: str = "") -> ApiError:
    text = ", ".join(f"{c.field}: {c.message}" for c in causes)
    qualified = f"{kind}.{group}" if group else kind  # errors.NewInvalid names the GroupKind
    return ApiError(422, "Invalid", f'{qualified} "{name}" is invalid: {text}', kind=kind, name=name,
                    group=group, causes=causes)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def method_not_allowed(message: str) -> ApiError:
    return ApiError(405, "MethodNotAllowed", message)


def unsupported_media_type(content_type: str) -> ApiError:
    return ApiError(415, "UnsupportedMediaType", f"the body of the request was in an unknown "
                    f"format - accepted media types include: application/json, "
                    f"application/merge-patch+json, application/json-patch+json "
                    f"(got {content_type!r})")


def gone(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def forbidden(kind: str, name: str, message: str) -> ApiError:
    return ApiError(403, "Forbidden", f'{kind} "{name}" is forbidden: {message}', kind=kind,
                    name=name)


def internal(message: str) -> ApiError:
    return ApiError(500, "InternalError", message)


def success(kind: str, name: str, group: str = "", uid: str = "") -> dict:
    """The Status a DELETE returns when the object is gone at once."""
    details = {"name": name, "kind": kind}
    if group:
        details["group"] = group
    if uid:
        details["uid"] = uid
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": details}


def is_not_found(err: Exception) -> bool:
    return isinstance(err, ApiError) and err.code == 404


def is_conflict(err: Exception) -> bool:
    return isinstance(err, ApiError) and err.code == 409 and err.reason == "Conflict"


def is_already_exists(err: Exception) -> bool:
    return isinstance(err, ApiError) and err.reason == "AlreadyExists"


def is_gone(err: Exception) -> bool:
    return isinstance(err, ApiError) and err.code == 410
