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
//
// A channel end may reach its field through a getter or a parameter, as the kubelet's sync
// loop does. A getter is a method whose body is only `return r.f`, r its receiver and f a
// channel field, with no parameters and one result. An operand that calls a getter with no
// arguments (`<-kl.livenessManager.Updates()`), or names a local assigned (`:=`, one name,
// one value) from such a call (`plegCh := kl.pleg.Watch()`), stands for the getter's field;
// through an interface method, for the fields of its getter implementations among the
// scope's types, unless there are more than three of them. An operand that names a
// channel-typed parameter (`chan T`, `<-chan T`, `chan<- T` as written) stands for what the
// callers in the scope pass there: a channel field, a local as above or one assigned from a
// field, a channel parameter of their own or a channel they make (`ch := make(chan T)`, `var
// ch chan T`), and a method's call, whatever its arguments, handed straight to a function
// started as a goroutine or called as a statement (`go k.Run(c.Updates())`,
// `NewSourceApiserver(…, cfg.Channel(ctx, source))`), followed through at most eight callers;
// the callee is a function or a method (no variadic parameter), through an interface method
// each of its implementations among the scope's types, unless there are more than three. A
// channel a function makes and stores into two fields, itself or through the parameters it is
// passed to (`&T{ch: ch}`, `x.f = ch`) and the methods that return it, makes them hold one
// channel: reported as `same <field key> <field key>` lines. A channel a function makes and
// stores in no field is itself the key (`fn#name`) that the ends in that function, and in
// those it is handed to, join by (a puller sends on it, its maker receives); when it is stored
// into fields only where it is passed (a pod source's field holds the channel the config mux
// made), it and those fields are one key too, a line `same <field key> fn#name` for each field
// that holds it. (Two channels two functions made never meet, nor a field and a made channel
// it does not hold: that is for the reader of these lines to apply.) A method declared to
// return a channel (`chan T`, `<-chan T`, `chan<- T` as written, one result) is a getter of
// what each of its returns outside closures names: a channel field, a channel it makes, a
// channel parameter, a local as above, or another method's result, whatever its arguments
// (PodConfig.Channel returns Mux.ChannelWithContext's made channel).
package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

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
	r := &routes{yields: map[string][]string{}, passes: map[string]map[string]bool{},
		stores: map[string]map[string]bool{}, methods: map[string]*types.Func{},
		ifaceSlots: map[string]*types.Func{}, named: map[*types.TypeName]bool{}}
	report.RunThen("handoffs", "ends", func(c *check.Checker, info *types.Info, root, ip string, f *ast.File) []string {
		w := &walker{c: c, info: info, root: root, routes: r}
		var out []string
		for _, d := range report.Declarations(c, info, ip, f) {
			out = append(out, w.body(d.ID, d.Decl)...)
		}
		for _, obj := range info.Defs {
			if tn, ok := obj.(*types.TypeName); ok && tn.Parent() == tn.Pkg().Scope() {
				r.named[tn] = true
			}
		}
		return out
	}, r.finish)
}

type walker struct {
	c      *check.Checker
	info   *types.Info
	root   string
	routes *routes
}

// body lists the ends of one declaration on fields; those through a getter or a parameter,
// the getter's field and the channels handed to calls go to the routes.
func (w *walker) body(fn string, fd *ast.FuncDecl) []string {
	aliases := w.aliases(fd.Body)
	getterLocals := w.getterLocals(fd.Body)
	slots := w.channelParams(fn, fd)
	for obj, route := range w.madeChannels(fn, fd.Body) {
		slots[obj] = route // a channel the function makes: a route like a parameter's
	}
	if key := w.getterField(fd); key != "" {
		w.routes.yields[fn] = append(w.routes.yields[fn], key)
	}
	if keys := w.returnedChannels(fd, aliases, getterLocals, slots); len(keys) > 0 {
		w.routes.yields[fn] = append(w.routes.yields[fn], keys...)
	}
	var out []string
	end := func(dir, via string, keys []string, at ast.Node) {
		pos := w.c.Fset.Position(at.Pos())
		where := fmt.Sprintf("%s:%d", tree.Rel(w.root, pos.Filename), pos.Line)
		for _, key := range keys {
			out = append(out, fmt.Sprintf("%s\t%s\t%s\t%s\t%s", dir, fn, key, via, where))
		}
	}
	channel := func(dir string, e ast.Expr, at ast.Node) {
		end(dir, "channel", w.channelKeys(e, aliases), at)
		pos := w.c.Fset.Position(at.Pos())
		where := fmt.Sprintf("%s:%d", tree.Rel(w.root, pos.Filename), pos.Line)
		for _, route := range w.channelRoutes(e, getterLocals, slots) {
			w.routes.ends = append(w.routes.ends, routeEnd{dir, fn, route, where})
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SendStmt:
			channel("give", x.Chan, x)
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				channel("take", x.X, x)
			}
		case *ast.RangeStmt:
			if w.isChan(x.X) {
				channel("take", x.X, x)
			}
		case *ast.CallExpr:
			if dir, key := w.methodEnd(x, queueMethods, Workqueue, ""); key != "" {
				end(dir, "queue", []string{key}, x)
			}
			if dir, key := w.methodEnd(x, condMethods, "sync", "Cond"); key != "" {
				end(dir, "cond", []string{key}, x)
			}
			w.passes(x, aliases, getterLocals, slots)
		case *ast.GoStmt:
			w.handedCalls(x.Call)
		case *ast.ExprStmt:
			if call, ok := x.X.(*ast.CallExpr); ok {
				w.handedCalls(call)
			}
		case *ast.CompositeLit:
			w.literalStores(x, slots)
		case *ast.AssignStmt:
			w.assignStores(x, slots)
		}
		return true
	})
	return out
}

