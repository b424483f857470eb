"""Citations in study notes and pages: a symbol at `path:line` of the pinned commit, its GitHub
link, reading citations back out of Markdown, and checking them against a tree."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GITHUB = "https://github.com/kubernetes/kubernetes"
_TAG = re.compile(r"^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$")
# `Symbol` ([path:line](url))   or   `Symbol` (path:line)   or   `"import/path"` ([path](url))
_CITATION = re.compile(r"`(?P<symbol>[^`\n]+)` \(\[?(?P<path>[\w./+-]+\.go)(?::(?P<line>\d+))?"
                       r"(?:\]\([^)\s]*\))?\)")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Citation:
    """`symbol` is written at `path:line`; line None means somewhere in the file (an import)."""

    path: str
    line: int | None
    symbol: str

    @property
    def label(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class StaleCitation:
    citation: Citation
    reason: str

    def as_json(self) -> dict[str, Any]:
        c = self.citation
        return {"path": c.path, "line": c.line, "symbol": c.symbol, "reason": self.reason}


def pinned_ref(tree: Mapping[str, Any]) -> str:
    """The commit the index was built from, else a release tag; '' when neither is known."""
    commit = str(tree.get("commit") or "")
    if commit:
        return commit
    for key in ("ref", "k8s_version"):
        value = str(tree.get(key) or "")
        if _TAG.match(value):
            return value
    return ""


def source_url(tree: Mapping[str, Any], path: str, line: int | None = None) -> str:
    """`https://github.com/kubernetes/kubernetes/blob/<commit>/<path>#L<line>`, or '' if unpinned."""
    ref = pinned_ref(tree)
    if not ref or not path:
        return ""
    return f"{GITHUB}/blob/{ref}/{path}" + (f"#L{line}" if line else "")


def tree_url(tree: Mapping[str, Any], path: str = "") -> str:
    ref = pinned_ref(tree)
    return f"{GITHUB}/tree/{ref}/{path}".rstrip("/") if ref else ""


def cite_markdown(tree: Mapping[str, Any], citation: Citation, text: str | None = None) -> str:
    """`` `Symbol` ([path:line](url)) `` — the form `parse_citations` reads back."""
    shown = text or citation.symbol
    url = source_url(tree, citation.path, citation.line)
    where = f"[{citation.label}]({url})" if url else citation.label
    return f"`{shown}` ({where})"


def parse_citations(markdown: str) -> list[Citation]:
    found = []
    for m in _CITATION.finditer(markdown):
        line = int(m.group("line")) if m.group("line") else None
        found.append(Citation(m.group("path"), line, m.group("symbol")))
    return found


def check_citations(citations: list[Citation], root: Path) -> list[StaleCitation]:
    """Citations whose file is gone, whose line is past the end, or whose line (for an import:
    file) no longer names the symbol."""
    stale: list[StaleCitation] = []
    texts: dict[str, list[str] | None] = {}
    for c in citations:
        if c.path not in texts:
            path = Path(root) / c.path
            texts[c.path] = (path.read_text(encoding="utf-8", errors="replace").splitlines()
                             if path.is_file() else None)
        lines = texts[c.path]
        if lines is None:
            stale.append(StaleCitation(c, f"{c.path} does not exist in {root}"))
        elif c.line is None:
            if c.symbol not in "\n".join(lines):
                stale.append(StaleCitation(c, f"{c.path} no longer mentions {c.symbol}"))
        elif c.line > len(lines):
            stale.append(StaleCitation(c, f"line {c.line} is past the end of {c.path} "
                                          f"({len(lines)} lines)"))
        elif not _names(statement(lines, c.line), c.symbol):
            stale.append(StaleCitation(c, f"{c.label} does not contain {bare_name(c.symbol)}"))
    return stale


def bare_name(symbol: str) -> str:
    """The identifier a cited line must contain: `kuberuntime.(*m).SyncPod` -> `SyncPod`."""
    names = _IDENT.findall(symbol)
    return names[-1] if names else symbol


def _names(line: str, symbol: str) -> bool:
    return re.search(rf"\b{re.escape(bare_name(symbol))}\b", line) is not None


def statement(lines: list[str], line: int, limit: int = 15) -> str:
    """The cited line and, for a chained or wrapped expression that starts there
    (`resource.\\n NewHelper(...).\\n Create(...)`), its continuation lines."""
    text, depth = [], 0
    for raw in lines[line - 1:line - 1 + limit]:
        text.append(raw)
        code = raw.split("//", 1)[0]
        depth += code.count("(") - code.count(")")
        if depth <= 0 and not code.rstrip().endswith((".", ",", "(", "&&", "||")):
            break
    return "\n".join(text)
