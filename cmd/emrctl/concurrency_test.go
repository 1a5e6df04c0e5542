package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider/aws/mototest"
)

// inFlight is how long the cloud holds a write in these tests: long
// enough for a second process, started at the same moment, to find the
// first one's lock.
const inFlight = 1500 * time.Millisecond

// Scale-in timing on the sandbox: at this speed the policy's 120 s
// between batches is 2 s. The engine counts the interval from its journal
// record of the earlier release, made just before sending it, so the
// emulator may see two releases a few milliseconds less apart.
const (
	scaleInSpeed     = 60
	scaledInterval   = 120 * time.Second / scaleInSpeed
	arrivalTolerance = 100 * time.Millisecond
)

// TestConcurrentCreate runs the same create twice at once, in one HOME,
// while the cloud is slow to answer: the second process must wait for
// the first and report its cluster, not create another.
func TestConcurrentCreate(t *testing.T) {
	k := newKillBed(t)
	if err := k.srv.AddFault(emulator.FaultRule{Action: "RunCluster", Latency: emulator.Duration(inFlight)}); err != nil {
		t.Fatal(err)
	}
	k.run("cluster", "list") // the journal exists: this is about the write path, not about creating it
	create := []string{"cluster", "create", "-f", devSpec, "--yes", "-o", "json"}
	ps := k.together(create, create)

	sent, other := oneSent(t, ps, "joined", "exists")
	if got := k.arrived.count("RunCluster"); got != 1 {
		t.Errorf("RunCluster requests at the emulator: got %d, want 1", got)
	}
	id := sent.result(t).ClusterID
	if ids := k.run("cluster", "list", "-o", "json", "--query", "[].id"); ids != fmt.Sprintf("[\n  %q\n]", id) {
		t.Errorf("clusters afterwards: got %s, want only %s", ids, id)
	}
	if got := other.result(t).ClusterID; got != id {
		t.Errorf("the second create reported cluster %q, want the first one's %q", got, id)
	}
}

// TestConcurrentCreateOnNewState runs the same create twice at once on
// the embedded sandbox of a new HOME: both processes open a state that
// does not exist yet, and only one may seed it. Seeded twice, it had two
// generations, the journal saw two sandboxes and two clusters were made.
func TestConcurrentCreateOnNewState(t *testing.T) {
	for round := range 3 {
		k := newBed(t)
		create := []string{"cluster", "create", "-f", devSpec, "--yes", "-o", "json"}
		ps := k.together(create, create)
		sent, other := oneSent(t, ps, "joined", "exists")
		id := sent.result(t).ClusterID
		if ids := k.run("cluster", "list", "-o", "json", "--query", "[].id"); ids != fmt.Sprintf("[\n  %q\n]", id) {
			t.Fatalf("round %d: clusters afterwards: got %s, want only %s", round, ids, id)
		}
		if got := other.result(t).ClusterID; got != id {
			t.Errorf("round %d: the second create reported cluster %q, want the first one's %q", round, got, id)
		}
	}
}

