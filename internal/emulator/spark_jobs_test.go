package emulator

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// spark calls a Serverless Spark action that must succeed.
func (h *harness) spark(name string, req, resp any) {
	h.t.Helper()
	_, a := routeAction(h.t, h.srv, contract.Spark, name)
	body, err := h.callAction(a, req)
	if err != nil {
		h.t.Fatalf("%s: %s", name, describe(err))
	}
	decodeInto(h.t, body, resp)
}

// sparkErr calls a Serverless Spark action and returns its error.
func (h *harness) sparkErr(name string, req any) error {
	h.t.Helper()
	_, a := routeAction(h.t, h.srv, contract.Spark, name)
	_, err := h.callAction(a, req)
	return err
}

func (h *harness) submit(req *sparkwire.StartJobRunRequest) string {
	h.t.Helper()
	var resp sparkwire.StartJobRunResponse
	h.spark("StartJobRun", req, &resp)
	return resp.JobRunId
}

func (h *harness) jobRun(ws, id string) *sparkwire.GetJobRunResponseJobRun {
	h.t.Helper()
	var resp sparkwire.GetJobRunResponse
	h.spark("GetJobRun", &sparkwire.GetJobRunRequest{WorkspaceId: ws, JobRunId: id, RegionId: region}, &resp)
	return resp.JobRun
}

func (h *harness) logLines(ws, file string, offset, length int64) ([]string, int64) {
	h.t.Helper()
	var resp sparkwire.ListLogContentsResponse
	h.spark("ListLogContents", &sparkwire.ListLogContentsRequest{WorkspaceId: ws, RegionId: region, FileName: file, Offset: &offset, Length: &length}, &resp)
	var out []string
	for _, l := range resp.ListLogContent.Contents {
		out = append(out, strings.TrimSuffix(l.LineContent, "\n"))
	}
	return out, *resp.ListLogContent.TotalLength
}

func TestJobRunStates(t *testing.T) {
	for _, c := range []struct {
		codeType, entry, params string
		runFor                  time.Duration
		stdout                  []string
	}{
		{"JAR", sparkExamples, "--class org.apache.spark.examples.SparkPi", 3 * time.Minute, []string{"Pi is roughly 3.1415671415671416"}},
		{"PYTHON", "oss://" + seedBucket + "/scripts/pi.py", "--conf spark.executor.instances=1", 2 * time.Minute, []string{"Pi is roughly 3.141840"}},
		{"SQL", sqlRunner, "--conf spark.driver.cores=4 --conf spark.emr.sql.content=SELECT 1 as test_value", time.Minute, []string{"test_value", "1"}},
	} {
		t.Run(c.codeType, func(t *testing.T) {
			h := newLifecycle(t, Options{})
			req := sparkPiJob(seedWorkspaceID, "states-"+c.codeType)
			req.CodeType = c.codeType
			req.JobDriver.SparkSubmit = &sparkwire.JobDriverSparkSubmit{EntryPoint: c.entry, SparkSubmitParameters: c.params}
			id := h.submit(req)
			for _, s := range []struct {
				advance time.Duration
				state   string
			}{{0, jrSubmitted}, {5 * time.Second, jrPending}, {25 * time.Second, jrRunning}, {c.runFor, jrSuccess}} {
				h.advance(s.advance)
				jr := h.jobRun(seedWorkspaceID, id)
				if jr.State != s.state {
					t.Fatalf("after %s more: got %s, want %s", s.advance, jr.State, s.state)
				}
				if s.state == jrRunning {
					if !strings.HasPrefix(jr.Log.DriverStdOut, "https://") {
						t.Errorf("log while Running: got %s, want a Spark UI link", jr.Log.DriverStdOut)
					}
					wantCode(t, h.sparkErr("ListLogContents", &sparkwire.ListLogContentsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, FileName: logDir(&workspaceRec{ID: seedWorkspaceID, Bucket: seedBucket}, id) + "stdout.log", Offset: i64p(0), Length: i64p(10)}), "ResourceNotFound")
				}
			}
			jr := h.jobRun(seedWorkspaceID, id)
			if got, want := *jr.EndTime-*jr.SubmitTime, (30*time.Second + c.runFor).Milliseconds(); got != want {
				t.Errorf("endTime - submitTime: got %d ms, want %d", got, want)
			}
			lines, total := h.logLines(seedWorkspaceID, jr.Log.DriverStdOut, 0, 9999)
			if diff := cmp.Diff(c.stdout, lines); diff != "" || total != int64(len(c.stdout)) {
				t.Errorf("stdout (-want +got):\n%s (total %d)", diff, total)
			}
		})
	}
}

