package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// Action is one entry of the contract's "actions" array; the field order is
// the order of the keys in the file.
type Action struct {
	Name         string   `json:"name"`
	Summary      string   `json:"summary,omitempty"`
	Version      string   `json:"version"`
	Protocol     string   `json:"protocol"`
	Method       string   `json:"method"`
	Pathname     string   `json:"pathname"`
	Style        string   `json:"style"`
	AuthType     string   `json:"authType"`
	ReqBodyType  string   `json:"reqBodyType"`
	BodyType     string   `json:"bodyType"`
	RequestType  string   `json:"requestType,omitempty"`
	ResponseType string   `json:"responseType"`
	Params       []*Node  `json:"params"`
	Response     []*Node  `json:"response"`
	Notes        []string `json:"notes,omitempty"`
}

// wireParam is one `query["k"] = request.F` (or body/bodyFlat) assignment.
type wireParam struct {
	name    string // wire name
	in      string // query, body, path
	goField string // field of the request struct
	shrink  string // shrink style when the field is an ArrayToStringWithSpecifiedStyle result
	orig    string // original field name of a shrunk value
}

// extractAction reads <name>WithOptions and the models it uses.
func (g *generator) extractAction(name string) (*Action, error) {
	fn := g.sdk.funcs[name+"WithOptions"]
	if fn == nil {
		return nil, fmt.Errorf("action %s: no %sWithOptions in the SDK", name, name)
	}
	a := &Action{Name: name, Summary: summaryOf(g.sdk.funcs[name], fn)}
	if err := g.readParams(a, fn); err != nil {
		return nil, fmt.Errorf("action %s: %w", name, err)
	}
	reqType := strings.TrimPrefix(exprString(fn.Type.Params.List[0].Type), "*")
	a.RequestType = reqType
	origReq := strings.Replace(reqType, "ShrinkRequest", "Request", 1)
	if origReq != reqType {
		a.RequestType = origReq
	}
	a.ResponseType = name + "ResponseBody"
	wire := wireParams(fn)
	for _, w := range wire {
		p, err := g.param(reqType, origReq, w)
		if err != nil {
			return nil, fmt.Errorf("action %s: %w", name, err)
		}
		a.Params = append(a.Params, p)
	}
	body := g.sdk.structs[a.ResponseType]
	if body == nil {
		a.Notes = append(a.Notes, "no response body struct "+a.ResponseType)
		return a, nil
	}
	for _, f := range body.fields {
		a.Response = append(a.Response, g.node(a.ResponseType, f, false, descResponse))
	}
	return a, nil
}

// summaryOf returns the first paragraph after "Summary:" in the doc of the
// plain action method (falling back to the WithOptions one).
func summaryOf(fns ...*ast.FuncDecl) string {
	for _, fn := range fns {
		if fn == nil || fn.Doc == nil {
			continue
		}
		paras := paragraphs(commentLines(fn.Doc))
		for i, p := range paras {
			if p == "Summary:" && i+1 < len(paras) {
				return cut(paras[i+1], 120)
			}
		}
	}
	return ""
}

// readParams fills the openapiutil.Params literal fields of a.
func (g *generator) readParams(a *Action, fn *ast.FuncDecl) error {
	var lit *ast.CompositeLit
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CompositeLit); ok && exprString(c.Type) == "openapiutil.Params" {
			lit = c
			return false
		}
		return true
	})
	if lit == nil {
		return fmt.Errorf("no openapiutil.Params literal")
	}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		v := stringArg(kv.Value)
		switch exprString(kv.Key) {
		case "Action":
			if v != a.Name {
				a.Notes = append(a.Notes, "Params.Action is "+v)
			}
		case "Version":
			a.Version = v
		case "Protocol":
			a.Protocol = v
		case "Pathname":
			a.Pathname = v
		case "Method":
			a.Method = v
		case "AuthType":
			a.AuthType = v
		case "Style":
			a.Style = v
		case "ReqBodyType":
			a.ReqBodyType = v
		case "BodyType":
			a.BodyType = v
		}
	}
	return nil
}

// stringArg returns s for dara.String("s") or "s", else the expression text.
func stringArg(e ast.Expr) string {
	if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
		e = c.Args[0]
	}
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		s, _ := strconv.Unquote(b.Value)
		return s
	}
	return exprString(e)
}

// wireParams walks the method body in source order and returns every map
// assignment that puts a request field on the wire.
func wireParams(fn *ast.FuncDecl) []wireParam {
	shrunk := map[string][2]string{} // XShrink -> {X, style}
	var out []wireParam
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		if sel, ok := as.Lhs[0].(*ast.SelectorExpr); ok {
			if call, ok := as.Rhs[0].(*ast.CallExpr); ok && strings.HasSuffix(exprString(call.Fun), "ArrayToStringWithSpecifiedStyle") && len(call.Args) == 3 {
				orig := ""
				if s, ok := call.Args[0].(*ast.SelectorExpr); ok {
					orig = s.Sel.Name
				}
				shrunk[sel.Sel.Name] = [2]string{orig, stringArg(call.Args[2])}
			}
			return true
		}
		idx, ok := as.Lhs[0].(*ast.IndexExpr)
		if !ok {
			return true
		}
		m := exprString(idx.X)
		in := map[string]string{"query": "query", "body": "body", "bodyFlat": "body"}[m]
		if in == "" {
			return true
		}
		sel, ok := as.Rhs[0].(*ast.SelectorExpr)
		if !ok || exprString(sel.X) != "request" {
			return true
		}
		w := wireParam{name: stringArg(idx.Index), in: in, goField: sel.Sel.Name}
		if s, ok := shrunk[w.goField]; ok {
			w.orig, w.shrink = s[0], s[1]
		}
		out = append(out, w)
		return true
	})
	return out
}

// param builds the top-level node of one wire parameter.
func (g *generator) param(reqType, origReq string, w wireParam) (*Node, error) {
	structName, goField := reqType, w.goField
	if w.shrink != "" {
		structName, goField = origReq, w.orig
	}
	f := g.sdk.field(structName, goField)
	if f == nil {
		return nil, fmt.Errorf("param %s: no field %s.%s", w.name, structName, goField)
	}
	n := g.node(structName, f, true, descParam)
	n.Name = w.name
	n.In = w.in
	if f.jsonTag != w.name && w.shrink == "" {
		n.Field = f.goName
	}
	switch {
	case w.shrink != "":
		n.Serialization = w.shrink
	case n.Type == "object" || n.Type == "array" || n.Type == "map":
		n.Serialization = "flat"
	default:
		n.Serialization = "plain"
	}
	return n, nil
}
