package engine

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

// The sandbox's seeded Serverless Spark inventory (internal/emulator).
const (
	seedWS     = "w-sandbox000000001"
	seedKyuubi = "kb-sandbox0000000000000000000001"
	sparkPi    = "oss://emrctl-sandbox-spark/jars/spark-examples.jar"
	streamJar  = "oss://emrctl-sandbox-spark/jars/streaming-app.jar"
)

// no is a confirmer that declines, recording what it was shown.
type no struct{ asked []Confirmation }

func (n *no) Confirm(_ context.Context, c Confirmation) (Answer, error) {
	n.asked = append(n.asked, c)
	return Answer{}, nil
}

func sparkJar(name, entry string) provider.SparkJobRunInput {
	return provider.SparkJobRunInput{Name: name, CodeType: provider.SparkCodeJAR, Queue: "dev_queue", EntryPoint: entry,
		MainClass: "org.apache.spark.examples.SparkPi", Conf: map[string]string{"spark.executor.instances": "1"}}
}

// submit starts a job run as a script and returns its ID.
func (b *bed) submit(in provider.SparkJobRunInput) string {
	b.t.Helper()
	res, err := b.eng.SubmitSparkJob(context.Background(), scriptCall(&yes{}), seedWS, in)
	if err != nil {
		b.t.Fatalf("submit %s: %v", in.Name, err)
	}
	return res.ID
}

// session creates and starts a session cluster, returning its ID.
func (b *bed) session(name string) string {
	b.t.Helper()
	ctx := context.Background()
	res, err := b.eng.CreateSparkSession(ctx, scriptCall(&yes{}), seedWS, provider.SparkSessionInput{Name: name, Queue: "dev_queue"})
	if err != nil {
		b.t.Fatalf("create session: %v", err)
	}
	if _, err := b.eng.StartSparkSession(ctx, scriptCall(&yes{}), seedWS, res.ID, ""); err != nil {
		b.t.Fatalf("start session: %v", err)
	}
	if _, err := b.eng.WaitSparkSession(ctx, seedWS, res.ID, WaitOptions{}); err != nil {
		b.t.Fatalf("wait session: %v", err)
	}
	return res.ID
}

// token creates a Kyuubi token on the seeded service.
func (b *bed) token(name string) *SparkResult {
	b.t.Helper()
	res, err := b.eng.CreateSparkKyuubiToken(context.Background(), scriptCall(&yes{}), seedWS, seedKyuubi, provider.SparkKyuubiTokenInput{Name: name})
	if err != nil {
		b.t.Fatalf("create token: %v", err)
	}
	return res
}

