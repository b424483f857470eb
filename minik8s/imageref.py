"""Image references: does a container's `image` parse, and the error the kubelet reports when it does not.

Mirrors pkg/util/parsers `ParseImageName` over github.com/docker/distribution/reference
(`ParseNormalizedNamed`: a 64-hex identifier is refused, `splitDockerDomain` puts a short name
under docker.io/library, an upper-case repository is refused; `Parse` matches
`ReferenceRegexp` of regexp.go - name, `:tag`, `@digest` - with its errors, and
github.com/opencontainers/go-digest `(Digest).Validate` checks a digest), as
pkg/kubelet/images `applyDefaultImageTag` calls it before any pull: a reference that does not
parse is ErrInvalidImageName ("InvalidImageName") with the message
`Failed to apply default image tag "IMAGE": couldn't parse image name "IMAGE": ...`.
"""

from __future__ import annotations

import re

_ALNUM = r"[a-z0-9]+"
_COMPONENT = rf"{_ALNUM}(?:(?:[._]|__|[-]*){_ALNUM})*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}"
REFERENCE = re.compile(rf"^({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$", re.ASCII)
IDENTIFIER = re.compile(r"^[a-f0-9]{64}$")
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}
NAME_TOTAL_LENGTH_MAX = 255


def _split_docker_domain(name: str) -> tuple[str, str]:
    """splitDockerDomain."""
    slash = name.find("/")
    if slash == -1 or (not any(c in name[:slash] for c in ".:") and name[:slash] != "localhost"):
        domain, remainder = "docker.io", name
    else:
        domain, remainder = name[:slash], name[slash + 1:]
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in remainder:
        remainder = f"library/{remainder}"
    return domain, remainder


def _validate_digest(digest: str) -> str:
    """(Digest).Validate: '' when valid, else the go-digest error."""
    algorithm, _, encoded = digest.partition(":")
    if algorithm not in DIGEST_SIZES:
        return "unsupported digest algorithm"
    if len(encoded) != DIGEST_SIZES[algorithm] * 2:
        return "invalid checksum digest length"
    return "" if re.fullmatch(r"[a-f0-9]+", encoded) else "invalid checksum digest format"


def parse_error(image: str) -> str:
    """ParseNormalizedNamed's error for `image`, or '' when it parses."""
    if IDENTIFIER.match(image):
        return f"invalid repository name ({image}), cannot specify 64-byte hexadecimal strings"
    domain, remainder = _split_docker_domain(image)
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return "invalid reference format: repository name must be lowercase"
    reference = f"{domain}/{remainder}"
    match = REFERENCE.match(reference)
    if match is None:
        if not reference:
            return "repository name must have at least one component"
        if REFERENCE.match(reference.lower()):
            return "repository name must be lowercase"
        return "invalid reference format"
    if len(match.group(1)) > NAME_TOTAL_LENGTH_MAX:
        return f"repository name must not be more than {NAME_TOTAL_LENGTH_MAX} characters"
    return _validate_digest(match.group(3)) if match.group(3) else ""


def invalid_image_message(image: str) -> str:
    """applyDefaultImageTag's message when the image does not parse, else ''."""
    error = parse_error(image)
    if not error:
        return ""
    return f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": {error}'
