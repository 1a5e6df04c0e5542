package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestNoTerminalQueryAtStart runs the real binary on a pseudo-terminal that
// never answers and checks that it does not query the terminal (the
// terminal libraries of the wizard would otherwise ask for the background
// colour at start and wait for an answer).
func TestNoTerminalQueryAtStart(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "emrctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "version")
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
