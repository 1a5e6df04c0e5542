package emulator

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// Job run states (skill and SDK examples).
const (
	jrSubmitted  = "Submitted"
	jrPending    = "Pending"
	jrRunning    = "Running"
	jrSuccess    = "Success"
	jrFailed     = "Failed"
	jrCancelling = "Cancelling"
	jrCancelled  = "Cancelled"
)

var codeTypes = []string{"JAR", "PYTHON", "SQL"}

func jobState(j *jobRunRec, now time.Time) string {
	switch {
	case reached(now, j.CancelledAt):
		return jrCancelled
	case reached(now, j.CancelAt):
		return jrCancelling
	case reached(now, j.EndAt) && j.FailCode != "":
		return jrFailed
	case reached(now, j.EndAt):
		return jrSuccess
	case reached(now, j.RunningAt):
		return jrRunning
	case reached(now, j.PendingAt):
		return jrPending
	}
	return jrSubmitted
}

func jobEnded(state string) bool {
	return state == jrSuccess || state == jrFailed || state == jrCancelled
}

// jobEnd is when a job run stops using its queue (zero: not known yet).
func jobEnd(j *jobRunRec) time.Time {
	if !j.CancelledAt.IsZero() {
		return j.CancelledAt
	}
	return j.EndAt
}

// runInterval is the part of [from, to) in which the job held its CU.
func runInterval(j *jobRunRec, from, to time.Time) time.Duration {
	start, end := j.RunningAt, jobEnd(j)
	if !end.IsZero() && !end.After(start) {
		return 0
	}
	if start.Before(from) {
		start = from
	}
	if end.IsZero() || end.After(to) {
		end = to
	}
	return max(0, end.Sub(start))
}

func startJobRun(c *call, w *World) (any, error) {
	var req sparkwire.StartJobRunRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.runningWorkspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	j, prog, err := newJobRun(c, w, ws, &req)
	if err != nil {
		return nil, err
	}
	q, _ := queueOf(w, ws, j.Queue)
	planJob(c, w.sparkAccount(), q, j, prog)
	w.JobRuns.Put(j.ID, j)
	return &sparkwire.StartJobRunResponse{JobRunId: j.ID, RequestId: c.requestID}, nil
}

// newJobRun checks what the service checks at submission: the name, the
// code type, the queue, the release and the spark-submit parameters.
func newJobRun(c *call, w *World, ws *workspaceRec, req *sparkwire.StartJobRunRequest) (*jobRunRec, program, error) {
	if err := required("name", req.Name); err != nil {
		return nil, program{}, err
	}
	if err := required("codeType", req.CodeType); err != nil {
		return nil, program{}, err
	}
	if !slices.Contains(codeTypes, req.CodeType) {
		return nil, program{}, errInvalidParameter("codeType %q is not valid: use JAR, PYTHON or SQL", req.CodeType)
	}
	if req.ResourceQueueId == "" {
		return nil, program{}, errInvalidParameter("queueName: null is not valid: give resourceQueueId, a queue name from ListWorkspaceQueues (such as root_queue)")
	}
	if _, ok := queueOf(w, ws, req.ResourceQueueId); !ok {
		return nil, program{}, errInvalidParameter("queueName: %s is not valid: %s has no such queue; call ListWorkspaceQueues", req.ResourceQueueId, ws.ID)
	}
	acct := w.sparkAccount()
	rel, err := acct.releaseOrDefault("releaseVersion", req.ReleaseVersion)
	if err != nil {
		return nil, program{}, err
	}
	var sub *sparkwire.JobDriverSparkSubmit
	if req.JobDriver != nil {
		sub = req.JobDriver.SparkSubmit
	}
	if sub == nil || sub.EntryPoint == "" {
		return nil, program{}, errMissing("MissingParameter", "jobDriver.sparkSubmit.entryPoint is mandatory: the main program (an oss:// path, or %s for SQL)", sqlRunner)
	}
	spec, err := parseSubmit(sub.SparkSubmitParameters)
	if err != nil {
		return nil, program{}, errInvalidParameter("jobDriver.sparkSubmit.sparkSubmitParameters: %v", err)
	}
	if req.CodeType == "SQL" && sub.EntryPoint == sqlRunner {
		if _, ok := spec.conf(sqlContentKey); !ok {
			return nil, program{}, errInvalidParameter("a SQL job with entry point %s needs the SQL in --conf %s=<statements>", sqlRunner, sqlContentKey)
		}
	}
	if t := req.ExecutionTimeoutSeconds; t != nil && *t < 0 {
		return nil, program{}, errInvalidParameter("executionTimeoutSeconds must be 0 or more, got %d", *t)
	}
	prog, err := entryProgram(acct, sub.EntryPoint)
	if err != nil {
		return nil, program{}, err
	}
	j := &jobRunRec{
		ID: w.newID("jr-", 16), WorkspaceID: ws.ID, Name: req.Name, CodeType: req.CodeType, Queue: req.ResourceQueueId,
		Release: rel.Version, Display: orDefault(req.DisplayReleaseVersion, rel.Display), EntryPoint: sub.EntryPoint,
		Args: sub.EntryPointArguments, SubmitParams: sub.SparkSubmitParameters, Tags: req.Tags, Fusion: boolv(req.Fusion),
		Spec: spec, CU: spec.cu(),
	}
	if req.ExecutionTimeoutSeconds != nil {
		j.TimeoutSeconds = *req.ExecutionTimeoutSeconds
	}
	if o := req.ConfigurationOverrides; o != nil {
		for _, cfg := range o.Configurations {
			j.Overrides = append(j.Overrides, sparkwire.Configuration{ConfigFileName: cfg.ConfigFileName, ConfigItemKey: cfg.ConfigItemKey, ConfigItemValue: cfg.ConfigItemValue})
		}
	}
	return j, prog, nil
}

