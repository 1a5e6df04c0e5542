package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// sdk is the parsed client/ directory of one alibabacloud-go SDK checkout.
type sdk struct {
	fset    *token.FileSet
	structs map[string]*structDef
	funcs   map[string]*ast.FuncDecl // methods of *Client by name
	init    *ast.FuncDecl
}

type structDef struct {
	name   string
	fields []*fieldDef
}

type fieldDef struct {
	goName  string
	jsonTag string
	typ     ast.Expr
	doc     []string // comment lines without the "//" marker
}

// loadSDK parses client/client.go and every client/*_model.go of dir.
func loadSDK(dir string) (*sdk, error) {
	s := &sdk{fset: token.NewFileSet(), structs: map[string]*structDef{}, funcs: map[string]*ast.FuncDecl{}}
	paths, err := filepath.Glob(filepath.Join(dir, "client", "*.go"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no Go files in %s: -sdk must name an SDK checkout (with client/client.go)", filepath.Join(dir, "client"))
	}
	sort.Strings(paths)
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(s.fset, p, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		s.collect(f)
	}
	return s, nil
}

func (s *sdk) collect(f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 && exprString(d.Recv.List[0].Type) == "*Client" {
				if d.Name.Name == "Init" {
					s.init = d
				}
				s.funcs[d.Name.Name] = d
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				ts, ok := spec.(*ast.TypeSpec)
				if !ok {
					continue
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				s.structs[ts.Name.Name] = structOf(ts.Name.Name, st)
			}
		}
	}
}

func structOf(name string, st *ast.StructType) *structDef {
	sd := &structDef{name: name}
	for _, f := range st.Fields.List {
		tag := ""
		if f.Tag != nil {
			raw, _ := strconv.Unquote(f.Tag.Value)
			tag = jsonName(raw)
		}
		for _, n := range f.Names {
			sd.fields = append(sd.fields, &fieldDef{goName: n.Name, jsonTag: tag, typ: f.Type, doc: commentLines(f.Doc)})
		}
	}
	return sd
}

// jsonName returns the name in the json key of a struct tag.
func jsonName(tag string) string {
	const key = `json:"`
	i := strings.Index(tag, key)
	if i < 0 {
		return ""
	}
	rest := tag[i+len(key):]
	rest = rest[:strings.IndexByte(rest, '"')]
	name, _, _ := strings.Cut(rest, ",")
	return name
}

func commentLines(g *ast.CommentGroup) []string {
	if g == nil {
		return nil
	}
	var out []string
	for _, c := range g.List {
		t := strings.TrimPrefix(c.Text, "//")
		t = strings.TrimPrefix(t, " ")
		out = append(out, t)
	}
	return out
}

func (s *sdk) field(structName, goName string) *fieldDef {
	sd := s.structs[structName]
	if sd == nil {
		return nil
	}
	for _, f := range sd.fields {
		if f.goName == goName {
			return f
		}
	}
	return nil
}

// actionNames lists every <Action>WithOptions method, sorted.
func (s *sdk) actionNames() []string {
	var out []string
	for n := range s.funcs {
		if a, ok := strings.CutSuffix(n, "WithOptions"); ok && a != "" {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.InterfaceType:
		return "interface{}"
	}
	return fmt.Sprintf("%T", e)
}
