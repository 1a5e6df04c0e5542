package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/cli/sandbox"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/iostreams"
	"github.com/emrctl/emrctl/internal/session"
)

// process is one emrctl command run against the embedded sandbox: its own
// Factory, session and in-process emulator, on the data directory all
// processes of the test share.
type process struct {
	f           *cmdutil.Factory
	out, errOut *bytes.Buffer
}

func newProcess(t *testing.T, dir string) *process {
	t.Helper()
	env := map[string]string{
		"EMRCTL_DATA_DIR": filepath.Join(dir, "data"), "EMRCTL_CONFIG_DIR": filepath.Join(dir, "config"),
		"EMRCTL_SANDBOX_SPEED": "60",
	}
	ios, _, out, errOut := iostreams.Test()
	p := &process{out: out, errOut: errOut}
	p.f = &cmdutil.Factory{IOStreams: ios, Version: "test", Getenv: func(k string) string { return env[k] }, Now: time.Now, OpenSession: session.Open}
	t.Cleanup(func() {
		if err := p.f.Close(); err != nil {
			t.Errorf("close the session: %v", err)
		}
	})
	return p
}

// run executes 'emrctl sandbox ARGS...' and decodes its JSON output.
func (p *process) run(t *testing.T, into any, args ...string) {
	t.Helper()
	p.out.Reset()
	p.errOut.Reset()
	cmd := sandbox.NewCmd(p.f)
	cmd.SetArgs(args)
	cmd.SetOut(p.out)
	cmd.SetErr(p.errOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("sandbox %v: %v\n%s", args, err, p.errOut)
	}
	if into != nil {
		if err := json.Unmarshal(p.out.Bytes(), into); err != nil {
			t.Fatalf("sandbox %v: output %s: %v", args, p.out, err)
		}
	}
}

// emulatorOf opens the process's session and returns its emulator.
func (p *process) emulatorOf(t *testing.T) *emulator.Server {
	t.Helper()
	s, err := p.f.Session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Emulator == nil {
		t.Fatal("the profile does not use the embedded sandbox")
	}
	return s.Emulator
}

type status struct {
	Health struct {
		Generation string `json:"generation"`
	} `json:"health"`
	Generation struct {
		Generation string `json:"generation"`
	} `json:"generation"`
	Clock  emulator.ClockState  `json:"clock"`
	Faults []emulator.FaultRule `json:"faults"`
}

// TestEmbeddedControlsReachNextCommand runs each sandbox command in its
// own process (Factory): what one sets, the next one sees.
func TestEmbeddedControlsReachNextCommand(t *testing.T) {
	dir := t.TempDir()

	newProcess(t, dir).run(t, nil, "clock", "--advance", "1h", "--speed", "0")
	var clock emulator.ClockState
	newProcess(t, dir).run(t, &clock, "clock")
	if got := time.Duration(clock.Offset); got != time.Hour || clock.Speed != 0 {
		t.Errorf("clock in the next command: got offset %s, speed %v; want 1h0m0s and 0 (the profile says 60)", got, clock.Speed)
	}

	newProcess(t, dir).run(t, nil, "fault", "--action", "GetCluster", "--throttle-next", "2")
	next := newProcess(t, dir)
	srv := next.emulatorOf(t)
	rules, err := srv.Faults()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].Action != "GetCluster" || rules[0].ThrottleNext != 2 {
		t.Errorf("faults in the next command's emulator: got %+v, want the GetCluster rule", rules)
	}
	if got := srv.Clock().Offset(); got != time.Hour {
		t.Errorf("clock of the next command's emulator: got offset %s, want 1h0m0s", got)
	}

	var before status
	next.run(t, &before, "status")
	if len(before.Generation.Generation) != 16 || before.Health.Generation != before.Generation.Generation {
		t.Fatalf("status: got generation %q (health %q), want 16 hex digits in both", before.Generation.Generation, before.Health.Generation)
	}
	if len(before.Faults) != 1 {
		t.Errorf("status: got faults %+v, want 1", before.Faults)
	}

	newProcess(t, dir).run(t, nil, "reset")
	var after status
	newProcess(t, dir).run(t, &after, "status")
	if after.Generation.Generation == before.Generation.Generation || after.Generation.Generation == "" {
		t.Errorf("after reset: got generation %q, want a new one (was %q)", after.Generation.Generation, before.Generation.Generation)
	}
	if len(after.Faults) != 0 {
		t.Errorf("after reset: got faults %+v, want none", after.Faults)
	}
	if got := time.Duration(after.Clock.Offset); got != time.Hour {
		t.Errorf("after reset: got clock offset %s, want it kept (1h0m0s)", got)
	}
}