func (c *call) jobRun(w *World, ws *workspaceRec, id string) (*jobRunRec, error) {
	j, ok := w.JobRuns.Get(id)
	if !ok || j.WorkspaceID != ws.ID {
		return nil, errNotFoundSpark("job run", id, " in workspace "+ws.ID+"; call ListJobRuns to find the ID")
	}
	return j, nil
}

// logDir is where a job run's driver logs go in the workspace's bucket.
func logDir(ws *workspaceRec, runID string) string {
	return fmt.Sprintf("oss://%s/%s/spark/logs/%s/driver/", ws.Bucket, ws.ID, runID)
}

// runLog is the log field: while the run is not over, links into the
// Spark UI; after it ends, OSS paths (the skill: ListLogContents works
// only then).
func runLog(ws *workspaceRec, j *jobRunRec, state string) *sparkwire.RunLog {
	if !jobEnded(state) {
		ui := sparkUI(ws, j.ID) + "/logs/driver/"
		return &sparkwire.RunLog{DriverStdOut: ui + "stdout", DriverStdError: ui + "stderr", DriverSyslog: ui + "syslog", DriverStartup: ui + "startup"}
	}
	dir := logDir(ws, j.ID)
	return &sparkwire.RunLog{DriverStdOut: dir + "stdout.log", DriverStdError: dir + "stderr.log", DriverSyslog: dir + "syslog.log", DriverStartup: dir + "startup.log"}
}

func sparkUI(ws *workspaceRec, runID string) string {
	return fmt.Sprintf("https://emr-sparkui-%s.aliyuncs.com/%s/%s", ws.Region, ws.ID, runID)
}

func jobReason(j *jobRunRec, state string) (code, msg string) {
	switch state {
	case jrFailed:
		return j.FailCode, j.FailMessage
	case jrCancelling, jrCancelled:
		return "UserCancelled", "The job run was cancelled by a user request (CancelJobRun)."
	}
	return "", ""
}

func getJobRun(c *call, w *World) (any, error) {
	var req sparkwire.GetJobRunRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	j, err := c.jobRun(w, ws, req.JobRunId)
	if err != nil {
		return nil, err
	}
	state := jobState(j, c.now)
	v := &sparkwire.GetJobRunResponseJobRun{
		JobRunId: j.ID, WorkspaceId: ws.ID, Name: j.Name, CodeType: j.CodeType, State: state, ResourceQueueId: j.Queue,
		ReleaseVersion: j.Release, DisplayReleaseVersion: j.Display, Fusion: ptr(j.Fusion), SubmitTime: millis(j.SubmittedAt),
		ResourceOwnerId: sandboxUID, Priority: "5", Tags: j.Tags, WebUI: sparkUI(ws, j.ID), Log: runLog(ws, j, state),
		JobDriver: jobDriver(j),
	}
	if j.TimeoutSeconds > 0 {
		v.ExecutionTimeoutSeconds = ptr(j.TimeoutSeconds)
	}
	if jobEnded(state) {
		v.EndTime = millis(jobEnd(j))
	}
	if code, msg := jobReason(j, state); code != "" {
		v.StateChangeReason = &sparkwire.GetJobRunResponseJobRunStateChangeReason{Code: code, Message: msg}
	}
	if len(j.Overrides) > 0 {
		v.ConfigurationOverrides = &sparkwire.GetJobRunResponseJobRunConfigurationOverrides{Configurations: j.Overrides}
	}
	return &sparkwire.GetJobRunResponse{JobRun: v, RequestId: c.requestID}, nil
}

func jobDriver(j *jobRunRec) *sparkwire.JobDriver {
	return &sparkwire.JobDriver{SparkSubmit: &sparkwire.JobDriverSparkSubmit{
		EntryPoint: j.EntryPoint, EntryPointArguments: j.Args, SparkSubmitParameters: j.SubmitParams,
	}}
}

