package engine

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

func TestRunClusterRetriedAfterLostResponseCreatesOneCluster(t *testing.T) {
	b := newBed(t)
	b.srv.AddFault(emulator.FaultRule{Action: "RunCluster", DropResponses: 1})
	in := CreateClusterInput{Spec: loadExample(t, "dev-cluster.yaml"), Getenv: noEnv}
	_, err := b.eng.CreateCluster(context.Background(), scriptCall(&yes{}), in)
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) {
		t.Fatalf("first create: got %v, want an unknown outcome", err)
	}
	in.Spec = loadExample(t, "dev-cluster.yaml")
	res, err := b.eng.CreateCluster(context.Background(), scriptCall(&yes{}), in)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := b.clusters(); got != 1 {
		t.Errorf("clusters after a retried create: got %d, want 1", got)
	}
	es := b.entries("RunCluster")
	if len(es) != 2 || es[0].Token != es[1].Token {
		t.Fatalf("journal: got %d RunCluster attempts (tokens %v), want 2 sharing one token", len(es), tokens(es))
	}
	// The lost attempt is settled by the retry that the cloud answered
	// with the same token.
	if es[1].Status != journal.StatusSucceeded || es[0].Status != journal.StatusSucceeded || es[0].ResultIDs[0] != res.ClusterID || es[1].ResultIDs[0] != res.ClusterID {
		t.Errorf("journal outcomes: got %s then %s (%v), want both succeeded with %s", es[1].Status, es[0].Status, es[0].ResultIDs, res.ClusterID)
	}
}

func tokens(es []journal.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Token)
	}
	return out
}

func TestThrottlingIsRetriedThenReported(t *testing.T) {
	b := newBed(t)
	b.srv.AddFault(emulator.FaultRule{Action: "RunCluster", ThrottleNext: 2})
	res, err := b.eng.CreateCluster(context.Background(), scriptCall(&yes{}), CreateClusterInput{Spec: loadExample(t, "dev-cluster.yaml"), Getenv: noEnv})
	if err != nil {
		t.Fatalf("create through two throttled answers: %v", err)
	}
	if got := b.srv.Stats()["RunCluster:Throttling.User"]; got != 2 {
		t.Errorf("throttled answers: got %d, want 2", got)
	}
	id := res.ClusterID
	b.srv.AddFault(emulator.FaultRule{Action: "GetCluster", ThrottleNext: 10})
	_, err = b.eng.GetCluster(context.Background(), id)
	var te *ThrottledError
	if !errors.As(err, &te) || !errors.Is(err, provider.ErrThrottled) {
		t.Fatalf("still throttled: got %v, want a ThrottledError", err)
	}
	if got := b.srv.Stats()["GetCluster"]; got != 4 {
		t.Errorf("GetCluster attempts: got %d, want 4 (1 + 3 retries)", got)
	}
	if !strings.Contains(err.Error(), "wait about 30 s") {
		t.Errorf("error %q does not say when to retry", err)
	}
}

func TestIncreaseNodesLostResponseAddsNodesOnce(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 2)
	b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", DropResponses: 1})
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 3}
	if _, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in); !errors.As(err, new(*OutcomeUnknownError)) {
		t.Fatalf("first scale-out: got %v, want an unknown outcome", err)
	}
	res, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := b.liveNodes(id, ng); got != 5 {
		t.Errorf("nodes after a retried scale-out of 3 on 2: got %d, want 5", got)
	}
	if got := b.srv.Stats()["IncreaseNodes"]; got != 1 {
		t.Errorf("IncreaseNodes calls: got %d, want 1 (the retry reconciled instead of sending)", got)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "found applied") || res.Outcome.Status != StatusReconciled {
		t.Errorf("notes: got %v (%s), want a note that the earlier attempt was applied", res.Notes, res.Outcome.Status)
	}
	es := b.entries("IncreaseNodes")
	if len(es) != 1 || es[0].Status != journal.StatusSucceeded {
		t.Errorf("journal: got %d entries %v, want the one attempt, settled as succeeded", len(es), statuses(es))
	}
}

