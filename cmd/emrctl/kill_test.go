package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
			id := k.devCluster()
			core := k.group(id, "CORE")
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
	create := []string{"cluster", "create", "-f", devSpec, "--yes", "-o", "json", "--query", "clusterId"}
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

// TestKilledDuringScaleInBatch kills a scale-in by count while the
// emulator holds the answer to its first batch (applied), then runs the
// same command again. The re-run must resume the journaled plan (the same
// nodes, never further ones), settle the killed batch as applied, keep
// the batch interval after it, and never release a node twice.
func TestKilledDuringScaleInBatch(t *testing.T) {
	k := newKillBed(t)
	id := k.devCluster()
	task := k.taskGroup(id, 6)
	// emrctl takes the batch interval from the emulator's clock.
	if err := k.srv.SetClockSpeed(scaleInSpeed); err != nil {
		t.Fatal(err)
	}
	fast := k
	if err := k.srv.AddFault(emulator.FaultRule{Action: "DecreaseNodes", HoldAfterApply: emulator.Duration(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	scale := []string{"scale", "in", id, "--node-group", task, "--count", "4", "--batch-size", "2", "--yes", "-o", "json"}
	cmd := fast.startUntil("DecreaseNodes", scale...)
	k.waitFor(func() bool { return len(k.running(id, task)) == 4 }, "the first batch was never applied")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if err := k.srv.ClearFaults(); err != nil {
		t.Fatal(err)
	}
	plan := k.run("audit", "list", "--operation", "DecreaseNodesPlan", "-o", "json", "--query", "[0].id")
	var planned []string
	if err := json.Unmarshal([]byte(k.run("audit", "show", plan, "-o", "json", "--query", "observed.nodeIds")), &planned); err != nil {
		t.Fatal(err)
	}
	killed := k.run("audit", "list", "--operation", "DecreaseNodes", "-o", "json", "--query", "[0].id")

	again := fast.exec(scale...)
	if again.code != 0 {
		t.Fatalf("running the scale-in again: %s", again)
	}
	res := again.result(t)
	if want := "resuming the scale-in planned in journal entry " + plan; !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.HasPrefix(n, want) }) {
		t.Errorf("notes of the re-run: got %q, want one starting %q", res.Notes, want)
	}
	if diff := cmp.Diff(planned, res.NodeIDs); diff != "" {
		t.Errorf("nodes of the re-run (-planned +got):\n%s", diff)
	}
	if got := k.run("audit", "show", killed, "-o", "json", "--query", "status"); got != `"succeeded"` {
		t.Errorf("the killed batch (journal entry %s) once settled: got %s, want \"succeeded\"", killed, got)
	}
	checkSpacing(t, k.arrived.of("DecreaseNodes"), 2)
	for action, n := range k.srv.Stats() {
		if strings.HasPrefix(action, "DecreaseNodes:") {
			t.Errorf("DecreaseNodes refused %d times with %s: a node was released twice", n, strings.TrimPrefix(action, "DecreaseNodes:"))
		}
	}
	for _, status := range []string{"pending", "unknown"} {
		if n := k.run("audit", "list", "--status", status, "-o", "json", "--query", "length(@)"); n != "0" {
			t.Errorf("journal entries still %s: %s, want 0", status, n)
		}
	}
	left := k.running(id, task)
	if len(left) != 2 || slices.ContainsFunc(left, func(n string) bool { return slices.Contains(planned, n) }) {
		t.Errorf("running TASK nodes afterwards: got %v, want the 2 not planned (planned: %v)", left, planned)
	}
}