// TestConcurrentCreateAWS is TestConcurrentCreate on moto, through a
// proxy that holds RunJobFlow: RunJobFlow has no client token, so only
// the journal's lock stands between two creates and two clusters.
func TestConcurrentCreateAWS(t *testing.T) {
	srv, err := mototest.Start()
	if err != nil {
		if mototest.Required() {
			t.Fatalf("moto_server is required (EMRCTL_REQUIRE_MOTO=1): %v", err)
		}
		t.Skipf("moto_server unavailable: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	proxy, err := mototest.NewProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	const runJobFlow = "ElasticMapReduce.RunJobFlow"
	proxy.Delay(runJobFlow, inFlight)

	k := newBed(t, append(srv.Env(), "EMRCTL_ENDPOINT=")...)
	k.run("config", "set-profile", "moto", "--provider", "aws", "--endpoint", proxy.URL, "--region", mototest.Region, "--use")
	k.run("cluster", "list") // the journal exists: this is about the write path, not about creating it
	create := []string{"cluster", "create", "-f", filepath.Join("..", "..", "examples", "aws-spark-cluster.yaml"), "--yes", "-o", "json"}
	ps := k.together(create, create)

	sent, other := oneSent(t, ps, "joined", "exists")
	if got := proxy.Seen(runJobFlow); got != 1 {
		t.Errorf("RunJobFlow requests through the proxy: got %d, want 1", got)
	}
	if n := k.run("cluster", "list", "-o", "json", "--query", "length(@)"); n != "1" {
		t.Errorf("clusters afterwards: got %s, want 1", n)
	}
	if got, want := other.result(t).ClusterID, sent.result(t).ClusterID; got != want {
		t.Errorf("the second create reported cluster %q, want the first one's %q", got, want)
	}
}

// TestConcurrentScaleOutJoins runs the same scale-out twice at once, in
// one HOME: the group grows once, and the journal names the process that
// sent it.
func TestConcurrentScaleOutJoins(t *testing.T) {
	k := newKillBed(t)
	id := k.devCluster()
	core := k.group(id, "CORE")
	if err := k.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(inFlight)}); err != nil {
		t.Fatal(err)
	}
	scale := []string{"scale", "out", id, "--node-group", core, "--count", "2", "--yes", "-o", "json"}
	ps := k.together(scale, scale)

	sent, joined := oneSent(t, ps, "joined")
	if got := k.nodes(id, core); got != 4 {
		t.Errorf("CORE nodes: got %d, want 4 (2 + 2 once)", got)
	}
	if got := k.arrived.count("IncreaseNodes"); got != 1 {
		t.Errorf("IncreaseNodes requests at the emulator: got %d, want 1", got)
	}
	pids := k.run("audit", "list", "--operation", "IncreaseNodes", "-o", "json", "--query", "[].owner.pid")
	if want := fmt.Sprintf("[\n  %d\n]", sent.pid); pids != want {
		t.Errorf("owners of the IncreaseNodes attempts in the journal: got %s, want one, pid %d that reported \"sent\"", pids, sent.pid)
	}
	if got, want := joined.result(t).JournalIDs, sent.result(t).JournalIDs; !slices.Equal(got, want) {
		t.Errorf("the joined result names journal entries %v, want the sent one's %v", got, want)
	}
}

// TestConcurrentScaleInKeepsInterval releases five nodes of one TASK
// group by five processes at once, in one HOME: each succeeds, and the
// emulator sees the releases at least the policy's interval apart.
func TestConcurrentScaleInKeepsInterval(t *testing.T) {
	k := newKillBed(t)
	id := k.devCluster()
	task := k.taskGroup(id, 6)
	nodes := k.running(id, task)
	var runs [][]string
	for _, n := range nodes[:5] {
		runs = append(runs, []string{"scale", "in", id, "--node-group", task, "--nodes", n, "--yes", "-o", "json"})
	}
	// emrctl takes the batch interval from the emulator's clock.
	if err := k.srv.SetClockSpeed(scaleInSpeed); err != nil {
		t.Fatal(err)
	}
	checkScaleIns(t, k, k.together(runs...), id, task, nodes[5:])
}

// checkScaleIns checks that five single-node scale-ins were each sent,
// at least the interval apart, and left the want nodes running.
func checkScaleIns(t *testing.T, k *killBed, ps []proc, id, task string, want []string) {
	t.Helper()
	for _, p := range ps {
		if p.code != 0 {
			t.Fatalf("a scale-in failed: %s", p)
		}
		if got := p.result(t).Outcome.Status; got != "sent" {
			t.Errorf("%s: status %q, want \"sent\"", p, got)
		}
	}
	checkSpacing(t, k.arrived.of("DecreaseNodes"), len(ps))
	if diff := cmp.Diff(want, k.running(id, task)); diff != "" {
		t.Errorf("running TASK nodes afterwards (-want +got):\n%s", diff)
	}
}