// madeChannels: each local the body makes a channel in (`ch := make(chan T)`, `var ch =
// make(chan T)`, `var ch chan T`), by its route (fn#name).
func (w *walker) madeChannels(fn string, body *ast.BlockStmt) map[types.Object]string {
	out := map[types.Object]string{}
	isMake := func(e ast.Expr) bool {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return false
		}
		id, ok := call.Fun.(*ast.Ident)
		_, isChan := call.Args[0].(*ast.ChanType)
		return ok && id.Name == "make" && isChan
	}
	add := func(id *ast.Ident) {
		if obj := w.info.Defs[id]; obj != nil {
			out[obj] = fn + "#" + id.Name
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE && len(x.Lhs) == len(x.Rhs) {
				for i, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok && isMake(x.Rhs[i]) {
						add(id)
					}
				}
			}
		case *ast.ValueSpec:
			_, typed := x.Type.(*ast.ChanType)
			for i, id := range x.Names {
				if typed || (i < len(x.Values) && isMake(x.Values[i])) {
					add(id)
				}
			}
		}
		return true
	})
	return out
}

// handedCalls records a method's result handed straight to a function started as a goroutine
// or called as a statement (`go k.Run(podCfg.Updates())`, `NewSourceApiserver(…,
// cfg.Channel(ctx, source))`), whatever the method's arguments, as passed into the function's
// channel parameter.
func (w *walker) handedCalls(call *ast.CallExpr) {
	callee := w.channelCallee(call)
	if callee == nil {
		return
	}
	sig := callee.Type().(*types.Signature)
	for i, arg := range call.Args {
		if route := w.methodRoute(arg, true); route != "" {
			if slot := w.channelSlot(callee, sig, i); slot != "" {
				w.routes.pass(slot, route)
			}
		}
	}
}

// literalStores: a channel parameter or a made channel stored into a field by a struct
// literal (`&PodConfig{updates: updates}`).
func (w *walker) literalStores(lit *ast.CompositeLit, slots map[types.Object]string) {
	t := w.info.TypeOf(lit)
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return
	}
	if _, isStruct := n.Underlying().(*types.Struct); !isStruct {
		return
	}
	obj := n.Origin().Obj()
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok1 := kv.Key.(*ast.Ident)
		value, ok2 := kv.Value.(*ast.Ident)
		if !ok1 || !ok2 {
			continue
		}
		if route, ok := slots[w.info.Uses[value]]; ok {
			w.routes.store(route, fmt.Sprintf("field:%s.%s.%s", obj.Pkg().Path(), obj.Name(), key.Name))
		}
	}
}

// assignStores: a channel parameter or a made channel stored into a field (`s.ch = ch`).
func (w *walker) assignStores(x *ast.AssignStmt, slots map[types.Object]string) {
	if x.Tok != token.ASSIGN || len(x.Lhs) != len(x.Rhs) {
		return
	}
	for i, l := range x.Lhs {
		value, ok := x.Rhs[i].(*ast.Ident)
		if !ok {
			continue
		}
		if route, ok := slots[w.info.Uses[value]]; ok {
			if key := w.fieldKey(l); key != "" {
				w.routes.store(route, key)
			}
		}
	}
}

