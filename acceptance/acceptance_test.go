// Package acceptance runs emrctl end to end: testscript scripts in
// testdata/ call the real command (cli.Main, re-executed by testscript)
// against the sandbox. Every script runs twice: with the emulator in
// process (state in the script's data directory) and over HTTP (a fresh
// emulator server per script, reached with EMRCTL_ENDPOINT).
package acceptance

import (
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/emrctl/emrctl/internal/cli"
	"github.com/emrctl/emrctl/internal/emulator"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"emrctl": func() { os.Exit(cli.Main()) },
	})
}

func TestInProcess(t *testing.T) {
	testscript.Run(t, params(t, false))
}

func TestOverHTTP(t *testing.T) {
	testscript.Run(t, params(t, true))
}

func params(t *testing.T, overHTTP bool) testscript.Params {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return testscript.Params{
		Dir:                 "testdata",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("EMRCTL_DATA_DIR", filepath.Join(env.WorkDir, ".data"))
			env.Setenv("EMRCTL_CONFIG_DIR", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("EMRCTL_SANDBOX_SPEED", "0")
			env.Setenv("EXAMPLES", filepath.Join(root, "examples"))
			env.Setenv("NO_COLOR", "1")
			env.Setenv("TZ", "UTC")
			if overHTTP {
				srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
				if err != nil {
					return err
				}
				hs := httptest.NewServer(srv)
				env.Defer(hs.Close)
				env.Setenv("EMRCTL_ENDPOINT", hs.URL)
				env.Setenv("MODE", "http")
			} else {
				env.Setenv("MODE", "inprocess")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"setenvfile": setenvFile,
			"waitfile":   waitFile,
			"exitcode":   exitCode,
			"normalize":  normalize,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "http":
				return overHTTP, nil
			case "inprocess":
				return !overHTTP, nil
			}
			return false, nil
		},
	}
}

// setenvfile NAME FILE sets NAME to FILE's trimmed content (e.g. a cluster
// ID captured with 'emrctl ... --query id -o json').
func setenvFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: setenvfile NAME FILE")
	}
	v := strings.TrimSpace(ts.ReadFile(args[1]))
	ts.Setenv(args[0], strings.Trim(v, `"`))
}

// exitcode N CMD ARGS... runs CMD and checks that it exits with code N;
// its stdout and stderr are kept for the next assertions.
func exitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N CMD [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// waitfile FILE waits up to 10 s for FILE to exist and be non-empty.
func waitFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if st, err := os.Stat(ts.MkAbs(args[0])); err == nil && st.Size() > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("%s did not appear", args[0])
}
