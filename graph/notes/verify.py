"""`notes --check` for meaning: each claim read against the tree's source text — the call or
function value is at the cited line inside the caller's body, the type has the interface's
methods, the declaration is where cited, and nothing in the tree declares an absent name under
any spelling (case-insensitive, any package)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from kubeatlas.graph.model.schema import NodeKind, key_of, kind_of
from kubeatlas.graph.notes.citation import statement
from kubeatlas.graph.notes.claim import Claim

_SKIP_DIRS = {".git", "vendor", "_output", "node_modules", "testdata"}


@dataclass(frozen=True, slots=True)
class FailedClaim:
    claim: Claim
    reason: str


def check_claims(claims: list[Claim], root: Path) -> list[FailedClaim]:
    """The claims the tree at `root` does not back, with why."""
    files = _Files(Path(root))
    failed: list[FailedClaim] = []
    absent = [c for c in claims if c.kind == "absent"]
    declared = _declared_anywhere(Path(root), [c.subject for c in absent]) if absent else {}
    for c in claims:
        reason = (declared.get(c.subject) if c.kind == "absent" else _check(c, files))
        if reason:
            failed.append(FailedClaim(c, reason))
    return failed


def identifier(nid: str) -> tuple[str, str]:
    """(receiver type or '', name) of a type/func/method id."""
    key = key_of(nid)
    if kind_of(nid) == NodeKind.METHOD:
        head, _, name = key.rpartition(").")
        return head.rpartition(".(")[2].lstrip("*"), name
    return "", key.rpartition(".")[2]


class _Files:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        if path not in self.cache:
            p = self.root / path
            self.cache[path] = (p.read_text(encoding="utf-8", errors="replace").splitlines()
                                if p.is_file() else None)
        return self.cache[path]


def _check(c: Claim, files: _Files) -> str:
    lines = files.lines(c.path)
    if lines is None:
        return f"{c.path} does not exist"
    if not 0 < c.line <= len(lines):
        return f"line {c.line} is past the end of {c.path} ({len(lines)} lines)"
    if c.kind == "declares":
        return _declares(lines, c.line, c.subject, c.label)
    if c.kind in ("calls", "calls-field", "references", "references-field"):
        wrong = _outside(c, lines)
        if wrong:
            return wrong
        through = c.kind.endswith("-field")  # the statement names the field, not the function
        name = c.object_path.rsplit(".", 1)[-1] if through else identifier(c.object)[1]
        value = c.kind.startswith("references")
        pattern = rf"\b{re.escape(name)}\b" + (r"(?!\s*\()" if value else "")
        if not re.search(pattern, statement(lines, c.line)):
            verb = "function value" if value else "call"
            return f"{c.label} has no {verb} {name}"
        return ""
    if c.kind == "hands-off":
        return _hands_off(c, files, lines)
    if c.kind == "implements":
        return _implements(c, files, lines)
    return f"unknown claim kind {c.kind}"


def _outside(c: Claim, lines: list[str]) -> str:
    """Why the cited line is not inside the subject's declaration (its span), or ""."""
    start, end = c.span
    wrong = _declares(lines, start, c.subject, f"{c.path}:{start}") if start else ""
    if wrong:
        return wrong
    if start and not start <= c.line <= end:
        return f"{c.label} lies outside {identifier(c.subject)[1]} (lines {start}-{end})"
    return ""


_GIVES = re.compile(r"<-|\.(?:Add|AddRateLimited|AddAfter|Broadcast|Signal)\s*\(")
_TAKES = re.compile(r"<-|\brange\b|\.(?:Get|Wait)\s*\(")


