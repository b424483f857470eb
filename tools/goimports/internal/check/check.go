// Package check type-checks a Kubernetes-shaped tree from source with go/types: in-tree
// packages (and, when the tree has one, vendor/ packages) from their files `go build` would
// compile for GOOS/GOARCH with cgo off and no tests, the standard library from export data,
// anything else as an empty stand-in package (the checker keeps going past the errors that
// causes).
package check

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"strings"

	"kubeatlas/tools/goimports/internal/tree"
)

// Checker imports packages by path, each once.
type Checker struct {
	Fset   *token.FileSet
	Dirs   map[string]string // in-tree import path -> directory
	Vendor string            // the tree's vendor directory, "" if none
	Ctxt   build.Context
	// WantInfo says which packages keep their syntax and types.Info (to be walked later).
	WantInfo func(importPath string) bool
	Infos    map[string]*types.Info
	Files    map[string][]*ast.File
	Errors   int

	std     types.Importer
	done    map[string]*types.Package
	visited map[string]bool
}

// New makes a checker for goos/goarch with cgo off and no extra tags.
func New(goos, goarch string) *Checker {
	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled, ctxt.Compiler, ctxt.BuildTags = goos, goarch, false, "gc", nil
	return &Checker{
		Fset: token.NewFileSet(), Dirs: map[string]string{}, Ctxt: ctxt,
		WantInfo: func(string) bool { return false },
		Infos:    map[string]*types.Info{}, Files: map[string][]*ast.File{},
		std: importer.Default(), done: map[string]*types.Package{}, visited: map[string]bool{},
	}
}

// Dir is one package directory of a tree, as the analyzer's walk meets it.
type Dir struct {
	ImportPath string
	Rel        string // relative to the tree's root, with forward slashes
}

// ForTree is New for the tree at root, with root/vendor (when the tree has one) as the place
// vendored imports are read from, and every directory the analyzer walks (tree.WalkDirs)
// known by its import path. It returns those directories in walk order.
func ForTree(root, goos, goarch string) (*Checker, []Dir, error) {
	c := New(goos, goarch)
	if st, err := os.Stat(filepath.Join(root, "vendor")); err == nil && st.IsDir() {
		c.Vendor = filepath.Join(root, "vendor")
	}
	var dirs []Dir
	err := tree.WalkDirs(root, func(dir string) {
		d := Dir{Rel: tree.Rel(root, dir)}
		d.ImportPath = tree.ImportPath(d.Rel)
		c.Dirs[d.ImportPath] = dir
		dirs = append(dirs, d)
	})
	return c, dirs, err
}

// Import type-checks an in-tree or vendored package from source, the standard library from
// export data, and stands in an empty package for anything else.
func (c *Checker) Import(ip string) (*types.Package, error) {
	if pkg, ok := c.done[ip]; ok {
		return pkg, nil
	}
	dir, fromSource := c.Dirs[ip]
	if !fromSource && c.Vendor != "" {
		candidate := filepath.Join(c.Vendor, filepath.FromSlash(ip))
		if st, err := os.Stat(candidate); err == nil && st.IsDir() {
			dir, fromSource = candidate, true
		}
	}
	if !fromSource {
		if !strings.Contains(strings.SplitN(ip, "/", 2)[0], ".") {
			pkg, err := c.std.Import(ip)
			c.done[ip] = pkg
			return pkg, err
		}
		pkg := types.NewPackage(ip, path.Base(ip))
		pkg.MarkComplete()
		c.done[ip] = pkg
		return pkg, nil
	}
	if c.visited[ip] {
		return nil, fmt.Errorf("import cycle through %s", ip)
	}
	c.visited[ip] = true
	files := c.ParseDir(dir)
	if len(files) == 0 {
		c.done[ip] = nil
		return nil, fmt.Errorf("no buildable Go files in %s", dir)
	}
	conf := types.Config{Importer: c, Error: func(error) { c.Errors++ }}
	var info *types.Info
	if c.WantInfo(ip) {
		info = &types.Info{
			Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{},
			Types:      map[ast.Expr]types.TypeAndValue{},
		}
		c.Infos[ip] = info
		c.Files[ip] = files
	}
	pkg, _ := conf.Check(ip, c.Fset, files, info)
	c.done[ip] = pkg
	return pkg, nil
}

// ParseDir parses the files of dir that `go build` compiles (no tests, no cgo).
func (c *Checker) ParseDir(dir string) []*ast.File {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
			strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
			continue
		}
		if ok, err := c.Ctxt.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(c.Fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		cgo := false
		for _, spec := range f.Imports {
			cgo = cgo || spec.Path.Value == `"C"`
		}
		if !cgo {
			files = append(files, f)
		}
	}
	return files
}
