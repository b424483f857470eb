"""Benchmark reading a checkout's git facts (commit, version tag, branch), which every `kubeatlas
index` of a git checkout does before anything else, on a repository with as many annotated
tags as a full Kubernetes clone.

    python bench/checkout.py [--tags 1300] [--repeat 5]

Builds the repository in a temporary directory (two commits, the tags on the first, the
release's own tag on the second, refs packed as a clone has them) and prints the median and
range of describe_checkout's wall time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from kubeatlas.analyzer.source import describe_checkout

_ID = ["-c", "user.email=bench@example.com", "-c", "user.name=bench"]


def build_repo(root: Path, tags: int) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *_ID, *args], cwd=root, check=True, capture_output=True)

    git("init", "-q")
    git("commit", "-q", "--allow-empty", "-m", "old")
    for i in range(tags):
        git("tag", "-a", f"v1.{i // 100}.{i % 100}", "-m", "old release")
    git("commit", "-q", "--allow-empty", "-m", "release")
    git("tag", "-a", "v1.28.7", "-m", "release")
    git("pack-refs", "--all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=1300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kubeatlas-checkout-") as scratch:
        root = Path(scratch)
        build_repo(root, args.tags)
        times = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            found = describe_checkout(root)
            times.append(time.perf_counter() - began)
    assert found.k8s_version == "v1.28.7", found
    print(f"describe_checkout, {args.tags + 1} annotated tags: "
          f"{statistics.median(times) * 1000:.0f} ms "
          f"({min(times) * 1000:.0f}-{max(times) * 1000:.0f}, {args.repeat} runs)")


if __name__ == "__main__":
    main()
