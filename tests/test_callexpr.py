"""Call expressions taken apart into the segments resolution walks (graph/resolve/callexpr.py):
the shapes its docstring names, and answers that stay the same when asked again (cached)."""

from __future__ import annotations

import pytest

from kubeatlas.graph.resolve.callexpr import anchored_type, split_segments


@pytest.mark.parametrize("expr, value, segments", [
    ("a.b.c", False, ("a", "b", "c")),
    ("a.b(x).c", False, ("a", "b()", "c")),
    ("c.Get().\n\tName", False, ("c", "Get()", "Name")),
    ("a.fs[i].M", False, ("a", "fs[]", "M")),
    ("sets.New[string]", False, ("sets", "New")),
    ("p.byName[k]", True, ("p", "byName[]")),
    ("x.(*T).M", False, ("x", "(*T)", "M")),
    ("pkg.T{A: 1}.M", False, ("pkg", "T{}", "M")),
    ("(*T)(x).M", False, ("(*T)()", "M")),
    ("(*in)[i].M", False, ("in[]", "M")),
    ("(&T{}).M", False, ("T{}", "M")),
    ("[]int{1}.Len", False, None),
    ("(a + b).M", False, None),
])
def test_segments_of_each_shape(expr, value, segments):
    assert split_segments(expr, value) == segments
    assert split_segments(expr, value) == segments  # again, from the cache: the same answer


def test_a_type_argument_and_an_index_differ_only_by_value():
    assert split_segments("f.Get[k]", False) == ("f", "Get")
    assert split_segments("f.Get[k]", True) == ("f", "Get[]")


def test_anchored_type_is_the_last_type_the_text_states():
    assert anchored_type(("x", "(*T)", "M")) == (1, "*T")
    assert anchored_type(("pkg", "T{}", "M")) == (1, "pkg.T")
    assert anchored_type(("a", "b()", "c")) is None
