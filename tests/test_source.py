"""A local checkout's git facts: the commit, the version tag on it, the branch; read with a few
git commands whatever the number of tags, and nothing when there is no repository or git."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kubeatlas.analyzer.source import describe_checkout

_ID = ["-c", "user.email=t@example.com", "-c", "user.name=t"]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *_ID, *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()


def _repo(root: Path) -> tuple[str, str]:
    """Two commits: fifty annotated tags and a lightweight one on the first, the release's
    annotated tag (and a non-version one) on the second; (first, second)."""
    root.mkdir()
    _git(root, "init", "-q", "-b", "release-1.28")
    (root / "go.mod").write_text("module k8s.io/kubernetes\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "one")
    first = _git(root, "rev-parse", "HEAD")
    for i in range(50):
        _git(root, "tag", "-a", f"v1.27.{i}", "-m", "old")
    _git(root, "tag", "v1.26.0")
    _git(root, "commit", "-q", "--allow-empty", "-m", "two")
    _git(root, "tag", "-a", "v1.28.7", "-m", "release")
    _git(root, "tag", "-a", "latest", "-m", "not a version")
    _git(root, "pack-refs", "--all")
    return first, _git(root, "rev-parse", "HEAD")


def test_the_version_tag_on_head_names_ref_and_version(tmp_path):
    _, head = _repo(tmp_path / "k")
    found = describe_checkout(tmp_path / "k")
    assert (found.commit, found.ref, found.k8s_version) == (head, "v1.28.7", "v1.28.7")


def test_a_detached_head_takes_its_own_tag_and_a_ref_asked_for_stays(tmp_path):
    first, _ = _repo(tmp_path / "k")
    _git(tmp_path / "k", "checkout", "-q", first)
    found = describe_checkout(tmp_path / "k")
    assert (found.commit, found.ref, found.k8s_version) == (first, "v1.26.0", "v1.26.0")
    asked = describe_checkout(tmp_path / "k", ref="mine", version="v1.27.3")
    assert (asked.ref, asked.k8s_version) == ("mine", "v1.27.3")


def test_an_untagged_head_names_its_branch_and_the_changelog_minor(tmp_path):
    _repo(tmp_path / "k")
    _git(tmp_path / "k", "commit", "-q", "--allow-empty", "-m", "three")
    (tmp_path / "k" / "CHANGELOG").mkdir()
    for minor in (9, 28, 10):
        (tmp_path / "k" / "CHANGELOG" / f"CHANGELOG-1.{minor}.md").write_text("")
    found = describe_checkout(tmp_path / "k")
    assert (found.ref, found.k8s_version) == ("release-1.28", "v1.28.x")
    assert found.commit == _git(tmp_path / "k", "rev-parse", "HEAD")


def test_no_repository_or_no_git_leaves_the_git_facts_empty(tmp_path, monkeypatch):
    (tmp_path / "plain").mkdir()
    plain = describe_checkout(tmp_path / "plain")
    assert (plain.commit, plain.ref, plain.k8s_version) == ("", "", "")
    _repo(tmp_path / "k")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no git on PATH: still indexable
    found = describe_checkout(tmp_path / "k")
    assert (found.commit, found.ref) == ("", "")
