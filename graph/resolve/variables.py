"""The variables of one file's functions: which declaration a name means at a line (a local in
scope, else a parameter or receiver), and which expressions mean the same anywhere in the file."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from kubeatlas.analyzer.model import LocalSource, LocalVar
from kubeatlas.graph.build.typeref import FileScope
from kubeatlas.graph.resolve.symbols import SymbolTable

_HEAD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # the name an expression starts with


class FunctionVariables:
    """Locals (by function and name, in line order) and parameters of one file's functions."""

    def __init__(self, symbols: SymbolTable, scope: FileScope, locals_: Sequence[LocalVar]) -> None:
        self._symbols = symbols
        self._scope = scope
        self._locals: dict[tuple[str, str], list[LocalVar]] = defaultdict(list)
        for v in sorted(locals_, key=lambda v: v.line):
            self._locals[(v.scope, v.name)].append(v)
        self._params: dict[str, dict[str, str]] = {}

    def declared(self, caller: str, name: str, line: int) -> LocalVar | str | None:
        """The latest local declaration of `name` in `caller` at or before `line`, else the
        parameter's type text, else None (not a variable of the function)."""
        found: LocalVar | None = None
        for v in self._locals.get((caller, name), ()):
            if v.line > line:
                break
            if v.line == line and v.how is not LocalSource.TYPE and (
                    v.expr == name or v.expr.startswith((name + ".", name + "["))):
                continue  # `claim := claim.DeepCopy()`: the right side sees the outer claim
            if not v.until or line <= v.until:
                found = v  # declared before and still in scope
        if found is not None:
            return found
        return self.parameters(caller).get(name)

    def parameters(self, caller: str) -> dict[str, str]:
        """Parameter (and receiver) name -> type text of the function `caller`."""
        params = self._params.get(caller)
        if params is None:
            from kubeatlas.graph.resolve.calls import caller_id  # the id rule lives with the edges

            info = self._symbols.func_info(caller_id(self._scope.package, caller))
            params = {p: t for p, t in info.params if p} if info is not None else {}
            self._params[caller] = params
        return params

    def line_free_key(self, caller: str, expr: str) -> str | None:
        """What the meaning of expr depends on besides the file: nothing when its head is no
        variable of caller (the key is expr), the parameter's type when it is a parameter (or
        receiver) not redeclared in the body; None when it is a local (or hidden in
        parentheses, as in `(*in)[i].M`): then the line matters."""
        head = _HEAD.match(expr)
        if head is None:
            return None
        name = head.group()
        if (caller, name) in self._locals:
            return None
        param = self.parameters(caller).get(name)
        return expr if param is None else f"{param}\0{expr}"
