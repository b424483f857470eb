"""The analyzer's records: one FileFacts per Go file, and its parts.

Records are immutable NamedTuples rather than frozen dataclasses: a Kubernetes tree yields
about a million of them, each built in a worker and rebuilt from a plain tuple in the main
process, and a NamedTuple costs a third of a frozen dataclass to build (analyzer/rows.py)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class DeclKind(StrEnum):
    FUNC = "func"
    METHOD = "method"
    STRUCT = "struct"
    INTERFACE = "interface"
    ALIAS = "alias"
    TYPE = "type"  # any other named type: `type Phase string`, `type F func()`
    CONST = "const"
    VAR = "var"


TYPE_KINDS = frozenset({DeclKind.STRUCT, DeclKind.INTERFACE, DeclKind.ALIAS, DeclKind.TYPE})


class SourceFile(NamedTuple):
    """A Go file found by discovery, before it is read."""

    rel_path: str  # "pkg/kubelet/kubelet.go", relative to the tree root, always "/"
    import_path: str  # "k8s.io/kubernetes/pkg/kubelet"
    module: str  # "k8s.io/kubernetes"
    is_test: bool


class ImportRef(NamedTuple):
    path: str
    alias: str | None  # None, a name, "_" or "."
    line: int


class Field(NamedTuple):
    """A struct field; an embedded field has embedded=True and name = the type's name."""

    name: str
    type_expr: str
    embedded: bool = False


class Param(NamedTuple):
    name: str  # "" when unnamed
    type_expr: str


class MethodSpec(NamedTuple):
    """An interface's own method: name plus parameter and result type texts."""

    name: str
    params: tuple[str, ...]
    results: tuple[str, ...]
    line: int


class LocalSource(StrEnum):
    """Where a variable's type comes from: what LocalVar.expr (or a package variable's
    Decl.type_expr, see Decl.value_from) holds."""

    TYPE = "type"  # the type as written: `x := &T{}` -> "*T", `var x pkg.T`
    CALL = "call"  # a result of calling expr: `x, err := pkg.NewT()` -> "pkg.NewT"
    RANGE_KEY = "range-key"  # `for k := range expr`
    RANGE_VALUE = "range-value"  # `for _, v := range expr`
    INDEX = "index"  # `v, ok := expr[k]` / `v := expr[k]` (expr's element)
    RECEIVE = "receive"  # `v, ok := <-expr`
    VARIABLE = "variable"  # `x := y` (y's type)
    ADDRESS = "address"  # `x := &y` (a pointer to y's type)


class Decl(NamedTuple):
    kind: DeclKind
    name: str
    line: int
    end_line: int
    exported: bool
    doc: str = ""  # first sentence of the doc comment
    receiver: str | None = None  # receiver type name for methods ("Kubelet")
    pointer_receiver: bool = False
    type_params: bool = False  # generic type or function
    fields: tuple[Field, ...] = ()  # struct fields, embeddings included
    methods: tuple[MethodSpec, ...] = ()  # interface methods
    embeds: tuple[str, ...] = ()  # interface embeddings (type texts)
    type_expr: str = ""  # alias target / underlying type / const-var type
    params: tuple[Param, ...] = ()  # parameters; for a method the receiver comes first
    results: tuple[str, ...] = ()  # func and method result types
    # a package variable's `type_expr` read as LocalVar.expr is by its `how`: TYPE (the type as
    # written, `var x T`, `var x = &T{}`), CALL (`var x = pkg.NewT()`: the function whose first
    # result it holds) or ADDRESS (`var b = &SchemeBuilder`: the variable it points to); None
    # for every other declaration, whose type_expr is a type
    value_from: LocalSource | None = None

    @property
    def qualified_name(self) -> str:
        """`NewKubelet`, `Kubelet`, or `(*Kubelet).SyncPod` as in Go's own notation."""
        if self.kind is DeclKind.METHOD:
            star = "*" if self.pointer_receiver else ""
            return f"({star}{self.receiver}).{self.name}"
        return self.name


class CallRef(NamedTuple):
    """A call site, or (value=True) a function or method named as a value: `wait.Until(c.worker)`
    gives the call `wait.Until` and the value `c.worker`."""

    caller: str  # enclosing func/method's qualified name ("init#2": the file's 2nd init or _); "" at package level
    callee_expr: str  # the call's function expression as written: "m.runtimeService.RunPodSandbox"
    line: int
    value: bool = False  # a value passed, assigned, stored or returned, not called here
    # a value stored into a struct field: the field's name, and what holds it — the expression
    # before `.field =` (`dc` in `dc.syncHandler = dc.syncDeployment`) or the literal's type
    # with `{}` (`cache.ResourceEventHandlerFuncs{}` in `…{AddFunc: c.addPod}`)
    field: str = ""
    holder: str = ""
    # a value passed as an argument: the called expression and the argument's position
    # (`async.NewBoundedFrequencyRunner`, 1 in `…Runner("sync-runner", proxier.syncProxyRules, …)`)
    call: str = ""
    arg: int = -1
    # a list-watch's resource as its string argument names it: "pods" in
    # `cache.NewListWatchFromClient(c.CoreV1().RESTClient(), "pods", …)` (calls only)
    resource: str = ""


