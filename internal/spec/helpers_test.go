package spec

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// examplesDir holds the example specs shipped with emrctl.
const examplesDir = "../../examples"

// exampleFiles maps each template to its example file.
func exampleFiles() map[string]string {
	return map[string]string{
		"dev":                   "dev-cluster.yaml",
		"production-separated":  "production-separated.yaml",
		"production-integrated": "production-integrated.yaml",
		"spot-task":             "spot-task.yaml",
	}
}

// loadExample reads and loads an example spec, without defaults.
func loadExample(t testing.TB, file string) *Cluster {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir, file))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	c, err := Load(data)
	if err != nil {
		t.Fatalf("Load(%s): got error %v, want nil", file, err)
	}
	return c
}

// defaulted loads an example and applies SetDefaults.
func defaulted(t testing.TB, file string) *Cluster {
	t.Helper()
	c := loadExample(t, file)
	SetDefaults(c)
	return c
}

// fakeEnv is a getenv over a fixed map.
func fakeEnv(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// Fake secrets used by the tests; they must never show up in output.
const (
	fakeRDSPassword  = "HiveMeta-Rds-2024x"
	fakeRootPassword = "Root-Pa55-wordQ7"
)

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// String lists the problems one per line, for test failure messages.
func (ps Problems) String() string {
	if len(ps) == 0 {
		return "no problems"
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s: %s: %s (fix: %s) [%s]\n", p.Severity, p.Path, p.Message, p.Fix, p.Rule)
	}
	return b.String()
}

// String names the severity, for test failure messages.
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}