def _hands_off(c: Claim, files: _Files, lines: list[str]) -> str:
    """The send (add, signal) is at the cited line inside the subject, the receive (take,
    wait) at the object's line inside the object (the declaration above that line is the
    object's), and both statements name one field."""
    wrong = _outside(c, lines)
    if wrong:
        return wrong
    start, end = c.span
    give = statement(lines, c.line)
    if not _GIVES.search(give):
        return f"{c.label} sends on no channel, adds to no queue and signals no condition"
    taker = files.lines(c.object_path)
    where = f"{c.object_path}:{c.object_line}"
    if taker is None or not 0 < c.object_line <= len(taker):
        return f"{where} does not exist"
    take = statement(taker, c.object_line)
    if not _TAKES.search(take):
        return f"{where} receives from no channel, takes from no queue and waits on no condition"
    head = next((n for n in range(c.object_line, 0, -1) if taker[n - 1].startswith("func")), 0)
    if not head or _declares(taker, head, c.object, where):
        return f"{where} lies outside {identifier(c.object)[1]}"
    body = "\n".join(lines[start - 1:end]) if start else ""
    if c.through:
        return _routed(c, give, take, where, body)
    fields = set(re.findall(r"\.(\w+)", take)) - {"Get", "Wait"}
    if set(re.findall(r"\w+", give)) & fields or _gives_through_local(give, body, fields):
        return ""
    return f"{c.label} and {where} name no common field"


def _gives_through_local(give: str, body: str, fields: set[str]) -> bool:
    """`next <- item` where the giver's body assigns next from one of the fields."""
    local = re.search(r"(\w+)\s*<-", give)
    if local is None:
        return False
    return any(re.search(rf"\b{local[1]}\s*:?=\s*[\w.]*\.{f}\b", body) for f in fields)


def _routed(c: Claim, give: str, take: str, where: str, body: str) -> str:
    """A hand-off with an end through a getter or a parameter: that end's statement names the
    getter's call (`Updates()`) or the parameter (`plegCh`), the other end's the field (the
    giver's perhaps through a local assigned from it)."""
    said = c.routes
    field = said.get("field", "")
    for end, text, label in (("give", give, c.label), ("take", take, where)):
        word = said.get(end)
        if word:
            name = word.removesuffix("()")
            pattern = rf"\b{re.escape(name)}\s*\(\s*\)" if word != name else rf"\b{re.escape(name)}\b"
            if not re.search(pattern, text):
                return f"{label} does not name {word}"
        elif not (re.search(rf"\.{re.escape(field)}\b", text)
                  or (end == "give" and _gives_through_local(text, body, {field}))):
            return f"{label} does not name the field {field}"
    return ""


def _declares(lines: list[str], line: int, nid: str, where: str) -> str:
    if not 0 < line <= len(lines):
        return f"{where} is past the end of the file"
    receiver, name = identifier(nid)
    text = lines[line - 1]
    n = re.escape(name)
    if receiver:  # a method, or a method of an interface (declared inside its body)
        ok = re.search(rf"^func\s*\([^)]*\b{re.escape(receiver)}\b[^)]*\)\s*{n}\s*[\[(]", text) or (
            not text.startswith("func") and re.search(rf"^\s+{n}\s*\(", text))
    else:
        ok = re.search(rf"^\s*(func\s+{n}\s*[\[(]|type\s+{n}\b|{n}\s+(struct|interface)\b|{n}\s*[=\w\[])",
                       text)
    return "" if ok else f"{where} does not declare {name}"


def _implements(c: Claim, files: _Files, type_lines: list[str]) -> str:
    wrong = _declares(type_lines, c.line, c.subject, c.label)
    iface = files.lines(c.object_path)
    if wrong or iface is None:
        return wrong or f"{c.object_path} does not exist"
    wanted, embeds = _interface_methods(iface, c.object_line)
    receiver = identifier(c.subject)[1]
    directory = (files.root / c.path).parent
    have: set[str] = set()
    pattern = re.compile(rf"^func\s*\(\s*\w*\s*\*?{re.escape(receiver)}(\[[^\]]*\])?\s*\)\s*(\w+)\s*[\[(]",
                         re.MULTILINE)
    for go in sorted(directory.glob("*.go")):
        if not go.name.endswith("_test.go"):
            have.update(m.group(2) for m in pattern.finditer(go.read_text(errors="replace")))
    missing = sorted(wanted - have)
    if missing and not (embeds or _struct_embeds(type_lines, c.line)):
        return f"{receiver} lacks {', '.join(missing)} of the interface at {c.object_path}:{c.object_line}"
    return ""


