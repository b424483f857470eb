// Command handoffs is kubeatlas's ground truth for HANDS_OFF: Go's own type checker
// (go/types) says where a function gives into a struct field (a send on a channel field, an
// add to a client-go work queue held in a field, a signal of a sync.Cond held in a field) and
// where a function takes from one (a receive, a range over the channel, the queue's Get, the
// condition variable's Wait).
//
//	handoffs -root DIR -goos linux -goarch amd64 [-scope pkg/kubelet/...,pkg/util/async]
//
// It type-checks the packages of the scope directories as calls does (same flags, same files:
// what `go build` compiles for GOOS/GOARCH, cgo off, no tests) and prints one line per end,
// in kubeatlas's id format, tab-separated:
//
//	give|take <function id> <field key> channel|queue|cond <file>:<line>
//
// The function is the enclosing declaration (a closure belongs to its declaration;
// package-level initialisers are left out). The field key is field:<pkgpath>.<Type>.<field>,
// Type the named type of the holder expression x in x.f (pointer dereferenced), the outer
// one when f is promoted from an embedded struct.
//
// A channel end is a send `x.f <- v`, a receive `<-x.f` (in a select case too) or a
// `for v := range x.f`, where f is a field of channel type; a local variable (or parameter)
// that the same declaration assigns from such a field (`next = l.nextCh`, `ch := l.signal`)
// stands for each field it is assigned from. A queue end is a call x.f.Add, x.f.AddRateLimited,
// x.f.AddAfter (give) or x.f.Get (take) of a method of k8s.io/client-go/util/workqueue, f a
// struct field. A cond end is a call x.f.Broadcast, x.f.Signal (give) or x.f.Wait (take) of a
// method of sync.Cond, f a struct field (of type sync.Cond or *sync.Cond).
package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"kubeatlas/tools/goimports/internal/check"
	"kubeatlas/tools/goimports/internal/report"
	"kubeatlas/tools/goimports/internal/tree"
)

// Workqueue is the package whose queues controllers hand keys through.
const Workqueue = "k8s.io/client-go/util/workqueue"

var queueMethods = map[string]string{"Add": "give", "AddRateLimited": "give", "AddAfter": "give",
	"Get": "take"}

// condMethods are sync.Cond's: what wakes a waiter, what waits.
var condMethods = map[string]string{"Broadcast": "give", "Signal": "give", "Wait": "take"}

func main() {
	report.Run("handoffs", "ends", func(c *check.Checker, info *types.Info, root, ip string, f *ast.File) []string {
		w := &walker{c: c, info: info, root: root}
		var out []string
		for _, d := range report.Declarations(c, info, ip, f) {
			out = append(out, w.body(d.ID, d.Decl)...)
		}
		return out
	})
}

type walker struct {
	c    *check.Checker
	info *types.Info
	root string
}

// body lists the ends of one declaration.
func (w *walker) body(fn string, fd *ast.FuncDecl) []string {
	aliases := w.aliases(fd.Body)
	var out []string
	end := func(dir, via string, keys []string, at ast.Node) {
		pos := w.c.Fset.Position(at.Pos())
		for _, key := range keys {
			out = append(out, fmt.Sprintf("%s\t%s\t%s\t%s\t%s:%d", dir, fn, key, via,
				tree.Rel(w.root, pos.Filename), pos.Line))
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SendStmt:
			end("give", "channel", w.channelKeys(x.Chan, aliases), x)
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				end("take", "channel", w.channelKeys(x.X, aliases), x)
			}
		case *ast.RangeStmt:
			if w.isChan(x.X) {
				end("take", "channel", w.channelKeys(x.X, aliases), x)
			}
		case *ast.CallExpr:
			if dir, key := w.methodEnd(x, queueMethods, Workqueue, ""); key != "" {
				end(dir, "queue", []string{key}, x)
			}
			if dir, key := w.methodEnd(x, condMethods, "sync", "Cond"); key != "" {
				end(dir, "cond", []string{key}, x)
			}
		}
		return true
	})
	return out
}

// aliases: each variable the body assigns a channel field to (`=`, `:=`, `var v = x.f`),
// with the keys of the fields it is assigned from.
func (w *walker) aliases(body *ast.BlockStmt) map[types.Object][]string {
	seen := map[types.Object]map[string]bool{}
	assign := func(lhs *ast.Ident, rhs ast.Expr) {
		obj := w.info.Defs[lhs]
		if obj == nil {
			obj = w.info.Uses[lhs]
		}
		v, ok := obj.(*types.Var)
		if !ok || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
			return
		}
		key := w.fieldKey(rhs)
		if key == "" || !w.isChan(rhs) {
			return
		}
		if seen[v] == nil {
			seen[v] = map[string]bool{}
		}
		seen[v][key] = true
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if len(x.Lhs) == len(x.Rhs) {
				for i, l := range x.Lhs {
					if id, ok := ast.Unparen(l).(*ast.Ident); ok {
						assign(id, x.Rhs[i])
					}
				}
			}
		case *ast.ValueSpec:
			if len(x.Names) == len(x.Values) {
				for i, id := range x.Names {
					assign(id, x.Values[i])
				}
			}
		}
		return true
	})
	out := map[types.Object][]string{}
	for v, keys := range seen {
		for k := range keys {
			out[v] = append(out[v], k)
		}
		sort.Strings(out[v])
	}
	return out
}

// channelKeys: the keys of the channel fields an operand names, itself or through a variable.
func (w *walker) channelKeys(e ast.Expr, aliases map[types.Object][]string) []string {
	e = ast.Unparen(e)
	if id, ok := e.(*ast.Ident); ok {
		return aliases[w.info.Uses[id]]
	}
	if key := w.fieldKey(e); key != "" && w.isChan(e) {
		return []string{key}
	}
	return nil
}

// methodEnd: (direction, key) when call is x.f.M of a method M in methods declared in package
// pkg (on its type named recv, if recv is not ""), x.f a struct field.
func (w *walker) methodEnd(call *ast.CallExpr, methods map[string]string, pkg, recv string) (string, string) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	dir, ok := methods[sel.Sel.Name]
	if !ok {
		return "", ""
	}
	s := w.info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return "", ""
	}
	m, ok := s.Obj().(*types.Func)
	if !ok || m.Pkg() == nil || m.Pkg().Path() != pkg {
		return "", ""
	}
	if recv != "" && receiverName(m) != recv {
		return "", ""
	}
	return dir, w.fieldKey(sel.X)
}

// receiverName: the name of the named type a method is declared on.
func receiverName(m *types.Func) string {
	r := m.Type().(*types.Signature).Recv()
	if r == nil {
		return ""
	}
	t := r.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// fieldKey: field:<pkg>.<Type>.<f> when e is a selector x.f of a struct field, Type the named
// type of x (pointer dereferenced); "" otherwise.
func (w *walker) fieldKey(e ast.Expr) string {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	s := w.info.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal {
		return ""
	}
	t := types.Unalias(s.Recv())
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	obj := n.Origin().Obj()
	return fmt.Sprintf("field:%s.%s.%s", obj.Pkg().Path(), obj.Name(), sel.Sel.Name)
}

// isChan: whether e's type is a channel type.
func (w *walker) isChan(e ast.Expr) bool {
	tv, ok := w.info.Types[e]
	if !ok || tv.Type == nil {
		return false
	}
	_, isChan := tv.Type.Underlying().(*types.Chan)
	return isChan
}
