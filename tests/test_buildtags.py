"""Build constraints: header reading, expression evaluation, file-name suffixes."""

import pytest

from kubeatlas.analyzer.buildtags import (
    file_name_matches,
    matches,
    platforms_of,
    read_build_expr,
)


@pytest.mark.parametrize("header, expected", [
    (b"//go:build linux\n\n", "linux"),
    (b"//go:build linux\n", "linux"),  # go:build needs no blank line after it
    (b"// +build linux\n\n", "linux"),
    (b"// +build linux\n", None),  # +build must be followed by a blank line
    (b"// +build ,\n\n", "ignore"),  # commas alone name no tag: Go reads `ignore` (was an IndexError)
    (b"// +build linux ,\n\n", "(linux || ignore)"),
    (b"// +build linux,amd64 darwin\n// +build !cgo\n\n", "((linux && amd64) || darwin) && !cgo"),
    (b"//go:build windows\n// +build linux\n\n", "windows"),  # go:build wins
    (b"// Copyright 2024\n\n//go:build !windows\n\n// Package x does.\n", "!windows"),
    (b"// Package x does.\n", None),
    (b"", None),
])
def test_read_build_expr(header, expected):
    assert read_build_expr(header) == expected


@pytest.mark.parametrize("expr, goos, goarch, expected", [
    ("linux", "linux", "amd64", True),
    ("linux", "windows", "amd64", False),
    ("!windows", "linux", "arm64", True),
    ("linux && amd64", "linux", "arm64", False),
    ("(linux || darwin) && !arm64", "darwin", "amd64", True),
    ("(linux || darwin) && !arm64", "darwin", "arm64", False),
    ("unix", "linux", "amd64", True),
    ("unix", "windows", "amd64", False),
    ("ignore", "linux", "amd64", False),
    ("providerless", "linux", "amd64", False),
    ("!providerless", "linux", "amd64", True),
    ("cgo", "linux", "amd64", False),
    ("go1.21", "linux", "amd64", True),
    ("linux", "android", "arm64", True),
])
def test_matches_expression(expr, goos, goarch, expected):
    assert matches("pkg/x/file.go", expr, goos, goarch) is expected


def test_custom_tags_and_cgo():
    assert matches("pkg/x/a.go", "providerless", "linux", "amd64", frozenset({"providerless"}))
    assert matches("pkg/x/a.go", "cgo", "linux", "amd64", cgo=True)


@pytest.mark.parametrize("name, goos, goarch, expected", [
    ("a_linux.go", "linux", "amd64", True),
    ("a_linux.go", "windows", "amd64", False),
    ("a_windows_test.go", "windows", "amd64", True),
    ("a_linux_arm64.go", "linux", "amd64", False),
    ("a_linux_arm64.go", "linux", "arm64", True),
    ("a_amd64.go", "darwin", "amd64", True),
    ("a_amd64.go", "darwin", "arm64", False),
    ("linux.go", "windows", "amd64", True),  # no underscore: no constraint
    ("a_foo.go", "windows", "amd64", True),
])
def test_file_name_suffixes(name, goos, goarch, expected):
    assert file_name_matches(f"pkg/x/{name}", goos, goarch) is expected


def test_platforms_of_reports_only_matching_platforms():
    assert platforms_of("pkg/x/a_windows.go", None) == ("windows/amd64", "windows/arm64")
    assert "linux/amd64" in platforms_of("pkg/x/a.go", "!windows")
    assert platforms_of("pkg/x/a.go", "ignore") == ()


def test_a_test_written_per_os_reads_as_the_file_linux_amd64_builds():
    from kubeatlas.graph.build.platform import variant_rank

    files = [("pkg/util/boottime_util_darwin_test.go", True),
             ("pkg/util/boottime_util_linux_test.go", True),
             ("pkg/util/boottime_util_freebsd.go", False),
             ("pkg/util/boottime_util_linux.go", False)]
    ranked = sorted(files, key=lambda f: variant_rank(f[0], None, f[1]))
    assert [path for path, _ in ranked] == [
        "pkg/util/boottime_util_linux.go", "pkg/util/boottime_util_freebsd.go",
        "pkg/util/boottime_util_linux_test.go", "pkg/util/boottime_util_darwin_test.go"]
