package cluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/session"
	"github.com/emrctl/emrctl/internal/spec"
)

type approve struct{}

func (approve) Confirm(context.Context, engine.Confirmation) (engine.Answer, error) {
	return engine.Answer{Yes: true}, nil
}

// TestWaitInterrupted checks Ctrl-C during a wait: it stops at once, says
// the cluster was not changed and how to resume, and exits 130.
func TestWaitInterrupted(t *testing.T) {
	dir := t.TempDir()
	// Real-cloud speed: the cluster stays STARTING for minutes.
	env := map[string]string{"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"), "EMRCTL_SANDBOX_SPEED": "1"}
	ios, _, _, errOut := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, OpenSession: session.Open}
	defer f.Close()
	s, err := f.Session(context.Background())
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
	res, err := s.Engine.CreateCluster(context.Background(), engine.Call{Actor: policy.Actor{Kind: policy.Script, Name: "test"}, Confirm: approve{}},
		engine.CreateClusterInput{Spec: c, Getenv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	cmd := newWaitCmd(f, nil)
	cmd.SetArgs([]string{res.ClusterID})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	start := time.Now()
	err = cmd.ExecuteContext(ctx)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the wait took %s to stop after Ctrl-C", took)
	}
	if !errors.Is(err, context.Canceled) || cmdutil.ExitCode(err) != cmdutil.ExitCancelled {
		t.Fatalf("got %v (exit %d), want a cancellation (exit %d)", err, cmdutil.ExitCode(err), cmdutil.ExitCancelled)
	}
	for _, want := range []string{"stopped waiting for cluster " + res.ClusterID, "last state STARTING", "was not changed", "emrctl cluster wait " + res.ClusterID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if !strings.Contains(errOut.String(), "STARTING") {
		t.Errorf("progress on stderr: got %q, want the state", errOut.String())
	}
	cl, err := s.Engine.GetCluster(context.Background(), res.ClusterID)
	if err != nil || cl.State != engine.StateStarting {
		t.Errorf("after the interrupted wait: got %v, %v; want the cluster still STARTING", cl, err)
	}
}
