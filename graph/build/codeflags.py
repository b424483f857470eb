"""Code flags of a declaration: test_helper (test files, testing/fake/mock packages, gomock
output) and generated (the `// Code generated … DO NOT EDIT.` header)."""

from __future__ import annotations

# the one list of what makes a package test code, for the flags, the rankings and the search
TEST_PACKAGE_SEGMENTS = frozenset({"testing", "fake", "fakes", "mock", "mocks", "testutil",
                                   "testutils", "testhelper", "testhelpers", "test", "testdata",
                                   "e2e", "integration"})


def is_test_helper(rel_path: str, is_test: bool) -> bool:
    """Declared in a _test.go file, in a directory named testing/fake/fakes/mock(s)/testutil/
    test/… (any level), or in a gomock file (`mock_*.go`, `*_mock.go`)."""
    if is_test:
        return True
    directory, _, name = rel_path.rpartition("/")
    if name.startswith("mock_") or name.endswith("_mock.go"):
        return True
    return is_test_package(directory)


def is_test_package(directory: str) -> bool:
    """A package under a directory (or import path) with a segment named testing, fake(s),
    mock(s), testutil(s), testhelper(s), test, testdata, e2e or integration (any level)."""
    return any(segment in TEST_PACKAGE_SEGMENTS for segment in directory.split("/"))


def is_example_package(path: str) -> bool:
    """Example code shipped in the tree (a directory named example or examples, or a sample
    module: `k8s.io/sample-controller`): not a test, but not a component's code either."""
    return any(segment in ("example", "examples") or segment.startswith("sample-")
               for segment in path.split("/"))
