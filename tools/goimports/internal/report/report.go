// Package report is what the ground-truth commands (calls, handoffs) share: the packages of a
// tree they report on, kubeatlas's ids for the function declarations of a file, and printing
// their lines.
package report

import (
	"flag"
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"kubeatlas/tools/goimports/internal/check"
)

// Declaration is one function or method declaration with a body, and its kubeatlas id.
type Declaration struct {
	ID     string
	Decl   *ast.FuncDecl
	IsInit bool // an init function (not `_`)
}

// Run parses the command line (check's flags and -scope), type-checks the packages of the
// scope directories ("dir/..." for dir and every directory below it; all when -scope is
// empty) and prints, sorted, the lines lines(...) gives for each of their files.
func Run(command, what string, lines func(c *check.Checker, info *types.Info, root, ip string, f *ast.File) []string) {
	RunThen(command, what, lines, nil)
}

// RunThen is Run with more lines from finish, called once every file has been seen (for what
// joins facts across files); finish may be nil.
func RunThen(command, what string, lines func(c *check.Checker, info *types.Info, root, ip string, f *ast.File) []string,
	finish func(c *check.Checker) []string) {
	scope := flag.String("scope", "", "comma-separated directories (relative to root) to report on")
	c, dirs, root := check.FromCommandLine(command)
	var prefixes []string
	for _, p := range strings.Split(*scope, ",") {
		if p = strings.Trim(strings.TrimSpace(p), "/"); p != "" {
			prefixes = append(prefixes, p)
		}
	}
	var order []string
	wanted := map[string]bool{}
	for _, d := range dirs {
		if inScope(d.Rel, prefixes) {
			order = append(order, d.ImportPath)
			wanted[d.ImportPath] = true
		}
	}
	c.WantInfo = func(ip string) bool { return wanted[ip] }
	var out []string
	for _, ip := range order {
		_, _ = c.Import(ip)
		info := c.Infos[ip]
		if info == nil {
			continue
		}
		for _, f := range c.Files[ip] {
			out = append(out, lines(c, info, root, ip, f)...)
		}
	}
	if finish != nil {
		out = append(out, finish(c)...)
	}
	sort.Strings(out)
	for _, l := range out {
		fmt.Println(l)
	}
	fmt.Fprintf(os.Stderr, "%s: %d packages reported, %d %s, %d type errors\n",
		command, len(order), len(out), what, c.Errors)
}

func inScope(rel string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if base, recursive := strings.CutSuffix(p, "/..."); recursive {
			if rel == base || strings.HasPrefix(rel, base+"/") {
				return true
			}
		} else if rel == p {
			return true
		}
	}
	return false
}

// Declarations lists the function declarations of f that have a body, with the ids kubeatlas
// gives them: `init` and `_` functions as func:<pkg>.init#<file>#<ordinal>.
func Declarations(c *check.Checker, info *types.Info, ip string, f *ast.File) []Declaration {
	var out []Declaration
	ordinal := 0
	name := filepath.Base(c.Fset.Position(f.Pos()).Filename)
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		if fd.Recv == nil && (fd.Name.Name == "init" || fd.Name.Name == "_") {
			ordinal++
			id := fmt.Sprintf("func:%s.%s#%s#%d", ip, fd.Name.Name, name, ordinal)
			out = append(out, Declaration{id, fd, fd.Name.Name == "init"})
		} else if obj, ok := info.Defs[fd.Name].(*types.Func); ok {
			out = append(out, Declaration{FuncID(obj), fd, false})
		}
	}
	return out
}

// FuncID is kubeatlas's id of a function or method (generic ones by their origin).
func FuncID(fn *types.Func) string {
	fn = fn.Origin()
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return fmt.Sprintf("func:%s.%s", fn.Pkg().Path(), fn.Name())
	}
	t := sig.Recv().Type()
	star := ""
	if p, ok := t.(*types.Pointer); ok {
		star, t = "*", p.Elem()
	}
	switch n := t.(type) {
	case *types.Named:
		obj := n.Origin().Obj()
		return fmt.Sprintf("method:%s.(%s%s).%s", obj.Pkg().Path(), star, obj.Name(), fn.Name())
	case *types.Alias:
		obj := n.Obj()
		return fmt.Sprintf("method:%s.(%s%s).%s", obj.Pkg().Path(), star, obj.Name(), fn.Name())
	}
	return fmt.Sprintf("method:%s.(?).%s", fn.Pkg().Path(), fn.Name())
}
