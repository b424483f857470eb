"""Getting the source: a local checkout's git facts, or a shallow sparse clone (gitpython)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kubeatlas.errors import SourceFetchError

DEFAULT_URL = "https://github.com/kubernetes/kubernetes.git"
SPARSE_PATHS = ("pkg/", "staging/", "cmd/", "plugin/", "go.mod", "CHANGELOG/")
_VERSION_TAG = re.compile(r"^v\d+\.\d+\.\d+")


@dataclass(frozen=True, slots=True)
class Checkout:
    root: Path
    ref: str  # what the user asked for, or the branch/tag found
    commit: str  # full SHA, "" if not a git checkout
    k8s_version: str  # "v1.28.7", "v1.28.x (from CHANGELOG)", or ""


def describe_checkout(root: Path, ref: str = "", version: str = "") -> Checkout:
    """Commit, ref and Kubernetes version of a local tree (git facts when it is a repository).
    Three `git` commands, whatever the number of tags: a full Kubernetes clone has over a
    thousand, and resolving each one (as gitpython's tag list does) took seconds on every
    index run."""
    commit, found_ref, tag = "", ref, ""
    if (root / ".git").exists():  # not a repository: no git at all
        commit = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if commit:
        tags = _git(root, "tag", "--points-at", commit).split()
        tag = next((t for t in sorted(tags) if _VERSION_TAG.match(t)), "")
        if not found_ref:
            found_ref = tag or _git(root, "symbolic-ref", "--quiet", "--short", "HEAD") or commit
    k8s_version = version or tag or (ref if _VERSION_TAG.match(ref) else "") or _changelog_minor(root)
    return Checkout(root, found_ref, commit, k8s_version)


def _git(root: Path, *args: str) -> str:
    """What one git command prints in root, stripped; "" when git fails or is missing (the
    tree is still indexable). A checkout another user owns is read too."""
    try:
        done = subprocess.run(["git", "-c", "safe.directory=*", "-C", str(root), *args],
                              capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _changelog_minor(root: Path) -> str:
    """`v1.28.x` from the newest CHANGELOG/CHANGELOG-1.N.md, when there is no tag."""
    best = None
    for path in (root / "CHANGELOG").glob("CHANGELOG-1.*.md"):
        match = re.search(r"CHANGELOG-1\.(\d+)\.md$", path.name)
        if match and (best is None or int(match.group(1)) > best):
            best = int(match.group(1))
    return f"v1.{best}.x" if best is not None else ""


def git_reason(exc: Exception) -> str:
    """git's own reason for a failed command, from gitpython's `  stderr: '…'` wrapping: its
    first `fatal:` or `error:` line (not the advice after it), else its last line."""
    text = str(getattr(exc, "stderr", "") or exc).strip()
    text = text.removeprefix("stderr:").strip().strip("'").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    said = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return said[0] if said else lines[-1] if lines else type(exc).__name__


def clone_tree(url: str, ref: str, dest: Path) -> Checkout:
    """Shallow, sparse clone of `ref` (a tag or branch) into dest; a failed clone leaves nothing."""
    import git

    if dest.exists() and (dest / ".git").exists():
        try:
            repo = git.Repo(dest)
            if ref in (t.name for t in repo.tags) or repo.head.commit.hexsha.startswith(ref):
                return describe_checkout(dest, ref)
        except Exception:
            pass
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        repo = git.Repo.init(dest)
        repo.create_remote("origin", url)
        repo.git.config("core.sparseCheckout", "true")
        repo.git.sparse_checkout("set", "--no-cone", *SPARSE_PATHS)
        repo.git.fetch("--depth", "1", "--filter=blob:none", "origin",
                       f"+refs/tags/{ref}:refs/tags/{ref}" if _VERSION_TAG.match(ref) else ref)
        repo.git.checkout(ref if _VERSION_TAG.match(ref) else "FETCH_HEAD")
    except Exception as exc:  # gitpython raises GitCommandError with the stderr
        shutil.rmtree(dest, ignore_errors=True)
        raise SourceFetchError(f"cannot clone {url} at {ref!r}: {git_reason(exc)}", url=url,
                               ref=ref) from None
    return describe_checkout(dest, ref)
