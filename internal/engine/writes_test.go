package engine

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
)

func ptrBool(b bool) *bool { return &b }

// protection reads a cluster's deletion protection.
func (b *bed) protection(id string) bool {
	b.t.Helper()
	c, err := b.eng.GetCluster(context.Background(), id)
	if err != nil {
		b.t.Fatal(err)
	}
	return c.DeletionProtection
}

// A declarative write ends in the state asked last, whatever came before,
// and one whose state already holds sends nothing and says so.
func TestProtectionToggleEndsInTheRequestedState(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ctx := context.Background()
	for i, on := range []bool{true, false, true} {
		out, err := b.eng.UpdateAttributes(ctx, scriptCall(&yes{}), AttributesInput{ClusterID: id, DeletionProtection: ptrBool(on)})
		if err != nil {
			t.Fatalf("step %d (%v): %v", i, on, err)
		}
		if out.Status != StatusSent {
			t.Errorf("step %d (%v): status %q, want sent", i, on, out.Status)
		}
		if got := b.protection(id); got != on {
			t.Fatalf("step %d: protection %v, want %v", i, got, on)
		}
	}
	before := b.srv.Stats()["UpdateClusterAttribute"]
	out, err := b.eng.UpdateAttributes(ctx, scriptCall(&yes{}), AttributesInput{ClusterID: id, DeletionProtection: ptrBool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != StatusUnchanged || !strings.Contains(out.Note, "already") {
		t.Errorf("again on: status %q note %q, want unchanged with 'already'", out.Status, out.Note)
	}
	if got := b.srv.Stats()["UpdateClusterAttribute"]; got != before {
		t.Errorf("UpdateClusterAttribute calls: %d after an unchanged write, want %d", got, before)
	}
}

// An additive write run again is sent again.
func TestScaleOutRepeatedAddsTwice(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	for i := range 2 {
		res, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in)
		if err != nil {
			t.Fatalf("scale-out %d: %v", i, err)
		}
		if res.Outcome.Status != StatusSent {
			t.Errorf("scale-out %d: status %q, want sent", i, res.Outcome.Status)
		}
	}
	if got := b.liveNodes(id, ng); got != 5 {
		t.Errorf("nodes after +2 twice on 1: got %d, want 5", got)
	}
	if got := b.srv.Stats()["IncreaseNodes"]; got != 2 {
		t.Errorf("IncreaseNodes calls: got %d, want 2", got)
	}
}

func TestResizeToNEndsAtN(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 3)
	ctx := context.Background()
	for _, n := range []int{4, 3, 4} {
		if _, err := b.eng.ResizeNodeGroup(ctx, scriptCall(&yes{}), ResizeInput{ClusterID: id, NodeGroupID: ng, Count: n}); err != nil {
			t.Fatalf("resize to %d: %v", n, err)
		}
		if got := b.liveNodes(id, ng); got != n {
			t.Fatalf("after resize to %d: %d live nodes", n, got)
		}
	}
	res, err := b.eng.ResizeNodeGroup(ctx, scriptCall(&yes{}), ResizeInput{ClusterID: id, NodeGroupID: ng, Count: 4})
	if err != nil || res.Outcome.Status != StatusUnchanged {
		t.Errorf("resize to the current size: %v, status %v, want unchanged", err, res)
	}
}