func TestLogOffsetAndLength(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.submit(sparkPiJob(seedWorkspaceID, "logs"))
	h.advance(time.Hour)
	file := h.jobRun(seedWorkspaceID, id).Log.DriverStdError
	all, total := h.logLines(seedWorkspaceID, file, 0, 9999)
	if int64(len(all)) != total || total < 5 {
		t.Fatalf("stderr: got %d lines of %d, want them all (at least 5)", len(all), total)
	}
	part, _ := h.logLines(seedWorkspaceID, file, 2, 2)
	if diff := cmp.Diff(all[2:4], part); diff != "" {
		t.Errorf("offset 2 length 2 (-want +got):\n%s", diff)
	}
	if !strings.Contains(all[0], "Running Spark version 3.5.2") {
		t.Errorf("first stderr line %q does not name the Spark version", all[0])
	}
	for _, c := range []struct {
		name string
		file string
		code string
	}{
		{"CNAME domain", "oss://logs.example.com/x", "InvalidParameter"},
		{"another workspace's path", "oss://" + seedBucket + "/w-other/spark/logs/" + id + "/driver/stdout.log", "ResourceNotFound"},
		{"unknown file", strings.Replace(file, "stderr.log", "gc.log", 1), "ResourceNotFound"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantCode(t, h.sparkErr("ListLogContents", &sparkwire.ListLogContentsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, FileName: c.file, Offset: i64p(0), Length: i64p(10)}), c.code)
		})
	}
	wantCode(t, h.sparkErr("ListLogContents", &sparkwire.ListLogContentsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, FileName: file}), "MissingParameter")
	internal := strings.Replace(file, seedBucket+"/", seedBucket+".oss-cn-hangzhou-internal.aliyuncs.com/", 1)
	if got, _ := h.logLines(seedWorkspaceID, internal, 0, 9999); !cmp.Equal(got, all) {
		t.Errorf("the internal endpoint form reads %d lines, want the same %d", len(got), len(all))
	}
}

