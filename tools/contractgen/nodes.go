package main

import (
	"go/ast"
	"strconv"
	"strings"
)

// Node is a parameter or field at any depth; the field order is the key
// order in the file (internal/contract.Node plus "field").
type Node struct {
	Name          string   `json:"name,omitempty"`
	In            string   `json:"in,omitempty"`
	Serialization string   `json:"serialization,omitempty"`
	Field         string   `json:"field,omitempty"`
	Type          string   `json:"type"`
	GoType        string   `json:"goType,omitempty"`
	Ref           string   `json:"ref,omitempty"`
	Required      bool     `json:"required,omitempty"`
	Enum          []string `json:"enum,omitempty"`
	EnumNote      string   `json:"enumNote,omitempty"`
	Default       string   `json:"default,omitempty"`
	Example       string   `json:"example,omitempty"`
	Description   string   `json:"description,omitempty"`
	Fields        []*Node  `json:"fields,omitempty"`
	Items         *Node    `json:"items,omitempty"`
	Values        *Node    `json:"values,omitempty"`
}

func (n *Node) leaf() bool { return len(n.Fields) == 0 && n.Items == nil && n.Values == nil }

// Description limits: params and request fields keep 120 characters,
// response fields 100.
const (
	descParam    = 120
	descResponse = 100
)

// node builds the node of struct field f of structName. top marks a
// top-level request parameter, whose goType is always written.
func (g *generator) node(structName string, f *fieldDef, top bool, limit int) *Node {
	n := g.typeNode(f.typ, limit)
	n.Name = f.jsonTag
	if top {
		n.GoType = exprString(f.typ)
	}
	lines := f.doc
	if !hasText(lines) && g.docRef != nil {
		if old := g.docRef.field(structName, f.goName); old != nil && hasText(old.doc) {
			lines = old.doc
			g.filled++
		}
	}
	d := parseDoc(lines)
	n.Required = d.required
	n.Enum, n.Default = typedValues(n.Type, d.enum, d.def)
	n.EnumNote = d.enumNote
	n.Example = cut(d.example, 80)
	n.Description = cut(d.desc, limit)
	return n
}

// typeNode maps a Go type expression of the SDK to a node without docs.
// goType is set except for *string and *bool, which nested nodes omit.
func (g *generator) typeNode(e ast.Expr, limit int) *Node {
	gt := exprString(e)
	n := &Node{GoType: gt}
	switch gt {
	case "*string", "string":
		n.Type, n.GoType = "string", ""
		return n
	case "*bool", "bool":
		n.Type, n.GoType = "boolean", ""
		return n
	case "*int", "*int32", "*int64", "*int16", "*int8", "*uint", "*uint32", "*uint64", "int", "int32", "int64":
		n.Type = "integer"
		return n
	case "*float32", "*float64", "float32", "float64":
		n.Type = "number"
		return n
	case "interface{}", "any":
		n.Type = "any"
		return n
	}
	switch t := e.(type) {
	case *ast.ArrayType:
		n.Type = "array"
		n.Items = g.typeNode(t.Elt, limit)
	case *ast.MapType:
		n.Type = "map"
		n.Values = g.typeNode(t.Value, limit)
	case *ast.StarExpr:
		return g.structNode(exprString(t.X), gt, limit)
	case *ast.Ident:
		return g.structNode(t.Name, gt, limit)
	default:
		n.Type = "any"
	}
	return n
}

func (g *generator) structNode(name, goType string, limit int) *Node {
	n := &Node{Type: "object", GoType: goType}
	sd := g.sdk.structs[name]
	if sd == nil {
		n.Type = "any"
		return n
	}
	if shared(name) {
		n.Ref = name
		if _, ok := g.types[name]; !ok {
			g.types[name] = &Node{Type: "object"} // placeholder against recursion
			t := &Node{Type: "object"}
			for _, f := range sd.fields {
				t.Fields = append(t.Fields, g.node(name, f, false, limit))
			}
			g.types[name] = t
		}
		return n
	}
	for _, f := range sd.fields {
		n.Fields = append(n.Fields, g.node(name, f, false, limit))
	}
	return n
}

// shared tells a model shared between actions (EMR's Tag, NodeGroupConfig)
// from one named after its action's request or response.
func shared(name string) bool {
	return !strings.Contains(name, "Request") && !strings.Contains(name, "Response")
}

// typedValues drops enum and default values that do not fit an integer,
// number or boolean node.
func typedValues(typ string, enum []string, def string) ([]string, string) {
	ok := func(v string) bool {
		switch typ {
		case "integer":
			_, err := strconv.ParseInt(v, 10, 64)
			return err == nil
		case "number":
			_, err := strconv.ParseFloat(v, 64)
			return err == nil
		case "boolean":
			return v == "true" || v == "false"
		}
		return true
	}
	for _, v := range enum {
		if !ok(v) {
			enum = nil
			break
		}
	}
	if def != "" && !ok(def) {
		def = ""
	}
	return enum, def
}

func hasText(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return true
		}
	}
	return false
}

// cut shortens s to n characters, the last three being "...".
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimRight(string(r[:n-3]), " ") + "..."
}