func TestAutoScalingPutRemovePutEndsWithAPolicy(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	ctx := context.Background()
	sp := provider.ScalingPolicy{ClusterID: id, NodeGroupID: ng, MinCapacity: 0, MaxCapacity: 5, Rules: []provider.ScalingRule{{
		Name: "nightly", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 2,
		Time: &provider.TimeTrigger{LaunchTime: "22:00", StartTime: time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second), RecurrenceType: "DAILY"},
	}}}
	steps := []func() (*Outcome, error){
		func() (*Outcome, error) {
			_, o, err := b.eng.PutAutoScalingPolicy(ctx, scriptCall(&yes{}), sp)
			return o, err
		},
		func() (*Outcome, error) {
			_, o, err := b.eng.RemoveAutoScalingPolicy(ctx, scriptCall(&yes{}), id, ng)
			return o, err
		},
		func() (*Outcome, error) {
			_, o, err := b.eng.PutAutoScalingPolicy(ctx, scriptCall(&yes{}), sp)
			return o, err
		},
	}
	for i, step := range steps {
		out, err := step()
		if err != nil || out.Status != StatusSent {
			t.Fatalf("step %d: %v (%+v), want sent", i, err, out)
		}
	}
	v, err := b.eng.GetScalingPolicy(ctx, id, ng)
	if err != nil || !v.Exists {
		t.Fatalf("after put, remove, put: %+v, %v, want a policy", v, err)
	}
	_, out, err := b.eng.PutAutoScalingPolicy(ctx, scriptCall(&yes{}), sp)
	if err != nil || out.Status != StatusUnchanged {
		t.Errorf("putting the same policy again: %v, %+v, want unchanged", err, out)
	}
}

