package safetext

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// TestWordsOnlyFromConstants type-checks calls of F, Word and Join from
// another package: emrctl's words compile from a string constant, never
// from a variable, which could hold data.
func TestWordsOnlyFromConstants(t *testing.T) {
	tests := []struct {
		name, call string
		ok         bool
	}{
		{name: "constant format", call: `safetext.F("a %s", v)`, ok: true},
		{name: "constant expression", call: `safetext.F("a " + "b")`, ok: true},
		{name: "named constant", call: `safetext.Word(c)`, ok: true},
		{name: "variable format", call: `safetext.F(v)`},
		{name: "variable word", call: `safetext.Word(v)`},
		{name: "typed constant", call: `safetext.Word(typed)`},
		{name: "separator from a variable", call: `safetext.Join(nil, v)`},
	}
	fset := token.NewFileSet()
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package p\nimport \"github.com/emrctl/emrctl/internal/safetext\"\n" +
				"const c = \"limit\"\nconst typed string = \"x\"\nvar v = \"data\"\nvar _ = " + tt.call + "\n"
			f, err := parser.ParseFile(fset, "p.go", src, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = conf.Check("p", fset, []*ast.File{f}, nil)
			if (err == nil) != tt.ok {
				t.Errorf("%s: got error %v, want it to compile: %v", tt.call, err, tt.ok)
			}
		})
	}
}