func statuses(es []journal.Entry) []journal.Status {
	var out []journal.Status
	for _, e := range es {
		out = append(out, e.Status)
	}
	return out
}

func TestIncreaseNodesRejectedBeforeApplyIsSentAgain(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 2)
	b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", ErrorRate: 1, ErrorCode: "ServiceUnavailable"})
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	if _, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("first scale-out: got %v, want unavailable", err)
	}
	b.srv.ClearFaults()
	if _, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := b.liveNodes(id, ng); got != 4 {
		t.Errorf("nodes: got %d, want 4", got)
	}
}

func TestCrashBetweenJournalAndSendIsReconciled(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 2)
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	call := scriptCall(&yes{})
	// A process killed after recording the attempt and before sending it
	// leaves exactly this behind: a pending journal row, nothing applied.
	crashed := b.crashedIncrease(in, deadOwner(t), time.Now())
	if _, err := b.eng.ScaleOut(context.Background(), call, in); err != nil {
		t.Fatalf("scale-out after the crash: %v", err)
	}
	if got := b.liveNodes(id, ng); got != 4 {
		t.Errorf("nodes: got %d, want 4 (sent once)", got)
	}
	prev, err := b.eng.opts.Journal.Get(context.Background(), crashed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if prev.Status != journal.StatusFailed || prev.ErrorCode != "NotApplied" {
		t.Errorf("the crashed attempt: got %s/%s, want failed/NotApplied once reconciled", prev.Status, prev.ErrorCode)
	}
}

