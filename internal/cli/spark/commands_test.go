package spark_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli"
	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/session"
)

// Every command under 'emrctl spark', as a read or a write.
var (
	sparkReads = []string{
		"workspace list", "workspace get", "workspace wait", "queue list", "release list",
		"job list", "job get", "job wait", "job logs", "job executors", "job config", "cu-hours",
		"kyuubi list", "kyuubi get", "kyuubi token list", "kyuubi token get", "kyuubi app list",
		"session list", "session get", "session wait", "sql get", "sql wait",
	}
	sparkWrites = []string{
		"workspace create", "workspace update", "workspace delete", "queue scale", "job submit", "job cancel",
		"kyuubi create", "kyuubi start", "kyuubi stop", "kyuubi update", "kyuubi delete",
		"kyuubi token create", "kyuubi token update", "kyuubi token delete", "kyuubi app cancel",
		"session create", "session start", "session stop", "session delete", "sql run", "sql cancel",
	}
)

// testFactory is a Factory on a fresh sandbox in t's temporary directory;
// opened counts the sessions opened.
func testFactory(t *testing.T, env map[string]string) (f *cmdutil.Factory, out, errOut *bytes.Buffer, opened *int) {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"), "EMRCTL_SANDBOX_SPEED": "0"}
	for k, v := range env {
		all[k] = v
	}
	ios, _, out, errOut := iostreams.Test()
	n := 0
	f = &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return all[k] }, Now: time.Now,
		OpenSession: func(ctx context.Context, o session.Options) (*session.Session, error) {
			n++
			return session.Open(ctx, o)
		}}
	return f, out, errOut, &n
}

