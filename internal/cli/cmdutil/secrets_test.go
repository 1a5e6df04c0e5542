package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/redact"
	"github.com/emrctl/emrctl/internal/session"
)

const envSecret = "EnvS3cretFromTheEnvironment42"

func testFactory(t *testing.T, env map[string]string) (*Factory, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config")}
	for k, v := range env {
		all[k] = v
	}
	ios, _, _, errOut := iostreams.Test()
	f := &Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return all[k] }, OpenSession: session.Open}
	t.Cleanup(func() { f.Close() })
	return f, errOut
}

func TestFactorySecretsKnowTheEnvironment(t *testing.T) {
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "HIVE_RDS_PASSWORD"} {
		t.Run(k, func(t *testing.T) {
			f, _ := testFactory(t, map[string]string{k: envSecret})
			if got := f.Secrets().Scrub("region " + envSecret); strings.Contains(got, envSecret) {
				t.Errorf("got %q, want %s's value redacted before any session opens", got, k)
			}
		})
	}
}

// TestFactorySessionSharesSecrets checks that what the session learns
// (here the spec's passwords, registered by the engine) reaches the
// registry the CLI scrubs its errors with.
func TestFactorySessionSharesSecrets(t *testing.T) {
	f, _ := testFactory(t, nil)
	s, err := f.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Secrets != f.Secrets() {
		t.Fatal("the session has its own registry, want the factory's")
	}
	s.Secrets.Add("Learnt1nSession")
	if got := f.Secrets().Scrub("Learnt1nSession"); got != redact.Marker {
		t.Errorf("got %q, want %q", got, redact.Marker)
	}
}

func TestFactorySessionErrorsAfterSecretsKnown(t *testing.T) {
	f, _ := testFactory(t, map[string]string{"AWS_SECRET_ACCESS_KEY": envSecret, "EMRCTL_PROFILE": envSecret})
	_, err := f.Session(context.Background())
	var upe *session.UnknownProfileError
	if !errors.As(err, &upe) {
		t.Fatalf("got %v, want an UnknownProfileError", err)
	}
	if ExitCode(err) != ExitUsage {
		t.Errorf("exit code %d, want %d", ExitCode(err), ExitUsage)
	}
	var b bytes.Buffer
	PrintError(&b, output.Table, err, f.Secrets())
	if strings.Contains(b.String(), envSecret) {
		t.Errorf("got %q, want the secret redacted", b.String())
	}
}

func TestPrintErrorScrubsSecrets(t *testing.T) {
	secrets := redact.NewRegistry(envSecret)
	errs := map[string]error{
		"plain": fmt.Errorf("region %q is not served", envSecret),
		"input": &engine.InputError{Problems: []engine.FieldProblem{{Field: "region", Problem: envSecret + " is not a region", Fix: "use " + envSecret}}},
		"flag":  &FlagError{Err: fmt.Errorf("--state %s: unknown", envSecret)},
	}
	for name, err := range errs {
		for _, format := range []output.Format{output.Table, output.JSON, output.YAML} {
			t.Run(fmt.Sprintf("%s/%s", name, format), func(t *testing.T) {
				var b bytes.Buffer
				PrintError(&b, format, err, secrets)
				if got := b.String(); strings.Contains(got, envSecret) || !strings.Contains(got, redact.Marker) {
					t.Errorf("got %q, want the secret replaced by %s", got, redact.Marker)
				}
			})
		}
	}
}

func TestScrubStderr(t *testing.T) {
	f, errOut := testFactory(t, map[string]string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET": envSecret})
	orig := f.IOStreams.ErrOut
	restore := f.ScrubStderr()
	fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s: ignored\n", envSecret)
	restore()
	if f.IOStreams.ErrOut != orig {
		t.Error("restore left stderr wrapped")
	}
	if got, want := errOut.String(), "warning: "+redact.Marker+": ignored\n"; got != want {
		t.Errorf("stderr got %q, want %q", got, want)
	}
}

// TestScrubStderrKeepsTheTerminal checks that the wrapped stderr still
// shows its file descriptor, which the progress spinner measures.
func TestScrubStderrKeepsTheTerminal(t *testing.T) {
	file, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	f, _ := testFactory(t, nil)
	f.IOStreams.ErrOut = file
	defer f.ScrubStderr()()
	fd, ok := f.IOStreams.ErrOut.(interface{ Fd() uintptr })
	if !ok || fd.Fd() != file.Fd() {
		t.Errorf("wrapped stderr has Fd %v, want the file's", ok)
	}
}