func TestScaleInInterruptedMidBatchResumesWithoutReleasingTwice(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 30)
	ctx, cancel := context.WithCancel(context.Background())
	in := ScaleInInput{ClusterID: id, NodeGroupID: ng, Count: 25, Progress: func(msg string) {
		if strings.HasPrefix(msg, "batch 1/") {
			cancel() // the process stops after its first batch
		}
	}}
	first, err := b.eng.ScaleIn(ctx, scriptCall(&yes{}), in)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted scale-in: got %v, want it cancelled", err)
	}
	if len(first.Batches) != 3 || b.liveNodes(id, ng) != 20 {
		t.Fatalf("after the interruption: got %d batches and %d live nodes, want 3 batches planned and 20 live", len(first.Batches), b.liveNodes(id, ng))
	}
	in.Progress = nil
	again, err := b.eng.ScaleIn(context.Background(), scriptCall(&yes{}), in)
	if err != nil {
		t.Fatalf("resumed scale-in: %v", err)
	}
	if got := b.liveNodes(id, ng); got != 5 {
		t.Errorf("live nodes after resuming: got %d, want 5", got)
	}
	if len(again.Skipped) != 10 || len(again.Batches) != 2 {
		t.Errorf("resume: got %d skipped and %d batches, want the 10 released nodes skipped and 2 batches", len(again.Skipped), len(again.Batches))
	}
	if !sameSet(first.NodeIDs, again.NodeIDs) {
		t.Errorf("the resumed scale-in chose other nodes: %v vs %v", again.NodeIDs, first.NodeIDs)
	}
	st := b.srv.Stats()
	if st["DecreaseNodes"] != 3 || st["DecreaseNodes:InvalidParameter"] != 0 {
		t.Errorf("DecreaseNodes calls: got %d (%d refused), want 3 and none releasing a node twice", st["DecreaseNodes"], st["DecreaseNodes:InvalidParameter"])
	}
	released := map[string]int{}
	for _, e := range b.entries("DecreaseNodes") {
		for _, n := range e.ResultIDs {
			released[n]++
		}
	}
	for n, k := range released {
		if strings.HasPrefix(n, "i-") && k != 1 {
			t.Errorf("node %s released in %d journal entries, want 1", n, k)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

func TestHungServerTimesOut(t *testing.T) {
	b := newBed(t, func(o *Options) { o.Timeouts.Read = 300 * time.Millisecond })
	id := b.createDev()
	b.srv.AddFault(emulator.FaultRule{Action: "GetCluster", Latency: emulator.Duration(time.Hour)})
	start := time.Now()
	_, err := b.eng.GetCluster(context.Background(), id)
	if err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("GetCluster on a hung server: got %v after %s, want a timeout within the read deadline", err, time.Since(start))
	}
	if k := provider.KindOf(err); k != provider.KindTimeout {
		t.Errorf("error kind: got %v (%v), want timeout", k, err)
	}
}

func TestRefusalsSendNothing(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 3)
	v, err := b.eng.DescribeCluster(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var core string
	for _, g := range v.NodeGroups {
		if g.Role == "CORE" {
			core = g.ID
		}
	}
	agent := Call{Actor: policy.Actor{Kind: policy.Agent, Name: "bot"}, Confirm: &yes{cost: true, zero: true}}
	tests := []struct {
		name string
		do   func(Call) error
	}{
		{"delete", func(c Call) error { _, err := b.eng.DeleteCluster(context.Background(), c, id); return err }},
		{"scale in CORE", func(c Call) error {
			_, err := b.eng.ScaleIn(context.Background(), c, ScaleInInput{ClusterID: id, NodeGroupID: core, Count: 1})
			return err
		}},
		{"scale out 51", func(c Call) error {
			_, err := b.eng.ScaleOut(context.Background(), c, ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 51})
			return err
		}},
		{"scale in unknown node", func(c Call) error {
			_, err := b.eng.ScaleIn(context.Background(), c, ScaleInInput{ClusterID: id, NodeGroupID: ng, NodeIDs: []string{"i-notinthisgroup0000"}})
			return err
		}},
		{"max capacity 101", func(c Call) error {
			_, _, err := b.eng.PutAutoScalingPolicy(context.Background(), c, provider.ScalingPolicy{ClusterID: id, NodeGroupID: ng, MaxCapacity: 101})
			return err
		}},
		{"scale in to zero without ack", func(c Call) error {
			c.Confirm = &yes{}
			_, err := b.eng.ScaleIn(context.Background(), c, ScaleInInput{ClusterID: id, NodeGroupID: ng, Count: 3})
			return err
		}},
	}
	for _, tt := range tests {
		for _, call := range []Call{scriptCall(&yes{cost: true, zero: true}), agent} {
			t.Run(tt.name+"/"+string(call.Actor.Kind), func(t *testing.T) {
				before := b.srv.Stats()
				err := tt.do(call)
				var pe *PolicyError
				if !errors.As(err, &pe) && !errors.Is(err, ErrNotConfirmed) {
					t.Fatalf("got %v, want a refusal", err)
				}
				after := b.srv.Stats()
				for _, w := range []string{"DeleteCluster", "DecreaseNodes", "IncreaseNodes", "PutAutoScalingPolicy"} {
					if after[w] != before[w] {
						t.Errorf("%s was sent (%d -> %d) by a refused operation", w, before[w], after[w])
					}
				}
			})
		}
	}
	if got := b.liveNodes(id, ng); got != 3 {
		t.Errorf("TASK nodes after refusals: got %d, want 3", got)
	}
}

