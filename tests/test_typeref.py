"""Type expressions qualified through a file's imports compare equal across aliases."""

import pytest

from kubeatlas.graph.build.typeref import FileScope, default_import_name

SCOPE = FileScope("k8s.io/kubernetes/pkg/a", {"v1": "k8s.io/api/core/v1",
                                               "corev1": "k8s.io/api/core/v1",
                                               "context": "context"})


@pytest.mark.parametrize("left, right", [
    ("*v1.Pod", "*corev1.Pod"),
    ("[]*v1.Pod", "[] *corev1.Pod"),
    ("map[string]v1.Pod", "map[string]corev1.Pod"),
    ("func(a, b int) error", "func(a,b int) error"),
])
def test_aliases_compare_equal(left, right):
    assert SCOPE.qualify(left) == SCOPE.qualify(right)


@pytest.mark.parametrize("expr, expected", [
    ("*v1.Pod", "*k8s.io/api/core/v1.Pod"),
    ("Local", "k8s.io/kubernetes/pkg/a.Local"),
    ("...Local", "...k8s.io/kubernetes/pkg/a.Local"),
    ("string", "string"),
    ("chan<- error", "chan<- error"),
    ("context.Context", "context.Context"),
])
def test_qualify(expr, expected):
    assert SCOPE.qualify(expr) == expected


def test_named_type():
    assert SCOPE.named_type("*v1.Pod") == ("k8s.io/api/core/v1", "Pod")
    assert SCOPE.named_type("List[T]") == ("k8s.io/kubernetes/pkg/a", "List")
    assert SCOPE.named_type("[]v1.Pod") is None
    assert SCOPE.named_type("error") is None
    assert SCOPE.named_type("unknown.T") is None


@pytest.mark.parametrize("path, name", [
    ("gopkg.in/yaml.v2", "yaml"), ("github.com/x/y/v2", "y"),
    ("github.com/evanphx/json-patch", "jsonpatch"), ("k8s.io/klog/v2", "klog"),
])
def test_default_import_name(path, name):
    assert default_import_name(path, {}) == name
