// Command goimports is kubeatlas's ground truth for imports: Go's own parser and go/build
// report the imports of every package directory of a Kubernetes tree, for the oracle tests
// to compare with the index.
//
//	goimports -root DIR -goos linux -goarch amd64
//
// It walks what the analyzer walks (pkg/, cmd/, plugin/, staging/src/k8s.io/*), skipping
// vendor, testdata and directories starting with "_" or ".", never following a symlinked
// directory. For each directory with non-test .go files it prints
//
//	{"packages": {"<dir>": {"all": [...], "selected": [...]}}, "errors": {"<file>": "msg"}}
//
// "all" is the imports of every non-test file (go/parser, ImportsOnly); "selected" is the
// imports of the files `go build` would compile for GOOS/GOARCH with cgo disabled: accepted by
// go/build's Context.MatchFile (file name suffixes, //go:build and // +build lines), minus the
// files that import "C" (go/build puts those in IgnoredGoFiles when CgoEnabled is false).
// Files whose names start with "_" or "." are not part of any package and are ignored, as
// go/build ignores them. A file go/parser or MatchFile cannot read is listed in "errors" and
// left out of both views.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"kubeatlas/tools/goimports/internal/tree"
)

type packageImports struct {
	All      []string `json:"all"`
	Selected []string `json:"selected"`
}

type report struct {
	Packages map[string]packageImports `json:"packages"`
	Errors   map[string]string         `json:"errors"`
}

func main() {
	root := flag.String("root", ".", "Kubernetes checkout to read")
	goos := flag.String("goos", "linux", "GOOS for the selected view")
	goarch := flag.String("goarch", "amd64", "GOARCH for the selected view")
	flag.Parse()

	ctxt := Context(*goos, *goarch)
	rep := report{Packages: map[string]packageImports{}, Errors: map[string]string{}}
	err := tree.WalkDirs(*root, func(dir string) { scanDir(&ctxt, *root, dir, &rep) })
	if err != nil {
		fmt.Fprintln(os.Stderr, "goimports:", err)
		os.Exit(1)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", " ")
	if err := out.Encode(rep); err != nil {
		fmt.Fprintln(os.Stderr, "goimports:", err)
		os.Exit(1)
	}
}

// Context is `go build` for goos/goarch with cgo off and no extra tags; it keeps the
// toolchain's release tags (go1.1 ... go1.N).
func Context(goos, goarch string) build.Context {
	ctxt := build.Default
	ctxt.GOOS = goos
	ctxt.GOARCH = goarch
	ctxt.CgoEnabled = false
	ctxt.Compiler = "gc"
	ctxt.BuildTags = nil
	return ctxt
}

func scanDir(ctxt *build.Context, root, dir string, rep *report) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	all := map[string]bool{}
	selected := map[string]bool{}
	sawGo := false
	for _, e := range entries {
		if !tree.PackageFile(e) {
			continue
		}
		name := e.Name()
		full := filepath.Join(dir, name)
		rel := tree.Rel(root, full)
		imports, err := parseImports(full, rel)
		if err != nil {
			rep.Errors[rel] = err.Error()
			continue
		}
		ok, err := ctxt.MatchFile(dir, name)
		if err != nil {
			rep.Errors[rel] = err.Error()
			continue
		}
		sawGo = true
		cgo := false
		for _, path := range imports {
			all[path] = true
			cgo = cgo || path == "C"
		}
		if ok && !(cgo && !ctxt.CgoEnabled) {
			for _, path := range imports {
				selected[path] = true
			}
		}
	}
	if sawGo {
		rep.Packages[tree.Rel(root, dir)] = packageImports{All: sorted(all), Selected: sorted(selected)}
	}
}

// parseImports reads one file's import paths; rel names the file in error messages.
func parseImports(path, rel string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := parser.ParseFile(token.NewFileSet(), rel, src, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(f.Imports))
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return nil, fmt.Errorf("import %s: %v", spec.Path.Value, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