// routes: what joins the ends through getters and parameters across files.
type routes struct {
	yields  map[string][]string        // getter id -> the field it returns
	passes  map[string]map[string]bool // slot (callee id@i) -> field keys, routes passed there
	stores  map[string]map[string]bool // slot, made channel (fn#name) -> fields it is stored in
	methods map[string]*types.Func     // "returns:<id>" -> the method
	// interface method slots callers pass to (method id@i) -> the method
	ifaceSlots map[string]*types.Func
	ends       []routeEnd
	named      map[*types.TypeName]bool // the scope's package-level types
}

func (r *routes) pass(slot, source string) {
	if r.passes[slot] == nil {
		r.passes[slot] = map[string]bool{}
	}
	r.passes[slot][source] = true
}

func (r *routes) store(route, key string) {
	if r.stores[route] == nil {
		r.stores[route] = map[string]bool{}
	}
	r.stores[route][key] = true
}

type routeEnd struct{ dir, fn, route, where string }

const returns = "returns:"

// finish lists the ends through routes, once per field a route leads to, and the fields that
// hold one made channel ("same" lines).
func (r *routes) finish(c *check.Checker) []string {
	r.throughInterfaces()
	var out []string
	for _, e := range r.ends {
		for _, key := range r.fields(e.route) {
			out = append(out, fmt.Sprintf("%s\t%s\t%s\tchannel\t%s", e.dir, e.fn, key, e.where))
		}
	}
	feeds := map[string][]string{} // source -> the slots it is passed to
	returning := map[string]bool{} // the "returns:" routes passed or returned
	for slot, sources := range r.passes {
		for s := range sources {
			feeds[s] = append(feeds[s], slot)
			if strings.HasPrefix(s, returns) {
				returning[s] = true
			}
		}
	}
	for _, keys := range r.yields {
		for _, k := range keys {
			if strings.HasPrefix(k, returns) {
				returning[k] = true
			}
		}
	}
	for route := range returning { // what a method returns feeds the method's result
		for _, k := range r.returned(route) {
			if !strings.HasPrefix(k, "field:") {
				feeds[k] = append(feeds[k], route)
			}
		}
	}
	made := map[string]bool{} // the channels functions make, stored or passed
	for k := range r.stores {
		if strings.Contains(k, "#") {
			made[k] = true
		}
	}
	for k := range feeds {
		if strings.Contains(k, "#") {
			made[k] = true
		}
	}
	for m := range made {
		var fields []string
		for k := range walk(m, 8, func(k string) []string { return feeds[k] }) {
			for f := range r.stores[k] {
				fields = append(fields, f)
			}
		}
		sort.Strings(fields)
		for _, f := range fields[min(1, len(fields)):] {
			if f != fields[0] {
				out = append(out, fmt.Sprintf("same\t%s\t%s", fields[0], f))
			}
		}
		if len(r.stores[m]) == 0 { // held by fields only where it is passed: each of them
			for _, f := range fields {
				out = append(out, fmt.Sprintf("same\t%s\t%s", f, m))
			}
		}
	}
	return out
}

// walk visits start and, breadth first for `rounds` rounds, what next leads to from each key
// found in the round before, each key once; the keys found.
func walk(start string, rounds int, next func(string) []string) map[string]bool {
	seen := map[string]bool{start: true}
	todo := []string{start}
	for round := 0; round < rounds && len(todo) > 0; round++ {
		var onward []string
		for _, key := range todo {
			for _, k := range next(key) {
				if !seen[k] {
					seen[k] = true
					onward = append(onward, k)
				}
			}
		}
		todo = onward
	}
	return seen
}