// TestSparkDestructiveActs drives every destructive act of the seed's
// table through the engine: each is refused or confirmed as the seed
// says, its pre-check request reaches the service (the emulator counts
// it), and nothing is sent without the person's yes.
func TestSparkDestructiveActs(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// setup prepares the state and returns the act; act calls the
		// engine with call.
		setup    func(b *bed) func(call Call) error
		precheck string // the read the engine makes first
		sent     string // the write
		// refused: the policy refuses it (rule), else a confirmation
		// whose summary contains impact.
		refused string
		impact  string
	}{
		{
			name: "DeleteWorkspace, always refused", sent: "DeleteWorkspace", refused: policy.RuleSparkWorkspaceDeletion,
			setup: func(b *bed) func(Call) error {
				return func(call Call) error { return b.eng.DeleteSparkWorkspace(ctx, call, seedWS) }
			},
		},
		{
			name: "CancelJobRun of a finished run", precheck: "GetJobRun", sent: "CancelJobRun", refused: policy.RuleSparkPreCheck,
			setup: func(b *bed) func(Call) error {
				id := b.submit(sparkJar("pi", sparkPi))
				if _, err := b.eng.WaitSparkJobRun(ctx, seedWS, id, WaitOptions{}); err != nil {
					b.t.Fatal(err)
				}
				return func(call Call) error { _, err := b.eng.CancelSparkJobRun(ctx, call, seedWS, id); return err }
			},
		},
		{
			name: "CancelJobRun of a running run", precheck: "GetJobRun", sent: "CancelJobRun", impact: "results it has not written yet may be lost",
			setup: func(b *bed) func(Call) error {
				in := sparkJar("stream", streamJar)
				in.MainClass = "com.example.StreamingApp"
				id := b.submit(in)
				if _, err := b.eng.WaitSparkJobRun(ctx, seedWS, id, WaitOptions{Target: provider.SparkRunRunning}); err != nil {
					b.t.Fatal(err)
				}
				return func(call Call) error { _, err := b.eng.CancelSparkJobRun(ctx, call, seedWS, id); return err }
			},
		},
		{
			name: "DeleteSessionCluster of a running session", precheck: "GetSessionCluster", sent: "DeleteSessionCluster", refused: policy.RuleSparkPreCheck,
			setup: func(b *bed) func(Call) error {
				id := b.session("dev")
				return func(call Call) error { _, err := b.eng.DeleteSparkSession(ctx, call, seedWS, id); return err }
			},
		},
		{
			name: "DeleteSessionCluster of a stopped session", precheck: "GetSessionCluster", sent: "DeleteSessionCluster", impact: "permanently deletes session cluster",
			setup: func(b *bed) func(Call) error {
				id := b.session("dev")
				if _, err := b.eng.StopSparkSession(ctx, scriptCall(&yes{}), seedWS, id, ""); err != nil {
					b.t.Fatal(err)
				}
				if _, err := b.eng.WaitSparkSession(ctx, seedWS, id, WaitOptions{Target: provider.SparkSessionStopped}); err != nil {
					b.t.Fatal(err)
				}
				return func(call Call) error { _, err := b.eng.DeleteSparkSession(ctx, call, seedWS, id); return err }
			},
		},
		{
			name: "StopSessionCluster", precheck: "GetSessionCluster", sent: "StopSessionCluster", impact: "the session's state is lost",
			setup: func(b *bed) func(Call) error {
				id := b.session("dev")
				return func(call Call) error { _, err := b.eng.StopSparkSession(ctx, call, seedWS, id, ""); return err }
			},
		},
		{
			name: "DeleteKyuubiService of a running service", precheck: "GetKyuubiService", sent: "DeleteKyuubiService", refused: policy.RuleSparkPreCheck,
			setup: func(b *bed) func(Call) error {
				return func(call Call) error { _, err := b.eng.DeleteSparkKyuubi(ctx, call, seedWS, seedKyuubi); return err }
			},
		},
		{
			name: "DeleteKyuubiService of a stopped service", precheck: "ListKyuubiSparkApplications", sent: "DeleteKyuubiService", impact: "permanently deletes Kyuubi service",
			setup: func(b *bed) func(Call) error {
				if _, err := b.eng.StopSparkKyuubi(ctx, scriptCall(&yes{}), seedWS, seedKyuubi); err != nil {
					b.t.Fatal(err)
				}
				return func(call Call) error { _, err := b.eng.DeleteSparkKyuubi(ctx, call, seedWS, seedKyuubi); return err }
			},
		},
		{
			name: "StopKyuubiService", precheck: "ListKyuubiSparkApplications", sent: "StopKyuubiService",
			impact: "disconnects every JDBC connection (1 running application)",
			setup: func(b *bed) func(Call) error {
				return func(call Call) error { _, err := b.eng.StopSparkKyuubi(ctx, call, seedWS, seedKyuubi); return err }
			},
		},
		{
			name: "DeleteKyuubiToken", precheck: "GetKyuubiToken", sent: "DeleteKyuubiToken", impact: "connections using this token will fail authentication",
			setup: func(b *bed) func(Call) error {
				id := b.token("ci").ID
				return func(call Call) error {
					_, err := b.eng.DeleteSparkKyuubiToken(ctx, call, seedWS, seedKyuubi, id)
					return err
				}
			},
		},
		{
			name: "CancelKyuubiSparkApplication", precheck: "ListKyuubiSparkApplications", sent: "CancelKyuubiSparkApplication", impact: "aborts the running Spark query",
			setup: func(b *bed) func(Call) error {
				return func(call Call) error {
					_, err := b.eng.CancelSparkKyuubiApp(ctx, call, seedWS, seedKyuubi, "spark-sandbox00000000000000000000000002")
					return err
				}
			},
		},
		{
			name: "CancelKyuubiSparkApplication of a finished one", precheck: "ListKyuubiSparkApplications", sent: "CancelKyuubiSparkApplication", refused: policy.RuleSparkPreCheck,
			setup: func(b *bed) func(Call) error {
				return func(call Call) error {
					_, err := b.eng.CancelSparkKyuubiApp(ctx, call, seedWS, seedKyuubi, "spark-sandbox00000000000000000000000001")
					return err
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBed(t)
			act := tt.setup(b)
			before := b.srv.Stats()
			decline := &no{}
			err := act(Call{Actor: policy.Actor{Kind: policy.Human, Name: "ana"}, Confirm: decline})
			after := b.srv.Stats()
			if tt.precheck != "" && after[tt.precheck] <= before[tt.precheck] {
				t.Errorf("pre-check %s: got %d calls before and %d after, want it made", tt.precheck, before[tt.precheck], after[tt.precheck])
			}
			if n := after[tt.sent] - before[tt.sent]; n != 0 {
				t.Errorf("%s sent %d times without a yes, want 0", tt.sent, n)
			}
			if tt.refused != "" {
				var pe *PolicyError
				if !errors.As(err, &pe) || pe.Limit != tt.refused {
					t.Fatalf("got %v, want a refusal by %s", err, tt.refused)
				}
				if len(decline.asked) != 0 {
					t.Errorf("a refused act asked the person: %v", decline.asked[0].Summary)
				}
				if tt.sent == "DeleteWorkspace" && !strings.Contains(err.Error(), "https://emr-next.console.aliyun.com/") {
					t.Errorf("refusal %q: want the console pointer", err)
				}
				return
			}
			if !errors.Is(err, ErrNotConfirmed) || len(decline.asked) != 1 {
				t.Fatalf("declined: got %v after %d questions, want not confirmed after 1", err, len(decline.asked))
			}
			if s := decline.asked[0].Summary.String(); !strings.HasPrefix(s, "About to execute: "+tt.sent+",") || !strings.Contains(s, tt.impact) {
				t.Errorf("summary %q: want the seed's template for %s with %q", s, tt.sent, tt.impact)
			}
			if err := act(Call{Actor: policy.Actor{Kind: policy.Human, Name: "ana"}, Confirm: &yes{}}); err != nil {
				t.Fatalf("confirmed: %v", err)
			}
			if n := b.srv.Stats()[tt.sent] - after[tt.sent]; n != 1 {
				t.Errorf("%s sent %d times after a yes, want 1", tt.sent, n)
			}
		})
	}
}