def _body(lines: list[str], line: int) -> list[str]:
    """The lines at depth one of the braces opened on or after `line` (comments dropped)."""
    depth, opened, body = 0, False, []
    for text in lines[line - 1:]:
        code = text.split("//", 1)[0]
        if opened and depth == 1:
            body.append(code)
        depth += code.count("{") - code.count("}")
        opened = opened or "{" in code
        if opened and depth <= 0:
            break
    return body


def _interface_methods(lines: list[str], line: int) -> tuple[set[str], bool]:
    """Names of the methods an interface body declares, and whether it embeds others; lines
    inside a multi-line parameter list are skipped."""
    methods: set[str] = set()
    embeds, parens = False, 0
    for code in _body(lines, line):
        if parens == 0:
            m = re.match(r"^\s*([A-Za-z_]\w*)(\[[^\]]*\])?\(", code)
            if m:
                methods.add(m.group(1))
            elif re.match(r"^\s*[\w.]+\s*$", code):
                embeds = True
        parens += code.count("(") - code.count(")")
    return methods, embeds


def _struct_embeds(lines: list[str], line: int) -> bool:
    """Whether the struct declared at `line` embeds a type, its body on lines of their own or
    on the declaration's line (`type sanitizedObject struct{ runtime.Object }`)."""
    one_line = lines[line - 1].split("//", 1)[0] if 0 < line <= len(lines) else ""
    if re.search(r"\bstruct\s*\{\s*\*?[\w.]+\s*(`[^`]*`)?\s*\}", one_line):
        return True
    return any(re.match(r"^\s*\*?[\w.]+\s*(`.*`)?\s*$", code) for code in _body(lines, line))


def _declared_anywhere(root: Path, ids: list[str]) -> dict[str, str]:
    """Absent id -> 'declared at path:line' for those the tree declares under any spelling: the
    same name ignoring case (a function's or method's own name as written, as anchors match:
    `createPods` is not `CreatePods`), in any directory named like its package (`remote` in
    pkg/kubelet/remote and pkg/kubelet/cri/remote)."""
    wanted: dict[str, tuple[bytes, re.Pattern[str], str]] = {}
    for nid in ids:
        receiver, name = identifier(nid)
        exact = rf"(?-i:{re.escape(name)})"
        if receiver:
            rx = rf"^func\s*\([^)]*\b{re.escape(receiver)}\b[^)]*\)\s*{exact}\s*[\[(]"
        elif kind_of(nid) is NodeKind.FUNCTION:
            rx = rf"^func\s+{exact}\s*[\[(]"
        else:
            rx = rf"^(func\s+{re.escape(name)}\s*[\[(]|type\s+{re.escape(name)}\b)"
        package = key_of(nid).rpartition(".(")[0] if receiver else key_of(nid).rpartition(".")[0]
        wanted[nid] = (name.lower().encode(), re.compile(rx, re.IGNORECASE | re.MULTILINE),
                       package.rsplit("/", 1)[-1].lower())
    found: dict[str, str] = {}
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for fname in sorted(names):
            if not fname.endswith(".go"):
                continue
            path = Path(directory) / fname
            data = path.read_bytes()
            low = data.lower()
            for nid, (needle, pattern, base) in wanted.items():
                if nid in found or needle not in low or Path(directory).name.lower() != base:
                    continue
                text = data.decode("utf-8", errors="replace")
                m = pattern.search(text)
                if m:
                    line = text.count("\n", 0, m.start()) + 1
                    found[nid] = f"declared at {path.relative_to(root).as_posix()}:{line}"
        if len(found) == len(wanted):
            break
    return found
