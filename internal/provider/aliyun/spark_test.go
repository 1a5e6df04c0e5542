package aliyun

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider"
)

// The tests below drive the adapter over HTTP against the emulator,
// through darabonba's client, on a realistic clock that the tests move
// forward: every state a wait passes through is one the emulator shows.
// The entry points and buckets are the reference's examples
// (getting-started.md, job-management.md).

// newSparkProvider returns a provider on an emulator whose clock runs at
// real speed until a test advances it.
func newSparkProvider(t *testing.T) (*Provider, *emulator.Server) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedRealistic), Throttle: emulator.ThrottleConfig{Rate: -1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cred, err := credentials.NewCredential(&credentials.Config{
		Type: ptr("access_key"), AccessKeyId: ptr(emulator.SandboxCredential.AccessKeyID), AccessKeySecret: ptr(emulator.SandboxCredential.AccessKeySecret),
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(Config{Region: testRegion, Endpoint: "sandbox.local", Insecure: true, Credential: cred, Transport: srv.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	return New(c), srv
}

// follow runs a wait of spec, moving the emulator's clock 15 s before
// every poll, so that the wait sees each state the resource passes.
func follow(t *testing.T, srv *emulator.Server, spec provider.WaitSpec, get func(context.Context) (provider.Observation, error)) (provider.Observation, error) {
	t.Helper()
	spec.Interval, spec.Timeout = time.Millisecond, 30*time.Second
	if spec.What == "" {
		spec.What = "resource"
	}
	return provider.Wait(context.Background(), spec, func(ctx context.Context) (provider.Observation, error) {
		srv.Clock().Advance(15 * time.Second)
		return get(ctx)
	})
}

func runObs(p *Provider, ws, id string) func(context.Context) (provider.Observation, error) {
	return func(ctx context.Context) (provider.Observation, error) {
		r, err := p.GetSparkJobRun(ctx, ws, id)
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: r.State, Reason: r.StateReason}, nil
	}
}

// seeded returns the sandbox's RUNNING workspace with root_queue and
// dev_queue (the reference's getting-started assumes one).
func seeded(t *testing.T, p *Provider) provider.SparkWorkspace {
	t.Helper()
	ctx := context.Background()
	page, err := p.ListSparkWorkspaces(ctx, provider.SparkWorkspaceFilter{State: provider.SparkWorkspaceRunning}, "", 100)
	if err != nil {
		t.Fatalf("ListSparkWorkspaces: %v", err)
	}
	for _, w := range page.Items {
		qs, err := p.ListSparkQueues(ctx, w.ID, "")
		if err != nil {
			t.Fatalf("ListSparkQueues(%s): %v", w.ID, err)
		}
		names := []string{}
		for _, q := range qs {
			names = append(names, q.Name)
		}
		if slices.Contains(names, "root_queue") && slices.Contains(names, "dev_queue") {
			return w
		}
	}
	t.Fatalf("no RUNNING workspace with root_queue and dev_queue among %d", len(page.Items))
	return provider.SparkWorkspace{}
}

func release(t *testing.T, p *Provider) string {
	t.Helper()
	rs, err := p.ListSparkReleases(context.Background(), provider.SparkReleaseFilter{})
	if err != nil || len(rs) == 0 {
		t.Fatalf("ListSparkReleases: got %d releases, error %v; want some", len(rs), err)
	}
	return rs[0].Version
}

func created(t *testing.T, res *provider.WriteResult, err error, prefix string) string {
	t.Helper()
	if err != nil {
		t.Fatalf("got %v, want success", err)
	}
	if len(res.IDs) == 0 || !strings.HasPrefix(res.IDs[0], prefix) || res.RequestID == "" {
		t.Fatalf("got %+v, want an ID %s... and a request ID", res, prefix)
	}
	return res.IDs[0]
}

func TestSparkReleases(t *testing.T) {
	p, _ := newSparkProvider(t)
	rs, err := p.ListSparkReleases(context.Background(), provider.SparkReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 {
		t.Fatal("got no releases, want the esr-* versions")
	}
	for _, r := range rs {
		if !strings.HasPrefix(r.Version, "esr-") || r.Spark == "" || r.Scala == "" {
			t.Errorf("release %+v: want an esr-* version with its Spark and Scala versions", r)
		}
	}
}

// TestSparkWorkspaceLifecycle: create (STARTING, then RUNNING), a repeat
// with the same client token, find, filter, page and update.
func TestSparkWorkspaceLifecycle(t *testing.T) {
	p, srv := newSparkProvider(t)
	ctx := context.Background()
	in := provider.SparkWorkspaceInput{
		Name: "my-first-spark-workspace", OSSBucket: "oss://my-spark-bucket", RAMRole: "AliyunEMRSparkJobRunDefaultRole",
		PaymentType: provider.SparkPayAsYouGo, CU: 8, ClientToken: "ws-token-1",
	}
	res, err := p.CreateSparkWorkspace(ctx, in)
	id := created(t, res, err, "w-")
	again, err := p.CreateSparkWorkspace(ctx, in)
	if err != nil || again.IDs[0] != id {
		t.Errorf("repeat with the same client token: got %+v, %v; want workspace %s again", again, err, id)
	}
	w, err := p.GetSparkWorkspace(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if w.State != provider.SparkWorkspaceStarting || w.CU != 8 || w.PaymentType != provider.SparkPayAsYouGo || w.Name != in.Name {
		t.Errorf("new workspace: got %+v, want STARTING, 8 CU, PayAsYouGo, named %s", w, in.Name)
	}
	obs, err := follow(t, srv, provider.SparkWorkspaceWait(), func(ctx context.Context) (provider.Observation, error) {
		w, err := p.GetSparkWorkspace(ctx, id)
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: w.State, Reason: w.StateReason}, nil
	})
	if err != nil || obs.State != provider.SparkWorkspaceRunning {
		t.Fatalf("wait: got %s, %v; want RUNNING", obs.State, err)
	}
	if _, err := p.UpdateSparkWorkspace(ctx, id, provider.SparkWorkspaceUpdate{Name: "renamed"}); err != nil {
		t.Fatalf("UpdateSparkWorkspace: %v", err)
	}
	page, err := p.ListSparkWorkspaces(ctx, provider.SparkWorkspaceFilter{Name: "renamed"}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != id {
		t.Errorf("filter by the new name: got %+v, want only %s", page.Items, id)
	}
	if _, err := p.GetSparkWorkspace(ctx, "w-0000000000000000"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("unknown workspace: got %v, want a not-found", err)
	}
}

func TestSparkWorkspacePages(t *testing.T) {
	p, _ := newSparkProvider(t)
	ctx := context.Background()
	want := map[string]bool{seeded(t, p).ID: true}
	for i := range 2 {
		res, err := p.CreateSparkWorkspace(ctx, provider.SparkWorkspaceInput{
			Name: "paged-" + string(rune('a'+i)), OSSBucket: "oss://my-bucket", RAMRole: "AliyunEMRSparkJobRunDefaultRole",
			PaymentType: provider.SparkPayAsYouGo, CU: 4,
		})
		want[created(t, res, err, "w-")] = true
	}
	got := map[string]bool{}
	token, pages := "", 0
	for {
		page, err := p.ListSparkWorkspaces(ctx, provider.SparkWorkspaceFilter{}, token, 1)
		if err != nil {
			t.Fatal(err)
		}
		if pages++; len(page.Items) > 1 || pages > 10 {
			t.Fatalf("page %d: got %d items, want at most 1 in at most 10 pages", pages, len(page.Items))
		}
		for _, w := range page.Items {
			got[w.ID] = true
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	for id := range want {
		if !got[id] {
			t.Errorf("walking pages of 1: %s missing from %v", id, got)
		}
	}
}

// TestSparkQueueScaling: a queue scales within the workspace's CU; past
// it the service refuses and the queue stays as it was.
func TestSparkQueueScaling(t *testing.T) {
	p, _ := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	queue := func() provider.SparkQueue {
		qs, err := p.ListSparkQueues(ctx, ws.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.Name == "dev_queue" {
				return q
			}
		}
		t.Fatal("dev_queue is gone")
		return provider.SparkQueue{}
	}
	before := queue()
	if before.MaxCU <= 1 {
		t.Fatalf("dev_queue: got %v CU, want a readable capacity above 1", before.MaxCU)
	}
	target := int(before.MaxCU) - 1
	if _, err := p.EditSparkQueue(ctx, provider.SparkQueueEdit{WorkspaceID: ws.ID, Queue: "dev_queue", CU: target}); err != nil {
		t.Fatalf("scale down: %v", err)
	}
	if got := queue().MaxCU; got != float64(target) {
		t.Errorf("after scaling to %d: got %v CU", target, got)
	}
	_, err := p.EditSparkQueue(ctx, provider.SparkQueueEdit{WorkspaceID: ws.ID, Queue: "dev_queue", CU: ws.CU + 1000})
	var ae *provider.APIError
	if !errors.As(err, &ae) || ae.Code == "" || ae.RequestID == "" {
		t.Errorf("scale past the workspace's %d CU: got %v, want the service's refusal with a code and request id", ws.CU, err)
	}
	if got := queue().MaxCU; got != float64(target) {
		t.Errorf("after a refused change: got %v CU, want %d still", got, target)
	}
}

// TestSparkJobRuns submits the reference's JAR, PySpark and SQL jobs and
// follows each to Success, then reads what a finished run offers.
func TestSparkJobRuns(t *testing.T) {
	p, srv := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	esr := release(t, p)
	jobs := []provider.SparkJobRunInput{
		{Name: "my-jar-job", CodeType: provider.SparkCodeJAR, Queue: "root_queue", ReleaseVersion: esr, EntryPoint: "oss://my-bucket/jars/my-app.jar",
			MainClass: "com.example.MyApp", Args: []string{"arg1", "arg2"}, Conf: map[string]string{"spark.executor.instances": "2"}},
		{Name: "my-pyspark-job", CodeType: provider.SparkCodePython, Queue: "root_queue", ReleaseVersion: esr, EntryPoint: "oss://my-spark-bucket/scripts/my_script.py"},
		{Name: "my-first-sql-job", CodeType: provider.SparkCodeSQL, Queue: "root_queue", ReleaseVersion: esr, EntryPoint: "local:///tmp/spark-sql.sh",
			Conf: map[string]string{"spark.emr.sql.content": "SELECT 1 as test_value"}},
	}
	var ids []string
	for _, j := range jobs {
		t.Run(j.Name, func(t *testing.T) {
			if ps := j.Problems(); len(ps) > 0 {
				t.Fatalf("the reference's job: got problems %+v", ps)
			}
			res, err := p.StartSparkJobRun(ctx, ws.ID, j)
			id := created(t, res, err, "j")
			ids = append(ids, id)
			obs, err := follow(t, srv, provider.SparkJobRunWait(""), runObs(p, ws.ID, id))
			if err != nil {
				t.Fatalf("wait for Success: got %s, %v", obs.State, err)
			}
			run, err := p.GetSparkJobRun(ctx, ws.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if run.CodeType != j.CodeType || run.Queue != j.Queue || run.EntryPoint != j.EntryPoint || run.Name != j.Name || run.SubmitTime.IsZero() || run.EndTime.IsZero() {
				t.Errorf("run: got %+v, want the submitted job with its times", run)
			}
			if !strings.HasPrefix(run.Log.Stdout, "oss://") {
				t.Fatalf("log of a finished run: got %q, want an oss:// path", run.Log.Stdout)
			}
			logs, err := p.SparkLog(ctx, provider.SparkLogQuery{WorkspaceID: ws.ID, File: run.Log.Stdout, Offset: 0, Length: 9999})
			if err != nil || len(logs.Lines) == 0 || logs.TotalLines < len(logs.Lines) {
				t.Errorf("stdout: got %+v, %v; want lines", logs, err)
			}
			execs, err := p.ListSparkExecutors(ctx, ws.ID, id, provider.SparkExecutorFilter{}, "", 100)
			if err != nil || len(execs.Items) == 0 {
				t.Errorf("executors: got %+v, %v; want the driver at least", execs, err)
			}
			if _, err := p.GetSparkRunConfiguration(ctx, ws.ID, id); err != nil {
				t.Errorf("run configuration: %v", err)
			}
		})
	}
	page, err := p.ListSparkJobRuns(ctx, ws.ID, provider.SparkJobRunFilter{States: []string{provider.SparkRunSuccess}}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, r := range page.Items {
		listed = append(listed, r.ID)
	}
	for _, id := range ids {
		if !slices.Contains(listed, id) {
			t.Errorf("ListSparkJobRuns(Success): %s missing from %v", id, listed)
		}
	}
	byName, err := p.ListSparkJobRuns(ctx, ws.ID, provider.SparkJobRunFilter{Name: "my-pyspark-job"}, "", 100)
	if err != nil || len(byName.Items) != 1 || byName.Items[0].Name != "my-pyspark-job" {
		t.Errorf("filter by name: got %+v, %v; want the PySpark run only", byName, err)
	}
	now := srv.Clock().Now()
	cu, err := p.SparkCUHours(ctx, provider.SparkCUHoursQuery{WorkspaceID: ws.ID, Queue: "root_queue", Start: now.Add(-24 * time.Hour), End: now})
	if err != nil || cu.Total <= 0 {
		t.Errorf("CU hours of root_queue after three runs: got %+v, %v; want more than 0", cu, err)
	}
}

// TestSparkStartJobRunOnce: a StartJobRun sent again with its client
// token (a lost response) leaves one job run.
func TestSparkStartJobRunOnce(t *testing.T) {
	p, _ := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	j := provider.SparkJobRunInput{Name: "once", CodeType: provider.SparkCodePython, Queue: "dev_queue", EntryPoint: "oss://my-spark-bucket/scripts/my_script.py", ClientToken: "run-token-1"}
	res, err := p.StartSparkJobRun(ctx, ws.ID, j)
	id := created(t, res, err, "j")
	again, err := p.StartSparkJobRun(ctx, ws.ID, j)
	if err != nil || again.IDs[0] != id {
		t.Errorf("repeat: got %+v, %v; want job run %s again", again, err, id)
	}
	page, err := p.ListSparkJobRuns(ctx, ws.ID, provider.SparkJobRunFilter{Name: "once"}, "", 100)
	if err != nil || len(page.Items) != 1 {
		t.Errorf("runs named once: got %+v, %v; want exactly one", page, err)
	}
}

// TestSparkCancelJobRun: a Running run is cancelled (Cancelling, then
// Cancelled); a finished one may not be.
func TestSparkCancelJobRun(t *testing.T) {
	p, srv := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	res, err := p.StartSparkJobRun(ctx, ws.ID, provider.SparkJobRunInput{Name: "to-cancel", CodeType: provider.SparkCodeJAR, Queue: "root_queue",
		EntryPoint: "oss://my-bucket/jars/my-app.jar", MainClass: "com.example.MyApp"})
	id := created(t, res, err, "j")
	if obs, err := follow(t, srv, provider.SparkJobRunWait(provider.SparkRunRunning), runObs(p, ws.ID, id)); err != nil || obs.State != provider.SparkRunRunning {
		t.Fatalf("wait for Running: got %s, %v", obs.State, err)
	}
	run, err := p.GetSparkJobRun(ctx, ws.ID, id)
	if err != nil || !run.Cancellable() {
		t.Fatalf("pre-check: got %+v, %v; want a cancellable run", run, err)
	}
	if _, err := p.CancelSparkJobRun(ctx, ws.ID, id); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if obs, err := follow(t, srv, provider.SparkJobRunWait(provider.SparkRunCancelled), runObs(p, ws.ID, id)); err != nil {
		t.Fatalf("wait for Cancelled: got %s, %v", obs.State, err)
	}
	_, err = p.CancelSparkJobRun(ctx, ws.ID, id)
	if !errors.Is(err, provider.ErrDenied) || provider.CodeOf(err) != "OperationDenied" {
		t.Errorf("cancel a cancelled run: got %v, want OperationDenied", err)
	}
}

// TestSparkJobFailures: the reference's failure classes end a run Failed
// with a reason, or are refused at submission.
func TestSparkJobFailures(t *testing.T) {
	p, srv := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	base := provider.SparkJobRunInput{Name: "failing", CodeType: provider.SparkCodeJAR, Queue: "root_queue", EntryPoint: "oss://my-bucket/jars/my-app.jar", MainClass: "com.example.MyApp"}
	failed := []struct {
		name   string
		change func(*provider.SparkJobRunInput)
	}{
		{"entry point missing in OSS", func(j *provider.SparkJobRunInput) { j.EntryPoint = "oss://my-bucket/jars/missing.jar" }},
		{"class not in the jar", func(j *provider.SparkJobRunInput) { j.MainClass = "com.example.NoSuchClass" }},
	}
	for _, tt := range failed {
		t.Run(tt.name, func(t *testing.T) {
			j := base
			tt.change(&j)
			res, err := p.StartSparkJobRun(ctx, ws.ID, j)
			id := created(t, res, err, "j")
			obs, err := follow(t, srv, provider.SparkJobRunWait(""), runObs(p, ws.ID, id))
			var we *provider.WaitError
			if !errors.As(err, &we) || obs.State != provider.SparkRunFailed || we.Reason == nil || we.Reason.Message == "" {
				t.Errorf("got %s, %v; want Failed with the service's reason", obs.State, err)
			}
		})
	}
	refused := []struct {
		name   string
		change func(*provider.SparkJobRunInput)
	}{
		{"release not found", func(j *provider.SparkJobRunInput) {
			j.ReleaseVersion = "esr-0.0.1 (Spark 0.0, Scala 2.12, Java Runtime)"
		}},
		{"queue not found", func(j *provider.SparkJobRunInput) { j.Queue = "no_such_queue" }},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			j := base
			tt.change(&j)
			if _, err := p.StartSparkJobRun(ctx, ws.ID, j); !errors.Is(err, provider.ErrInvalid) {
				t.Errorf("got %v, want an invalid-parameter refusal", err)
			}
		})
	}
}

// TestSparkKyuubi: a service from creation to deletion, with a token, and
// the applications of the sandbox's running service.
func TestSparkKyuubi(t *testing.T) {
	p, srv := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	res, err := p.CreateSparkKyuubi(ctx, ws.ID, provider.SparkKyuubiInput{Name: "my-kyuubi", Queue: "dev_queue", ReleaseVersion: release(t, p)})
	id := created(t, res, err, "kb-")
	kyuubiObs := func(ctx context.Context) (provider.Observation, error) {
		k, err := p.GetSparkKyuubi(ctx, ws.ID, id)
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: k.State}, nil
	}
	k, err := p.GetSparkKyuubi(ctx, ws.ID, id)
	if err != nil || k.State != provider.SparkKyuubiNotStarted || k.Name != "my-kyuubi" || k.Queue != "dev_queue" {
		t.Fatalf("new service: got %+v, %v; want NOT_STARTED on dev_queue", k, err)
	}
	if _, err := p.StartSparkKyuubi(ctx, ws.ID, id); err != nil {
		t.Fatalf("start: %v", err)
	}
	if obs, err := follow(t, srv, provider.SparkKyuubiWait(""), kyuubiObs); err != nil {
		t.Fatalf("wait RUNNING: got %s, %v", obs.State, err)
	}
	if k, err := p.GetSparkKyuubi(ctx, ws.ID, id); err != nil || k.InnerEndpoint == "" {
		t.Errorf("running service: got %+v, %v; want an endpoint", k, err)
	}

	value, err := provider.NewSparkTokenValue()
	if err != nil {
		t.Fatal(err)
	}
	res, err = p.CreateSparkKyuubiToken(ctx, ws.ID, id, provider.SparkKyuubiTokenInput{Name: "ci", Value: value, ExpireDays: 30})
	if err != nil || len(res.IDs) == 0 || res.IDs[0] == "" {
		t.Fatalf("create token: got %+v, %v", res, err)
	}
	tok := res.IDs[0]
	got, err := p.GetSparkKyuubiToken(ctx, ws.ID, id, tok)
	if err != nil || got.Name != "ci" || got.Masked == "" || strings.Contains(got.Masked, value) {
		t.Errorf("token: got %+v, %v; want it named ci, shown masked", got, err)
	}
	if _, err := p.UpdateSparkKyuubiToken(ctx, ws.ID, id, tok, provider.SparkKyuubiTokenInput{Name: "ci-2"}); err != nil {
		t.Errorf("update token: %v", err)
	}
	toks, err := p.ListSparkKyuubiTokens(ctx, ws.ID, id)
	if err != nil || len(toks) != 1 || toks[0].ID != tok || toks[0].Name != "ci-2" {
		t.Errorf("tokens: got %+v, %v; want %s renamed ci-2", toks, err, tok)
	}
	if _, err := p.DeleteSparkKyuubiToken(ctx, ws.ID, id, tok); err != nil {
		t.Errorf("delete token: %v", err)
	}
	if _, err := p.GetSparkKyuubiToken(ctx, ws.ID, id, tok); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("deleted token: got %v, want a not-found", err)
	}

	upd := provider.SparkKyuubiInput{Name: "my-kyuubi", Queue: "dev_queue", SparkConfigs: "spark.executor.memory=20g;spark.executor.cores=4"}
	if _, err := p.UpdateSparkKyuubi(ctx, ws.ID, id, upd); err != nil {
		t.Errorf("update: %v", err)
	}
	if k, err := p.GetSparkKyuubi(ctx, ws.ID, id); err != nil || k.SparkConfigs != upd.SparkConfigs {
		t.Errorf("after update: got %+v, %v; want the new Spark configs", k, err)
	}
	if _, err := p.StopSparkKyuubi(ctx, ws.ID, id); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if obs, err := follow(t, srv, provider.SparkKyuubiWait(provider.SparkKyuubiNotStarted), kyuubiObs); err != nil {
		t.Fatalf("wait NOT_STARTED: got %s, %v", obs.State, err)
	}
	if _, err := p.DeleteSparkKyuubi(ctx, ws.ID, id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	list, err := p.ListSparkKyuubi(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range list {
		if k.ID == id {
			t.Errorf("deleted service %s still listed", id)
		}
	}
}

func TestSparkKyuubiApps(t *testing.T) {
	p, srv := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	list, err := p.ListSparkKyuubi(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	var running *provider.SparkKyuubiApp
	var service string
	for _, k := range list {
		apps, err := p.ListSparkKyuubiApps(ctx, ws.ID, k.ID, provider.SparkKyuubiAppFilter{}, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apps.Items {
			if a.Running() {
				running, service = &a, k.ID
			}
		}
	}
	if running == nil {
		t.Fatal("no running Kyuubi application in the sandbox, want one to cancel")
	}
	if _, err := p.CancelSparkKyuubiApp(ctx, ws.ID, service, running.ID); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	srv.Clock().Advance(time.Minute)
	apps, err := p.ListSparkKyuubiApps(ctx, ws.ID, service, provider.SparkKyuubiAppFilter{ID: running.ID}, "", 10)
	if err != nil || len(apps.Items) != 1 || apps.Items[0].Running() {
		t.Errorf("after cancel: got %+v, %v; want %s no longer running", apps, err, running.ID)
	}
}

// TestSparkSessions: a session cluster created (once per client token),
// started, given SQL, stopped and deleted.
func TestSparkSessions(t *testing.T) {
	p, srv := newSparkProvider(t)
	ctx := context.Background()
	ws := seeded(t, p)
	in := provider.SparkSessionInput{Name: "my-session", Queue: "root_queue", Kind: provider.SparkSessionSQL, ReleaseVersion: release(t, p), AutoStopMinutes: 30, ClientToken: "session-token-1"}
	res, err := p.CreateSparkSession(ctx, ws.ID, in)
	id := created(t, res, err, "")
	if again, err := p.CreateSparkSession(ctx, ws.ID, in); err != nil || again.IDs[0] != id {
		t.Errorf("repeat with the client token: got %+v, %v; want %s again", again, err, id)
	}
	sessionObs := func(ctx context.Context) (provider.Observation, error) {
		s, err := p.GetSparkSession(ctx, ws.ID, id)
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: s.State, Reason: s.StateReason}, nil
	}
	s, err := p.GetSparkSession(ctx, ws.ID, id)
	if err != nil || s.Name != "my-session" || s.Queue != "root_queue" || s.AutoStopMinutes != 30 {
		t.Fatalf("new session: got %+v, %v", s, err)
	}
	if s.State == provider.SparkSessionNotStarted || s.State == provider.SparkSessionStopped {
		if _, err := p.StartSparkSession(ctx, ws.ID, id, "root_queue"); err != nil {
			t.Fatalf("start: %v", err)
		}
	}
	if obs, err := follow(t, srv, provider.SparkSessionWait(""), sessionObs); err != nil {
		t.Fatalf("wait Running: got %s, %v", obs.State, err)
	}
	res, err = p.RunSparkStatement(ctx, ws.ID, provider.SparkStatementInput{SessionID: id, SQL: "SELECT 1", Database: "default"})
	if err != nil || len(res.IDs) == 0 || res.IDs[0] == "" {
		t.Fatalf("run SQL: got %+v, %v", res, err)
	}
	st := res.IDs[0]
	obs, err := follow(t, srv, provider.SparkStatementWait(), func(ctx context.Context) (provider.Observation, error) {
		s, err := p.GetSparkStatement(ctx, ws.ID, st)
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: s.State}, nil
	})
	if err != nil {
		t.Fatalf("wait for the result: got %s, %v", obs.State, err)
	}
	stmt, err := p.GetSparkStatement(ctx, ws.ID, st)
	if err != nil || len(stmt.Outputs) == 0 || !strings.Contains(stmt.Outputs[0].Rows, "1") {
		t.Errorf("SELECT 1: got %+v, %v; want a row with 1", stmt, err)
	}
	res, err = p.RunSparkStatement(ctx, ws.ID, provider.SparkStatementInput{SessionID: id, SQL: "SELECT count(*) FROM range(1000000000)"})
	if err != nil {
		t.Fatalf("run SQL: %v", err)
	}
	if _, err := p.TerminateSparkStatement(ctx, ws.ID, res.IDs[0]); err != nil {
		t.Errorf("terminate a running statement: %v", err)
	}
	if _, err := p.StopSparkSession(ctx, ws.ID, id, "root_queue"); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if obs, err := follow(t, srv, provider.SparkSessionWait(provider.SparkSessionStopped), sessionObs); err != nil {
		t.Fatalf("wait Stopped: got %s, %v", obs.State, err)
	}
	if s, err := p.GetSparkSession(ctx, ws.ID, id); err != nil || !s.Deletable() {
		t.Fatalf("pre-check: got %+v, %v; want a deletable session", s, err)
	}
	if _, err := p.DeleteSparkSession(ctx, ws.ID, id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := p.GetSparkSession(ctx, ws.ID, id); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("deleted session: got %v, want a not-found", err)
	}
}