// TestSparkDeleteWorkspaceRefusedForEveryone: nobody deletes a workspace
// through emrctl, whatever the policy file loosens, and nothing reaches
// the service.
func TestSparkDeleteWorkspaceRefusedForEveryone(t *testing.T) {
	b := newBed(t, func(o *Options) {
		o.Policy = &policy.Policy{Limits: policy.DefaultLimits(), AllowClusterDeletion: true}
	})
	before := b.srv.Stats()
	for _, k := range []policy.ActorKind{policy.Human, policy.Script, policy.Agent, policy.Service} {
		err := b.eng.DeleteSparkWorkspace(context.Background(), Call{Actor: policy.Actor{Kind: k, Name: "x"}, Confirm: &yes{cost: true}}, seedWS)
		var pe *PolicyError
		if !errors.As(err, &pe) || pe.Limit != policy.RuleSparkWorkspaceDeletion {
			t.Errorf("%s: got %v, want the workspace deletion refusal", k, err)
		}
	}
	if diff := statsDiff(before, b.srv.Stats()); len(diff) != 0 {
		t.Errorf("requests made for a refused deletion: %v", diff)
	}
}

// statsDiff lists the actions whose counts changed.
func statsDiff(before, after map[string]int) []string {
	var out []string
	for k, v := range after {
		if v != before[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestSparkSubmitLostResponseRunsOnce: StartJobRun whose answer was lost
// is sent again with the same client token, so the service answers the
// same run: one job run, two journal attempts sharing one token.
func TestSparkSubmitLostResponseRunsOnce(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	b.srv.AddFault(emulator.FaultRule{Action: "StartJobRun", DropResponses: 1})
	in := sparkJar("once", sparkPi)
	_, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in)
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) {
		t.Fatalf("first submit: got %v, want an unknown outcome", err)
	}
	res, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	runs, err := b.eng.SparkJobRuns(ctx, seedWS, provider.SparkJobRunFilter{Name: "once"})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].ID != res.ID {
		t.Errorf("job runs named once: got %d (%v), want exactly %s", len(runs), runIDs(runs), res.ID)
	}
	es := b.entries(opSparkSubmitJob)
	if len(es) != 2 || es[0].Token != es[1].Token || es[0].TokenKind != journal.TokenClient {
		t.Fatalf("journal: got %d attempts (tokens %v), want 2 sharing one client token", len(es), tokens(es))
	}
	for _, e := range es {
		if e.Status != journal.StatusSucceeded || len(e.ResultIDs) != 1 || e.ResultIDs[0] != res.ID {
			t.Errorf("journal entry %d: got %s %v, want succeeded with %s", e.ID, e.Status, e.ResultIDs, res.ID)
		}
	}
}

