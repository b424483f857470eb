// Command calls is kubeatlas's ground truth for CALLS and REFERENCES: Go's own type checker
// (go/types) says which in-tree function or method each call site calls statically, and
// which functions and methods are named as values (passed, assigned, stored, returned).
//
//	calls -root DIR -goos linux -goarch amd64 [-scope pkg/kubelet/...,staging/src/k8s.io/client-go/tools/cache]
//
// It type-checks the packages of the scope directories ("dir/..." for dir and every directory
// below it; all when -scope is empty), with
// the files `go build` compiles for GOOS/GOARCH (cgo off, no tests); their dependencies come
// from the tree, its vendor/ directory, or the standard library. It prints one line per site,
// in kubeatlas's id format, tab-separated:
//
//	call|value <caller id> <callee id> <category> <file>:<line>
//
// Callers are the enclosing function declarations (a closure belongs to its declaration;
// package-level initialisers are left out); callees are in-tree functions and methods, an
// interface method named by the interface that declares it. A call through a func-typed
// variable or field has no static callee and is not listed. The category says what shape
// the call has: init (inside an init function), generic, function (F(), pkg.F()), and for
// method calls the receiver's shape: param, local, local-call (x := f()), multi-value
// (x, err := f()), range, named-result, closure-param, package-var, index, call-result,
// conversion, field, promoted (through embedding), other; value for REFERENCES.
package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"kubeatlas/tools/goimports/internal/check"
	"kubeatlas/tools/goimports/internal/report"
	"kubeatlas/tools/goimports/internal/tree"
)

func main() {
	report.Run("calls", "sites", func(c *check.Checker, info *types.Info, root, ip string, f *ast.File) []string {
		w := &walker{c: c, info: info, root: root}
		var out []string
		for _, d := range report.Declarations(c, info, ip, f) {
			w.defs = declarations(d.Decl, info)
			out = append(out, w.body(d.ID, d.Decl, d.IsInit)...)
		}
		return out
	})
}

type walker struct {
	c    *check.Checker
	info *types.Info
	root string
	defs map[types.Object]string // local variable -> how it was declared
}

// body lists the static calls and function values of one declaration.
func (w *walker) body(caller string, fd *ast.FuncDecl, isInit bool) []string {
	called := map[ast.Expr]bool{}
	selNames := map[*ast.Ident]bool{}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			called[callee(x.Fun)] = true
		case *ast.SelectorExpr:
			selNames[x.Sel] = true
		}
		return true
	})
	var out []string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		expr, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		if id, isIdent := expr.(*ast.Ident); isIdent && selNames[id] {
			return true
		}
		fn, recv, promoted := w.funcOf(expr)
		if fn == nil || !w.inTree(fn) {
			return true
		}
		kind, category := "value", "value"
		if called[expr] {
			kind = "call"
			category = w.category(fn, recv, promoted, isInit)
		}
		pos := w.c.Fset.Position(expr.Pos())
		out = append(out, fmt.Sprintf("%s\t%s\t%s\t%s\t%s:%d", kind, caller, report.FuncID(fn), category,
			tree.Rel(w.root, pos.Filename), pos.Line))
		return true
	})
	return out
}

// callee strips parentheses and type arguments from a call's function expression.
func callee(e ast.Expr) ast.Expr {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		default:
			return e
		}
	}
}

// funcOf: the function or method an identifier or selector names statically, the method's
// receiver expression, and whether the method is promoted through embedding.
func (w *walker) funcOf(e ast.Expr) (*types.Func, ast.Expr, bool) {
	switch x := e.(type) {
	case *ast.Ident:
		fn, _ := w.info.Uses[x].(*types.Func)
		return fn, nil, false
	case *ast.SelectorExpr:
		if sel := w.info.Selections[x]; sel != nil {
			if sel.Kind() == types.FieldVal {
				return nil, nil, false
			}
			fn, _ := sel.Obj().(*types.Func)
			return fn, x.X, len(sel.Index()) > 1
		}
		fn, _ := w.info.Uses[x.Sel].(*types.Func) // pkg.F
		return fn, nil, false
	}
	return nil, nil, false
}

func (w *walker) inTree(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	_, ok := w.c.Dirs[fn.Pkg().Path()]
	return ok
}

func (w *walker) category(fn *types.Func, recv ast.Expr, promoted, isInit bool) string {
	sig, _ := fn.Type().(*types.Signature)
	switch {
	case isInit:
		return "init"
	case fn.Origin() != fn || (sig != nil && (sig.TypeParams().Len() > 0 || sig.RecvTypeParams().Len() > 0)):
		return "generic"
	case recv == nil:
		return "function"
	case promoted:
		return "promoted"
	}
	switch x := ast.Unparen(recv).(type) {
	case *ast.Ident:
		obj := w.info.Uses[x]
		if how, ok := w.defs[obj]; ok {
			return how
		}
		if v, ok := obj.(*types.Var); ok && v.Parent() == v.Pkg().Scope() {
			return "package-var"
		}
		return "other"
	case *ast.IndexExpr, *ast.IndexListExpr:
		return "index"
	case *ast.CallExpr:
		if tv, ok := w.info.Types[x.Fun]; ok && tv.IsType() {
			return "conversion"
		}
		return "call-result"
	case *ast.SelectorExpr:
		return "field"
	}
	return "other"
}

// declarations: how each local variable of fd is declared.
func declarations(fd *ast.FuncDecl, info *types.Info) map[types.Object]string {
	defs := map[types.Object]string{}
	mark := func(id *ast.Ident, how string) {
		if id == nil {
			return
		}
		if obj := info.Defs[id]; obj != nil {
			if _, seen := defs[obj]; !seen {
				defs[obj] = how
			}
		}
	}
	fields := func(list *ast.FieldList, how string) {
		if list == nil {
			return
		}
		for _, f := range list.List {
			for _, id := range f.Names {
				mark(id, how)
			}
		}
	}
	fields(fd.Recv, "param")
	fields(fd.Type.Params, "param")
	fields(fd.Type.Results, "named-result")
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			fields(x.Type.Params, "closure-param")
			fields(x.Type.Results, "named-result")
		case *ast.RangeStmt:
			if id, ok := x.Key.(*ast.Ident); ok {
				mark(id, "range")
			}
			if id, ok := x.Value.(*ast.Ident); ok {
				mark(id, "range")
			}
		case *ast.AssignStmt:
			if x.Tok != token.DEFINE {
				return true
			}
			how := "local"
			if len(x.Lhs) > 1 && len(x.Rhs) == 1 {
				how = "multi-value"
			} else if len(x.Rhs) == 1 {
				if _, ok := ast.Unparen(x.Rhs[0]).(*ast.CallExpr); ok {
					how = "local-call"
				}
			}
			for _, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					mark(id, how)
				}
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				mark(id, "local")
			}
		}
		return true
	})
	return defs
}
