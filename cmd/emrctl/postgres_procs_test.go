package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/pgtest"
)

// Team-scale process tests (issue 16): several operators' HOMEs and
// several 'emrctl serve' replicas, each its own process with its own
// configuration and data directory, all with EMRCTL_JOURNAL_URL naming one
// PostgreSQL database, against one emulator over HTTP. What counts is
// what reached the emulator and the emulator's state, never only what the
// processes say they did. They skip when PostgreSQL is not installed,
// unless EMRCTL_REQUIRE_POSTGRES=1.

// newPGBed is a killBed whose journal is a fresh PostgreSQL database;
// beds made from it with otherHome share that database, as a team's
// operators and replicas do. It checks that they do: a token created in
// one HOME is listed in another.
func newPGBed(t *testing.T) *killBed {
	t.Helper()
	url := pgtest.Shared(t).NewDatabase(t)
	k := newKillBed(t).with("EMRCTL_JOURNAL_URL=" + url)
	k.run("token", "create", "--name", "shared-journal-probe", "--role", "viewer")
	var names []string
	if err := json.Unmarshal([]byte(k.otherHome().run("token", "list", "-o", "json", "--query", "[].name")), &names); err != nil {
		t.Fatal(err)
	}
	if want := []string{"shared-journal-probe"}; !slices.Equal(names, want) {
		t.Fatalf("tokens listed from another HOME with the same EMRCTL_JOURNAL_URL: got %q, want %q, created in the first HOME: "+
			"emrctl does not keep its journal in the database EMRCTL_JOURNAL_URL names", names, want)
	}
	return k
}

// homes returns the bed and n-1 other HOMEs on the same emulator and
// journal database.
func (k *killBed) homes(n int) []*killBed {
	beds := []*killBed{k}
	for len(beds) < n {
		beds = append(beds, k.otherHome())
	}
	return beds
}

// acrossHomes runs the same emrctl command once in each bed, all started
// together, and returns what each did, in the beds' order. (exec fails
// the test from its goroutine only when a process cannot start at all.)
func acrossHomes(beds []*killBed, args ...string) []proc {
	out := make([]proc, len(beds))
	start := make(chan struct{})
	var done sync.WaitGroup
	for i, b := range beds {
		done.Add(1)
		go func() {
			defer done.Done()
			<-start
			out[i] = b.exec(args...)
		}()
	}
	close(start)
	done.Wait()
	return out
}

// TestPostgresOperatorsScaleOutOnce runs the same scale-out from two
// operators' HOMEs at once while the cloud holds IncreaseNodes: the
// shared journal's lock lets one send it and the other join it, so the
// group grows once, and both operators' audit shows the one attempt.
func TestPostgresOperatorsScaleOutOnce(t *testing.T) {
	k := newPGBed(t)
	id := k.devCluster()
	core := k.group(id, "CORE")
	if err := k.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(inFlight)}); err != nil {
		t.Fatal(err)
	}
	ops := k.homes(2)
	ps := acrossHomes(ops, "scale", "out", id, "--node-group", core, "--count", "2", "--yes", "-o", "json")

	sent, joined := oneSent(t, ps, "joined")
	if got := k.arrived.count("IncreaseNodes"); got != 1 {
		t.Errorf("IncreaseNodes requests at the emulator: got %d, want 1", got)
	}
	if got := k.nodes(id, core); got != 4 {
		t.Errorf("CORE nodes: got %d, want 4 (2 + 2 once)", got)
	}
	if got, want := joined.result(t).JournalIDs, sent.result(t).JournalIDs; !slices.Equal(got, want) {
		t.Errorf("the joined result names journal entries %v, want the sent one's %v", got, want)
	}
	want := fmt.Sprintf("[\n  %d\n]", sent.pid)
	for i, op := range ops {
		if pids := op.run("audit", "list", "--operation", "IncreaseNodes", "-o", "json", "--query", "[].owner.pid"); pids != want {
			t.Errorf("operator %d's audit: owners of the IncreaseNodes attempts: got %s, want one, pid %d that reported \"sent\"", i+1, pids, sent.pid)
		}
	}
}

// TestPostgresReplicasScaleInKeepInterval releases the ten nodes of one
// TASK group by ten single-node scale_in calls at once, spread over three
// 'emrctl serve --rest --mcp' replicas (separate HOMEs, one database),
// each confirmed by its MCP client's person (the box "continue" ticked,
// the empty-group one not). The releases reach the emulator at least the
// policy's interval apart on the sandbox clock, and the group is never
// emptied: nine are sent, the one that would release the last node is
// refused, and that node is still running.
func TestPostgresReplicasScaleInKeepInterval(t *testing.T) {
	k := newPGBed(t)
	id := k.devCluster()
	task := k.taskGroup(id, 10)
	nodes := k.running(id, task)
	// Before the replicas start: they read the clock speed then.
	k.setSpeed(scaleInSpeed)
	tok := k.operatorToken("replica-agents")
	var replicas []*replica
	for i := range 3 {
		replicas = append(replicas, k.otherHome().serveReplica("replica"+strconv.Itoa(i+1), tok))
	}
	var calls []clientCall
	for i, n := range nodes {
		c := replicas[i%len(replicas)].client(accepting, strconv.Itoa(i+1))
		calls = append(calls, clientCall{c, "scale_in", scaleIn(id, task, []string{n})})
	}
	snap := k.arrived.snapshot()
	answers := allAtOnce(calls)

	var kept []string
	for i, a := range answers {
		t.Logf("%s (node %s)", a, nodes[i])
		switch {
		case a.refused():
			kept = append(kept, nodes[i])
		case a.status() != "sent":
			t.Errorf("%s: want status \"sent\" or a refusal", a)
		}
	}
	checkSpacing(t, k.arrived.timesSince(snap, "DecreaseNodes"), len(nodes)-1)
	running := k.running(id, task)
	if len(running) == 0 {
		t.Fatal("the TASK group was emptied without the empty-group acknowledgement")
	}
	if len(kept) != 1 || !slices.Equal(running, kept) {
		t.Errorf("running TASK nodes afterwards: got %v, want the one node of the one refused call (refused: %v)", running, kept)
	}
}

