package auth

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsComparedInConstantTime reads the package's source: secret
// hashes are compared only by secretMatches, and secretMatches uses
// subtle.ConstantTimeCompare. A '==' on a hash or secret anywhere fails.
func TestSecretsComparedInConstantTime(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	sawConstantTime := false
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
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BinaryExpr:
				if (x.Op == token.EQL || x.Op == token.NEQ) && (secretish(x.X) || secretish(x.Y)) {
					t.Errorf("%s: %s compares a secret with %s; use secretMatches", fset.Position(x.Pos()), src[fset.Position(x.Pos()).Offset:fset.Position(x.End()).Offset], x.Op)
				}
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok && id.Name == "subtle" && x.Sel.Name == "ConstantTimeCompare" {
					sawConstantTime = true
				}
			}
			return true
		})
	}
	if !sawConstantTime {
		t.Error("no subtle.ConstantTimeCompare in the package: secrets must be compared in constant time")
	}
	if !secretMatches("s3cret", hashSecret("s3cret")) || secretMatches("s3cret", hashSecret("s3creT")) {
		t.Error("secretMatches does not tell a right secret from a wrong one")
	}
}

// secretish reports whether e names a secret or its hash.
func secretish(e ast.Expr) bool {
	var name string
	switch x := e.(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.SelectorExpr:
		name = x.Sel.Name
	case *ast.CallExpr:
		return secretish(x.Fun)
	default:
		return false
	}
	n := strings.ToLower(name)
	return strings.Contains(n, "secret") || strings.Contains(n, "hash")
}