// TestJobRunFailures covers the skill's failure classes: each run fails
// with its reason, and only a driver that started leaves logs.
func TestJobRunFailures(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(r *sparkwire.StartJobRunRequest)
		setup  func(h *harness)
		after  time.Duration
		code   string
		logs   bool
	}{
		{name: "entry point missing in OSS", change: func(r *sparkwire.StartJobRunRequest) {
			r.JobDriver.SparkSubmit.EntryPoint = "oss://" + seedBucket + "/jars/missing.jar"
		}, after: 30 * time.Second, code: "EntryPointNotFound"},
		{name: "bucket not the account's", change: func(r *sparkwire.StartJobRunRequest) {
			r.JobDriver.SparkSubmit.EntryPoint = "oss://not-my-bucket/app.jar"
		}, after: 30 * time.Second, code: "EntryPointNotFound"},
		{name: "bad main class", change: func(r *sparkwire.StartJobRunRequest) {
			r.JobDriver.SparkSubmit.SparkSubmitParameters = "--class com.example.Nope"
		}, after: 45 * time.Second, code: "ClassNotFound", logs: true},
		{name: "queue without CU", setup: func(h *harness) {
			h.spark("EditWorkspaceQueue", &sparkwire.EditWorkspaceQueueRequest{RegionId: region, WorkspaceId: seedWorkspaceID, WorkspaceQueueName: "dev_queue", ResourceSpec: &sparkwire.EditWorkspaceQueueRequestResourceSpec{Cu: i64p(0), MaxCu: i64p(0)}}, nil)
		}, change: func(r *sparkwire.StartJobRunRequest) { r.ResourceQueueId = "dev_queue" }, after: 95 * time.Second, code: "QueueResourceInsufficient"},
		{name: "SQL that does not parse", change: func(r *sparkwire.StartJobRunRequest) {
			r.CodeType = "SQL"
			r.JobDriver.SparkSubmit = &sparkwire.JobDriverSparkSubmit{EntryPoint: sqlRunner, SparkSubmitParameters: "--conf spark.emr.sql.content=SELEC 1"}
		}, after: 50 * time.Second, code: "SQLError", logs: true},
		{name: "execution timeout", change: func(r *sparkwire.StartJobRunRequest) { r.ExecutionTimeoutSeconds = i64p(60) }, after: 90 * time.Second, code: "ExecutionTimeout", logs: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newLifecycle(t, Options{})
			if c.setup != nil {
				c.setup(h)
			}
			req := sparkPiJob(seedWorkspaceID, "fails")
			c.change(req)
			id := h.submit(req)
			h.advance(c.after - time.Second)
			if st := h.jobRun(seedWorkspaceID, id).State; st == jrFailed {
				t.Fatalf("a second before %s: already Failed", c.after)
			}
			h.advance(time.Second)
			jr := h.jobRun(seedWorkspaceID, id)
			if jr.State != jrFailed || jr.StateChangeReason == nil || jr.StateChangeReason.Code != c.code {
				t.Fatalf("after %s: got %s %+v, want Failed with %s", c.after, jr.State, jr.StateChangeReason, c.code)
			}
			_, err := h.callAction(spec(t, "ListLogContents"), &sparkwire.ListLogContentsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, FileName: jr.Log.DriverStdError, Offset: i64p(0), Length: i64p(100)})
			if c.logs && err != nil {
				t.Errorf("stderr of a run whose driver started: got %s, want its lines", describe(err))
			}
			if !c.logs {
				wantCode(t, err, "ResourceNotFound")
			}
		})
	}
}

func spec(t *testing.T, name string) *contract.Action {
	t.Helper()
	_, a := action(t, contract.Spark, name)
	return a
}