// fields: the channel fields a route leads to (a getter's, a parameter's).
func (r *routes) fields(route string) []string {
	found := map[string]bool{}
	walk(route, 9, func(key string) []string {
		switch {
		case strings.HasPrefix(key, "field:"):
			found[key] = true
		case strings.HasPrefix(key, returns): // a field, or where the method's channel comes from
			var onward []string
			for _, k := range r.returned(key) {
				if strings.HasPrefix(k, "field:") {
					found[k] = true
				} else {
					onward = append(onward, k)
				}
			}
			return onward
		case strings.Contains(key, "#"): // a made channel: the fields it is stored in,
			for k := range r.stores[key] { // else the channel itself
				found[k] = true
			}
			if len(r.stores[key]) == 0 {
				found[key] = true
			}
		default:
			var onward []string
			for k := range r.passes[key] {
				onward = append(onward, k)
			}
			return onward
		}
		return nil
	})
	var out []string
	for k := range found {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// returned: what a method returns, a getter's field or the routes of a method that returns a
// channel; through an interface method, those of its implementations among the scope's types
// that return one, if there are at most three.
func (r *routes) returned(route string) []string {
	id := strings.TrimPrefix(route, returns)
	if keys, ok := r.yields[id]; ok {
		return keys
	}
	var keys []string
	getters := 0
	for _, impl := range r.implementations(r.methods[route]) {
		if found, ok := r.yields[report.FuncID(impl)]; ok {
			getters++
			keys = append(keys, found...)
		}
	}
	if getters > 3 {
		return nil
	}
	return keys
}

// implementations: the methods of the scope's types that implement interface method m (nil
// when m is nil or no interface method).
func (r *routes) implementations(m *types.Func) []*types.Func {
	if m == nil {
		return nil
	}
	iface, ok := m.Type().(*types.Signature).Recv().Type().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	var out []*types.Func
	for tn := range r.named {
		t := tn.Type()
		if types.IsInterface(t) {
			continue
		}
		if !types.Implements(t, iface) && !types.Implements(types.NewPointer(t), iface) {
			continue
		}
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(t), true, m.Pkg(), m.Name())
		if impl, ok := obj.(*types.Func); ok {
			out = append(out, impl)
		}
	}
	return out
}

// throughInterfaces: what callers pass to an interface method's parameter reaches that
// parameter of each implementation, when there are at most three.
func (r *routes) throughInterfaces() {
	for slot, m := range r.ifaceSlots {
		impls := r.implementations(m)
		if len(impls) > 3 {
			continue
		}
		index := slot[strings.LastIndex(slot, "@"):]
		for _, impl := range impls {
			for source := range r.passes[slot] {
				r.pass(report.FuncID(impl)+index, source)
			}
		}
	}
}

// getterField: the key of the channel field a getter returns, "" if fd is no getter.
func (w *walker) getterField(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 ||
		len(fd.Body.List) != 1 {
		return ""
	}
	sig, ok := w.info.Defs[fd.Name].Type().(*types.Signature)
	if !ok || sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return ""
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return ""
	}
	sel, ok := ret.Results[0].(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok || w.info.Uses[x] == nil || w.info.Uses[x] != w.info.Defs[fd.Recv.List[0].Names[0]] {
		return ""
	}
	if key := w.fieldKey(sel); key != "" && w.isChan(sel) {
		return key
	}
	return ""
}

// getterRoute: "returns:<id>" when e calls a method with no arguments (`kl.pleg.Watch()`).
func (w *walker) getterRoute(e ast.Expr) string {
	return w.methodRoute(e, false)
}

// methodRoute: "returns:<id>" when e calls a method, with no arguments unless anyArgs.
func (w *walker) methodRoute(e ast.Expr, anyArgs bool) string {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || (len(call.Args) != 0 && !anyArgs) {
		return ""
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	s := w.info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return ""
	}
	m, ok := s.Obj().(*types.Func)
	if !ok || m.Pkg() == nil {
		return ""
	}
	route := returns + report.FuncID(m)
	w.routes.methods[route] = m
	return route
}

// returnedChannels: for a method declared to return a channel (one result, written `chan T`,
// `<-chan T` or `chan<- T`), what each of its returns outside closures gives back, as a
// channel operation's operand would name it (a channel field, a local assigned from one or
// from a getter's call, a channel parameter, a channel the method makes), or a method's
// result, whatever its arguments (`return c.mux.ChannelWithContext(ctx, source)`).
func (w *walker) returnedChannels(fd *ast.FuncDecl, aliases, getterLocals map[types.Object][]string,
	slots map[types.Object]string) []string {
	sig, ok := w.info.Defs[fd.Name].Type().(*types.Signature)
	if fd.Recv == nil || !ok || sig.Results().Len() != 1 {
		return nil
	}
	if _, isChan := fd.Type.Results.List[0].Type.(*ast.ChanType); !isChan {
		return nil
	}
	var out []string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(x.Results) != 1 {
				return true
			}
			if route := w.methodRoute(x.Results[0], true); route != "" {
				out = append(out, route)
			}
			out = append(out, w.channelKeys(x.Results[0], aliases)...)
			out = append(out, w.channelRoutes(x.Results[0], getterLocals, slots)...)
		}
		return true
	})
	return out
}

// getterLocals: each local assigned (`:=`, one name, one value) from a getter's call.
func (w *walker) getterLocals(body *ast.BlockStmt) map[types.Object][]string {
	out := map[types.Object][]string{}
	ast.Inspect(body, func(n ast.Node) bool {
		if x, ok := n.(*ast.AssignStmt); ok && x.Tok == token.DEFINE && len(x.Lhs) == 1 && len(x.Rhs) == 1 {
			if id, ok := x.Lhs[0].(*ast.Ident); ok {
				if route := w.getterRoute(x.Rhs[0]); route != "" {
					obj := w.info.Defs[id]
					if obj == nil {
						obj = w.info.Uses[id]
					}
					if obj != nil {
						out[obj] = append(out[obj], route)
					}
				}
			}
		}
		return true
	})
	return out
}