// TestConcurrentScaleOutAfterLostResponse: operator A's +2 has an
// unknown outcome, operator B (another HOME, another journal) adds 2,
// and A runs its +2 again. A's retry must account for its first attempt
// exactly: the group never ends 2 short or 2 over, and A never reports
// success for a +2 that is not there.
func TestConcurrentScaleOutAfterLostResponse(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault emulator.FaultRule
		env   []string // A's
		retry string   // A's retry's status when it can tell
		// cannotTell is the CORE nodes when A's retry cannot tell: 2,
		// B's 2, and A's 2 when its first attempt was applied.
		cannotTell int
	}{
		{
			name:  "applied, the response lost",
			fault: emulator.FaultRule{Action: "IncreaseNodes", DropResponses: 1},
			retry: "reconciled", cannotTell: 6,
		},
		{
			name:  "not applied, timed out",
			fault: emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(time.Hour)},
			env:   []string{"EMRCTL_WRITE_TIMEOUT=1s"},
			retry: "sent", cannotTell: 4,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := newKillBed(t)
			id := k.devCluster()
			core := k.group(id, "CORE")
			a, b := k.with(tc.env...), k.otherHome()
			scale := []string{"scale", "out", id, "--node-group", core, "--count", "2", "--yes", "-o", "json"}
			if err := k.srv.AddFault(tc.fault); err != nil {
				t.Fatal(err)
			}
			if p := a.exec(scale...); p.code != 7 || p.errorCode() != "OutcomeUnknown" {
				t.Fatalf("A's first +2: want exit 7, OutcomeUnknown; got %s", p)
			}
			if err := k.srv.ClearFaults(); err != nil {
				t.Fatal(err)
			}
			if got := b.exec(scale...); got.code != 0 || got.result(t).Outcome.Status != "sent" {
				t.Fatalf("B's +2: want exit 0, sent; got %s", got)
			}

			retry := a.exec(scale...)
			got := k.nodes(id, core)
			switch {
			case retry.code == 0:
				if got != 6 {
					t.Errorf("CORE nodes after A's retry: got %d, want 6 (2 + A's 2 + B's 2)\nA's retry: %s", got, retry)
				}
				if s := retry.result(t).Outcome.Status; s != tc.retry {
					t.Errorf("A's retry: status %q, want %q", s, tc.retry)
				}
			case retry.code == 7 && retry.errorCode() == "CannotTell":
				t.Logf("A's retry could not tell: %s", retry)
				if got != tc.cannotTell {
					t.Errorf("CORE nodes after A's retry said it cannot tell: got %d, want %d", got, tc.cannotTell)
				}
			default:
				t.Errorf("A's retry: want exit 0, or exit 7 with CannotTell; got %s", retry)
			}
		})
	}
}

// oneSent checks that every process exited 0, that exactly one sent the
// write and that the others reported one of others; it returns the
// sender and another one.
func oneSent(t *testing.T, ps []proc, others ...string) (sent, other proc) {
	t.Helper()
	var statuses []string
	n := 0
	for _, p := range ps {
		if p.code != 0 {
			t.Fatalf("want exit 0: %s", p)
		}
		s := p.result(t).Outcome.Status
		statuses = append(statuses, s)
		switch {
		case s == "sent":
			sent = p
			n++
		case slices.Contains(others, s):
			other = p
		default:
			t.Errorf("outcome %q: want \"sent\" or one of %v", s, others)
		}
	}
	if n != 1 {
		t.Fatalf("outcomes %v: want exactly one \"sent\"\n%s", statuses, joinProcs(ps))
	}
	return sent, other
}

// checkSpacing checks that n requests arrived, each at least the scaled
// interval after the one before. The engine counts the interval from its
// journal record of the earlier request, written just before sending it,
// so the emulator may see the requests a few milliseconds closer.
func checkSpacing(t *testing.T, at []time.Time, n int) {
	t.Helper()
	if len(at) != n {
		t.Fatalf("DecreaseNodes requests at the emulator: got %d, want %d", len(at), n)
	}
	for i := 1; i < len(at); i++ {
		t.Logf("DecreaseNodes %d came %s after the one before", i+1, at[i].Sub(at[i-1]).Round(time.Millisecond))
		if gap := at[i].Sub(at[i-1]); gap < scaledInterval-arrivalTolerance {
			t.Errorf("DecreaseNodes %d came %s after the one before, want at least %s", i+1, gap.Round(time.Millisecond), scaledInterval)
		}
	}
}

func joinProcs(ps []proc) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}
