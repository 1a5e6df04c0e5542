package gateway

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/spec"
)

type yes struct{}

func (yes) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true}, nil
}

// terminal is a sandbox session on a terminal, with a running cluster.
type terminal struct {
	f           *cmdutil.Factory
	in          *bytes.Buffer
	out, errOut *bytes.Buffer
	cluster     string
}

func newTerminal(t *testing.T) *terminal {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"), "EMRCTL_SANDBOX_SPEED": "0"}
	ios, in, out, errOut := iostreams.Test()
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	tm := &terminal{in: in, out: out, errOut: errOut}
	tm.f = &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, OpenSession: session.Open}
	t.Cleanup(func() { tm.f.Close() })
	ctx := context.Background()
	s, err := tm.f.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "dev-cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := spec.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Engine.CreateCluster(ctx, engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test"}, Confirm: yes{}},
		engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	tm.cluster = res.ClusterID
	return tm
}

// run executes cmd with args, the person typing input.
func (tm *terminal) run(cmd *cobra.Command, input string, args ...string) error {
	tm.in.Reset()
	tm.in.WriteString(input)
	tm.out.Reset()
	tm.errOut.Reset()
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.ExecuteContext(context.Background())
}

// TestLocalWritesAskWithTheSharedDialog: deploy and refresh ask through
// the engine's confirmation (the dialog every write shows), after the
// diff; a no writes nothing, a yes writes; files that already match ask
// nothing; rollback asks nothing, as before.
func TestLocalWritesAskWithTheSharedDialog(t *testing.T) {
	tm := newTerminal(t)
	root := t.TempDir()
	core := filepath.Join(root, "etc", "hadoop", "conf", "core-site.xml")
	deploy := func() *cobra.Command { return newDeployCmd(tm.f, nil) }
	steps := []struct {
		name      string
		cmd       func() *cobra.Command
		input     string
		args      []string
		wantErr   any // pointer to the error type; nil for success
		wantAsked bool
		errHas    []string
		outHas    string
		wantFile  bool
	}{
		{name: "declined", cmd: deploy, input: "n\n", args: []string{tm.cluster, "--root", root}, wantErr: new(*engine.NotConfirmedError), wantAsked: true,
			errHas: []string{"added    etc/hadoop/conf/core-site.xml", "About to execute: WriteGatewayFiles, target: the gateway files under " + root,
				"\n  added etc/hadoop/conf/core-site.xml\n"}},
		{name: "accepted", cmd: deploy, input: "y\n", args: []string{tm.cluster, "--root", root}, wantAsked: true, outHas: "Generation ", wantFile: true},
		{name: "unchanged", cmd: deploy, args: []string{tm.cluster, "--root", root}, outHas: "Unchanged: ", errHas: []string{"No changes"}, wantFile: true},
		{name: "refresh after a change", cmd: func() *cobra.Command { return newRefreshCmd(tm.f, nil) }, input: "y\n", args: []string{tm.cluster, "--root", root},
			wantAsked: true, errHas: []string{"impact: refreshes the client configuration", "changed etc/hadoop/conf/core-site.xml"}, outHas: "Backups kept: 1 ", wantFile: true},
		{name: "rollback", cmd: func() *cobra.Command { return newRollbackCmd(tm.f, nil) }, args: []string{"--root", root}, outHas: "is current again", wantFile: true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.name == "refresh after a change" {
				if err := os.WriteFile(core, []byte("<configuration/>\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := tm.run(st.cmd(), st.input, st.args...)
			switch {
			case st.wantErr == nil && err != nil:
				t.Fatalf("got %v, want success\n%s", err, tm.errOut)
			case st.wantErr != nil && !errors.As(err, st.wantErr):
				t.Fatalf("got %v, want %T", err, st.wantErr)
			}
			stderr := tm.errOut.String()
			if asked := strings.Contains(stderr, "Continue? [y/N]: "); asked != st.wantAsked {
				t.Errorf("asked: got %v, want %v\n%s", asked, st.wantAsked, stderr)
			}
			if st.wantAsked && strings.Count(stderr, "About to execute") != 1 {
				t.Errorf("want one confirmation dialog:\n%s", stderr)
			}
			for _, want := range st.errHas {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if !strings.Contains(tm.out.String(), st.outHas) {
				t.Errorf("stdout lacks %q:\n%s", st.outHas, tm.out)
			}
			if _, err := os.Stat(core); (err == nil) != st.wantFile {
				t.Errorf("core-site.xml exists: got %v, want %v", err == nil, st.wantFile)
			}
		})
	}
}
