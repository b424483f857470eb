"""One file's call expressions and function values resolved to the functions they name, from
the types the source makes visible: parameters, named results, locals (`:=`, `range`,
`v, ok := m[k]`), fields, results, package variables."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubeatlas.analyzer.model import LocalSource, LocalVar
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.model.schema import CallVia, function_id, type_id
from kubeatlas.graph.resolve.call_outcome import (
    CallOutcome,
    embeds_external,
    head_outcome,
    member_outcome,
)
from kubeatlas.graph.resolve.callexpr import anchored_type, base_name, split_segments, suffixes
from kubeatlas.graph.resolve.fields import field_key
from kubeatlas.graph.resolve.symbols import PackageVar, SymbolTable
from kubeatlas.graph.resolve.typetext import element_text, func_results
from kubeatlas.graph.resolve.variables import FunctionVariables

BUILTINS = frozenset({
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover", "bool", "byte", "complex64",
    "complex128", "error", "float32", "float64", "int", "int8", "int16", "int32", "int64", "rune",
    "string", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "any"
})
MAX_DEPTH = 6  # nested inferences (x := y.f(); y := <-ch; ...) followed before giving up

Typed = tuple[str, FileScope]  # a type as written, and the scope that reads it
Resolution = tuple[CallOutcome, str, CallVia | None]  # (outcome, target id, via)
_UNRESOLVED: Resolution = (CallOutcome.UNRESOLVED, "", None)


class CallResolver:
    """Resolves call expressions and function values within one file."""

    def __init__(self, symbols: SymbolTable, scope: FileScope, locals_: Sequence[LocalVar]) -> None:
        self.symbols = symbols
        self.scope = scope
        self.variables = FunctionVariables(symbols, scope, locals_)
        self._depth = 0
        # answers for expressions whose meaning does not depend on the line (line_free_key):
        # two thirds of a file's call sites repeat an expression already seen in it
        self._calls: dict[str, Resolution] = {}
        self._values: dict[str, tuple[str, CallVia | None]] = {}

    # --- entry points ---------------------------------------------------------------------
    def resolve(self, caller: str, expr: str, line: int) -> Resolution:
        """What the call `expr(...)` at `line` inside `caller` calls."""
        key = self._memo_key(caller, expr)
        if key is None:
            return self._resolve(caller, expr, line)
        found = self._calls.get(key)
        if found is None:
            found = self._calls[key] = self._resolve(caller, expr, line)
        return found

    def reference(self, caller: str, expr: str, line: int) -> tuple[str, CallVia | None]:
        """The function or method a value (`c.worker`, `pkg.F`, `F`) names: (id, VALUE); a
        func-typed field (`c.config.Process`): (field key, STORED); else ("", None)."""
        key = self._memo_key(caller, expr)
        if key is None:
            return self._reference(caller, expr, line)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = self._reference(caller, expr, line)
        return found

    def _memo_key(self, caller: str, expr: str) -> str | None:
        if self._depth:  # an answer cut short by MAX_DEPTH is not kept
            return None
        return self.variables.line_free_key(caller, expr)

    def _resolve(self, caller: str, expr: str, line: int) -> Resolution:
        segments = split_segments(expr)
        if not segments:
            return _UNRESOLVED
        anchor = anchored_type(segments)
        if anchor is not None:  # `x.(*T).M`, `pkg.T{}.M`: the text states the type
            rest = segments[anchor[0] + 1:]
            return (self._chain_to_method((anchor[1], self.scope), rest, len(rest) > 1)
                    if rest else _UNRESOLVED)
        head = segments[0]
        if len(segments) == 1:
            return self._plain_call(caller, head, line)
        rest = segments[1:]
        if head == base_name(head) and self.variables.declared(caller, head, line) is None:
            path = self.scope.imports.get(head)
            if path is not None:
                return self._package_member(caller, path, rest, line)
        current = self._head_type(caller, head, line)
        if current is None:
            return self._unknown_head(caller, head, line), "", None
        return self._chain_to_method(current, rest, len(segments) > 2)

    def _reference(self, caller: str, expr: str, line: int) -> tuple[str, CallVia | None]:
        segments = split_segments(expr)
        if not segments or any(s != base_name(s) for s in segments[-1:]):
            return "", None
        if len(segments) == 1:
            name = segments[0]
            if self.variables.declared(caller, name, line) is not None:
                return "", None
            fid = function_id(self.scope.package, name)
            return (fid, CallVia.VALUE) if self.symbols.has_func(fid) else ("", None)
        outcome, target, _ = self.resolve(caller, expr, line)
        if outcome is CallOutcome.DYNAMIC and target:  # a func-typed field's value
            return target, CallVia.STORED
        return (target, CallVia.VALUE) if outcome is CallOutcome.RESOLVED else ("", None)

    def holder_type(self, caller: str, holder: str, line: int) -> str | None:
        """The id of the named type whose field `holder.f` is: `dc` in `dc.queue`, or a
        literal's type (`Holder{}` in `Holder{f: v}`); None when it is not known."""
        if holder.endswith("{}"):
            return self.symbols.named(self.scope, holder[:-2])
        typed = self._expr_type(caller, holder, line)
        return self.symbols.named(typed[1], typed[0]) if typed is not None else None

    # --- calls ----------------------------------------------------------------------------
    def _plain_call(self, caller: str, head: str, line: int) -> Resolution:
        if head.startswith("("):
            return CallOutcome.CONVERSION, "", None  # (*T)(x)
        if head != base_name(head):
            return _UNRESOLVED  # f()(), fs[i](): a call of a value
        if self.variables.declared(caller, head, line) is not None:
            return CallOutcome.DYNAMIC, "", None
        fid = function_id(self.scope.package, head)
        if self.symbols.has_func(fid):
            return CallOutcome.RESOLVED, fid, CallVia.DIRECT
        if head in BUILTINS:
            return CallOutcome.BUILTIN, "", None
        if self.symbols.has_type(type_id(self.scope.package, head)):
            return CallOutcome.CONVERSION, "", None
        return _UNRESOLVED

    def _package_member(self, caller: str, path: str, rest: Sequence[str], line: int) -> Resolution:
        if not self.symbols.has_package(path):
            return CallOutcome.EXTERNAL, "", None
        first = rest[0]
        name = base_name(first)
        if len(rest) == 1:
            if first != name:
                return _UNRESOLVED
            fid = function_id(path, name)
            if self.symbols.has_func(fid):
                return CallOutcome.RESOLVED, fid, CallVia.DIRECT
            if self.symbols.has_type(type_id(path, name)):
                return CallOutcome.CONVERSION, "", None
            return _UNRESOLVED
        current = self._package_value(path, first)
        if current is None:
            return _UNRESOLVED
        return self._chain_to_method(current, rest[1:], len(rest) > 2)

    def _package_value(self, path: str, segment: str) -> Typed | None:
        """Type of `pkg.F()`, `pkg.T(x)`, `pkg.Var` (with any index suffixes)."""
        name = base_name(segment)
        steps = suffixes(segment)
        current: Typed | None
        if steps and steps[0] == "()":
            steps = steps[1:]
            current = self._result_type(function_id(path, name), 0)
            if current is None and self.symbols.has_type(type_id(path, name)):
                current = (name, self._scope_of_package(path))
        else:
            found = self.symbols.package_var(path, name)
            current = self._package_var_type(found) if found else None
        return self._apply(current, steps)

    @staticmethod
    def _scope_of_package(path: str) -> FileScope:
        """A scope in which `Name` means path.Name."""
        return FileScope(path, {})

    def _chain_to_method(self, current: Typed, rest: Sequence[str], through_field: bool) -> Resolution:
        """Walk `.a.b()[i].M` from a typed value to the method M: (outcome, method id, via)."""
        for segment in rest[:-1]:
            step = self._member(current, segment)
            if step is None:
                tid = self.symbols.named(current[1], current[0])
                return ((member_outcome(self.symbols, tid, base_name(segment)
                                        + ("()" if segment.endswith("()") else ""))
                         if tid else CallOutcome.UNRESOLVED), "", None)
            current = step
        name = rest[-1]
        if name != base_name(name):
            return _UNRESOLVED  # x.f()(): a call of a call's result
        tid = self.symbols.named(current[1], current[0])
        if tid is None:
            text = current[0].lstrip("*")
            if text == "error" and name == "Error":
                return CallOutcome.BUILTIN, "", None
            external = head_outcome(self.symbols, current[1], "", current[0])
            return external, "", None
        entry = self.symbols.method_set(tid).get(name)
        if entry is None:
            if self.symbols.field_type(tid, name) is not None:  # a func-typed field: what
                return CallOutcome.DYNAMIC, field_key(tid, name), None  # was stored there
            return embeds_external(self.symbols, tid), "", None
        if self.symbols.is_interface(tid):
            via = CallVia.INTERFACE
        else:
            via = CallVia.FIELD if through_field else CallVia.METHOD
        return CallOutcome.RESOLVED, entry[0].id, via

    def _unknown_head(self, caller: str, head: str, line: int) -> CallOutcome:
        declared = self.variables.declared(caller, head, line)
        if isinstance(declared, LocalVar):
            if declared.how is LocalSource.CALL:
                return head_outcome(self.symbols, self.scope, head, None, declared.expr)
            if declared.how is LocalSource.TYPE:
                return head_outcome(self.symbols, self.scope, head, declared.expr)
            return CallOutcome.UNRESOLVED
        return head_outcome(self.symbols, self.scope, head, declared)

    # --- types of values ------------------------------------------------------------------
    def _head_type(self, caller: str, head: str, line: int) -> Typed | None:
        name = base_name(head)
        steps = suffixes(head)
        current: Typed | None
        if name.startswith("("):  # (*T)(x): a conversion names its type
            return self._apply((name[1:-1], self.scope), steps[1:])
        if steps and steps[0] == "()" and self.variables.declared(caller, name, line) is None:
            steps = steps[1:]
            current = self._result_type(function_id(self.scope.package, name), 0)
            if current is None and self.symbols.has_type(type_id(self.scope.package, name)):
                current = (name, self.scope)  # T(x).M(): a conversion
        else:
            current = self._name_type(caller, name, line)
        return self._apply(current, steps)

    def _name_type(self, caller: str, name: str, line: int) -> Typed | None:
        declared = self.variables.declared(caller, name, line)
        if declared is None:
            found = self.symbols.package_var(self.scope.package, name)
            return self._package_var_type(found) if found else None
        if isinstance(declared, str):
            return declared, self.scope
        return self._local_type(caller, declared)

    def _package_var_type(self, found: PackageVar) -> Typed | None:
        text, scope = found.expr, found.scope
        if found.how is LocalSource.ADDRESS:  # var b = &SchemeBuilder, or &pkg.SchemeBuilder
            if self._depth >= MAX_DEPTH:
                return None
            alias, dot, name = text.partition(".")
            package = scope.imports.get(alias, "") if dot else scope.package
            self._depth += 1
            try:
                target = self.symbols.package_var(package, name if dot else alias) \
                    if package else None
                inner = self._package_var_type(target) if target else None
            finally:
                self._depth -= 1
            return ("*" + inner[0].lstrip("*"), inner[1]) if inner else None
        if found.how is not LocalSource.CALL:
            return (text, scope) if text != "func" else None
        result = self.symbols.call_result(scope, text)
        if result is None:
            return None
        key = result[0].partition(":")[2]
        package, _, name = key.rpartition(".")
        return name, self._scope_of_package(package)

    def _local_type(self, caller: str, v: LocalVar) -> Typed | None:
        if v.how is LocalSource.TYPE:
            return (v.expr, self.scope) if v.expr != "func" else None
        if self._depth >= MAX_DEPTH:
            return None
        self._depth += 1
        try:
            if v.how is LocalSource.CALL:
                return self._call_result(caller, v.expr, v.result, v.line)
            ranged = self._expr_type(caller, v.expr, v.line)
            if ranged is None:
                return None
            if v.how is LocalSource.ADDRESS:
                return "*" + ranged[0].lstrip("*"), ranged[1]
            return self._element(ranged, key=v.how is LocalSource.RANGE_KEY,
                                 same=v.how is LocalSource.VARIABLE)
        finally:
            self._depth -= 1

    def _expr_type(self, caller: str, expr: str, line: int) -> Typed | None:
        """Type of a value expression `a`, `a.b`, `a.b()`, `pkg.V`, `pkg.F().x`, `a.m[k]`."""
        segments = split_segments(expr, value=True)
        if not segments:
            return None
        head = segments[0]
        anchor = anchored_type(segments)
        if anchor is not None:
            current: Typed | None = (anchor[1], self.scope)
            rest = segments[anchor[0] + 1:]
        elif (len(segments) > 1 and head == base_name(head)
                and self.variables.declared(caller, head, line) is None and head in self.scope.imports):
            path = self.scope.imports[head]
            current = (self._package_value(path, segments[1])
                       if self.symbols.has_package(path) else None)
            rest = segments[2:]
        else:
            current = self._head_type(caller, head, line)
            rest = segments[1:]
        for segment in rest:
            if current is None:
                return None
            current = self._member(current, segment)
        return current

    def _call_result(self, caller: str, callee: str, index: int, line: int) -> Typed | None:
        """Type of the index-th result of `callee(...)`: a function, pkg.F, a method chain, or a
        conversion T(x)."""
        outcome, target, _ = self.resolve(caller, callee, line)
        if outcome is CallOutcome.RESOLVED:
            return self._result_type(target, index)
        if outcome is CallOutcome.DYNAMIC:  # a func-typed variable or field: its type's results
            value = self._expr_type(caller, callee, line)
            return self._underlying(value, lambda text: _nth(func_results(text), index)) \
                if value is not None else None
        if outcome is CallOutcome.CONVERSION and index == 0:
            alias, dot, name = callee.partition(".")
            if not dot:
                return callee, self.scope
            path = self.scope.imports.get(alias)
            return (name, self._scope_of_package(path)) if path else None
        return None

    def _result_type(self, fid: str, index: int) -> Typed | None:
        info = self.symbols.func_info(fid)
        if info is not None:
            results, scope = info.results, info.scope
        else:  # an interface method: method:pkg.(Iface).Name
            owner, _, name = fid.partition(":")[2].rpartition(").")
            package, _, iface = owner.partition(".(")
            declared = self.symbols.type_info(type_id(package, iface)) if iface else None
            method = declared.methods.get(name) if declared is not None else None
            if method is None:
                return None
            results, scope = method.results, method.scope
        return (results[index], scope) if index < len(results) else None

    def _member(self, current: Typed, segment: str) -> Typed | None:
        """Type of `.segment` (a field, or a method's first result, then any index suffixes)."""
        tid = self.symbols.named(current[1], current[0])
        if tid is None:
            return None
        name = base_name(segment)
        steps = suffixes(segment)
        step: Typed | None
        if steps and steps[0] == "()":
            steps = steps[1:]
            entry = self.symbols.method_set(tid).get(name)
            step = ((entry[0].results[0], entry[0].scope)
                    if entry is not None and entry[0].results else None)
        else:
            found = self.symbols.field_type(tid, name)
            step = (found[0], found[1]) if found else None
        return self._apply(step, steps)

    def _apply(self, current: Typed | None, steps: list[str]) -> Typed | None:
        """Index suffixes applied to a typed value (a call suffix here is a func value's)."""
        for step in steps:
            if current is None or step != "[]":
                return None
            current = self._element(current)
        return current

    def _element(self, typed: Typed, key: bool = False, same: bool = False) -> Typed | None:
        """Element (or key) type of a slice, array, map or channel type, through named types
        (`type PodList []*Pod`); with `same`, the type itself."""
        return typed if same else self._underlying(typed, lambda text: element_text(text, key))

    def _underlying(self, typed: Typed, read: Callable[[str], str | None]) -> Typed | None:
        """`read` applied to a type text, through named types (`type PodList []*Pod`)."""
        text, scope = typed
        for _ in range(4):
            found = read(text)
            if found is not None:
                return found, scope
            tid = self.symbols.named(scope, text)
            info = self.symbols.type_info(tid) if tid else None
            if info is None or not info.decl.type_expr:
                return None
            text, scope = info.decl.type_expr, info.scope
        return None


def _nth(items: list[str] | None, index: int) -> str | None:
    return items[index] if items is not None and index < len(items) else None
