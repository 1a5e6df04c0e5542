package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/emulator"
)

// TestKilledDuringScaleOut kills the real binary (SIGKILL, no chance to
// clean up) while its IncreaseNodes request is in flight: once before the
// emulator applied it, once after. Run again, the same command must leave
// exactly the nodes asked for: re-sent only when the first attempt was
// not applied, never twice. IncreaseNodes has no client token, so this
// rests on the journal and on reconciling from the node group's state.
func TestKilledDuringScaleOut(t *testing.T) {
	for _, tc := range []struct {
		name        string
		fault       emulator.FaultRule
		afterKill   int    // CORE nodes right after the kill
		firstStatus string // the killed attempt's journal status in the end
	}{
		{
			name:      "before the request is applied",
			fault:     emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(time.Hour)},
			afterKill: 2, firstStatus: "failed",
		},
		{
			name:      "after it is applied, before the answer",
			fault:     emulator.FaultRule{Action: "IncreaseNodes", HoldAfterApply: emulator.Duration(time.Hour)},
			afterKill: 4, firstStatus: "succeeded",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := newKillBed(t)
			id := unquote(k.run("cluster", "create", "-f", filepath.Join("..", "..", "examples", "dev-cluster.yaml"), "--yes", "--wait", "-o", "json", "--query", "id"))
			core := unquote(k.run("nodegroup", "list", id, "--role", "CORE", "-o", "json", "--query", "[0].id"))
			k.srv.AddFault(tc.fault)

			scale := []string{"scale", "out", id, "--node-group", core, "--count", "2", "--yes"}
			cmd := k.startUntil("IncreaseNodes", scale...)
			if tc.fault.HoldAfterApply > 0 {
				k.waitNodes(id, core, tc.afterKill)
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			k.srv.ClearFaults()
			if got := k.nodes(id, core); got != tc.afterKill {
				t.Fatalf("CORE nodes right after the kill: got %d, want %d", got, tc.afterKill)
			}
			// Its owner is gone: the journal reads it as unknown at once.
			if got := k.run("audit", "list", "--operation", "IncreaseNodes", "-o", "json", "--query", "[0].status"); got != `"unknown"` {
				t.Fatalf("the killed attempt in the journal: got %s, want \"unknown\"", got)
			}

			k.run(scale...)
			if got := k.nodes(id, core); got != 4 {
				t.Errorf("CORE nodes after running the command again: got %d, want 4 (2 + 2, never 2 + 2 + 2)", got)
			}
			if got := k.srv.Stats()["IncreaseNodes"]; tc.firstStatus == "succeeded" && got != 1 {
				t.Errorf("IncreaseNodes answered %d times, want 1: an applied attempt is never re-sent", got)
			}
			first := k.run("audit", "list", "--operation", "IncreaseNodes", "-o", "json", "--query", "[-1].status")
			if first != `"`+tc.firstStatus+`"` {
				t.Errorf("the killed attempt, once reconciled: got %s, want %q", first, tc.firstStatus)
			}
			if pending := k.run("audit", "list", "--status", "pending", "-o", "json", "--query", "length(@)"); pending != "0" {
				t.Errorf("journal entries still pending: %s, want 0", pending)
			}
		})
	}
}

// TestKilledDuringCreate kills the binary after the emulator created the
// cluster and before the answer came back. RunCluster carries the
// journal's ClientToken, so running the same command again gets the same
// cluster back instead of a second one.
func TestKilledDuringCreate(t *testing.T) {
	k := newKillBed(t)
	k.srv.AddFault(emulator.FaultRule{Action: "RunCluster", HoldAfterApply: emulator.Duration(time.Hour)})
	create := []string{"cluster", "create", "-f", filepath.Join("..", "..", "examples", "dev-cluster.yaml"), "--yes", "-o", "json", "--query", "clusterId"}
	cmd := k.startUntil("RunCluster", create...)
	deadline := time.Now().Add(30 * time.Second)
	for k.run("cluster", "list", "-o", "json", "--query", "length(@)") != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the emulator never created the cluster")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	k.srv.ClearFaults()
	first := k.run("cluster", "list", "-o", "json", "--query", "[0].id")

	again := k.run(create...)
	if again != first {
		t.Errorf("running create again: got cluster %s, want the one the killed run created (%s)", again, first)
	}
	if n := k.run("cluster", "list", "-o", "json", "--query", "length(@)"); n != "1" {
		t.Errorf("clusters after the re-run: got %s, want 1", n)
	}
}

// killBed is a sandbox emulator over HTTP and the emrctl binary pointed
// at it, with its own journal and config.
type killBed struct {
	t       *testing.T
	bin     string
	env     []string
	srv     *emulator.Server
	arrived map[string]chan struct{} // signalled when an action's request comes in
}

func newKillBed(t *testing.T) *killBed {
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	k := &killBed{t: t, bin: emrctlBinary(t), srv: srv, arrived: map[string]chan struct{}{
		"IncreaseNodes": make(chan struct{}, 8), "RunCluster": make(chan struct{}, 8),
	}}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := k.arrived[r.Header.Get("x-acs-action")]; ok {
			c <- struct{}{}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	k.env = append(os.Environ(), "EMRCTL_ENDPOINT="+hs.URL, "EMRCTL_SANDBOX_SPEED=0", "NO_COLOR=1",
		"EMRCTL_DATA_DIR="+t.TempDir(), "EMRCTL_CONFIG_DIR="+t.TempDir())
	return k
}

func (k *killBed) command(args ...string) *exec.Cmd {
	cmd := exec.Command(k.bin, args...)
	cmd.Env = k.env
	return cmd
}

// startUntil starts emrctl and returns once its request of action has
// reached the emulator.
func (k *killBed) startUntil(action string, args ...string) *exec.Cmd {
	k.t.Helper()
	cmd := k.command(args...)
	if err := cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	select {
	case <-k.arrived[action]:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		k.t.Fatalf("%s never reached the emulator", action)
	}
	return cmd
}

// run runs emrctl to completion and returns its trimmed stdout.
func (k *killBed) run(args ...string) string {
	k.t.Helper()
	var stderr strings.Builder
	cmd := k.command(args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		k.t.Fatalf("emrctl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func unquote(s string) string { return strings.Trim(s, `"`) }

// nodes counts the node group's nodes through the CLI.
func (k *killBed) nodes(id, group string) int {
	k.t.Helper()
	n := 0
	for _, l := range strings.Split(k.run("node", "list", id, "--node-group", group, "-o", "csv", "--no-headers"), "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

func (k *killBed) waitNodes(id, group string, want int) {
	k.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for k.nodes(id, group) != want {
		if time.Now().After(deadline) {
			k.t.Fatalf("the node group never reached %d nodes", want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
