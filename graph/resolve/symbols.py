"""The symbol table resolution needs: named types, their fields, declared and promoted methods
with normalised signatures, and functions' result types — all across packages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from kubeatlas.analyzer.model import Decl, DeclKind, FileFacts, LocalSource
from kubeatlas.graph.build.platform import variant_rank
from kubeatlas.graph.build.structure import package_names
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.model.schema import function_id, method_id, parse_id, type_id

MAX_EMBED_DEPTH = 6


@dataclass(frozen=True, slots=True)
class MethodInfo:
    id: str  # graph node id of the declaring method (concrete or interface method)
    name: str
    signature: str  # "(p1,p2)(r1,r2)" with every type qualified by import path
    pointer: bool  # declared on *T (only in the method set of *T)
    results: tuple[str, ...]  # result type texts as written
    scope: FileScope  # the declaring file's scope, to resolve `results`


@dataclass(slots=True)
class TypeInfo:
    id: str
    decl: Decl
    scope: FileScope
    methods: dict[str, MethodInfo] = field(default_factory=dict)  # declared on this type


@dataclass(frozen=True, slots=True)
class FuncInfo:
    id: str
    results: tuple[str, ...]
    scope: FileScope
    params: tuple[tuple[str, str], ...]  # (name, type) including the receiver for methods
    file: str = ""  # the declaring file (of the linux/amd64 variant when there are several)


@dataclass(frozen=True, slots=True)
class PackageVar:
    """A package-level variable as its declaration types it: `expr` read by `how` (TYPE: the
    type; CALL: the function whose first result it holds; ADDRESS: the variable it points to)."""

    expr: str
    how: LocalSource
    scope: FileScope  # the declaring file's


def package_of_id(nid: str) -> str:
    """`type:k8s.io/api/core/v1.Pod` -> k8s.io/api/core/v1 (also func: and method: ids)."""
    return parse_id(nid).package


class SymbolTable:
    """Everything declared in the tree, indexed by graph id, with method-set computation.

    Built eagerly from all facts (`SymbolTable.of(facts)`), or lazily: packages are read from
    `provider` the first time an id of theirs is looked up (`type_info`, `func_info`,
    `package_var`), so resolving one file's calls touches only the packages that file reaches."""

    def __init__(self, provider: Callable[[str], Sequence[FileFacts]], packages: set[str],
                 names: Mapping[str, str]) -> None:
        self._provider = provider
        self.packages = packages
        self.package_names = dict(names)
        self.scopes: dict[str, FileScope] = {}
        self.types: dict[str, TypeInfo] = {}  # what is loaded so far; look up with type_info
        self.funcs: dict[str, FuncInfo] = {}  # func and method ids; look up with func_info
        self.by_method_name: dict[str, set[str]] = defaultdict(set)  # name -> type ids
        self.package_vars: dict[str, PackageVar] = {}  # by "pkg.Name"
        self._loaded: set[str] = set()
        self._complete = False  # every package loaded: a miss is final
        self._method_sets: dict[str, dict[str, tuple[MethodInfo, bool]]] = {}
        self._embedders: dict[str, set[str]] | None = None

    @classmethod
    def of(cls, facts: Sequence[FileFacts]) -> SymbolTable:
        """Eager table over every file (what IMPLEMENTS needs)."""
        by_package: dict[str, list[FileFacts]] = defaultdict(list)
        for f in facts:
            by_package[f.import_path].append(f)
        table = cls(by_package.__getitem__, set(by_package), package_names(by_package))
        for import_path in sorted(by_package):
            table.ensure(import_path)
        table._complete = True
        return table

    # --- lookups (each loads the package it needs) -------------------------------------
    def type_info(self, tid: str) -> TypeInfo | None:
        found = self.types.get(tid)
        if found is None and not self._complete:
            self.ensure(package_of_id(tid))
            found = self.types.get(tid)
        return found

    def func_info(self, fid: str) -> FuncInfo | None:
        """A function's or a concrete method's signature facts."""
        found = self.funcs.get(fid)
        if found is None and not self._complete:
            self.ensure(package_of_id(fid))
            found = self.funcs.get(fid)
        return found

    def has_type(self, tid: str) -> bool:
        return self.type_info(tid) is not None

    def has_func(self, fid: str) -> bool:
        return self.func_info(fid) is not None

    def has_package(self, import_path: str) -> bool:
        """Is this package in the tree (loaded or not)?"""
        return import_path in self.packages

    def package_var(self, import_path: str, name: str) -> PackageVar | None:
        """A package-level variable whose type its declaration tells."""
        self.ensure(import_path)
        return self.package_vars.get(f"{import_path}.{name}")

    def ensure(self, import_path: str) -> None:
        """Load one package's declarations (once)."""
        if import_path in self._loaded or import_path not in self.packages:
            return
        self._loaded.add(import_path)
        # best variant first (linux/amd64, then other platforms, then tests): the first wins
        files = sorted(self._provider(import_path),
                       key=lambda f: variant_rank(f.rel_path, f.build_expr, f.is_test))
        types = self.types
        for f in files:
            scope = FileScope.of(f, self.package_names)
            self.scopes[f.rel_path] = scope
            for d in f.decls:
                if d.kind in (DeclKind.STRUCT, DeclKind.INTERFACE, DeclKind.ALIAS, DeclKind.TYPE):
                    tid = type_id(f.import_path, d.name)
                    old = types.get(tid)
                    if old is None or old.decl.kind is DeclKind.ALIAS:
                        types[tid] = TypeInfo(tid, d, scope)
        for f in files:
            scope = self.scopes[f.rel_path]
            qualify = cache(scope.qualify)  # a file repeats its types: error, context.Context
            for d in f.decls:
                if d.kind is DeclKind.FUNC:
                    fid = function_id(f.import_path, d.name)
                    if fid not in self.funcs:
                        self.funcs[fid] = FuncInfo(fid, d.results, scope, tuple(
                            (p.name, p.type_expr) for p in d.params), f.rel_path)
                elif d.kind is DeclKind.METHOD and d.receiver:
                    self._add_method(f, d, scope, qualify)
                elif d.kind is DeclKind.VAR and d.type_expr and d.value_from:
                    self.package_vars[f"{f.import_path}.{d.name}"] = PackageVar(
                        d.type_expr, d.value_from, scope)
                elif d.kind is DeclKind.CONST and d.type_expr:  # `Success Code = iota`
                    self.package_vars[f"{f.import_path}.{d.name}"] = PackageVar(
                        d.type_expr, LocalSource.TYPE, scope)
                elif d.kind is DeclKind.INTERFACE:
                    info = types[type_id(f.import_path, d.name)]
                    for spec in d.methods:
                        sig = _signature(qualify, spec.params, spec.results)
                        info.methods.setdefault(spec.name, MethodInfo(
                            method_id(f.import_path, d.name, spec.name, False), spec.name, sig,
                            False, spec.results, scope))
                        # structs embedding this interface get the method too (see _types_with_method)
                        self.by_method_name[spec.name].add(info.id)

    def _add_method(self, f: FileFacts, d: Decl, scope: FileScope,
                    qualify: Callable[[str], str]) -> None:
        assert d.receiver, d  # only methods with a receiver come here
        mid = method_id(f.import_path, d.receiver, d.name, d.pointer_receiver)
        params = d.params[1:]  # the receiver comes first
        sig = _signature(qualify, tuple(p.type_expr for p in params), d.results)
        if mid in self.funcs:
            return  # a variant for another platform
        self.funcs[mid] = FuncInfo(mid, d.results, scope,
                                   tuple((p.name, p.type_expr) for p in d.params), f.rel_path)
        tid = type_id(f.import_path, d.receiver)
        info = self.types.get(tid)
        if info is not None:
            info.methods.setdefault(d.name, MethodInfo(mid, d.name, sig, d.pointer_receiver,
                                                       d.results, scope))
            self.by_method_name[d.name].add(tid)

    def call_result(self, scope: FileScope, callee: str) -> tuple[str, FileScope] | None:
        """(type id, declaring scope) of what `F(...)` or `pkg.F(...)`, as written in `scope`,
        returns first; None for anything else (a method chain, an unknown function)."""
        alias, dot, name = callee.partition(".")
        if dot and "." in name:
            return None
        path = scope.imports.get(alias) if dot else scope.package
        info = self.func_info(function_id(path, name if dot else alias)) if path else None
        if info is None or not info.results:
            return None
        tid = self.named(info.scope, info.results[0])
        return (tid, info.scope) if tid else None

    # --- types ----------------------------------------------------------------------------
    def named(self, scope: FileScope, type_expr: str) -> str | None:
        """Graph id of the named type a type expression denotes: aliases followed, and a type
        defined from an interface (`type List metav1.ListInterface`) read as that interface,
        whose methods it has (Go's own type checker names them so)."""
        found = scope.named_type(type_expr)
        if found is None:
            return None
        tid = type_id(*found)
        for _ in range(4):
            info = self.type_info(tid)
            if info is None or info.decl.kind not in (DeclKind.ALIAS, DeclKind.TYPE):
                break
            target = info.scope.named_type(info.decl.type_expr)
            if target is None:
                return None if info.decl.kind is DeclKind.ALIAS else tid
            if info.decl.kind is DeclKind.TYPE and not self.is_interface(type_id(*target)):
                break  # `type Codes []Code`: its own (empty) method set, not Code's
            tid = type_id(*target)
        return tid if self.has_type(tid) else None

    def is_interface(self, tid: str) -> bool:
        info = self.type_info(tid)
        return info is not None and info.decl.kind is DeclKind.INTERFACE

    def interface_of(self, tid: str) -> str | None:
        """tid if it is an interface; the interface a type is defined from
        (`type List metav1.ListInterface`); else None."""
        info = self.type_info(tid)
        if info is None or info.decl.kind is DeclKind.INTERFACE:
            return tid if info is not None else None
        if info.decl.kind is not DeclKind.TYPE or not info.decl.type_expr:
            return None
        target = self.named(info.scope, info.decl.type_expr)
        return target if target is not None and self.is_interface(target) else None

    def method_set(self, tid: str) -> dict[str, tuple[MethodInfo, bool]]:
        """name -> (method, needs pointer) for T (pointer=False entries) and *T (all entries).
        Interfaces: own and embedded interfaces' methods. Structs: declared methods, then
        methods promoted through embedded fields (shallower depth wins)."""
        return self._method_set(tid, frozenset())[0]

    def _method_set(self, tid: str, visiting: frozenset[str]
                    ) -> tuple[dict[str, tuple[MethodInfo, bool]], frozenset[str]]:
        """The method set, and the types of `visiting` where an embedding ring
        (`A{*B}`, `B{*A}`) was cut below tid. A set cut only at tid itself is whole (what the
        cut left out are tid's own methods, already in), so it is cached; any other cut set is
        not, which keeps every answer the same whichever type is asked for first."""
        cached = self._method_sets.get(tid)
        if cached is not None:
            return cached, frozenset()
        if tid in visiting:
            return {}, frozenset({tid})
        result, cuts = self._compute_method_set(tid, visiting | {tid})
        cuts = cuts - {tid}
        if not cuts:
            self._method_sets[tid] = result
        return result, cuts

    def _compute_method_set(self, tid: str, visiting: frozenset[str]
                            ) -> tuple[dict[str, tuple[MethodInfo, bool]], frozenset[str]]:
        info = self.type_info(tid)
        if info is None:
            return {}, frozenset()
        result = {name: (m, m.pointer) for name, m in info.methods.items()}
        cuts: frozenset[str] = frozenset()
        decl = info.decl
        if decl.kind is DeclKind.INTERFACE:
            for embedded in decl.embeds:
                inner = self.named(info.scope, embedded)
                if inner is not None:
                    entries, inner_cuts = self._method_set(inner, visiting)
                    cuts |= inner_cuts
                    for name, entry in entries.items():
                        result.setdefault(name, entry)
        elif decl.kind is DeclKind.STRUCT:
            promoted: dict[str, tuple[MethodInfo, bool]] = {}
            for fld in decl.fields:
                if not fld.embedded:
                    continue
                inner = self.named(info.scope, fld.type_expr)
                if inner is None:
                    continue
                by_pointer = fld.type_expr.startswith("*") or self.is_interface(inner)
                entries, inner_cuts = self._method_set(inner, visiting)
                cuts |= inner_cuts
                for name, (method, needs_pointer) in entries.items():
                    if name not in result and name not in promoted:
                        promoted[name] = (method, needs_pointer and not by_pointer)
            result.update(promoted)
        return result, cuts

    def embedders(self) -> dict[str, set[str]]:
        """embedded type id -> ids of the structs and interfaces that embed it."""
        if self._embedders is None:
            index: dict[str, set[str]] = defaultdict(set)
            for tid, info in self.types.items():
                decl = info.decl
                texts = [f.type_expr for f in decl.fields if f.embedded] + list(decl.embeds)
                for text in texts:
                    inner = self.named(info.scope, text)
                    if inner is not None:
                        index[inner].add(tid)
            self._embedders = dict(index)
        return self._embedders

    def field_type(self, tid: str, name: str, depth: int = 0) -> tuple[str, FileScope] | None:
        """Type text (and its scope) of field `name` of struct tid, promoted fields included."""
        info = self.type_info(tid)
        if info is None or info.decl.kind is not DeclKind.STRUCT or depth > MAX_EMBED_DEPTH:
            return None
        for fld in info.decl.fields:
            if fld.name == name:
                return fld.type_expr, info.scope
        for fld in info.decl.fields:
            if fld.embedded:
                inner = self.named(info.scope, fld.type_expr)
                if inner is not None:
                    found = self.field_type(inner, name, depth + 1)
                    if found is not None:
                        return found
        return None


# Out-of-tree aliases the compiler sees through: generated gRPC code of older releases takes
# golang.org/x/net/context.Context, an alias of context.Context since Go 1.9.
EXTERNAL_ALIASES = {"golang.org/x/net/context.Context": "context.Context"}


def _signature(qualify: Callable[[str], str], params: Sequence[str],
               results: Sequence[str]) -> str:
    text = "(" + ",".join(map(qualify, params)) + ")(" + ",".join(map(qualify, results)) + ")"
    if "golang.org/x/net/context." in text:
        for alias, target in EXTERNAL_ALIASES.items():
            text = text.replace(alias, target)
    return text