// TestStartJobRunRefusals covers what the service refuses at submission.
func TestStartJobRunRefusals(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), false)
	for _, c := range []struct {
		name     string
		change   func(r *sparkwire.StartJobRunRequest)
		code     string
		mentions string
	}{
		{"release not found", func(r *sparkwire.StartJobRunRequest) { r.ReleaseVersion = "esr-9.9.9" }, "InvalidParameter", "esr-9.9.9"},
		{"no codeType", func(r *sparkwire.StartJobRunRequest) { r.CodeType = "" }, "MissingParameter", "codeType"},
		{"bad codeType", func(r *sparkwire.StartJobRunRequest) { r.CodeType = "SCALA" }, "InvalidParameter", "codeType"},
		{"no name", func(r *sparkwire.StartJobRunRequest) { r.Name = "" }, "MissingParameter", "name"},
		{"no queue", func(r *sparkwire.StartJobRunRequest) { r.ResourceQueueId = "" }, "InvalidParameter", "queueName: null is not valid"},
		{"unknown queue", func(r *sparkwire.StartJobRunRequest) { r.ResourceQueueId = "default" }, "InvalidParameter", "default"},
		{"no entry point", func(r *sparkwire.StartJobRunRequest) { r.JobDriver = nil }, "MissingParameter", "entryPoint"},
		{"HDFS entry point", func(r *sparkwire.StartJobRunRequest) { r.JobDriver.SparkSubmit.EntryPoint = "hdfs:///app.jar" }, "InvalidParameter", "entryPoint"},
		{"stray argument in parameters", func(r *sparkwire.StartJobRunRequest) {
			r.JobDriver.SparkSubmit.SparkSubmitParameters = "--class a.B arg1"
		}, "InvalidParameter", "--class"},
		{"SQL without content", func(r *sparkwire.StartJobRunRequest) {
			r.CodeType = "SQL"
			r.JobDriver.SparkSubmit = &sparkwire.JobDriverSparkSubmit{EntryPoint: sqlRunner}
		}, "InvalidParameter", sqlContentKey},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := sparkPiJob(seedWorkspaceID, "refused")
			c.change(req)
			err := h.sparkErr("StartJobRun", req)
			wantCode(t, err, c.code)
			if !strings.Contains(messageOf(err), c.mentions) {
				t.Errorf("message %q does not mention %s", messageOf(err), c.mentions)
			}
		})
	}
	var list sparkwire.ListJobRunsResponse
	h.spark("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region}, &list)
	if got := *list.TotalCount; got != 0 {
		t.Errorf("after the refusals: got %d job runs, want 0", got)
	}
	short := sparkPiJob(seedWorkspaceID, "short-release")
	short.ReleaseVersion = "esr-4.7.0"
	id := h.submit(short)
	if got := h.jobRun(seedWorkspaceID, id).ReleaseVersion; got != esrRelease {
		t.Errorf("release esr-4.7.0: got %s, want the Java runtime %s", got, esrRelease)
	}
}

func TestCancelJobRun(t *testing.T) {
	h := newLifecycle(t, Options{})
	req := sparkPiJob(seedWorkspaceID, "stream")
	req.JobDriver.SparkSubmit = &sparkwire.JobDriverSparkSubmit{EntryPoint: streamingJar}
	id := h.submit(req)
	cancel := &sparkwire.CancelJobRunRequest{WorkspaceId: seedWorkspaceID, JobRunId: id, RegionId: region}
	h.advance(10 * time.Second)
	wantCode(t, h.sparkErr("CancelJobRun", cancel), "OperationDenied") // Pending
	h.advance(time.Hour)
	if st := h.jobRun(seedWorkspaceID, id).State; st != jrRunning {
		t.Fatalf("a streaming job after an hour: got %s, want Running", st)
	}
	h.spark("CancelJobRun", cancel, nil)
	if st := h.jobRun(seedWorkspaceID, id).State; st != jrCancelling {
		t.Errorf("right after CancelJobRun: got %s, want Cancelling", st)
	}
	h.advance(10 * time.Second)
	jr := h.jobRun(seedWorkspaceID, id)
	if jr.State != jrCancelled || jr.StateChangeReason == nil || jr.StateChangeReason.Code != "UserCancelled" {
		t.Errorf("10 s later: got %s %+v, want Cancelled by UserCancelled", jr.State, jr.StateChangeReason)
	}
	wantCode(t, h.sparkErr("CancelJobRun", cancel), "OperationDenied")
	wantCode(t, h.sparkErr("CancelJobRun", &sparkwire.CancelJobRunRequest{WorkspaceId: seedWorkspaceID, JobRunId: "jr-none", RegionId: region}), "ResourceNotFound")
}