func TestIdempotencyKeyReplaysAndRefusesAnotherRequest(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	call := scriptCall(&yes{})
	call.IdempotencyKey = "ticket-42"
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	first, err := b.eng.ScaleOut(context.Background(), call, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.eng.ScaleOut(context.Background(), call, in)
	if err != nil {
		t.Fatalf("same key, same request: %v", err)
	}
	if again.Outcome.Status != StatusReplayed || again.OperationIDs[0] != first.OperationIDs[0] {
		t.Errorf("same key: status %q operations %v, want replayed with %v", again.Outcome.Status, again.OperationIDs, first.OperationIDs)
	}
	if got := b.srv.Stats()["IncreaseNodes"]; got != 1 {
		t.Errorf("IncreaseNodes calls: got %d, want 1", got)
	}
	in.Count = 3
	_, err = b.eng.ScaleOut(context.Background(), call, in)
	var kc *KeyConflictError
	if !errors.As(err, &kc) || kc.Key != "ticket-42" || !strings.Contains(err.Error(), "IncreaseNodes on "+id+"/"+ng) {
		t.Fatalf("same key, other request: got %v, want a KeyConflictError naming both", err)
	}
	bad := scriptCall(&yes{})
	bad.IdempotencyKey = "no spaces\n"
	if _, err := b.eng.ScaleOut(context.Background(), bad, in); !errors.As(err, new(*InputError)) {
		t.Errorf("malformed key: got %v, want an input error", err)
	}
}

// A response lost after the cloud applied the write: the retry proves it
// from what the engine read right after the loss, and sends nothing.
func TestLostIncreaseIsReconciledOnce(t *testing.T) {
	for _, applied := range []bool{true, false} {
		name := "dropped after apply"
		if !applied {
			name = "failed before apply"
		}
		t.Run(name, func(t *testing.T) {
			b := newBed(t)
			id := b.createDev()
			ng := b.addTask(id, 2)
			if applied {
				b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", DropResponses: 1})
			} else {
				b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(time.Hour)})
			}
			in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err := b.eng.ScaleOut(ctx, scriptCall(&yes{}), in)
			cancel()
			if !errors.As(err, new(*OutcomeUnknownError)) {
				t.Fatalf("first: got %v, want an unknown outcome", err)
			}
			b.srv.ClearFaults()
			res, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in)
			if err != nil {
				t.Fatalf("retry: %v", err)
			}
			want, wantCalls, wantStatus := 4, 1, StatusReconciled
			if !applied {
				wantCalls, wantStatus = 1, StatusSent
			}
			if got := b.liveNodes(id, ng); got != want {
				t.Errorf("nodes: got %d, want %d", got, want)
			}
			if got := b.srv.Stats()["IncreaseNodes"]; got != wantCalls+boolInt(!applied) {
				t.Errorf("IncreaseNodes calls: got %d", got)
			}
			if res.Outcome.Status != wantStatus {
				t.Errorf("retry status %q, want %q", res.Outcome.Status, wantStatus)
			}
			es := b.entries(opIncreaseNodes)
			if es[len(es)-1].Status == journal.StatusUnknown || es[len(es)-1].Status == journal.StatusPending {
				t.Errorf("the lost attempt stays %s, want it settled", es[len(es)-1].Status)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A lost +2, then another operator's +2 (another journal), then the
// retry: +4, never +2 or +6.
func TestLostIncreaseThenAnotherActorsIncrease(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	other := b.engine(filepath.Join(t.TempDir(), "other.db"))
	b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", DropResponses: 1})
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	if _, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in); !errors.As(err, new(*OutcomeUnknownError)) {
		t.Fatalf("lost: %v", err)
	}
	if _, err := other.ScaleOut(context.Background(), scriptCall(&yes{}), in); err != nil {
		t.Fatalf("other actor: %v", err)
	}
	res, err := b.eng.ScaleOut(context.Background(), scriptCall(&yes{}), in)
	var ct *CannotTellError
	switch {
	case errors.As(err, &ct):
		// An honest answer; the group must not have changed.
	case err != nil:
		t.Fatalf("retry: %v", err)
	case res.Outcome.Status != StatusReconciled:
		t.Errorf("retry status %q, want reconciled", res.Outcome.Status)
	}
	if got := b.liveNodes(id, ng); got != 5 {
		t.Errorf("nodes: got %d, want 5 (1 + 2 lost but applied + 2 of the other actor)", got)
	}
}

// Without evidence read after the loss (the process died), new nodes that
// another actor may have added make the retry say it cannot tell; a
// person's resolution then lets it go on.
func TestCannotTellThenResolve(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	ctx := context.Background()
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	a := b.crashedIncrease(in, journal.Owner{ID: "gone", Host: "elsewhere", PID: 1}, time.Now().Add(-10*time.Minute))
	// Someone else adds 2 nodes now: the crashed attempt never did.
	other := b.engine(filepath.Join(t.TempDir(), "other.db"))
	if _, err := other.ScaleOut(ctx, scriptCall(&yes{}), in); err != nil {
		t.Fatal(err)
	}
	_, err := b.eng.ScaleOut(ctx, scriptCall(&yes{}), in)
	var ct *CannotTellError
	if !errors.As(err, &ct) || ct.JournalID != a.ID {
		t.Fatalf("retry: got %v, want cannot tell about entry %d", err, a.ID)
	}
	if got := b.liveNodes(id, ng); got != 3 {
		t.Errorf("nodes after cannot tell: %d, want 3 (nothing sent)", got)
	}
	if _, err := b.eng.Resolve(ctx, scriptCall(&yes{}), a.ID, false); err != nil {
		t.Fatal(err)
	}
	res, err := b.eng.ScaleOut(ctx, scriptCall(&yes{}), in)
	if err != nil || res.Outcome.Status != StatusSent {
		t.Fatalf("after resolving: %v %+v, want sent", err, res)
	}
	if got := b.liveNodes(id, ng); got != 5 {
		t.Errorf("nodes: %d, want 5", got)
	}
}

// Identical calls in flight at once, from engines sharing one journal (two
// processes of one HOME): one send, the other joins and says so.
func TestIdenticalCallsInFlightJoin(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	engines := []*Engine{b.eng, b.engine(b.jpath), b.engine(b.jpath)}
	b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(500 * time.Millisecond)})
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 2}
	var wg sync.WaitGroup
	results := make([]*ScaleResult, len(engines))
	errs := make([]error, len(engines))
	for i, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call := scriptCall(&yes{})
			call.Progress = func(string) {}
			results[i], errs[i] = e.ScaleOut(context.Background(), call, in)
		}()
	}
	wg.Wait()
	sent, joined := 0, 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		switch results[i].Outcome.Status {
		case StatusSent:
			sent++
		case StatusJoined:
			joined++
		}
	}
	if sent != 1 || joined != 2 {
		t.Errorf("sent %d, joined %d; want 1 and 2", sent, joined)
	}
	if got := b.srv.Stats()["IncreaseNodes"]; got != 1 {
		t.Errorf("IncreaseNodes calls: %d, want 1", got)
	}
	if got := b.liveNodes(id, ng); got != 3 {
		t.Errorf("nodes: %d, want 3", got)
	}
}