// TestSparkSubmitReconciledAfterTokenWindow: past the client token's
// window, a lost StartJobRun is not sent again: the run carrying its
// request tag is found and the retry answers it.
func TestSparkSubmitReconciledAfterTokenWindow(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	b.srv.AddFault(emulator.FaultRule{Action: "StartJobRun", DropResponses: 1})
	in := sparkJar("late", sparkPi)
	if _, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in); err == nil {
		t.Fatal("first submit: got success, want an unknown outcome")
	}
	later := b.engine(b.jpath, func(o *Options) {
		o.Now = func() time.Time { return time.Now().Add(provider.TokenWindow + time.Minute) }
	})
	res, err := later.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if res.Outcome.Status != StatusReconciled || res.ID == "" {
		t.Errorf("retry outcome: got %s (%s), want reconciled with the run's ID", res.Outcome.Status, res.ID)
	}
	if n := b.srv.Stats()["StartJobRun"]; n != 1 {
		t.Errorf("StartJobRun calls: got %d, want 1 (the lost one only)", n)
	}
	runs, err := b.eng.SparkJobRuns(ctx, seedWS, provider.SparkJobRunFilter{Name: "late"})
	if err != nil || len(runs) != 1 || runs[0].ID != res.ID {
		t.Errorf("job runs named late: got %v, %v; want exactly %s", runIDs(runs), err, res.ID)
	}
}

func runIDs(runs []provider.SparkJobRun) []string {
	var out []string
	for _, r := range runs {
		out = append(out, r.ID)
	}
	return out
}

// TestSparkTokenNeverJournaled: a created token's value is returned once
// and appears nowhere in the journal's files or the logs.
func TestSparkTokenNeverJournaled(t *testing.T) {
	b := newBed(t)
	res := b.token("bi-tool")
	if len(res.Token) != provider.SparkTokenLength || res.ID == "" {
		t.Fatalf("created token: got value of %d characters and ID %q, want %d and an ID", len(res.Token), res.ID, provider.SparkTokenLength)
	}
	given := "0123456789abcdefghijklmnopqrstuv"
	if _, err := b.eng.UpdateSparkKyuubiToken(context.Background(), scriptCall(&yes{}), seedWS, seedKyuubi, res.ID,
		provider.SparkKyuubiTokenInput{Value: given}); err != nil {
		t.Fatalf("replace the value: %v", err)
	}
	if len(b.entries(opSparkCreateToken)) != 1 || len(b.entries(opSparkUpdateToken)) != 1 {
		t.Fatal("the token writes were not journaled")
	}
	b.eng.opts.Journal.Close()
	files, err := filepath.Glob(filepath.Join(filepath.Dir(b.jpath), "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("journal files: %v %v", files, err)
	}
	for _, secret := range []string{res.Token, given} {
		for _, name := range files {
			raw, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s holds a token value", filepath.Base(name))
			}
		}
		if strings.Contains(b.logs.String(), secret) {
			t.Error("the logs hold a token value")
		}
	}
}

