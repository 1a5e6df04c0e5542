package rest

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/api"
	"github.com/emrctl/emrctl/internal/auth"
)

// operation is one path and method of the document.
type operation struct {
	method, path, id string
}

// documentOperations reads every operation of api/openapi.yaml.
func documentOperations(t *testing.T) []operation {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `yaml:"operationId"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(api.OpenAPIYAML, &doc); err != nil {
		t.Fatal(err)
	}
	var ops []operation
	for path, methods := range doc.Paths {
		for method, op := range methods {
			ops = append(ops, operation{method: strings.ToUpper(method), path: path, id: op.OperationID})
		}
	}
	slices.SortFunc(ops, func(a, b operation) int { return strings.Compare(a.path+a.method, b.path+b.method) })
	return ops
}

// TestDocumentRoutesAreServed sends each path and method of the document
// to the server: none may meet "no route" (404 NoRoute) or 405.
func TestDocumentRoutesAreServed(t *testing.T) {
	b := newBed(t, bedOptions{})
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, op := range documentOperations(t) {
		path := param.ReplaceAllString(op.path, "1")
		req, err := http.NewRequest(op.method, b.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+b.tokens[auth.Viewer])
		resp, body := do(t, req)
		if resp.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s %s: got 405, want the route served", op.method, op.path)
			continue
		}
		if resp.StatusCode == http.StatusNotFound {
			if p := decodeProblem(t, resp, body); p.Code.Or("") == codeNoRoute {
				t.Errorf("%s %s: no route, want the route served", op.method, op.path)
			}
		}
	}
}

// TestServedRoutesAreDocumented checks the other way: every operation the
// server implements (a method of the generated Handler, which ogen makes
// from the document) is an operation of the document, and a path beside
// the document's is not served.
func TestServedRoutesAreDocumented(t *testing.T) {
	b := newBed(t, bedOptions{})
	raw, err := os.ReadFile(filepath.Join("oas", "oas_server_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	served := regexp.MustCompile(`(?m)^\t// (GET|POST|PUT|PATCH|DELETE) (\S+)$`).FindAllStringSubmatch(string(raw), -1)
	var got, want []string
	for _, m := range served {
		got = append(got, m[1]+" "+m[2])
	}
	for _, op := range documentOperations(t) {
		want = append(want, op.method+" "+op.path)
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("document vs served routes (-document +served):\n%s", diff)
	}
	for _, path := range []string{"/", "/v1", "/v1/", "/v2/clusters", "/clusters", "/v1/clusters/x/y"} {
		resp, body := b.get(path, auth.Viewer)
		if resp.StatusCode != http.StatusNotFound || decodeProblem(t, resp, body).Code.Or("") != codeNoRoute {
			t.Errorf("GET %s: got %d %s, want 404 NoRoute", path, resp.StatusCode, body)
		}
	}
}

// TestGeneratedCodeIsCurrent regenerates the server and client from the
// document into a temporary directory and compares them with package oas.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ogen")
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "tool", "ogen", "--config", "ogen.yml", "--target", dir, "--package", "oas", "--clean", "../../api/openapi.yaml")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ogen: %v\n%s", err, out)
	}
	fresh := readDir(t, dir)
	current := readDir(t, "oas")
	if diff := cmp.Diff(fresh, current); diff != "" {
		t.Errorf("internal/rest/oas is stale: run go generate ./internal/rest (-fresh +current):\n%.3000s", diff)
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(raw)
	}
	return out
}
