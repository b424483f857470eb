"""Find the Go files of a Kubernetes tree and give each its module and import path."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kubeatlas.analyzer.model import SourceFile
from kubeatlas.analyzer.reading import read_small
from kubeatlas.errors import NotAKubernetesTree

MAIN_MODULE = "k8s.io/kubernetes"
MAIN_ROOTS = ("pkg", "cmd", "plugin")
STAGING = "staging/src/k8s.io"
SKIP_DIRS = frozenset({"vendor", "testdata"})
_MODULE_LINE = re.compile(rb"^module\s+(\S+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    path: str  # "k8s.io/client-go"
    dir: str  # "staging/src/k8s.io/client-go" ("" for the main module)
    staging: bool


def check_tree(root: Path) -> None:
    """Raise NotAKubernetesTree unless root looks like a Kubernetes checkout."""
    if not root.is_dir():
        raise NotAKubernetesTree(f"{root} is not a directory", path=str(root))
    module = read_module_path(root / "go.mod")
    if module != MAIN_MODULE:
        found = f"module {module}" if module else "no go.mod"
        raise NotAKubernetesTree(
            f"{root} is not a Kubernetes tree ({found}; expected go.mod with module {MAIN_MODULE})",
            path=str(root),
        )
    if not any((root / d).is_dir() for d in ("pkg", STAGING)):
        raise NotAKubernetesTree(f"{root} has neither pkg/ nor {STAGING}/", path=str(root))


def read_module_path(go_mod: Path) -> str | None:
    content = read_small(go_mod)  # a regular file, bounded: a FIFO go.mod neither hangs us
    match = _MODULE_LINE.search(content) if content is not None else None
    return match.group(1).decode(errors="replace") if match else None


def find_modules(root: Path) -> list[ModuleInfo]:
    """The main module and each staging repository's go.mod (nested modules included)."""
    modules = [ModuleInfo(MAIN_MODULE, "", False)]
    staging = root / STAGING
    if staging.is_dir():
        for dirpath, dirnames, filenames in os.walk(staging):
            dirnames[:] = sorted(d for d in dirnames if _walkable(d) and _utf8(d))
            if "go.mod" in filenames:
                path = read_module_path(Path(dirpath) / "go.mod")
                if path:
                    rel = Path(dirpath).relative_to(root).as_posix()
                    modules.append(ModuleInfo(path, rel, True))
    return sorted(modules, key=lambda m: m.dir)


def discover(root: Path, modules: list[ModuleInfo] | None = None,
             problems: list[NameProblem] | None = None,
             stamps: dict[str, Stamp] | None = None) -> Iterator[SourceFile]:
    """Every .go file under pkg/, cmd/, plugin/ and staging/src/k8s.io/*, each once, sorted.
    A file or directory whose name is not UTF-8 is skipped and appended to `problems`; each
    file's (mtime_ns, size) goes to `stamps` ((0, -1) when it cannot be stat'ed)."""
    modules = modules if modules is not None else find_modules(root)
    by_dir = {m.dir: m for m in modules if m.dir}
    seen: set[tuple[int, int]] = set()
    tops = [root / d for d in MAIN_ROOTS] + [root / m.dir for m in modules if m.dir]
    base = str(root).rstrip("/") + "/"
    for top in tops:
        if not top.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(top):  # never follows directory symlinks
            rel_dir = dirpath[len(base):]
            dirnames[:] = sorted(
                d for d in dirnames
                if _walkable(d) and f"{rel_dir}/{d}" not in by_dir  # nested modules walk alone
                and _named_in_utf8(f"{rel_dir}/{d}", "directory", problems)
            )
            module = _module_of(rel_dir, by_dir)
            import_path = import_path_of(rel_dir, module)
            folder = dirpath + "/"
            for name in sorted(filenames):
                if not name.endswith(".go") or name[0] in "._":
                    continue
                rel_path = f"{rel_dir}/{name}"
                if not name.isascii() and not _named_in_utf8(rel_path, "file", problems):
                    continue
                try:
                    st = os.stat(folder + name)
                except OSError:
                    st = None
                if st is not None:
                    key = (st.st_dev, st.st_ino)
                    if key in seen:
                        continue
                    seen.add(key)
                if stamps is not None:
                    stamps[rel_path] = (st.st_mtime_ns, st.st_size) if st is not None else (0, -1)
                yield SourceFile(rel_path, import_path, module.path, name.endswith("_test.go"))


NameProblem = tuple[str, str, str, int]  # (path, kind, message, line) as the problems table holds
Stamp = tuple[int, int]  # (mtime_ns, size) of a file, as the index's manifest records it


def _utf8(name: str) -> bool:
    """os.walk decodes names with surrogateescape: a surrogate is a byte that is not UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _named_in_utf8(rel: str, what: str, problems: list[NameProblem] | None) -> bool:
    if _utf8(rel):
        return True
    if problems is not None:
        shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
        problems.append((shown, "bad-name", f"{what} name is not valid UTF-8: "
                         + ("not indexed" if what == "file" else "not walked"), 0))
    return False


def _walkable(name: str) -> bool:
    return name not in SKIP_DIRS and name[0] not in "._"


def _module_of(rel_dir: str, by_dir: dict[str, ModuleInfo]) -> ModuleInfo:
    probe = rel_dir
    while probe:
        if probe in by_dir:
            return by_dir[probe]
        probe = probe.rpartition("/")[0]
    return ModuleInfo(MAIN_MODULE, "", False)


def import_path_of(rel_dir: str, module: ModuleInfo) -> str:
    """`pkg/kubelet` -> k8s.io/kubernetes/pkg/kubelet; staging dirs map onto their module."""
    if not module.dir:
        return f"{MAIN_MODULE}/{rel_dir}"
    rest = rel_dir[len(module.dir):].lstrip("/")
    return f"{module.path}/{rest}" if rest else module.path
