package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/emrctl/emrctl/internal/pgtest"
)

var (
	buildOnce sync.Once
	binDir    string
	buildOut  []byte
	buildErr  error
)

func TestMain(m *testing.M) {
	// pgtest.Main runs the tests and stops the PostgreSQL server that
	// pgtest.Shared started for them, if any.
	code := pgtest.Main(m)
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// emrctlBinary builds the binary once for the tests that run it.
func emrctlBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "emrctl-test-bin")
		if buildErr == nil {
			buildOut, buildErr = exec.Command("go", "build", "-o", filepath.Join(binDir, "emrctl"), ".").CombinedOutput()
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v\n%s", buildErr, buildOut)
	}
	return filepath.Join(binDir, "emrctl")
}

// TestNoTerminalQueryAtStart runs the real binary on a pseudo-terminal that
// never answers and checks that it does not query the terminal (the
// terminal libraries of the wizard would otherwise ask for the background
// colour at start and wait for an answer).
func TestNoTerminalQueryAtStart(t *testing.T) {
	cmd := exec.Command(emrctlBinary(t), "version")
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "EMRCTL_DATA_DIR="+t.TempDir(), "EMRCTL_CONFIG_DIR="+t.TempDir())
	f, err := pty.Start(cmd)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer f.Close()
	done := make(chan []byte)
	go func() {
		var buf bytes.Buffer
		_, _ = io.Copy(&buf, f)
		done <- buf.Bytes()
	}()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("emrctl version: %v", err)
	}
	var out []byte
	select {
	case out = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal output did not end")
	}
	if !bytes.Contains(out, []byte("emrctl ")) {
		t.Fatalf("output %q lacks the version", out)
	}
	for _, q := range []string{"\x1b]11;?", "\x1b]10;?", "\x1b[6n", "\x1b[c"} {
		if bytes.Contains(out, []byte(q)) {
			t.Errorf("emrctl queried the terminal at start (%q in %q)", q, out)
		}
	}
}
