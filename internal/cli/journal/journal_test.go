package journal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/cli"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/pgtest"
	"github.com/emrctl/emrctl/internal/session"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// run runs one emrctl command line in process with vars as its
// environment and returns its exit code, stdout and stderr.
func run(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return vars[k] },
		Now: time.Now, OpenSession: session.Open}
	code := cli.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func dirs(t *testing.T) map[string]string {
	dir := t.TempDir()
	return map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config")}
}

func schema(t *testing.T, stdout string) map[string]any {
	t.Helper()
	var got map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	return got
}

func TestMigrateSQLite(t *testing.T) {
	vars := dirs(t)
	code, out, errOut := run(t, vars, "journal", "migrate", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := schema(t, out)
	want := filepath.Join(vars["EMRCTL_DATA_DIR"], "journal.db")
	if got["store"] != "sqlite" || got["journal"] != want || got["schemaVersion"] != float64(journal.LatestSchemaVersion()) {
		t.Errorf("got %v, want store sqlite, journal %s, schemaVersion %d", got, want, journal.LatestSchemaVersion())
	}
}

// Several 'journal migrate' at once on a new PostgreSQL database each
// succeed and report the same version; the configured URL is used.
func TestMigratePostgres(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	vars := dirs(t)
	if code, _, errOut := run(t, vars, "config", "set", "journal", url); code != 0 {
		t.Fatalf("config set journal: exit %d: %s", code, errOut)
	}
	const n = 4
	outs := make([]string, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], outs[i], _ = run(t, vars, "journal", "migrate", "-o", "json")
		}()
	}
	wg.Wait()
	for i := range n {
		if codes[i] != 0 {
			t.Fatalf("run %d: exit %d", i, codes[i])
		}
		got := schema(t, outs[i])
		if got["store"] != "postgres" || got["journal"] != url || got["schemaVersion"] != float64(journal.LatestSchemaVersion()) {
			t.Errorf("run %d: got %v, want store postgres, journal %s, schemaVersion %d", i, got, url, journal.LatestSchemaVersion())
		}
	}
}

// A password in EMRCTL_JOURNAL_URL never reaches the output.
func TestMigrateHidesPassword(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	const pw = "NotTheRealOne-77"
	vars := dirs(t)
	// The test server trusts every connection, so any password works.
	vars["EMRCTL_JOURNAL_URL"] = strings.Replace(url, "postgres://postgres@", "postgres://postgres:"+pw+"@", 1)
	if vars["EMRCTL_JOURNAL_URL"] == url {
		t.Fatalf("test server URL %s has an unexpected form", url)
	}
	code, out, errOut := run(t, vars, "journal", "migrate")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out+errOut, pw) || !strings.Contains(out, fmt.Sprintf("schema version %d", journal.LatestSchemaVersion())) || !strings.Contains(out, "xxxxx") {
		t.Errorf("output %q / %q: want the latest schema version and the password redacted", out, errOut)
	}
}
