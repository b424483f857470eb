"""The KubeatlasError hierarchy: every error a user can cause, with structured fields."""

from __future__ import annotations

from collections.abc import Callable


class KubeatlasError(Exception):
    """Base of every error kubeatlas reports to a user as one line (CLI exit code 2)."""

    exit_code = 2

    def __init__(self, message: str, **fields: object) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Callable[..., KubeatlasError], tuple[object, ...]]:  # survives multiprocessing
        return (_rebuild, (type(self), self.message, self.fields))


def _rebuild(cls: type[KubeatlasError], message: str, fields: dict[str, object]) -> KubeatlasError:
    return cls(message, **fields)


class NotAKubernetesTree(KubeatlasError):
    """The given path has none of pkg/, staging/src/k8s.io or cmd/ with a go.mod."""


class SourceFetchError(KubeatlasError):
    """Cloning or checking out a ref failed (bad URL, bad ref, no network)."""


class IndexNotFound(KubeatlasError):
    """No index database exists at the path given (or at the default)."""


class IndexCorrupt(KubeatlasError):
    """The index database exists but cannot be read as a kubeatlas index."""


class NodeNotFound(KubeatlasError):
    """A package, type, function or role named by the user is not in the graph."""


class DirectoryOnly(NodeNotFound):
    """A directory of the tree was named that holds no Go package of its own (`pkg/apis`):
    `packages` lists the packages under it, the shallowest first."""


class AmbiguousName(KubeatlasError):
    """A short name matched several nodes; the message lists candidates."""


class QueryRejected(KubeatlasError):
    """A console query was refused: not read-only, or not allowed."""


class QueryTimeout(KubeatlasError):
    """A query ran past its time limit; the message names the setting to raise."""


class StoreUnavailable(KubeatlasError):
    """The graph server cannot be reached, refused the credentials, or is too old."""


class CatalogError(KubeatlasError):
    """A data file under data/ (role catalog, minik8s links) is missing or malformed."""


class ServerSetupError(KubeatlasError):
    """The local Neo4j server could not be fetched, set up, started or stopped."""


class TreeNotLoaded(KubeatlasError):
    """The Neo4j server has no (complete) copy of the tree asked for; `kubeatlas load` first."""


class IndexWriteError(KubeatlasError):
    """The index cannot be written where asked (a directory, a file that is not an index, a
    full disk or a file-size limit); the previous index, if any, is untouched."""