class LocalVar(NamedTuple):
    """A variable whose type can be found from the source: `x := &T{}`, `var x T`, `x := NewT()`,
    `for _, x := range xs`."""

    scope: str  # qualified name of the enclosing func/method
    name: str
    line: int  # where it is declared: a later `:=` of the same name wins from its line on
    expr: str  # a type, or the expression whose result/element/value it is (see `how`)
    how: LocalSource = LocalSource.TYPE
    result: int = 0  # which result of a CALL: `_, x := f()` -> 1
    until: int = 0  # last line of the block declaring it (0: the whole function)

    @property
    def makes_channel(self) -> bool:
        """`ch := make(chan T)`, `var ch chan T`: a channel its function makes."""
        return self.how is LocalSource.TYPE and is_channel_type(self.expr)

    @property
    def from_field(self) -> bool:
        """`ch := p.nextCh`: assigned from a field (a selector), perhaps one holding a channel."""
        return self.how is LocalSource.VARIABLE and "." in self.expr


# ChannelOp.op: what a body does with a channel
SEND = "send"  # `p.addCh <- n`
RECEIVE = "receive"  # `<-p.addCh`, `for n := range p.nextCh`
YIELD = "yield"  # a getter's whole body: `return g.eventChannel`
PASS = "pass"  # handed to a call as an argument: `kl.syncLoopIteration(…, plegCh)`


def is_channel_type(type_expr: str) -> bool:
    """`chan T`, `<-chan T`, `chan<- T` (a parameter's type as written)."""
    return type_expr.startswith(("chan", "<-chan"))


class ChannelOp(NamedTuple):
    """What a function body does with a channel that a struct field holds, or may hold. A
    send and a receive on one field are a hand-off between two functions that need not call
    each other (an informer's listener: `add` sends on `p.addCh`, `pop` receives). The field
    may be reached through a getter (`<-kl.livenessManager.Updates()`, which returns
    `m.updates`) or a parameter (syncLoopIteration receives from `plegCh`, which syncLoop
    passes it from `kl.pleg.Watch()`): a getter YIELDs its field, a caller PASSes the channel."""

    caller: str  # enclosing func/method's qualified name, as CallRef.caller
    # the channel as written: a field (`p.addCh`), a getter's call (`kl.pleg.Watch()`) or a
    # channel parameter's name (`plegCh`); for a local, what it was assigned from: `next =
    # l.nextCh` … `next <- n` gives "l.nextCh" at the send's line
    channel: str
    line: int
    op: str  # SEND, RECEIVE, YIELD or PASS
    call: str = ""  # PASS: the called expression (`kl.syncLoopIteration`)
    arg: int = -1  # PASS: the argument's position


class Problem(NamedTuple):
    kind: str  # syntax, encoding, too-large, unreadable, empty, no-package
    message: str
    line: int = 0


class FileFacts(NamedTuple):
    rel_path: str
    import_path: str
    module: str
    package: str  # the package clause ("" when missing)
    is_test: bool
    is_generated: bool
    build_expr: str | None  # raw //go:build expression (or // +build lines joined as one)
    imports: tuple[ImportRef, ...]
    decls: tuple[Decl, ...]
    calls: tuple[CallRef, ...]
    locals: tuple[LocalVar, ...]
    lines: int
    size: int
    sha: str  # sha1 of the content
    problems: tuple[Problem, ...] = ()
    channels: tuple[ChannelOp, ...] = ()  # sends and receives on fields (locals resolved)

    def declaration_shape(self) -> tuple[object, ...]:
        """Everything other files can see of this one: package clause, imports, build
        constraint and declarations without their lines and docs. Equal shapes mean an edit
        touched function bodies (or comments) only."""
        return (
            self.import_path, self.package, self.is_test, self.is_generated, self.build_expr,
            tuple((i.path, i.alias) for i in self.imports),
            tuple((d.kind, d.name, d.exported, d.receiver, d.pointer_receiver, d.type_params,
                   d.fields, tuple((m.name, m.params, m.results) for m in d.methods), d.embeds,
                   d.type_expr, d.value_from, d.params, d.results) for d in self.decls),
        )
