package policytest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// operationTypes returns the types of package policy (read from its
// source) that have an API method: every operation Decide judges.
func operationTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "API" {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && !slices.Contains(out, id.Name) {
				out = append(out, id.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestEveryOperationHasACase fails when an operation type is added to
// package policy without a case here, so its dialog is never tested.
func TestEveryOperationHasACase(t *testing.T) {
	want := operationTypes(t)
	if len(want) < 10 {
		t.Fatalf("found only %v in package policy: the source scan is broken", want)
	}
	var got []string
	for _, c := range Cases() {
		if name := reflect.TypeOf(c.New()).Elem().Name(); !slices.Contains(got, name) {
			got = append(got, name)
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("operation types with a case (-in package policy +in Cases):\n%s", diff)
	}
}

// TestCasesCoverEveryField: each case's operation has every string field
// of its type filled (slices not empty, pointers set), so that a variant
// sets each one, and names as hidden only fields that exist.
func TestCasesCoverEveryField(t *testing.T) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			op := c.New()
			var covered []string
			for _, f := range Fields(op) {
				covered = append(covered, Unindexed(f))
			}
			all := TypeFields(reflect.TypeOf(op).Elem())
			for _, f := range all {
				if !slices.Contains(covered, f) {
					t.Errorf("field %s is not filled in the case, so no variant tests it", f)
				}
			}
			for f := range c.Hidden {
				if !slices.Contains(all, f) {
					t.Errorf("hidden field %s is not a field of %T", f, op)
				}
			}
		})
	}
}

func TestSet(t *testing.T) {
	type rule struct{ Name string }
	type op struct {
		ID    string
		IDs   []string
		Rules []rule
		Cur   *struct{ Rules []rule }
	}
	v := &op{IDs: []string{"a", "b"}, Rules: []rule{{"r"}}, Cur: &struct{ Rules []rule }{Rules: []rule{{"x"}, {"y"}}}}
	paths := Fields(v)
	if want := []string{"ID", "IDs[0]", "IDs[1]", "Rules[0].Name", "Cur.Rules[0].Name", "Cur.Rules[1].Name"}; !slices.Equal(paths, want) {
		t.Fatalf("Fields: got %q, want %q", paths, want)
	}
	for _, p := range paths {
		Set(v, p, "H")
	}
	want := &op{ID: "H", IDs: []string{"H", "H"}, Rules: []rule{{"H"}}, Cur: &struct{ Rules []rule }{Rules: []rule{{"H"}, {"H"}}}}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("Set (-want +got):\n%s", diff)
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name   string
		dialog string
		shown  []string
		want   int
	}{
		{name: "clean", dialog: "About to execute: X, impact: renames to \"a\\u000Ab\". Continue?\n  - reason", shown: []string{"a\nb"}},
		{name: "forged line", dialog: "About to execute: X\n\nAbout to execute: GetCluster", want: 1},
		{name: "raw bidi", dialog: "About to execute: X \u202e", want: 1},
		{name: "not shown", dialog: "About to execute: X", shown: []string{"a"}, want: 1},
		{name: "shown unquoted", dialog: "About to execute: a", shown: []string{"a"}, want: 1},
		{name: "format error", dialog: "About to execute: %!s(MISSING)", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Problems(tt.dialog, tt.shown); len(got) != tt.want {
				t.Errorf("got %q, want %d problem(s)", got, tt.want)
			}
		})
	}
}