func TestSecretsNeverReachJournalLogsOrErrors(t *testing.T) {
	const rdsPassword = "Hive-Rds-9xQ#p4ssw0rd"
	const rootPassword = "Root9xQw2024Zk"
	b := newBed(t)
	getenv := func(k string) (string, bool) {
		switch k {
		case "HIVE_RDS_PASSWORD":
			return rdsPassword, true
		case "EMR_ROOT_PASSWORD":
			return rootPassword, true
		}
		return "", false
	}
	c := loadExample(t, "production-separated.yaml")
	c.Network.MasterRootPasswordEnv = "EMR_ROOT_PASSWORD"
	conf := &yes{cost: true}
	res, err := b.eng.CreateCluster(context.Background(), scriptCall(conf), CreateClusterInput{Spec: c, Getenv: getenv})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	// A failing call whose request carries the secrets, too.
	b.srv.AddFault(emulator.FaultRule{Action: "RunCluster", ErrorRate: 1, ErrorCode: "InternalError", ErrorStatus: 500})
	c2 := loadExample(t, "production-separated.yaml")
	c2.Name = "second"
	_, ferr := b.eng.CreateCluster(context.Background(), scriptCall(conf), CreateClusterInput{Spec: c2, Getenv: getenv})
	if ferr == nil {
		t.Fatal("the injected failure did not fail the create")
	}
	haystacks := map[string]string{"logs": b.logs.String(), "error": ferr.Error()}
	for _, suffix := range []string{"", "-wal"} {
		raw, err := os.ReadFile(b.jpath + suffix)
		if err == nil {
			haystacks["journal"+suffix] = string(raw)
		}
	}
	for _, cf := range conf.asked {
		haystacks["confirmation"] += hashRequest(cf.Request) + strings.Join(cf.Reasons, "") + cf.Summary.String() + string(mustJSON(t, cf.Request))
	}
	if res.ClusterID == "" || len(haystacks["journal"]) == 0 {
		t.Fatal("nothing to search")
	}
	for name, h := range haystacks {
		for _, secret := range []string{rdsPassword, rootPassword, "9xQ#p4ssw0rd"} {
			if strings.Contains(h, secret) {
				t.Errorf("%s contains a secret", name)
			}
		}
	}
}

func TestScaleInIntervalHoldsAcrossCalls(t *testing.T) {
	// A time scale of 60 makes the 120 s interval last 2 s of real time:
	// long enough that the second call, sent at once, always starts
	// inside it, even on a loaded machine (30 ms was not).
	b := newBed(t, func(o *Options) { o.TimeScale = 60 })
	id := b.createDev()
	ng := b.addTask(id, 6)
	var waited []string
	in := ScaleInInput{ClusterID: id, NodeGroupID: ng, Count: 2, Progress: func(msg string) {
		if strings.Contains(msg, "the last release") {
			waited = append(waited, msg)
		}
	}}
	if _, err := b.eng.ScaleIn(context.Background(), scriptCall(&yes{}), in); err != nil {
		t.Fatal(err)
	}
	call := scriptCall(&yes{})
	call.IdempotencyKey = "second"
	if _, err := b.eng.ScaleIn(context.Background(), call, in); err != nil {
		t.Fatal(err)
	}
	if len(waited) != 1 {
		t.Errorf("a second scale-in right after the first: got %d waits %q, want one wait for the rest of the interval", len(waited), waited)
	}
	if got := b.liveNodes(id, ng); got != 2 {
		t.Errorf("live nodes: got %d, want 2", got)
	}
}

func TestReadsRetryUnavailableWritesDoNot(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 2)
	b.srv.AddFault(emulator.FaultRule{Action: "*", ErrorRate: 1, ErrorCode: "ServiceUnavailable"})
	if _, err := b.eng.GetCluster(context.Background(), id); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("GetCluster while the service fails: got %v, want unavailable", err)
	}
	if got := b.srv.Stats()["GetCluster:ServiceUnavailable"]; got != 3 {
		t.Errorf("GetCluster attempts: got %d, want 3 (two retries)", got)
	}
	// The scale-out's own reads fail first; let them through and fail
	// only the write.
	b.srv.ClearFaults()
	b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", ErrorRate: 1, ErrorCode: "ServiceUnavailable"})
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	if _, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in); !errors.Is(err, provider.ErrUnavailable) {
		t.Fatalf("scale-out: got %v, want unavailable", err)
	}
	if got := b.srv.Stats()["IncreaseNodes:ServiceUnavailable"]; got != 1 {
		t.Errorf("IncreaseNodes attempts: got %d, want 1 (a write is never repeated on its own)", got)
	}
}

// deadOwner is the owner of a process of this host that has exited.
func deadOwner(t *testing.T) journal.Owner {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run a process: %v", err)
	}
	host, _ := os.Hostname()
	return journal.Owner{ID: "crashed", Host: host, PID: cmd.Process.Pid}
}