// TestPostgresCreatesFromFiveHomes runs the same create from five HOMEs
// at once while the cloud is slow to answer RunCluster: one process
// creates the cluster, the others join it or find it, and the emulator
// sees one RunCluster.
func TestPostgresCreatesFromFiveHomes(t *testing.T) {
	k := newPGBed(t)
	if err := k.srv.AddFault(emulator.FaultRule{Action: "RunCluster", Latency: emulator.Duration(inFlight)}); err != nil {
		t.Fatal(err)
	}
	ps := acrossHomes(k.homes(5), "cluster", "create", "-f", devSpec, "--yes", "-o", "json")

	sent, _ := oneSent(t, ps, "joined", "exists")
	if got := k.arrived.count("RunCluster"); got != 1 {
		t.Errorf("RunCluster requests at the emulator: got %d, want 1", got)
	}
	id := sent.result(t).ClusterID
	if ids := k.run("cluster", "list", "-o", "json", "--query", "[].id"); ids != fmt.Sprintf("[\n  %q\n]", id) {
		t.Errorf("clusters afterwards: got %s, want only %s", ids, id)
	}
	for _, p := range ps {
		if got := p.result(t).ClusterID; got != id {
			t.Errorf("%s: reported cluster %q, want the one created, %q", p, got, id)
		}
	}
}

// TestPostgresReplicaKilledMidWrite kills a serve replica (SIGKILL) after
// the emulator applied its IncreaseNodes and before the answer came back.
// The same scale_out through another replica, on another HOME, finds the
// killed attempt in the shared journal and resolves it from the group's
// state: reconciled, nothing sent again, the attempt recorded as
// succeeded.
func TestPostgresReplicaKilledMidWrite(t *testing.T) {
	k := newPGBed(t)
	id := k.devCluster()
	core := k.group(id, "CORE")
	tok := k.operatorToken("replica-agents")
	killed, other := k.otherHome().serveReplica("killed", tok), k.otherHome().serveReplica("other", tok)
	if err := k.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", HoldAfterApply: emulator.Duration(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	args := map[string]any{"clusterId": id, "nodeGroupId": core, "count": 2}
	first := make(chan toolAnswer, 1)
	c := killed.client(accepting, "1")
	go func() { first <- c.callTool("scale_out", args) }()
	if !k.arrived.wait("IncreaseNodes", 1, 30*time.Second) {
		t.Fatalf("IncreaseNodes never reached the emulator; the replica said:\n%s", killed.stderr)
	}
	k.waitNodes(id, core, 4)
	killed.kill()
	t.Logf("the killed replica's call: %s", <-first)
	if err := k.srv.ClearFaults(); err != nil {
		t.Fatal(err)
	}
	// Its owner is gone: the journal reads the attempt as unknown at once.
	if got := k.run("audit", "list", "--operation", "IncreaseNodes", "-o", "json", "--query", "[0].status"); got != `"unknown"` {
		t.Fatalf("the killed replica's attempt in the journal: got %s, want \"unknown\"", got)
	}

	a := other.client(accepting, "2").callTool("scale_out", args)
	if a.refused() || a.status() != "reconciled" {
		t.Errorf("the same scale_out through the other replica: got %s, want status \"reconciled\"", a)
	}
	if got := k.nodes(id, core); got != 4 {
		t.Errorf("CORE nodes afterwards: got %d, want 4 (2 + 2, never 2 + 2 + 2)", got)
	}
	if got := k.arrived.count("IncreaseNodes"); got != 1 {
		t.Errorf("IncreaseNodes requests at the emulator: got %d, want 1: an applied attempt is never re-sent", got)
	}
	if got := k.run("audit", "list", "--operation", "IncreaseNodes", "-o", "json", "--query", "[-1].status"); got != `"succeeded"` {
		t.Errorf("the killed replica's attempt, once reconciled: got %s, want \"succeeded\"", got)
	}
	for _, status := range []string{"pending", "unknown"} {
		if n := k.run("audit", "list", "--status", status, "-o", "json", "--query", "length(@)"); n != "0" {
			t.Errorf("journal entries still %s: %s, want 0", status, n)
		}
	}
}
