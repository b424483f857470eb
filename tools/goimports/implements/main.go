// Command implements is kubeatlas's ground truth for IMPLEMENTS: Go's own type checker
// (go/types) says which named types of a Kubernetes-shaped tree implement which interfaces.
//
//	implements -root DIR -goos linux -goarch amd64
//
// It type-checks from source every package directory the analyzer walks, with the files
// `go build` would compile for GOOS/GOARCH (go/build's MatchFile, cgo off, no tests). Files
// go/parser rejects are left out. Packages outside the tree and the standard library (say
// google.golang.org/grpc) are not available, so they are replaced by empty packages and the
// checker keeps going past the errors that causes; a signature that mentions such a type
// then matches only the same mention. It prints one line per (type, interface) pair, sorted:
//
//	type:<import path>.<Type> -> type:<import path>.<Interface> value|pointer
//
// "value" when T implements the interface, "pointer" when only *T does. Interfaces without
// methods and generic types are left out, as in the index.
package main

import (
	"flag"
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
	"sort"
	"strings"

	"kubeatlas/tools/goimports/internal/tree"
)

type checker struct {
	fset    *token.FileSet
	dirs    map[string]string // import path -> directory
	ctxt    build.Context
	std     types.Importer
	done    map[string]*types.Package
	errors  int
	visited map[string]bool
}

func main() {
	root := flag.String("root", ".", "Kubernetes-shaped tree to read")
	goos := flag.String("goos", "linux", "GOOS whose files are compiled")
	goarch := flag.String("goarch", "amd64", "GOARCH whose files are compiled")
	flag.Parse()

	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled, ctxt.Compiler, ctxt.BuildTags = *goos, *goarch, false, "gc", nil
	c := &checker{
		fset: token.NewFileSet(), dirs: map[string]string{}, ctxt: ctxt,
		std: importer.Default(), done: map[string]*types.Package{}, visited: map[string]bool{},
	}
	var order []string
	err := tree.WalkDirs(*root, func(dir string) {
		ip := tree.ImportPath(tree.Rel(*root, dir))
		c.dirs[ip] = dir
		order = append(order, ip)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "implements:", err)
		os.Exit(1)
	}
	var named []*types.TypeName
	for _, ip := range order {
		pkg, _ := c.Import(ip)
		if pkg == nil {
			continue
		}
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			if tn, ok := scope.Lookup(name).(*types.TypeName); ok && !tn.IsAlias() {
				named = append(named, tn)
			}
		}
	}
	var lines []string
	for _, itn := range named {
		iface, ok := itn.Type().Underlying().(*types.Interface)
		if !ok || iface.NumMethods() == 0 || isGeneric(itn) {
			continue
		}
		for _, tn := range named {
			if types.IsInterface(tn.Type()) || isGeneric(tn) {
				continue
			}
			switch {
			case types.Implements(tn.Type(), iface):
				lines = append(lines, line(tn, itn, "value"))
			case types.Implements(types.NewPointer(tn.Type()), iface):
				lines = append(lines, line(tn, itn, "pointer"))
			}
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	fmt.Fprintf(os.Stderr, "implements: %d packages, %d named types, %d type errors (missing out-of-tree packages)\n",
		len(c.done), len(named), c.errors)
}

func isGeneric(tn *types.TypeName) bool {
	n, ok := tn.Type().(*types.Named)
	return ok && n.TypeParams().Len() > 0
}

func line(t, i *types.TypeName, how string) string {
	return fmt.Sprintf("type:%s.%s -> type:%s.%s %s", t.Pkg().Path(), t.Name(), i.Pkg().Path(), i.Name(), how)
}

// Import type-checks an in-tree package from source, the standard library from export data,
// and stands in an empty package for anything else.
func (c *checker) Import(ip string) (*types.Package, error) {
	if pkg, ok := c.done[ip]; ok {
		return pkg, nil
	}
	dir, inTree := c.dirs[ip]
	if !inTree {
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
	files := c.parseDir(dir)
	if len(files) == 0 {
		c.done[ip] = nil
		return nil, fmt.Errorf("no buildable Go files in %s", dir)
	}
	conf := types.Config{Importer: c, Error: func(error) { c.errors++ }}
	pkg, _ := conf.Check(ip, c.fset, files, nil)
	c.done[ip] = pkg
	return pkg, nil
}

func (c *checker) parseDir(dir string) []*ast.File {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var files []*ast.File
	for _, e := range entries {
		if !tree.PackageFile(e) {
			continue
		}
		if ok, err := c.ctxt.MatchFile(dir, e.Name()); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(c.fset, filepath.Join(dir, e.Name()), nil, 0)
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