// Parallel scale-ins of one group, each of one node, from engines sharing
// the journal: every release waits the policy's interval after the last.
func TestParallelScaleInsKeepTheInterval(t *testing.T) {
	const scale = 600 // 120 s of policy interval = 200 ms here
	b := newBed(t, func(o *Options) { o.TimeScale = scale })
	id := b.createDev()
	ng := b.addTask(id, 6)
	st, err := b.eng.readGroup(context.Background(), id, ng)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range 5 {
		e := b.engine(b.jpath)
		node := st.nodes[i].ID
		wg.Add(1)
		go func() {
			defer wg.Done()
			call := scriptCall(&yes{})
			call.Progress = func(string) {}
			_, errs[i] = e.ScaleIn(context.Background(), call, ScaleInInput{ClusterID: id, NodeGroupID: ng, NodeIDs: []string{node}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("scale-in %d: %v", i, err)
		}
	}
	es := b.entries(opDecreaseNodes)
	if len(es) != 5 {
		t.Fatalf("DecreaseNodes attempts: %d, want 5", len(es))
	}
	var times []time.Time
	for _, e := range es {
		times = append(times, e.Time)
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	min := 120 * time.Second / scale
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < min {
			t.Errorf("releases %d and %d are %s apart, want at least %s", i-1, i, gap, min)
		}
	}
	if got := b.liveNodes(id, ng); got != 1 {
		t.Errorf("nodes left: %d, want 1", got)
	}
}

func TestCreateAgainSaysTheClusterExists(t *testing.T) {
	b := newBed(t)
	first := b.createDev()
	ctx := context.Background()
	res, err := b.eng.CreateCluster(ctx, scriptCall(&yes{}), CreateClusterInput{Spec: loadExample(t, "dev-cluster.yaml"), Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome.Status != StatusExists || res.ClusterID != first || res.State == "" || !strings.Contains(res.Outcome.Note, "--another") {
		t.Errorf("create again: %+v %+v, want exists with the first cluster and the way to create another", res, res.Outcome)
	}
	if got := b.clusters(); got != 1 {
		t.Errorf("clusters: %d, want 1", got)
	}
	res, err = b.eng.CreateCluster(ctx, scriptCall(&yes{}), CreateClusterInput{Spec: loadExample(t, "dev-cluster.yaml"), Getenv: noEnv, Another: true})
	if err != nil || res.Outcome.Status != StatusSent || res.ClusterID == first {
		t.Errorf("create --another: %v %+v, want a new cluster", err, res)
	}
	if got := b.clusters(); got != 2 {
		t.Errorf("clusters: %d, want 2", got)
	}
}

// Agents' re-delivered calls are answered from the record, and said so;
// an intervening opposite write makes the same call new again.
func TestReplayWindowForAgents(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	call := agentCall(&yes{cost: true})
	call.ReplayWindow = time.Minute
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 1}
	if _, err := b.eng.ScaleOut(context.Background(), call, in); err != nil {
		t.Fatal(err)
	}
	again, err := b.eng.ScaleOut(context.Background(), call, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.Outcome.Status != StatusReplayed || !strings.Contains(again.Outcome.Note, "NOT applied again") || !strings.Contains(again.Outcome.Note, "idempotencyKey") {
		t.Errorf("re-delivered call: %+v, want replayed saying it was not applied and how to apply it", again.Outcome)
	}
	if got := b.liveNodes(id, ng); got != 2 {
		t.Errorf("nodes: %d, want 2", got)
	}
	call.IdempotencyKey = "second-on-purpose"
	if res, err := b.eng.ScaleOut(context.Background(), call, in); err != nil || res.Outcome.Status != StatusSent {
		t.Errorf("with a new key: %v %+v, want sent", err, res)
	}
}

func agentCall(c Confirmer) Call {
	a := scriptCall(c)
	a.Actor.Kind, a.Actor.Name, a.Actor.Client = "agent", "claude", "claude/1"
	return a
}

// A killed scale-in leaves its plan open: the next identical run resumes
// the same nodes, settles the killed batch and keeps the interval after it.
func TestInterruptedPlanResumesAndKeepsTheInterval(t *testing.T) {
	const scale = 600
	b := newBed(t, func(o *Options) { o.TimeScale = scale })
	id := b.createDev()
	ng := b.addTask(id, 4)
	ctx := context.Background()
	b.srv.AddFault(emulator.FaultRule{Action: "DecreaseNodes", DropResponses: 1})
	in := ScaleInInput{ClusterID: id, NodeGroupID: ng, Count: 3, BatchSize: 2}
	if _, err := b.eng.ScaleIn(ctx, scriptCall(&yes{}), in); !errors.As(err, new(*OutcomeUnknownError)) {
		t.Fatalf("first: %v, want unknown", err)
	}
	lost := b.entries(opDecreaseNodes)[0]
	res, err := b.eng.ScaleIn(ctx, scriptCall(&yes{}), in)
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if !strings.Contains(strings.Join(res.Notes, " "), "resuming") {
		t.Errorf("notes %v, want the resumed plan named", res.Notes)
	}
	if got := b.liveNodes(id, ng); got != 1 {
		t.Errorf("nodes: %d, want 1", got)
	}
	es := b.entries(opDecreaseNodes)
	if len(es) != 2 {
		t.Fatalf("DecreaseNodes attempts: %d, want 2 (the lost batch and the rest)", len(es))
	}
	if settled, _ := b.eng.opts.Journal.Get(ctx, lost.ID); settled.Status != journal.StatusSucceeded {
		t.Errorf("the lost batch is %s, want settled succeeded", settled.Status)
	}
	if gap := es[0].Time.Sub(lost.Time); gap < 120*time.Second/scale {
		t.Errorf("the resumed batch came %s after the lost one, want at least %s", gap, 120*time.Second/scale)
	}
}

// crashedIncrease journals a scale-out as a process does just before it
// sends it, owned by owner, and leaves it there: what a crash between
// journal and send leaves behind.
func (b *bed) crashedIncrease(in ScaleOutInput, owner journal.Owner, at time.Time) *journal.Attempt {
	b.t.Helper()
	st, err := b.eng.readGroup(context.Background(), in.ClusterID, in.NodeGroupID)
	if err != nil {
		b.t.Fatal(err)
	}
	obs := observe(st)
	obs.Count = in.Count
	intent := b.eng.intent(scriptCall(&yes{}), opIncreaseNodes, groupTarget(in.ClusterID, in.NodeGroupID), map[string]any{"crashed": true})
	intent.Identity = map[string]any{"count": in.Count, "minCount": 0, "paymentDuration": 0, "paymentUnit": ""}
	intent.Observed, intent.Owner, intent.Lease, intent.Now = obs, owner, time.Millisecond, at
	a, err := b.eng.opts.Journal.Begin(context.Background(), intent)
	if err != nil {
		b.t.Fatal(err)
	}
	return a
}

// Identical calls with different idempotency keys are different writes on
// purpose: they run one after the other, and both are sent.
func TestCallsWithDifferentKeysDoNotJoin(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 1)
	other := b.engine(b.jpath)
	b.srv.AddFault(emulator.FaultRule{Action: "IncreaseNodes", Latency: emulator.Duration(300 * time.Millisecond)})
	in := ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 1}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, e := range []*Engine{b.eng, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call := scriptCall(&yes{})
			call.IdempotencyKey, call.Progress = "run-"+string(rune('a'+i)), func(string) {}
			_, errs[i] = e.ScaleOut(context.Background(), call, in)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := b.srv.Stats()["IncreaseNodes"]; got != 2 {
		t.Errorf("IncreaseNodes calls: %d, want 2", got)
	}
	if got := b.liveNodes(id, ng); got != 3 {
		t.Errorf("nodes: %d, want 3", got)
	}
}
