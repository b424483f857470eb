"""The service account token authenticator: a JWT from serviceaccounts/token signs a request in as that account.

Mirrors pkg/serviceaccount/jwt.go (`(*jwtTokenAuthenticator).AuthenticateToken`: the signature by
the service account key, the issuer and one of the API audiences) and pkg/serviceaccount/claims.go
(`(*validator).Validate`: not expired nor before nbf, the ServiceAccount - and the pod or secret
the token is bound to - still there with the uid of the claims), giving the user
system:serviceaccount:<ns>:<name> in the groups of `serviceaccount.MakeGroupNames`.
"""

from __future__ import annotations

import time

from kubeatlas.minik8s import meta, status
from kubeatlas.minik8s.registry import Registry
from kubeatlas.minik8s.resources import for_kind
from kubeatlas.minik8s.serviceaccounttoken import ISSUER

SERVICE_ACCOUNT, POD, SECRET = for_kind("v1", "ServiceAccount"), for_kind("v1", "Pod"), for_kind("v1", "Secret")
LEEWAY = 60  # seconds of clock skew the validator allows (NewValidator's leeway)


def _still_there(registry: Registry, resource, namespace: str, claim: dict | None) -> bool:
    if not claim:
        return True
    try:
        return meta.uid_of(registry.get(resource, namespace, claim.get("name", ""))) == claim.get("uid")
    except status.ApiError:
        return False


def service_account_of(registry: Registry, token: str) -> tuple[str, tuple[str, ...]] | None:
    """(user name, groups) for a valid service account token of this apiserver; None for any other string."""
    signer = registry.token_signer
    claims = signer.verify(token) if signer is not None and token.count(".") == 2 else None
    if not isinstance(claims, dict) or claims.get("iss") != ISSUER or ISSUER not in (claims.get("aud") or ()):
        return None
    now = time.time()
    if not isinstance(claims.get("exp"), int) or claims["exp"] + LEEWAY < now or claims.get("nbf", 0) - LEEWAY > now:
        return None
    private = claims.get("kubernetes.io") or {}
    namespace, account = private.get("namespace", ""), private.get("serviceaccount") or {}
    if not (_still_there(registry, SERVICE_ACCOUNT, namespace, account)
            and _still_there(registry, POD, namespace, private.get("pod"))
            and _still_there(registry, SECRET, namespace, private.get("secret"))):
        return None
    name = f"system:serviceaccount:{namespace}:{account.get('name', '')}"
    if claims.get("sub") != name:
        return None
    return name, ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated")