// TestSparkTokenValueOnlyForItsCreator: a call answered from the record of
// another (an idempotency key used again) gets no value.
func TestSparkTokenValueOnlyForItsCreator(t *testing.T) {
	b := newBed(t)
	call := scriptCall(&yes{})
	call.IdempotencyKey = "token-1"
	in := provider.SparkKyuubiTokenInput{Name: "ci", Value: "abcdefghijklmnopqrstuvwxyz012345"}
	first, err := b.eng.CreateSparkKyuubiToken(context.Background(), call, seedWS, seedKyuubi, in)
	if err != nil || first.Token != in.Value {
		t.Fatalf("create: got %v, %v; want the value back", first, err)
	}
	again, err := b.eng.CreateSparkKyuubiToken(context.Background(), call, seedWS, seedKyuubi, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.Outcome.Status != StatusReplayed || again.Token != "" || again.ID != first.ID {
		t.Errorf("repeat: got %s with value %q and ID %s, want replayed without a value, ID %s", again.Outcome.Status, again.Token, again.ID, first.ID)
	}
}

// TestSparkQueueLimits: the engine reads the workspace and its queues,
// the policy refuses more CU than the workspace holds and asks for a cost
// acknowledgement past the queue limits.
func TestSparkQueueLimits(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	scale := func(c Confirmer, ws, queue string, cu int) error {
		_, err := b.eng.ScaleSparkQueue(ctx, scriptCall(c), provider.SparkQueueEdit{WorkspaceID: ws, Queue: queue, CU: cu})
		return err
	}
	// The seeded workspace holds 200 CU: root_queue 150, dev_queue 50.
	before := b.srv.Stats()
	var pe *PolicyError
	if err := scale(&yes{cost: true}, seedWS, "dev_queue", 60); !errors.As(err, &pe) || pe.Limit != policy.RuleSparkWorkspaceCU {
		t.Fatalf("beyond the workspace's CU: got %v, want a refusal by %s", err, policy.RuleSparkWorkspaceCU)
	}
	after := b.srv.Stats()
	if after["ListWorkspaceQueues"] == before["ListWorkspaceQueues"] || after["EditWorkspaceQueue"] != before["EditWorkspaceQueue"] {
		t.Errorf("pre-check: got %v, want the queues read and nothing sent", statsDiff(before, after))
	}
	if err := scale(&yes{}, seedWS, "root_queue", 100); err != nil {
		t.Fatalf("scale down: %v", err)
	}
	// A big workspace: root_queue 750, dev_queue 250 of 1000 CU.
	var asked no
	_, err := b.eng.CreateSparkWorkspace(ctx, scriptCall(&asked), provider.SparkWorkspaceInput{Name: "big", OSSBucket: "oss://my-spark-bucket/",
		RAMRole: "AliyunEMRSparkJobRunDefaultRole", PaymentType: provider.SparkPayAsYouGo, CU: 1000})
	if !errors.Is(err, ErrNotConfirmed) || len(asked.asked) != 1 || !asked.asked[0].NeedsCostAck {
		t.Fatalf("create a 1000 CU workspace, declined: got %v, want a cost acknowledgement asked", err)
	}
	res, err := b.eng.CreateSparkWorkspace(ctx, scriptCall(&yes{cost: true}), provider.SparkWorkspaceInput{Name: "big", OSSBucket: "oss://my-spark-bucket/",
		RAMRole: "AliyunEMRSparkJobRunDefaultRole", PaymentType: provider.SparkPayAsYouGo, CU: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.eng.WaitSparkWorkspace(ctx, res.ID, WaitOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := scale(&yes{}, res.ID, "root_queue", 100); err != nil {
		t.Fatalf("scale root_queue down: %v", err)
	}
	tests := []struct {
		name     string
		cu       int
		wantCost bool
	}{
		// dev_queue 250 -> 100: a scale-down, confirmed without cost.
		{name: "scaled down", cu: 100, wantCost: false},
		// 100 -> 250: 150 CU at once (over 50), 350 in total (over 200).
		{name: "grows 150 CU at once", cu: 250, wantCost: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c no
			err := scale(&c, res.ID, "dev_queue", tt.cu)
			if !errors.Is(err, ErrNotConfirmed) || len(c.asked) != 1 || c.asked[0].NeedsCostAck != tt.wantCost {
				t.Fatalf("got %v, %+v; want a confirmation with cost acknowledgement %v", err, c.asked, tt.wantCost)
			}
			if err := scale(&yes{}, res.ID, "dev_queue", tt.cu); (err == nil) == tt.wantCost {
				t.Errorf("a yes without the cost acknowledgement: got %v, want refused: %v", err, tt.wantCost)
			}
			if err := scale(&yes{cost: true}, res.ID, "dev_queue", tt.cu); err != nil && tt.wantCost {
				t.Errorf("with the cost acknowledged: %v", err)
			}
		})
	}
}

// TestSparkAgentRules: an agent's job run uses code from the user's own
// buckets only and no Spark property that loads code; nothing is sent
// otherwise. The same job from a person is submitted.
func TestSparkAgentRules(t *testing.T) {
	b := newBed(t, func(o *Options) { o.OwnBuckets = []string{"emrctl-sandbox-spark"} })
	ctx := context.Background()
	own := sparkJar("own", sparkPi)
	tests := []struct {
		name   string
		change func(*provider.SparkJobRunInput)
		field  string // the InputError's field, or "" for a policy refusal
	}{
		{name: "entry point in a foreign bucket", change: func(j *provider.SparkJobRunInput) { j.EntryPoint = "oss://my-bucket/jars/my-app.jar" }},
		{name: "jar from a foreign bucket", change: func(j *provider.SparkJobRunInput) { j.Jars = []string{"oss://my-bucket/jars/my-etl.jar"} }},
		{name: "spark.jars from a foreign URL", change: func(j *provider.SparkJobRunInput) { j.Conf["spark.jars"] = "https://example.com/evil.jar" }},
		{name: "a local entry point", change: func(j *provider.SparkJobRunInput) { j.EntryPoint = "local:///opt/evil.jar" }},
		{name: "driver Java options", field: "conf.spark.driver.extraJavaOptions",
			change: func(j *provider.SparkJobRunInput) { j.Conf["spark.driver.extraJavaOptions"] = "-javaagent:x.jar" }},
		{name: "executor class path", field: "conf.spark.executor.extraClassPath",
			change: func(j *provider.SparkJobRunInput) { j.Conf["spark.executor.extraClassPath"] = "/tmp" }},
		{name: "python worker", field: "conf.spark.python.worker.module",
			change: func(j *provider.SparkJobRunInput) { j.Conf["spark.python.worker.module"] = "evil" }},
		{name: "configuration files", field: "configurations",
			change: func(j *provider.SparkJobRunInput) {
				j.Configurations = []provider.SparkConfigItem{{File: "spark-defaults.conf", Key: "spark.plugins", Value: "x"}}
			}},
	}
	agent := Call{Actor: policy.Actor{Kind: policy.Agent, Name: "bot"}, Confirm: &yes{cost: true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := sparkJar("agent-"+strings.ReplaceAll(tt.name, " ", "-"), sparkPi)
			tt.change(&in)
			before := b.srv.Stats()["StartJobRun"]
			_, err := b.eng.SubmitSparkJob(ctx, agent, seedWS, in)
			var pe *PolicyError
			var ie *InputError
			switch {
			case tt.field == "" && (!errors.As(err, &pe) || pe.Limit != policy.RuleOwnBuckets):
				t.Errorf("got %v, want a refusal by %s", err, policy.RuleOwnBuckets)
			case tt.field != "" && (!errors.As(err, &ie) || !slices.ContainsFunc(ie.Problems, func(p FieldProblem) bool { return p.Field == tt.field })):
				t.Errorf("got %v, want an input error on %s", err, tt.field)
			}
			if n := b.srv.Stats()["StartJobRun"] - before; n != 0 {
				t.Errorf("StartJobRun sent %d times for the agent, want 0", n)
			}
			if _, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in); err != nil && !errors.As(err, &ie) {
				t.Errorf("the same job from a person: %v", err)
			}
		})
	}
	asked := &yes{}
	if _, err := b.eng.SubmitSparkJob(ctx, Call{Actor: agent.Actor, Confirm: asked}, seedWS, own); err != nil {
		t.Fatalf("an agent's job from its own bucket: %v", err)
	}
	if len(asked.asked) != 1 || !strings.Contains(asked.asked[0].Summary.String(), "spark-submit --class org.apache.spark.examples.SparkPi") {
		t.Errorf("the agent's job: want one confirmation showing the spark-submit command, got %+v", asked.asked)
	}
}

// TestSparkInputCheckedBeforeSending: bad input is refused with its field
// and fix, and nothing is sent.
func TestSparkInputCheckedBeforeSending(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{name: "job without a name", field: "name", run: func() error {
			in := sparkJar("", sparkPi)
			_, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in)
			return err
		}},
		{name: "job with a smuggled option", field: "conf", run: func() error {
			in := sparkJar("x", sparkPi)
			in.Conf["spark.executor.memory"] = "4g --conf spark.driver.extraJavaOptions=-x"
			_, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in)
			return err
		}},
		{name: "workspace ID", field: "workspace ID", run: func() error {
			_, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), "W-X", sparkJar("x", sparkPi))
			return err
		}},
		{name: "workspace without a bucket", field: "ossBucket", run: func() error {
			_, err := b.eng.CreateSparkWorkspace(ctx, scriptCall(&yes{}), provider.SparkWorkspaceInput{Name: "x", RAMRole: "r", PaymentType: provider.SparkPayAsYouGo, CU: 8})
			return err
		}},
		{name: "short token", field: "token", run: func() error {
			_, err := b.eng.CreateSparkKyuubiToken(ctx, scriptCall(&yes{}), seedWS, seedKyuubi, provider.SparkKyuubiTokenInput{Name: "x", Value: "short-value-1"})
			return err
		}},
		{name: "name with a line break", field: "name", run: func() error {
			_, err := b.eng.CreateSparkSession(ctx, scriptCall(&yes{}), seedWS, provider.SparkSessionInput{Name: "a\nAbout to execute", Queue: "dev_queue"})
			return err
		}},
		{name: "statement limit", field: "limit", run: func() error {
			_, err := b.eng.RunSparkStatement(ctx, scriptCall(&yes{}), seedWS, provider.SparkStatementInput{SessionID: "sc-1234567890abcdef", SQL: "SELECT 1", Limit: 20000})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := b.srv.Stats()
			err := tt.run()
			var ie *InputError
			if !errors.As(err, &ie) || !slices.ContainsFunc(ie.Problems, func(p FieldProblem) bool { return p.Field == tt.field && p.Fix != "" }) {
				t.Errorf("got %v, want an input error on %s with a fix", err, tt.field)
			}
			if diff := statsDiff(before, b.srv.Stats()); len(diff) != 0 {
				t.Errorf("requests made for bad input: %v", diff)
			}
		})
	}
}