// channelParams: fd's parameters declared with a channel type, by their slot (callee id@i,
// the receiver being 0).
func (w *walker) channelParams(fn string, fd *ast.FuncDecl) map[types.Object]string {
	out := map[types.Object]string{}
	i := 0
	if fd.Recv != nil {
		i = 1
	}
	for _, field := range fd.Type.Params.List {
		_, isChan := field.Type.(*ast.ChanType)
		if len(field.Names) == 0 {
			i++
			continue
		}
		for _, name := range field.Names {
			if obj := w.info.Defs[name]; isChan && obj != nil {
				out[obj] = fmt.Sprintf("%s@%d", fn, i)
			}
			i++
		}
	}
	return out
}

// channelRoutes: the getter and parameter routes of an operand (a getter's call, a local
// assigned from one, a channel parameter).
func (w *walker) channelRoutes(e ast.Expr, getterLocals map[types.Object][]string,
	slots map[types.Object]string) []string {
	if route := w.getterRoute(e); route != "" {
		return []string{route}
	}
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	obj := w.info.Uses[id]
	if slot, ok := slots[obj]; ok {
		return []string{slot}
	}
	return getterLocals[obj]
}

// passes records the channels a call hands to a channel parameter of a function or concrete
// method: a channel field, a local assigned from one or from a getter's call, a channel
// parameter of the caller's own.
func (w *walker) passes(call *ast.CallExpr, aliases, getterLocals map[types.Object][]string,
	slots map[types.Object]string) {
	callee := w.channelCallee(call)
	if callee == nil {
		return
	}
	sig := callee.Type().(*types.Signature)
	for i, arg := range call.Args {
		slot := w.channelSlot(callee, sig, i)
		if slot == "" {
			continue
		}
		var sources []string
		switch a := ast.Unparen(arg).(type) {
		case *ast.Ident:
			obj := w.info.Uses[a]
			if slot, ok := slots[obj]; ok {
				sources = append(sources, slot)
			}
			sources = append(sources, aliases[obj]...)
			sources = append(sources, getterLocals[obj]...)
		case *ast.SelectorExpr:
			if key := w.fieldKey(a); key != "" && w.isChan(a) {
				sources = append(sources, key)
			}
		}
		for _, s := range sources {
			w.routes.pass(slot, s)
		}
	}
}

// channelCallee: the in-tree function or method a call calls, an interface method too.
func (w *walker) channelCallee(call *ast.CallExpr) *types.Func {
	if fn := w.staticCallee(call); fn != nil {
		return fn
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	s := w.info.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal || !types.IsInterface(s.Recv()) {
		return nil
	}
	m, ok := s.Obj().(*types.Func)
	if !ok || m.Pkg() == nil {
		return nil
	}
	if _, inTree := w.c.Dirs[m.Pkg().Path()]; !inTree {
		return nil
	}
	return m
}

// channelSlot: the slot (callee id@i, the receiver being 0) of a call's i-th argument when
// the callee's parameter there is declared a channel (not variadic); "" otherwise. An
// interface method's slot leads to its implementations' (see throughInterfaces).
func (w *walker) channelSlot(callee *types.Func, sig *types.Signature, i int) string {
	if i >= sig.Params().Len() || (sig.Variadic() && i == sig.Params().Len()-1) {
		return ""
	}
	if _, ok := sig.Params().At(i).Type().(*types.Chan); !ok {
		return ""
	}
	if sig.Recv() == nil {
		return fmt.Sprintf("%s@%d", report.FuncID(callee), i)
	}
	slot := fmt.Sprintf("%s@%d", report.FuncID(callee), i+1)
	if types.IsInterface(sig.Recv().Type()) {
		w.routes.ifaceSlots[slot] = callee
	}
	return slot
}

// staticCallee: the in-tree function or concrete method a call calls, nil for any other.
func (w *walker) staticCallee(call *ast.CallExpr) *types.Func {
	var obj types.Object
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		obj = w.info.Uses[fun]
	case *ast.SelectorExpr:
		if s := w.info.Selections[fun]; s != nil {
			if s.Kind() != types.MethodVal || types.IsInterface(s.Recv()) {
				return nil
			}
			obj = s.Obj()
		} else {
			obj = w.info.Uses[fun.Sel]
		}
	}
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil
	}
	if _, inTree := w.c.Dirs[fn.Pkg().Path()]; !inTree {
		return nil
	}
	return fn
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