// TestStartJobRunLostResponse: a StartJobRun whose response is lost,
// repeated with the same clientToken, leaves exactly one job run.
func TestStartJobRunLostResponse(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	if err := h.srv.AddFault(FaultRule{Action: "StartJobRun", DropResponses: 1}); err != nil {
		t.Fatal(err)
	}
	req := sparkPiJob(seedWorkspaceID, "once")
	req.ClientToken = "lost-response-1"
	if err := h.sparkErr("StartJobRun", req); err == nil || codeOf(err) != "" {
		t.Fatalf("first StartJobRun: got %v, want a lost connection", err)
	}
	first := h.submit(req)
	again := h.submit(req)
	if first != again {
		t.Errorf("repeats with one clientToken: got job runs %s and %s, want one", first, again)
	}
	var list sparkwire.ListJobRunsResponse
	h.spark("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region}, &list)
	if got := *list.TotalCount; got != 1 {
		t.Errorf("got %d job runs, want 1", got)
	}
	req.Name = "other"
	wantCode(t, h.sparkErr("StartJobRun", req), "IdempotentParameterMismatch")
}

func TestListJobRunsFilters(t *testing.T) {
	h := newLifecycle(t, Options{})
	for i := range 5 {
		req := sparkPiJob(seedWorkspaceID, "batch-"+string(rune('a'+i)))
		if i == 4 {
			req.Name, req.ResourceQueueId = "nightly", "dev_queue"
		}
		h.submit(req)
		h.advance(time.Minute)
	}
	h.advance(2 * time.Minute) // each runs 3.5 minutes: four have ended, nightly runs
	list := func(req *sparkwire.ListJobRunsRequest) *sparkwire.ListJobRunsResponse {
		req.WorkspaceId, req.RegionId = seedWorkspaceID, region
		var resp sparkwire.ListJobRunsResponse
		h.spark("ListJobRuns", req, &resp)
		return &resp
	}
	var names []string
	token := ""
	for page := 0; ; page++ {
		resp := list(&sparkwire.ListJobRunsRequest{MaxResults: i64p(2), NextToken: token})
		if len(resp.JobRuns) > 2 || *resp.TotalCount != 5 {
			t.Fatalf("page %d: got %d runs of %d, want at most 2 of 5", page, len(resp.JobRuns), *resp.TotalCount)
		}
		for _, j := range resp.JobRuns {
			names = append(names, j.Name)
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	if want := []string{"nightly", "batch-d", "batch-c", "batch-b", "batch-a"}; !cmp.Equal(names, want) {
		t.Errorf("pages: got %v, want %v (newest first)", names, want)
	}
	for _, c := range []struct {
		name string
		req  *sparkwire.ListJobRunsRequest
		want int64
	}{
		{"state", &sparkwire.ListJobRunsRequest{States: []string{jrSuccess}}, 4},
		{"states", &sparkwire.ListJobRunsRequest{States: []string{jrRunning, jrPending}}, 1},
		{"name", &sparkwire.ListJobRunsRequest{Name: "batch"}, 4},
		{"queue", &sparkwire.ListJobRunsRequest{ResourceQueueId: "dev_queue"}, 1},
		{"min duration", &sparkwire.ListJobRunsRequest{MinDuration: i64p((210 * time.Second).Milliseconds())}, 4},
		{"submitted in a range", &sparkwire.ListJobRunsRequest{StartTime: &sparkwire.ListJobRunsRequestStartTime{StartTime: i64p(h.srv.Clock().Now().Add(-330 * time.Second).UnixMilli())}}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := *list(c.req).TotalCount; got != c.want {
				t.Errorf("got %d runs, want %d", got, c.want)
			}
		})
	}
	wantCode(t, h.sparkErr("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, MaxResults: i64p(101)}), "InvalidParameter")
	wantCode(t, h.sparkErr("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, NextToken: "bogus"}), "InvalidParameter")
	wantCode(t, h.sparkErr("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, States: []string{"RUNNING"}}), "InvalidParameter")
}

// TestCuHours: a 14 CU job that runs 3 minutes uses 0.7 CU-hours, which
// GetCuHours and ListJobRuns report for its queue.
func TestCuHours(t *testing.T) {
	h := newLifecycle(t, Options{})
	start := h.srv.Clock().Now()
	id := h.submit(sparkPiJob(seedWorkspaceID, "metered")) // driver 4 CU + 2 executors of 5 CU
	h.advance(time.Hour)
	hours := func(queue string, from, to time.Time) float64 {
		var resp sparkwire.GetCuHoursResponse
		h.spark("GetCuHours", &sparkwire.GetCuHoursRequest{WorkspaceId: seedWorkspaceID, Queue: queue, StartTime: from.In(sparkZone).Format(sparkTimeLayout), EndTime: to.In(sparkZone).Format(sparkTimeLayout)}, &resp)
		return sumCuHours(t, resp.Data.CuHours)
	}
	if got := hours("root_queue", start.Add(-time.Hour), start.Add(2*time.Hour)); got < 0.6999 || got > 0.7001 {
		t.Errorf("root_queue CU-hours: got %f, want 0.7", got)
	}
	var list sparkwire.ListJobRunsResponse
	h.spark("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, JobRunId: id}, &list)
	if got := *list.JobRuns[0].CuHours; got != 0.7 {
		t.Errorf("ListJobRuns cuHours: got %v, want 0.7", got)
	}
	get := func(from, to string) error {
		return h.sparkErr("GetCuHours", &sparkwire.GetCuHoursRequest{WorkspaceId: seedWorkspaceID, Queue: "root_queue", StartTime: from, EndTime: to})
	}
	wantCode(t, get("2024-01-01 00:00:00", "2024-03-01 00:00:00"), "InvalidParameter")
	wantCode(t, get("2024-01-01", "2024-01-02 00:00:00"), "InvalidParameter")
	wantCode(t, get("2024-01-02 00:00:00", "2024-01-01 00:00:00"), "InvalidParameter")
}

// sumCuHours adds up {2025-01-09 00:00:00=2.033333, ...}.
func sumCuHours(t *testing.T, s string) float64 {
	t.Helper()
	var sum float64
	body := strings.Trim(s, "{}")
	if body == "" {
		return 0
	}
	for _, part := range strings.Split(body, ", ") {
		_, v, ok := strings.Cut(part, "=")
		if !ok {
			t.Fatalf("cuHours %q is not {time=value, ...}", s)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("cuHours %q: %v", s, err)
		}
		sum += f
	}
	return sum
}

func TestExecutorsAndRunConfiguration(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.submit(sparkPiJob(seedWorkspaceID, "execs"))
	list := func(status string) []string {
		var resp sparkwire.ListJobExecutorsResponse
		h.spark("ListJobExecutors", &sparkwire.ListJobExecutorsRequest{WorkspaceId: seedWorkspaceID, JobRunId: id, RegionId: region, Status: status}, &resp)
		var ids []string
		for _, e := range resp.Exexutors {
			ids = append(ids, e.ExecutorId+":"+e.Status)
		}
		return ids
	}
	if got := list(""); len(got) != 0 {
		t.Errorf("executors before the run starts: got %v, want none", got)
	}
	h.advance(time.Minute)
	if got, want := list(""), []string{"driver:Active", "1:Active", "2:Active"}; !cmp.Equal(got, want) {
		t.Errorf("executors while running: got %v, want %v", got, want)
	}
	h.advance(time.Hour)
	if got, want := list("Dead"), []string{"driver:Dead", "1:Dead", "2:Dead"}; !cmp.Equal(got, want) {
		t.Errorf("executors after the run: got %v, want %v", got, want)
	}
	var rc sparkwire.GetRunConfigurationResponse
	h.spark("GetRunConfiguration", &sparkwire.GetRunConfigurationRequest{WorkspaceId: seedWorkspaceID, RunId: id, RegionId: region}, &rc)
	confs := map[string]string{}
	for _, c := range rc.RunConfiguration.ApplicationConfigs {
		confs[c.ConfigItemKey] = c.ConfigItemValue
	}
	if confs["spark.executor.memory"] != "20g" || confs["spark.executor.instances"] != "2" {
		t.Errorf("applicationConfigs: got %v, want the job's --conf values", confs)
	}
}
