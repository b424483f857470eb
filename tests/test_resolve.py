"""IMPLEMENTS, DISPATCHES and CALLS on a small multi-package tree written for each rule."""

from __future__ import annotations

import pytest
from conftest import write_tree

from kubeatlas.analyzer.source import describe_checkout
from kubeatlas.graph.index.pipeline import index_tree
from kubeatlas.graph.index.stages import default_stages
from kubeatlas.graph.query.atlas import Atlas
from kubeatlas.graph.store.sqlite.reader import SqliteReader

K = "k8s.io/kubernetes/pkg"
TREE = {
    "go.mod": "module k8s.io/kubernetes\n",
    "staging/src/k8s.io/api/go.mod": "module k8s.io/api\n",
    "staging/src/k8s.io/api/core/v1/types.go": "package v1\n\ntype Pod struct{ Name string }\n",
    "pkg/iface/iface.go": """package iface

import v1 "k8s.io/api/core/v1"

type Namer interface{ Name() string }

type Runner interface {
	Namer
	Run(pod *v1.Pod, n int) error
}
""",
    "pkg/impl/impl.go": """package impl

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/iface"
)

// Value has value receivers: T and *T implement.
type Value struct{}

func (Value) Name() string                  { return "" }
func (Value) Run(p *corev1.Pod, n int) error { return nil }

// Pointer has pointer receivers: only *T implements.
type Pointer struct{}

func (*Pointer) Name() string                  { return "" }
func (*Pointer) Run(p *corev1.Pod, n int) error { return nil }

// Outer gets Run and Name promoted through two levels of embedding.
type Inner struct{ Value }
type Outer struct{ Inner }

// ByPtr embeds *Pointer: promoted pointer methods are in the value's method set.
type ByPtr struct{ *Pointer }

// NearMiss takes int64, not int: must not implement Runner.
type NearMiss struct{}

func (NearMiss) Name() string                    { return "" }
func (NearMiss) Run(p *corev1.Pod, n int64) error { return nil }

// Missing lacks Name.
type Missing struct{}

func (Missing) Run(p *corev1.Pod, n int) error { return nil }

type Holder struct{ runner iface.Runner }

// a package-level variable with an explicit type, used from this package and another
var Default iface.Namer

// package-level variables typed by their value
var Fallback = &Value{}
var Made = NewPointer()

func (p *Pointer) Self() *Value { return &Value{} }
func (p *Pointer) Stop()        {}

func Identity[T any](x T) T { return x }

func NewPointer() *Pointer { return &Pointer{} }

func (h *Holder) Drive(p *corev1.Pod) {
	h.runner.Run(p, 1)
	x := &Value{}
	x.Name()
	var y Missing
	y.Run(p, 2)
	z := NewPointer()
	z.Name()
	Default.Name()
	Fallback.Run(p, 3)
	Made.Stop()
	Identity[int](1)
	v := z.Self()
	v.Name()
	var b strings.Builder
	b.WriteString("x")
	var err error
	err.Error()
	helper()
	unknown.Do()
	fn := func() {}
	fn()
}

func helper() {}
""",
}


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    root = write_tree(tmp_path_factory.mktemp("resolve") / "k", TREE)
    db = root.parent / "i.sqlite"
    index_tree(describe_checkout(root), db, jobs=1, max_file_bytes=1 << 20,
               stages=default_stages())
    return Atlas(SqliteReader(db))


def _implements(atlas, type_name):
    return {e.target.rsplit(".", 1)[-1]: e.attrs["via_pointer"]
            for e in atlas.interfaces_of(f"type:{K}/impl.{type_name}")}


@pytest.mark.parametrize("type_name, expected", [
    ("Value", {"Namer": False, "Runner": False}),
    ("Pointer", {"Namer": True, "Runner": True}),
    ("Outer", {"Namer": False, "Runner": False}),
    ("ByPtr", {"Namer": False, "Runner": False}),
    ("NearMiss", {"Namer": False}),
    ("Missing", {}),
])
def test_structural_implements(atlas, type_name, expected):
    assert _implements(atlas, type_name) == expected


def test_embedded_interface_methods_count_across_packages(atlas):
    implementers = {e.source for e in atlas.implementers(f"type:{K}/iface.Runner")}
    assert implementers == {f"type:{K}/impl.{t}" for t in ("Value", "Pointer", "Inner", "Outer", "ByPtr")}


def test_interface_method_dispatches_to_implementations(atlas):
    targets = {e.target for e in atlas.callees(f"method:{K}/iface.(Runner).Run")}
    assert f"method:{K}/impl.(*Pointer).Run" in targets
    assert f"method:{K}/impl.(Value).Run" in targets
    assert f"method:{K}/impl.(NearMiss).Run" not in targets


@pytest.mark.parametrize("callee, via", [
    (f"method:{K}/iface.(Runner).Run", "interface"),  # through an interface-typed field
    (f"method:{K}/impl.(Value).Name", "method"),  # x := &Value{}
    (f"method:{K}/impl.(Missing).Run", "method"),  # var y Missing
    (f"method:{K}/impl.(*Pointer).Name", "method"),  # z := NewPointer()
    (f"func:{K}/impl.NewPointer", "direct"),
    (f"func:{K}/impl.helper", "direct"),
    (f"method:{K}/iface.(Namer).Name", "interface"),  # Default.Name(), a package var
    (f"method:{K}/impl.(Value).Run", "method"),  # Fallback.Run(): var Fallback = &Value{}
    (f"method:{K}/impl.(*Pointer).Stop", "method"),  # Made.Stop(): var Made = NewPointer()
    (f"method:{K}/impl.(*Pointer).Self", "method"),
    (f"func:{K}/impl.Identity", "direct"),  # Identity[int](1): explicit type arguments
])

def test_calls_resolve(atlas, callee, via):
    edges = {e.target: e.attrs["via"] for e in atlas.callees(f"method:{K}/impl.(*Holder).Drive")}
    assert edges.get(callee) == via


def test_local_from_a_method_chain_resolves(atlas):
    # v := z.Self(); v.Name() -> (Value).Name, found through Self's result type
    lines = {e.attrs["line"] for e in atlas.callees(f"method:{K}/impl.(*Holder).Drive")
             if e.target == f"method:{K}/impl.(Value).Name"}
    assert len(lines) == 1


def test_unresolved_calls_are_counted(atlas):
    calls = atlas.stats()["tree"]["figures"]["resolve"]["calls"]
    assert calls["unresolved"] == 1  # unknown.Do()
    assert calls["dynamic"] >= 1  # fn()
    assert calls["external"] >= 1  # b.WriteString on strings.Builder: outside the tree
    assert calls["builtin"] >= 1  # err.Error()


def test_call_chain_reaches_implementation_through_dispatch(atlas):
    chain = atlas.shortest_path(f"method:{K}/impl.(*Holder).Drive",
                                f"method:{K}/impl.(*Pointer).Run")
    assert chain == [f"method:{K}/impl.(*Holder).Drive", f"method:{K}/iface.(Runner).Run",
                     f"method:{K}/impl.(*Pointer).Run"]


def test_shortest_path_respects_a_hop_limit(atlas):
    source, target = f"method:{K}/impl.(*Holder).Drive", f"method:{K}/impl.(*Pointer).Run"
    assert len(atlas.shortest_path(source, target, max_hops=2)) == 3
    assert atlas.shortest_path(source, target, max_hops=1) is None