func listJobRuns(c *call, w *World) (any, error) {
	var req sparkwire.ListJobRunsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	for _, s := range req.States {
		if !slices.Contains([]string{jrSubmitted, jrPending, jrRunning, jrSuccess, jrFailed, jrCancelling, jrCancelled}, s) {
			return nil, errInvalidParameter("states: %q is not a job run state; use Submitted, Pending, Running, Success, Failed, Cancelling or Cancelled", s)
		}
	}
	kr, err := sparkKeyset(req.MaxResults, req.NextToken, 20, 100)
	if err != nil {
		return nil, err
	}
	keep := func(j *jobRunRec) bool { return jobMatches(j, &req, c.now) }
	walk := func(after *indexKey, fn func(indexKey, *jobRunRec) bool) { w.jobRunsByWorkspace.Walk(ws.ID, after, fn) }
	total := kr.total
	if total < 0 {
		total = countMatches(walk, keep)
	}
	page, next := keysetPage(walk, kr, total, keep)
	resp := &sparkwire.ListJobRunsResponse{
		MaxResults: ptr(kr.max), NextToken: next, RequestId: c.requestID, TotalCount: ptr(total),
		JobRuns: []sparkwire.ListJobRunsResponseJobRunsItem{},
	}
	for _, j := range page {
		resp.JobRuns = append(resp.JobRuns, jobRunItem(ws, j, c.now))
	}
	return resp, nil
}

func jobRunItem(ws *workspaceRec, j *jobRunRec, now time.Time) sparkwire.ListJobRunsResponseJobRunsItem {
	state := jobState(j, now)
	ran := runInterval(j, j.RunningAt, now)
	cores := j.Spec.DriverCores + float64(j.Spec.Executors)*j.Spec.ExecutorCores
	memMB := (j.Spec.DriverMemGiB + float64(j.Spec.Executors)*j.Spec.ExecutorMemGiB) * 1024
	v := sparkwire.ListJobRunsResponseJobRunsItem{
		JobRunId: j.ID, WorkspaceId: ws.ID, Name: j.Name, CodeType: j.CodeType, State: state, ResourceQueueId: j.Queue,
		ReleaseVersion: j.Release, DisplayReleaseVersion: j.Display, Fusion: ptr(j.Fusion), SubmitTime: millis(j.SubmittedAt),
		Creator: sandboxUID, Priority: "5", Tags: j.Tags, WebUI: sparkUI(ws, j.ID), Log: runLog(ws, j, state),
		CuHours:      ptr(math.Round(j.CU*ran.Hours()*1000) / 1000),
		VcoreSeconds: ptr(int64(cores * ran.Seconds())), MbSeconds: ptr(int64(memMB * ran.Seconds())),
	}
	if j.TimeoutSeconds > 0 {
		v.ExecutionTimeoutSeconds = ptr(j.TimeoutSeconds)
	}
	if jobEnded(state) {
		v.EndTime = millis(jobEnd(j))
	}
	if code, msg := jobReason(j, state); code != "" {
		v.StateChangeReason = &sparkwire.ListJobRunsResponseJobRunsItemStateChangeReason{Code: code, Message: msg}
	}
	return v
}

func jobMatches(j *jobRunRec, req *sparkwire.ListJobRunsRequest, now time.Time) bool {
	state := jobState(j, now)
	switch {
	case len(req.States) > 0 && !slices.Contains(req.States, state),
		req.Name != "" && !strings.Contains(j.Name, req.Name),
		req.JobRunId != "" && req.JobRunId != j.ID,
		req.Creator != "" && req.Creator != sandboxUID,
		req.ResourceQueueId != "" && req.ResourceQueueId != j.Queue:
		return false
	}
	if r := req.StartTime; r != nil && !inRange(j.SubmittedAt, r.StartTime, r.EndTime) {
		return false
	}
	if r := req.EndTime; r != nil {
		if !jobEnded(state) || !inRange(jobEnd(j), r.StartTime, r.EndTime) {
			return false
		}
	}
	if req.MinDuration != nil {
		end := now
		if jobEnded(state) {
			end = jobEnd(j)
		}
		if end.Sub(j.SubmittedAt).Milliseconds() < *req.MinDuration {
			return false
		}
	}
	for _, t := range req.Tags {
		if !slices.ContainsFunc(j.Tags, func(x sparkwire.Tag) bool { return x.Key == t.Key && (t.Value == "" || x.Value == t.Value) }) {
			return false
		}
	}
	return true
}

func cancelJobRun(c *call, w *World) (any, error) {
	var req sparkwire.CancelJobRunRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	ws, err := c.workspace(w, req.WorkspaceId)
	if err != nil {
		return nil, err
	}
	j, err := c.jobRun(w, ws, req.JobRunId)
	if err != nil {
		return nil, err
	}
	if st := jobState(j, c.now); st != jrRunning {
		return nil, errDenied("OperationDenied", "job run %s is %s: only a Running job run can be cancelled; check its state with GetJobRun", j.ID, st)
	}
	j.CancelAt, j.CancelledAt = c.now, c.now.Add(c.scale(jobCancellingFor))
	return &sparkwire.CancelJobRunResponse{JobRunId: j.ID, RequestId: c.requestID}, nil
}