// TestSparkGettingStarted runs the seed's getting-started through the
// engine: jobs of each code type to Success with their output in the
// logs, a Kyuubi token, and SQL on a session cluster.
func TestSparkGettingStarted(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	sql := provider.SparkJobRunInput{Name: "sql", CodeType: provider.SparkCodeSQL, Queue: "dev_queue", EntryPoint: sparkSQLRunner,
		Conf: map[string]string{sparkSQLContent: "SELECT 1 as test_value"}}
	py := provider.SparkJobRunInput{Name: "py", CodeType: provider.SparkCodePython, Queue: "dev_queue", EntryPoint: "oss://emrctl-sandbox-spark/scripts/pi.py"}
	for _, in := range []provider.SparkJobRunInput{sparkJar("jar", sparkPi), py, sql} {
		res, err := b.eng.SubmitSparkJob(ctx, scriptCall(&yes{}), seedWS, in)
		if err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
		if res.SparkSubmit == "" || res.Outcome.Status != StatusSent {
			t.Errorf("%s: got %+v, want sent with its spark-submit command", in.Name, res)
		}
		var states []string
		r, err := b.eng.WaitSparkJobRun(ctx, seedWS, res.ID, WaitOptions{Progress: func(s string, _ time.Duration) { states = append(states, s) }})
		if err != nil || r.State != provider.SparkRunSuccess || len(states) == 0 {
			t.Fatalf("%s: got %v after %v, want Success", in.Name, err, states)
		}
		if in.CodeType == provider.SparkCodeSQL {
			continue
		}
		log, err := b.eng.SparkJobLog(ctx, provider.SparkLogQuery{WorkspaceID: seedWS, File: r.Log.Stdout, Length: 100})
		if err != nil || !strings.Contains(strings.Join(log.Lines, "\n"), "Pi is roughly") {
			t.Errorf("%s log: got %v, %v; want the job's output", in.Name, log, err)
		}
	}
	id := b.session("notebook")
	st, err := b.eng.RunSparkStatement(ctx, scriptCall(&yes{}), seedWS, provider.SparkStatementInput{SessionID: id, SQL: "SELECT 1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.eng.WaitSparkStatement(ctx, seedWS, st.ID, WaitOptions{}); err != nil || len(got.Outputs) == 0 {
		t.Errorf("statement: got %+v, %v; want its output", got, err)
	}
	again, err := b.eng.StartSparkSession(ctx, scriptCall(&yes{}), seedWS, id, "")
	if err != nil || again.Outcome.Status != StatusUnchanged {
		t.Errorf("start a running session: got %+v, %v; want unchanged", again, err)
	}
}

// TestSparkQueueUnchanged: a queue that already has the CU asked is left
// alone, unless the change resets its elastic maximum.
func TestSparkQueueUnchanged(t *testing.T) {
	b := newBed(t)
	ctx := context.Background()
	edit := provider.SparkQueueEdit{WorkspaceID: seedWS, Queue: "dev_queue", CU: 50}
	res, err := b.eng.ScaleSparkQueue(ctx, scriptCall(&yes{}), edit)
	if err != nil || res.Outcome.Status != StatusUnchanged || b.srv.Stats()["EditWorkspaceQueue"] != 0 {
		t.Fatalf("same CU: got %+v, %v, %d edits; want unchanged with nothing sent", res, err, b.srv.Stats()["EditWorkspaceQueue"])
	}
	if _, err := b.eng.ScaleSparkQueue(ctx, scriptCall(&yes{}), provider.SparkQueueEdit{WorkspaceID: seedWS, Queue: "root_queue", CU: 100}); err != nil {
		t.Fatal(err)
	}
	edit.MaxCU = 80
	if _, err := b.eng.ScaleSparkQueue(ctx, scriptCall(&yes{}), edit); err != nil {
		t.Fatalf("elastic maximum: %v", err)
	}
	edit.MaxCU = 0
	res, err = b.eng.ScaleSparkQueue(ctx, scriptCall(&yes{}), edit)
	if err != nil || res.Outcome.Status != StatusSent {
		t.Errorf("same CU without the elastic maximum: got %+v, %v; want it sent (it resets the maximum)", res, err)
	}
}
