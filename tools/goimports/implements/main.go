// Command implements is kubeatlas's ground truth for IMPLEMENTS: Go's own type checker
// (go/types) says which named types of a Kubernetes-shaped tree implement which interfaces.
//
//	implements -root DIR -goos linux -goarch amd64
//
// It type-checks from source every package directory the analyzer walks, with the files
// `go build` would compile for GOOS/GOARCH (go/build's MatchFile, cgo off, no tests). Files
// go/parser rejects are left out. Packages of the tree's vendor/ directory are read from
// source too (golang.org/x/net/context.Context is then an alias of context.Context); other
// packages outside the tree and the standard library are replaced by empty packages and the
// checker keeps going past the errors that causes; a signature that mentions such a type
// then matches only the same mention. It prints one line per (type, interface) pair, sorted:
//
//	type:<import path>.<Type> -> type:<import path>.<Interface> value|pointer
//
// "value" when T implements the interface, "pointer" when only *T does. Interfaces without
// methods and generic types are left out, as in the index.
package main

import (
	"fmt"
	"go/types"
	"os"
	"sort"

	"kubeatlas/tools/goimports/internal/check"
)

func main() {
	c, dirs, _ := check.FromCommandLine("implements")
	var named []*types.TypeName
	for _, d := range dirs {
		pkg, _ := c.Import(d.ImportPath)
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
		len(dirs), len(named), c.Errors)
}

func isGeneric(tn *types.TypeName) bool {
	n, ok := tn.Type().(*types.Named)
	return ok && n.TypeParams().Len() > 0
}

func line(t, i *types.TypeName, how string) string {
	return fmt.Sprintf("type:%s.%s -> type:%s.%s %s", t.Pkg().Path(), t.Name(), i.Pkg().Path(), i.Name(), how)
}
