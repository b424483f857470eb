// Package tree walks a Kubernetes checkout the way kubeatlas's analyzer does and selects the
// files `go build` would compile, with Go's own go/build rules.
package tree

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Staging is where the staging repositories (k8s.io/api, k8s.io/client-go, ...) live.
const Staging = "staging/src/k8s.io"

// WalkDirs calls visit for every directory under pkg/, cmd/, plugin/ and each
// staging/src/k8s.io/* repository, in lexical order. It skips vendor, testdata and directories
// starting with "_" or ".", and never follows a symlinked directory.
func WalkDirs(root string, visit func(dir string)) error {
	for _, top := range tops(root) {
		err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if d != nil && d.IsDir() && path != top {
					return fs.SkipDir // unreadable directory: the analyzer's os.walk skips it too
				}
				return nil
			}
			if !d.IsDir() { // WalkDir reports a symlinked directory as a non-directory
				return nil
			}
			if path != top && SkipDir(d.Name()) {
				return fs.SkipDir
			}
			visit(path)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func tops(root string) []string {
	var out []string
	for _, name := range []string{"pkg", "cmd", "plugin"} {
		if info, err := os.Lstat(filepath.Join(root, name)); err == nil && info.IsDir() {
			out = append(out, filepath.Join(root, name))
		}
	}
	staging := filepath.Join(root, filepath.FromSlash(Staging))
	entries, _ := os.ReadDir(staging) // sorted by name; symlinks are not directories here
	for _, e := range entries {
		if e.IsDir() && !SkipDir(e.Name()) {
			out = append(out, filepath.Join(staging, e.Name()))
		}
	}
	return out
}

// SkipDir reports whether the walk leaves out a directory of this name.
func SkipDir(name string) bool {
	return name == "vendor" || name == "testdata" ||
		strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")
}

// PackageFile reports whether a directory entry is a non-test .go file that can belong to a
// package: go/build ignores names starting with "_" or ".".
func PackageFile(e fs.DirEntry) bool {
	name := e.Name()
	return !e.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") &&
		!strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".")
}

// Rel is path relative to root, with forward slashes.
func Rel(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// ImportPath maps a directory relative to root onto its Go import path: staging directories
// onto their own module (k8s.io/<repo>/...), everything else onto k8s.io/kubernetes/....
func ImportPath(rel string) string {
	if rest, ok := strings.CutPrefix(rel, Staging+"/"); ok {
		return "k8s.io/" + rest
	}
	return "k8s.io/kubernetes/" + rel
}
