"""The source text of a declaration, read only inside the indexed checkout (or the shipped
minik8s package): a path that leaves its root is refused, a missing checkout is reported."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

MAX_LINES = 400  # a longer declaration is cut, and says so
MAX_BYTES = 4_000_000  # a bigger file is not read


@dataclass(frozen=True, slots=True)
class SourceText:
    path: str  # as given, relative to the root
    first_line: int
    text: str  # '' when it could not be read; `problem` says why
    truncated: bool = False
    problem: str = ""

    @property
    def signature(self) -> str:
        """The declaration's head: its text up to the brace opening the body (an empty
        `interface{}` or `struct{}` in a parameter or result list is not a body)."""
        return signature_of(self.text)


def signature_of(text: str) -> str:
    depth = 0
    for i, ch in enumerate(text[:4000]):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "{" and depth == 0:
            if text[i + 1:].lstrip().startswith("}") and not text[:i].rstrip().endswith(")"):
                continue  # `interface{}` as a result type
            return " ".join(text[:i].split())
    return text.split("\n", 1)[0].strip()


def inside(root: Path, rel_path: str) -> Path | None:
    """`root/rel_path` when it resolves inside `root` (symlinks followed), else None."""
    if not rel_path or "\x00" in rel_path or Path(rel_path).is_absolute():
        return None
    base = root.resolve()
    target = (base / rel_path).resolve()
    return target if target.is_relative_to(base) and target != base else None


def read_lines(root: Path | str | None, rel_path: str, line: int, end_line: int | None = None
               ) -> SourceText:
    """Lines `line`..`end_line` of `rel_path` under the checkout `root`."""
    if not root:
        return SourceText(rel_path, line, "", problem="the index does not record its checkout")
    root = Path(root)
    if not root.is_dir():
        return SourceText(rel_path, line, "", problem=f"the indexed checkout is gone ({root.name})")
    path = inside(root, rel_path)
    if path is None:
        return SourceText(rel_path, line, "", problem="refused: the path leaves the checkout")
    return _read(path, rel_path, line, end_line)


def read_mini_module(module: str) -> SourceText:
    """The whole source of a minik8s module (`minik8s/scheduler/scheduler.py`)."""
    if not module.startswith("minik8s/") or not module.endswith(".py"):
        return SourceText(module, 1, "", problem="not a minik8s module")
    root = Path(str(files("kubeatlas").joinpath("minik8s")))
    path = inside(root, module.removeprefix("minik8s/"))
    if path is None:
        return SourceText(module, 1, "", problem="refused: the path leaves the minik8s package")
    return _read(path, module, 1, None, max_lines=2000)


def _read(path: Path, shown: str, line: int, end_line: int | None,
          max_lines: int = MAX_LINES) -> SourceText:
    try:
        if not path.is_file():
            return SourceText(shown, line, "", problem="the file is not in the checkout")
        if path.stat().st_size > MAX_BYTES:
            return SourceText(shown, line, "", problem="the file is too large to show")
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        return SourceText(shown, line, "", problem=f"the file could not be read ({exc.strerror})")
    start = max(1, int(line or 1))
    end = int(end_line) if end_line else len(lines)
    end = max(start, min(end, len(lines)))
    cut = end - start + 1 > max_lines
    chosen = lines[start - 1:start - 1 + max_lines] if cut else lines[start - 1:end]
    return SourceText(shown, start, "\n".join(chosen), truncated=cut)