// TestSparkCommandsAreClassified walks the real tree: every spark command
// is a known read or write, and every write takes --idempotency-key and
// says how repeats behave.
func TestSparkCommandsAreClassified(t *testing.T) {
	f, _, _, _ := testFactory(t, nil)
	root := cli.NewRootCmd(f)
	spark, _, err := root.Find([]string{"spark"})
	if err != nil || spark.Name() != "spark" {
		t.Fatalf("no spark command: %v", err)
	}
	var leaves []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.HasSubCommands() {
			leaves = append(leaves, strings.TrimPrefix(c.CommandPath(), "emrctl spark "))
			return
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(spark)
	for _, l := range leaves {
		if !slices.Contains(sparkReads, l) && !slices.Contains(sparkWrites, l) {
			t.Errorf("spark %s: neither a known read nor a write; add it to one list", l)
		}
	}
	for _, w := range sparkWrites {
		c, rest, err := spark.Find(strings.Fields(w))
		if err != nil || len(rest) > 0 || c.CommandPath() != "emrctl spark "+w {
			t.Errorf("spark %s: not found (%v)", w, err)
			continue
		}
		if c.Flags().Lookup("idempotency-key") == nil {
			t.Errorf("spark %s: no --idempotency-key", w)
		}
		if !strings.Contains(c.Long, cmdutil.IdempotencyHelp) {
			t.Errorf("spark %s: its help does not say how repeats behave", w)
		}
		if c.Example == "" {
			t.Errorf("spark %s: no example in its help", w)
		}
	}
	for _, r := range sparkReads {
		if c, _, err := spark.Find(strings.Fields(r)); err == nil && c.Flags().Lookup("idempotency-key") != nil {
			t.Errorf("spark %s: a read takes --idempotency-key", r)
		}
	}
}

// TestSparkUsageErrors checks that bad input is a usage error (exit 2)
// naming the flag, found before any session opens: nothing is read or
// journaled, nothing is sent.
func TestSparkUsageErrors(t *testing.T) {
	jobFile := filepath.Join(t.TempDir(), "job.yaml")
	if err := os.WriteFile(jobFile, []byte("apiVersion: emrctl.io/v1alpha1\nkind: SparkJob\nname: j\nqueue: q\nentryPoint: oss://b/a.jar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{args: []string{"workspace", "create", "w", "--bucket", "b", "--cu", "8", "--payment-type", "Monthly"}, want: "--payment-type"},
		{args: []string{"workspace", "create", "w", "--bucket", "b", "--cu", "8", "--payment-type", "Subscription"}, want: "--subscription"},
		{args: []string{"workspace", "create", "w", "--bucket", "b", "--cu", "8", "--payment-type", "PayAsYouGo", "--subscription", "1"}, want: "--subscription"},
		{args: []string{"workspace", "update", "w-abcdefgh1"}, want: "--name or --cu"},
		{args: []string{"queue", "scale", "w-abcdefgh1", "dev_queue"}, want: "--cu"},
		{args: []string{"queue", "scale", "w-abcdefgh1", "dev_queue", "--cu", "10", "--max-cu", "5"}, want: "--max-cu"},
		{args: []string{"job", "submit", "w-abcdefgh1", "--queue", "q", "--entry-point", "oss://b/a.jar"}, want: "--name"},
		{args: []string{"job", "submit", "w-abcdefgh1", "--name", "j", "--queue", "q", "--entry-point", "oss://b/app"}, want: "--type"},
		{args: []string{"job", "submit", "w-abcdefgh1", "--name", "j", "--queue", "q", "--entry-point", "oss://b/a.jar", "--conf", "novalue"}, want: "--conf"},
		{args: []string{"job", "submit", "w-abcdefgh1", "-f", jobFile, "--queue", "other"}, want: "--queue and --file"},
		{args: []string{"job", "submit", "w-abcdefgh1", "-f", jobFile, "--", "extra"}, want: "--file"},
		{args: []string{"job", "submit", "w-abcdefgh1", "--name", "j", "--queue", "q", "--entry-point", "oss://b/a.jar", "--execution-timeout", "1500ms"}, want: "--execution-timeout"},
		{args: []string{"job", "list", "w-abcdefgh1", "--state", "Done"}, want: "--state"},
		{args: []string{"job", "wait", "w-abcdefgh1", "jr-1", "--for", "Pending"}, want: "--for"},
		{args: []string{"job", "logs", "w-abcdefgh1", "jr-1", "--stdout", "--stderr"}, want: "--stdout and --stderr"},
		{args: []string{"job", "logs", "w-abcdefgh1", "jr-1", "--length", "0"}, want: "--length"},
		{args: []string{"cu-hours", "w-abcdefgh1"}, want: "--queue"},
		{args: []string{"cu-hours", "w-abcdefgh1", "--queue", "q", "--since", "60d"}, want: "month"},
		{args: []string{"cu-hours", "w-abcdefgh1", "--queue", "q", "--since", "tomorrow"}, want: "--since"},
		{args: []string{"kyuubi", "create", "w-abcdefgh1", "--name", "k"}, want: "--queue"},
		{args: []string{"kyuubi", "create", "w-abcdefgh1", "--name", "k", "--queue", "q", "--spark-conf", "a=1;b=2"}, want: "--spark-conf"},
		{args: []string{"kyuubi", "token", "create", "w-abcdefgh1", "kb-1"}, want: "--name"},
		{args: []string{"kyuubi", "token", "update", "w-abcdefgh1", "kb-1", "tk-1"}, want: "--rotate"},
		{args: []string{"kyuubi", "app", "list", "w-abcdefgh1", "kb-1", "--state", "LOST"}, want: "--state"},
		{args: []string{"session", "create", "w-abcdefgh1", "--name", "s", "--queue", "q", "--wait"}, want: "--start"},
		{args: []string{"session", "create", "w-abcdefgh1", "--name", "s", "--queue", "q", "--kind", "PYTHON"}, want: "--kind"},
		{args: []string{"session", "wait", "w-abcdefgh1", "sc-1", "--for", "Gone"}, want: "--for"},
		{args: []string{"sql", "run", "w-abcdefgh1", "--sql", "SELECT 1"}, want: "--session"},
		{args: []string{"sql", "run", "w-abcdefgh1", "--session", "sc-1"}, want: "--sql"},
		{args: []string{"sql", "run", "w-abcdefgh1", "--session", "sc-1", "--sql", "SELECT 1", "--limit", "20000"}, want: "--limit"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, errOut, opened := testFactory(t, nil)
			code := cli.Run(context.Background(), f, append([]string{"spark"}, tt.args...))
			if code != cmdutil.ExitUsage {
				t.Errorf("exit code %d, want %d (stderr %q)", code, cmdutil.ExitUsage, errOut)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr %q, want it to name %q", errOut, tt.want)
			}
			if *opened != 0 {
				t.Errorf("%d sessions opened, want none: flags are checked first", *opened)
			}
		})
	}
}

// TestSparkOnAWSProfile checks the answer on a profile of provider aws: a
// usage error pointing to 'emrctl serverless', nothing sent.
func TestSparkOnAWSProfile(t *testing.T) {
	f, _, errOut, _ := testFactory(t, nil)
	dir, err := f.Paths()
	if err != nil {
		t.Fatal(err)
	}
	cfg := "currentProfile: awsp\nprofiles:\n  awsp:\n    provider: aws\n    region: us-east-1\n    endpoint: http://127.0.0.1:9\n"
	if err := os.MkdirAll(dir.ConfigDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir.ConfigDir, "config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
	code := cli.Run(context.Background(), f, []string{"spark", "workspace", "list"})
	if code != cmdutil.ExitUsage || !strings.Contains(errOut.String(), "not supported by the aws provider") || !strings.Contains(errOut.String(), "emrctl serverless") {
		t.Errorf("exit %d, stderr %q; want %d and a pointer to 'emrctl serverless'", code, errOut, cmdutil.ExitUsage)
	}
}

// run runs one command line on f and returns its exit code and streams.
func run(t *testing.T, f *cmdutil.Factory, out, errOut *bytes.Buffer, args ...string) (int, string, string) {
	t.Helper()
	out.Reset()
	errOut.Reset()
	// Run closes the session at the end: each command opens its own, as
	// separate processes do.
	code := cli.Run(context.Background(), f, args)
	return code, out.String(), errOut.String()
}

func mustRun(t *testing.T, f *cmdutil.Factory, out, errOut *bytes.Buffer, args ...string) string {
	t.Helper()
	code, stdout, stderr := run(t, f, out, errOut, args...)
	if code != 0 {
		t.Fatalf("emrctl %s: exit %d\nstderr: %s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// TestSparkOnSandbox runs the commands that shape output on the sandbox:
// SQL results as a table and as columns and rows, a token value shown once
// on stdout and nowhere else, and refusals with their exit codes.
func TestSparkOnSandbox(t *testing.T) {
	f, out, errOut, _ := testFactory(t, nil)
	const ws = "w-sandbox000000001"
	id := func(s string) string { return strings.Trim(strings.TrimSpace(s), `"`) }

	if got := mustRun(t, f, out, errOut, "spark", "queue", "list", ws); !regexp.MustCompile(`(?m)^root_queue +RUNNING +150 `).MatchString(got) {
		t.Errorf("queue list: got\n%s\nwant root_queue with 150 CU", got)
	}

	sc := id(mustRun(t, f, out, errOut, "spark", "session", "create", ws, "--name", "cli-test", "--queue", "root_queue",
		"--start", "--wait", "--yes", "-o", "json", "--query", "id"))
	got := mustRun(t, f, out, errOut, "spark", "sql", "run", ws, "--session", sc, "--sql", "SELECT * FROM sample_orders LIMIT 1", "--wait", "--yes")
	for _, want := range []string{`(?m)^order_id +customer +amount +order_date$`, `(?m)^1 +alice +120.5 +2024-01-01$`} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("sql run: got\n%s\nwant a line matching %s", got, want)
		}
	}
	if strings.Contains(got, "bob") {
		t.Errorf("sql run: got\n%s\nwant LIMIT 1 to leave bob out", got)
	}
	got = mustRun(t, f, out, errOut, "spark", "sql", "run", ws, "--session", sc, "--sql", "SELECT 1 AS a, 'x' AS b", "--wait", "--yes", "-o", "json", "--query", "results")
	if compact := strings.Join(strings.Fields(got), ""); compact != `[{"columns":["a","b"],"rows":[[1,"x"]]}]` {
		t.Errorf("sql run -o json: got %s", compact)
	}

	// A running session is not deleted (exit 3); stopped, it is.
	if code, _, stderr := run(t, f, out, errOut, "spark", "session", "delete", ws, sc, "--yes"); code != cmdutil.ExitDenied || !strings.Contains(stderr, "Running") {
		t.Errorf("delete a running session: exit %d, stderr %q; want %d naming its state", code, stderr, cmdutil.ExitDenied)
	}
	mustRun(t, f, out, errOut, "spark", "session", "stop", ws, sc, "--wait", "--yes")
	mustRun(t, f, out, errOut, "spark", "session", "delete", ws, sc, "--yes")

	// A token's value: on stdout once, never on stderr or in the journal.
	const kb = "kb-sandbox0000000000000000000001"
	value := id(mustRun(t, f, out, errOut, "spark", "kyuubi", "token", "create", ws, kb, "--name", "cli-test", "--yes", "-o", "json", "--query", "token"))
	if !regexp.MustCompile(`^[a-z0-9]{32}$`).MatchString(value) {
		t.Fatalf("token create: got value %q, want 32 lowercase letters and digits", value)
	}
	if strings.Contains(errOut.String(), value) {
		t.Errorf("token create: stderr holds the token value")
	}
	list := mustRun(t, f, out, errOut, "spark", "kyuubi", "token", "list", ws, kb, "-o", "json")
	if strings.Contains(list, value) || !strings.Contains(list, "cli-test") {
		t.Errorf("token list: got %s, want the token listed without its value", list)
	}
	paths, err := f.Paths()
	if err != nil {
		t.Fatal(err)
	}
	assertNotInDir(t, paths.DataDir, value)

	// Workspaces are never deleted (exit 3, the console named).
	code, _, stderr := run(t, f, out, errOut, "spark", "workspace", "delete", ws, "--yes")
	if code != cmdutil.ExitDenied || !strings.Contains(stderr, "console") {
		t.Errorf("workspace delete: exit %d, stderr %q; want %d and the console", code, stderr, cmdutil.ExitDenied)
	}
}

// assertNotInDir fails when any file under dir holds secret.
func assertNotInDir(t *testing.T, dir, secret string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%s holds the token value", path)
		}
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
}
