"""The serviceaccounts/token subresource: a TokenRequest answered with a signed, expiring service account JWT.

Mirrors pkg/registry/core/serviceaccount/storage/token.go (`(*TokenREST).Create`: the name and
namespace of the body must match the URL, the ServiceAccount must exist, audiences default to the
API server's, `ValidateTokenRequest` of pkg/apis/authentication/validation - at least 10 minutes,
at most 2^32 seconds - a pod or secret boundObjectRef must exist with a matching uid, then
status.token and status.expirationTimestamp), pkg/apis/authentication/v1 `SetDefaults_TokenRequestSpec`
(3600 seconds) and pkg/serviceaccount (`Claims`: iss, sub system:serviceaccount:<ns>:<name>, aud,
exp, iat, nbf and the kubernetes.io private claims; `(*jwtTokenGenerator).GenerateToken`).
"""

from __future__ import annotations

import time

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.certs import TokenSigner
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.status import Cause

SERVICE_ACCOUNT, POD, SECRET = for_kind("v1", "ServiceAccount"), for_kind("v1", "Pod"), for_kind("v1", "Secret")
ISSUER = "https://kubernetes.default.svc.cluster.local"  # --service-account-issuer, also the default --api-audiences
GROUP = "authentication.k8s.io"


def _rfc3339(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _invalid(name: str, causes: list[Cause]) -> status.ApiError:
    return status.invalid("TokenRequest", name, tuple(causes), GROUP)


def create_token(registry: Registry, namespace: str, name: str, body: object) -> dict:
    """TokenREST.Create."""
    if not isinstance(body, dict) or body.get("kind", "TokenRequest") != "TokenRequest":
        raise status.bad_request("the body of serviceaccounts/token must be an authentication.k8s.io/v1 TokenRequest")
    md = body.get("metadata") or {}
    if md.get("name") and md["name"] != name:
        raise _invalid(name, [Cause("metadata.name", f'Invalid value: "{md["name"]}": must match the service '
                                    "account name if specified")])
    if md.get("namespace") and md["namespace"] != namespace:
        raise _invalid(name, [Cause("metadata.namespace", f'Invalid value: "{md["namespace"]}": must match the '
                                    "service account namespace if specified")])
    account = registry.get(SERVICE_ACCOUNT, namespace, name)
    spec = dict(body.get("spec") or {})
    spec["audiences"] = list(spec.get("audiences") or [ISSUER])
    if spec.get("expirationSeconds") is None:
        spec["expirationSeconds"] = 3600
    seconds = spec["expirationSeconds"]
    if not isinstance(seconds, int) or seconds < 600:
        raise _invalid("", [Cause("spec.expirationSeconds", f"Invalid value: {seconds}: may not specify a duration "
                                  "less than 10 minutes")])
    if seconds > 1 << 32:
        raise _invalid("", [Cause("spec.expirationSeconds", f"Invalid value: {seconds}: may not specify a duration "
                                  "larger than 2^32 seconds")])
    private = {"namespace": namespace, "serviceaccount": {"name": name, "uid": meta.uid_of(account)}}
    ref = spec.get("boundObjectRef")
    if ref:
        private.update(_bound_object(registry, namespace, name, ref))
    now = int(time.time())
    claims = {"aud": spec["audiences"], "exp": now + seconds, "iat": now, "iss": ISSUER, "kubernetes.io": private,
              "nbf": now, "sub": f"system:serviceaccount:{namespace}:{name}"}
    if registry.token_signer is None:
        registry.token_signer = TokenSigner()
    signer = registry.token_signer
    token = signer.sign({"alg": "ES256", "kid": signer.key_id}, claims)
    return {"kind": "TokenRequest", "apiVersion": f"{GROUP}/v1",
            "metadata": {"name": name, "namespace": namespace, "creationTimestamp": _rfc3339(now)},
            "spec": spec, "status": {"token": token, "expirationTimestamp": _rfc3339(now + seconds)}}


def _bound_object(registry: Registry, namespace: str, account: str, ref: dict) -> dict:
    """The pod or secret a token is bound to, as its private claim (409 when the uid does not match)."""
    api_version, kind, name = ref.get("apiVersion", ""), ref.get("kind", ""), ref.get("name", "")
    if api_version != "v1" or kind not in ("Pod", "Secret"):
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        version = api_version.rpartition("/")[2]
        raise status.bad_request(f"cannot bind token to object of type {group}/{version}, Kind={kind}"
                                 if group else f"cannot bind token to object of type /{version}, Kind={kind}")
    obj = registry.get(POD if kind == "Pod" else SECRET, namespace, name)
    if kind == "Pod" and (obj.get("spec") or {}).get("serviceAccountName", "default") != account:
        raise status.bad_request(f'cannot bind token for serviceaccount "{account}" to pod running with different '
                                 "serviceaccount name.")
    if ref.get("uid") and ref["uid"] != meta.uid_of(obj):
        raise status.conflict(kind, name, f"the UID in the bound object reference ({ref['uid']}) does not match the "
                              "UID in record. The object might have been deleted and then recreated")
    return {kind.lower(): {"name": name, "uid": meta.uid_of(obj)}}
