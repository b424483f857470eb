"""Go type expressions resolved through a file's imports: qualifiers -> import paths."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kubeatlas.analyzer.model import FileFacts

# a bare or qualified name in a type expression as written (no import paths in it yet)
_NAME = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?")
_PUNCT_SPACE = re.compile(r"\s*([,()\[\]*{}])\s*")
_KEYWORDS = frozenset({"func", "chan", "map", "struct", "interface"})
_BUILTIN = frozenset(
    ["bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8", "int16", "int32",
     "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "any", "comparable"]
)


def default_import_name(path: str, known_names: Mapping[str, str]) -> str:
    """The name an unaliased import binds: the package clause if known, else Go's convention."""
    if path in known_names:
        return known_names[path]
    parts = path.split("/")
    last = parts[-1]
    if len(parts) > 2 and re.fullmatch(r"v[0-9]+", last):  # module major-version suffix
        last = parts[-2]
    last = last.split(".")[0]  # gopkg.in/yaml.v2 -> yaml
    last = last.removeprefix("go-").removesuffix("-go")
    return last.replace("-", "")


@dataclass(frozen=True, slots=True)
class FileScope:
    """What a name in one file refers to: its package's import path and its import aliases."""

    package: str  # import path of the file's package
    imports: Mapping[str, str]  # local name -> import path
    dot_imports: tuple[str, ...] = ()

    @classmethod
    def of(cls, facts: FileFacts, known_names: Mapping[str, str]) -> FileScope:
        names: dict[str, str] = {}
        dots: list[str] = []
        for ref in facts.imports:
            if ref.alias == ".":
                dots.append(ref.path)
            elif ref.alias == "_":
                continue
            else:
                names[ref.alias or default_import_name(ref.path, known_names)] = ref.path
        return cls(facts.import_path, names, tuple(dots))

    def qualify(self, type_expr: str) -> str:
        """Type text with every `alias.Name` replaced by `import/path.Name`, local names by
        `own/pkg.Name`: comparable across files whatever the aliases."""
        if type_expr.startswith("..."):
            return "..." + self.qualify(type_expr[3:])

        def swap(match: re.Match) -> str:
            head, tail = match.group(1), match.group(2)
            if tail is not None:
                path = self.imports.get(head)
                return f"{path}.{tail}" if path else match.group(0)
            if head in _BUILTIN or head in _KEYWORDS:
                return head
            return f"{self.package}.{head}"

        return _PUNCT_SPACE.sub(r"\1", _NAME.sub(swap, type_expr))

    def named_type(self, type_expr: str) -> tuple[str, str] | None:
        """(import path, type name) of a named type expression such as `*v1.Pod`, `T[K]`."""
        expr = type_expr.strip().lstrip("*").split("[", 1)[0].strip()
        if not expr or any(c in expr for c in " ({}"):
            return None
        if "." in expr:
            alias, _, name = expr.partition(".")
            path = self.imports.get(alias)
            return (path, name) if path else None
        if expr in _BUILTIN:
            return None
        return (self.package, expr)
