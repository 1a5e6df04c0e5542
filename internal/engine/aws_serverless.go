package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

var (
	awsRoleARN  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)
	awsRelease  = regexp.MustCompile(`^emr-\d+\.\d+\.\d+$`)
	awsCapacity = regexp.MustCompile(`^\d+(\.\d+)?\s*(vCPU|GB)?$`)
)

func awsCheckAppID(id string) error {
	return checkInput(validate.ID(validate.AWSServerlessAppID, "application ID", id))
}

func awsCheckCapacity(field string, c provider.Capacity, probs *[]FieldProblem) {
	if c.CPU == "" || c.Memory == "" {
		*probs = append(*probs, FieldProblem{Field: field, Problem: "needs both cpu and memory", Fix: `give e.g. cpu "4 vCPU" and memory "16 GB"`})
	}
	for _, x := range []struct{ name, v string }{{"cpu", c.CPU}, {"memory", c.Memory}, {"disk", c.Disk}} {
		if x.v != "" && !awsCapacity.MatchString(x.v) {
			*probs = append(*probs, FieldProblem{Field: field + "." + x.name, Problem: fmt.Sprintf("%q is not an amount", validate.Render(x.v)), Fix: `write e.g. "4 vCPU" or "16 GB"`})
		}
	}
}

// awsCheckApplication validates an application spec; create says whether
// name, type and release are required.
func awsCheckApplication(s provider.ServerlessAppSpec, create bool) error {
	var probs []FieldProblem
	bad := func(field, problem, fix string) {
		probs = append(probs, FieldProblem{Field: field, Problem: problem, Fix: fix})
	}
	if create || s.Name != "" {
		if err := validate.Name("name", s.Name); err != nil {
			bad("name", problemText(err), err.Fix)
		}
	}
	if create && s.Type != provider.AppTypeSpark && s.Type != provider.AppTypeHive {
		bad("type", fmt.Sprintf("%q is not an application type", validate.Render(s.Type)), "use SPARK or HIVE")
	}
	if (create || s.ReleaseLabel != "") && !awsRelease.MatchString(s.ReleaseLabel) {
		bad("releaseLabel", fmt.Sprintf("%q is not an EMR release label", validate.Render(s.ReleaseLabel)), "write emr-x.y.z, e.g. emr-7.2.0")
	}
	if s.Architecture != "" && s.Architecture != "X86_64" && s.Architecture != "ARM64" {
		bad("architecture", fmt.Sprintf("%q is not an architecture", validate.Render(s.Architecture)), "use X86_64 or ARM64")
	}
	for k, w := range s.InitialCapacity {
		if w.WorkerCount < 0 {
			bad("initialCapacity."+k+".workerCount", "must not be negative", "use 0 or more")
		}
		awsCheckCapacity("initialCapacity."+k+".worker", w.Worker, &probs)
	}
	if s.MaximumCapacity != nil {
		awsCheckCapacity("maximumCapacity", *s.MaximumCapacity, &probs)
	}
	if s.AutoStopIdleMinutes < -1 {
		bad("autoStopIdleMinutes", "must be -1 (off), 0 (default) or a number of minutes", "")
	}
	if err := validate.Tags("tags", s.Tags); err != nil {
		bad("tags", problemText(err), err.Fix)
	}
	if len(probs) > 0 {
		return &InputError{Problems: probs}
	}
	return nil
}

// ServerlessResult is what a write on an application or job run did.
type ServerlessResult struct {
	ID      string   `json:"id"`
	Command string   `json:"sparkSubmit,omitempty"`
	Outcome *Outcome `json:"outcome"`
}

func (r *ServerlessResult) outcome() *Outcome { return r.Outcome }

func markServerless(r *ServerlessResult, status, note string) *ServerlessResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// Journal operations of EMR Serverless.
const (
	opCreateApplication = "CreateApplication"
	opUpdateApplication = "UpdateApplication"
	opStartApplication  = "StartApplication"
	opStopApplication   = "StopApplication"
	opDeleteApplication = "DeleteApplication"
	opStartJobRun       = "StartJobRun"
	opCancelJobRun      = "CancelJobRun"
)

// stateOp names a write the policy does not judge, for the audit of an
// unchanged outcome.
type stateOp struct{ api, target string }

func (o stateOp) API() string    { return o.api }
func (o stateOp) Target() string { return o.target }

// CreateServerlessApp creates an EMR Serverless application with a client
// token from the journal. The policy confirms it like a cluster, its
// pre-initialised workers counted as nodes; it is billed per second of
// use, so no billing method is named.
func (e *Engine) CreateServerlessApp(ctx context.Context, call Call, s provider.ServerlessAppSpec) (*ServerlessResult, error) {
	s.Type = strings.ToUpper(s.Type)
	if err := awsCheckApplication(s, true); err != nil {
		return nil, err
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	op := policy.CreateCluster{Region: e.opts.Region, ClusterName: s.Name}
	for _, k := range awsCapacityKeys(s.InitialCapacity) {
		op.Groups = append(op.Groups, policy.GroupCount{Name: "initial capacity", Role: k, Count: s.InitialCapacity[k].WorkerCount})
	}
	return run(ctx, e, call, job[*ServerlessResult]{
		operation: opCreateApplication, target: s.Name, input: s, mark: markServerless,
		do: func(ctx context.Context, f *flight) (*ServerlessResult, error) {
			out, err := f.apply(ctx, write{
				op: op, operation: opCreateApplication, target: s.Name, tokenKind: journal.TokenClient, request: s,
				send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
					return p.CreateApplication(ctx, s, token)
				},
			})
			if err != nil {
				return nil, err
			}
			return &ServerlessResult{ID: awsFirstID(out), Outcome: out}, nil
		},
	})
}

func awsCapacityKeys(m map[string]provider.WorkerCapacity) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func awsFirstID(out *Outcome) string {
	if out == nil || out.Result == nil || len(out.Result.IDs) == 0 {
		return ""
	}
	return out.Result.IDs[0]
}

// UpdateServerlessApp changes an application's capacity, auto start/stop,
// release or network (EMR accepts it only while CREATED or STOPPED). It is
// declarative: settings that already hold are not sent again. It is
// journaled with a client token.
func (e *Engine) UpdateServerlessApp(ctx context.Context, call Call, id string, s provider.ServerlessAppSpec) (*ServerlessResult, error) {
	if err := awsCheckAppID(id); err != nil {
		return nil, err
	}
	if s.Name != "" || s.Type != "" || len(s.Tags) > 0 {
		return nil, inputError("update", "name, type and tags cannot be changed", "create a new application instead")
	}
	if err := awsCheckApplication(s, false); err != nil {
		return nil, err
	}
	if reflect.DeepEqual(s, provider.ServerlessAppSpec{}) {
		return nil, inputError("update", "nothing to change", "pass --release, --max-cpu/--max-memory, --auto-start/--no-auto-start, --auto-stop-minutes or initial capacity")
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*ServerlessResult]{
		operation: opUpdateApplication, target: id, input: s, mark: markServerless,
		do: func(ctx context.Context, f *flight) (*ServerlessResult, error) {
			cur, err := read(ctx, e, func(ctx context.Context) (*provider.ServerlessApp, error) { return p.Application(ctx, id) })
			if err != nil {
				return nil, err
			}
			if appHolds(cur, s) {
				out := f.unchanged(ctx, stateOp{opUpdateApplication, id}, "application "+id+" already has these settings")
				return &ServerlessResult{ID: id, Outcome: out}, nil
			}
			out, err := f.apply(ctx, write{
				operation: opUpdateApplication, target: id, tokenKind: journal.TokenClient, request: s,
				send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
					return p.UpdateApplication(ctx, id, s, token)
				},
			})
			if err != nil {
				return nil, err
			}
			return &ServerlessResult{ID: id, Outcome: out}, nil
		},
	})
}

// appHolds reports whether every setting s gives already holds on the
// application. Network settings are not read back: given, they are sent.
func appHolds(a *provider.ServerlessApp, s provider.ServerlessAppSpec) bool {
	switch {
	case s.ReleaseLabel != "" && s.ReleaseLabel != a.ReleaseLabel,
		s.Architecture != "" && s.Architecture != a.Architecture,
		s.InitialCapacity != nil && !reflect.DeepEqual(s.InitialCapacity, a.InitialCapacity),
		s.MaximumCapacity != nil && (a.MaximumCapacity == nil || *s.MaximumCapacity != *a.MaximumCapacity),
		s.AutoStart != nil && *s.AutoStart != a.AutoStart,
		s.AutoStopIdleMinutes > 0 && s.AutoStopIdleMinutes != a.AutoStopIdleMinutes,
		s.AutoStopIdleMinutes < 0 && a.AutoStopIdleMinutes != 0,
		len(s.SubnetIDs) > 0 || len(s.SecurityGroupIDs) > 0:
		return false
	}
	return true
}

// GetServerlessApp describes one application.
func (e *Engine) GetServerlessApp(ctx context.Context, id string) (*provider.ServerlessApp, error) {
	if err := awsCheckAppID(id); err != nil {
		return nil, err
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.ServerlessApp, error) { return p.Application(ctx, id) })
}

// ListServerlessApps lists the applications; states are a union.
func (e *Engine) ListServerlessApps(ctx context.Context, states []string) ([]provider.ServerlessApp, error) {
	known := []string{provider.AppCreating, provider.AppCreated, provider.AppStarting, provider.AppStarted, provider.AppStopping, provider.AppStopped, provider.AppTerminated}
	for i, s := range states {
		states[i] = strings.ToUpper(s)
		if !slices.Contains(known, states[i]) {
			return nil, inputError("state", fmt.Sprintf("%q is not an application state", validate.Render(s)), "use "+strings.Join(known, ", "))
		}
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.ServerlessApp, error) { return p.Applications(ctx, states) })
}

// StartServerlessApp starts an application: a declarative write. One
// already STARTED, or STARTING, is left alone and said so.
func (e *Engine) StartServerlessApp(ctx context.Context, call Call, id string) (*ServerlessResult, error) {
	return e.appStateWrite(ctx, call, id, opStartApplication, "started", []string{provider.AppStarting, provider.AppStarted},
		func(ctx context.Context, p provider.Serverless) (*provider.WriteResult, error) {
			return p.StartApplication(ctx, id)
		})
}

// StopServerlessApp stops an application: a declarative write. One already
// STOPPED, STOPPING, or CREATED and never started, is left alone and said
// so.
func (e *Engine) StopServerlessApp(ctx context.Context, call Call, id string) (*ServerlessResult, error) {
	return e.appStateWrite(ctx, call, id, opStopApplication, "stopped", []string{provider.AppStopping, provider.AppStopped, provider.AppCreated},
		func(ctx context.Context, p provider.Serverless) (*provider.WriteResult, error) {
			return p.StopApplication(ctx, id)
		})
}

// appStateWrite reads the application and sends the write unless its
// state is one of held already.
func (e *Engine) appStateWrite(ctx context.Context, call Call, id, operation, want string, held []string,
	send func(context.Context, provider.Serverless) (*provider.WriteResult, error)) (*ServerlessResult, error) {
	if err := awsCheckAppID(id); err != nil {
		return nil, err
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	in := map[string]string{"applicationId": id}
	return run(ctx, e, call, job[*ServerlessResult]{
		operation: operation, target: id, input: in, mark: markServerless,
		do: func(ctx context.Context, f *flight) (*ServerlessResult, error) {
			a, err := read(ctx, e, func(ctx context.Context) (*provider.ServerlessApp, error) { return p.Application(ctx, id) })
			if err != nil {
				return nil, err
			}
			switch {
			case slices.Contains(held, a.State):
				out := f.unchanged(ctx, stateOp{operation, id}, fmt.Sprintf("application %s is already %s (%s)", id, want, a.State))
				return &ServerlessResult{ID: id, Outcome: out}, nil
			case a.State == provider.AppTerminated:
				return nil, inputError("applicationId", "application "+id+" is deleted (TERMINATED); nothing was sent", "list the applications with 'emrctl serverless app list'")
			}
			out, err := f.apply(ctx, write{
				operation: operation, target: id, tokenKind: journal.TokenNone, request: in,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) { return send(ctx, p) },
			})
			if err != nil {
				return nil, err
			}
			return &ServerlessResult{ID: id, Outcome: out}, nil
		},
	})
}

// DeleteServerlessApp deletes an application, only as the policy allows
// (like cluster deletion: off by default, a person at a terminal typing
// the name, never agents or scripts).
func (e *Engine) DeleteServerlessApp(ctx context.Context, call Call, id string) (*Outcome, error) {
	if err := awsCheckAppID(id); err != nil {
		return nil, err
	}
	op := policy.DeleteCluster{Provider: e.Provider(), Serverless: true, ClusterID: id}
	// Decide before reading anything: a refusal must not depend on state.
	if d := policy.Decide(e.opts.Policy, call.Actor, op); d.Verdict == policy.Deny {
		e.audit(ctx, call, "policy.denied", op, joinReasons(d.Reasons))
		return nil, &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: d.Reasons, Limit: d.Limit}
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*Outcome]{
		operation: opDeleteApplication, target: id, input: map[string]string{"applicationId": id}, mark: markOutcome,
		do: func(ctx context.Context, f *flight) (*Outcome, error) {
			a, err := read(ctx, e, func(ctx context.Context) (*provider.ServerlessApp, error) { return p.Application(ctx, id) })
			if err != nil {
				return nil, err
			}
			op.ClusterName = a.Name
			if a.State == provider.AppTerminated {
				return f.unchanged(ctx, op, "application "+id+" is already deleted"), nil
			}
			return f.apply(ctx, write{
				op: op, operation: opDeleteApplication, target: id, tokenKind: journal.TokenNone,
				request: map[string]string{"applicationId": id, "name": a.Name},
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.DeleteApplication(ctx, id)
				},
			})
		},
	})
}

// awsCheckJobRun validates a job run before anything is sent.
func awsCheckJobRun(j *provider.JobRunSpec) error {
	var probs []FieldProblem
	bad := func(field, problem, fix string) {
		probs = append(probs, FieldProblem{Field: field, Problem: problem, Fix: fix})
	}
	var errs []*validate.Error
	errs = append(errs, validate.ID(validate.AWSServerlessAppID, "application ID", j.ApplicationID))
	if j.Name != "" {
		errs = append(errs, validate.Text("name", j.Name))
	}
	if !awsRoleARN.MatchString(j.ExecutionRoleARN) {
		bad("executionRoleArn", fmt.Sprintf("%q is not an IAM role ARN", validate.Render(j.ExecutionRoleARN)), "use arn:aws:iam::123456789012:role/NAME")
	}
	switch j.Kind {
	case provider.JobKindSpark, provider.JobKindPySpark:
		if j.EntryPoint == "" {
			bad("entryPoint", "missing", "give the s3:// location of the jar or script")
		} else {
			errs = append(errs, validate.ScriptPath("entryPoint", j.EntryPoint, "s3", nil))
		}
		if j.HiveQuery != "" || j.HiveInitFile != "" {
			bad("hiveQuery", "applies to hive jobs only", "remove it")
		}
	case provider.JobKindHive:
		if j.HiveQuery == "" {
			bad("hiveQuery", "missing", "give the s3:// location of the query file")
		} else {
			errs = append(errs, validate.ScriptPath("hiveQuery", j.HiveQuery, "s3", nil))
		}
		if j.HiveInitFile != "" {
			errs = append(errs, validate.ScriptPath("hiveInitFile", j.HiveInitFile, "s3", nil))
		}
		if j.EntryPoint != "" || j.MainClass != "" || len(j.SparkConf) > 0 || len(j.Args) > 0 {
			bad("entryPoint", "Spark fields do not apply to hive jobs", "remove them")
		}
	default:
		bad("kind", fmt.Sprintf("%q is not a job kind", validate.Render(j.Kind)), "use spark, pyspark or hive")
	}
	if j.MainClass != "" && !awsMainClass.MatchString(j.MainClass) {
		bad("mainClass", fmt.Sprintf("%q is not a Java class name", validate.Render(j.MainClass)), "use a fully qualified class name")
	}
	for k, v := range j.SparkConf {
		// sparkSubmitParameters is one string EMR splits on spaces.
		if k == "" || strings.ContainsAny(k, " \t\n=") || strings.ContainsAny(v, " \t\n") {
			bad("conf", fmt.Sprintf("%q=%q cannot be passed in sparkSubmitParameters", validate.Render(k), validate.Render(v)), "use a key and value without spaces")
		}
	}
	for i, a := range j.Args {
		if strings.ContainsFunc(a, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			bad(fmt.Sprintf("args[%d]", i), "contains a control character", "remove it")
		}
	}
	if j.LogURI != "" {
		if u, ok := validate.ParseObjectURI(j.LogURI); !ok || u.Scheme != "s3" {
			bad("logUri", fmt.Sprintf("%q is not an s3:// location", validate.Render(j.LogURI)), "write s3://BUCKET/PREFIX/")
		}
	}
	if err := validate.Tags("tags", j.Tags); err != nil {
		bad("tags", problemText(err), err.Fix)
	}
	if err := checkInput(errs...); err != nil {
		var ie *InputError
		errors.As(err, &ie)
		probs = append(ie.Problems, probs...)
	}
	if len(probs) > 0 {
		return &InputError{Problems: probs}
	}
	return nil
}

// ServerlessJobRequest is the StartJobRun request as the confirmation
// shows it: the job and the equivalent spark-submit.
type ServerlessJobRequest struct {
	provider.JobRunSpec
	SparkSubmitParameters string `json:"sparkSubmitParameters,omitempty"`
	SparkSubmit           string `json:"equivalentCommand"`
}

// StartServerlessJob starts a job run (Spark, PySpark or Hive) with a client
// token from the journal. The confirmation shows the equivalent
// spark-submit; agents need a person's confirmation and code in own
// buckets (policy: SubmitJob).
func (e *Engine) StartServerlessJob(ctx context.Context, call Call, j provider.JobRunSpec) (*ServerlessResult, error) {
	j.Kind = strings.ToLower(j.Kind)
	if j.Kind == "" {
		j.Kind = provider.JobKindSpark
		if strings.HasSuffix(j.EntryPoint, ".py") {
			j.Kind = provider.JobKindPySpark
		}
	}
	if isAgent(call.Actor) {
		if probs := e.AgentJobRunProblems(j); len(probs) > 0 {
			return nil, &InputError{Problems: probs}
		}
	}
	if err := awsCheckJobRun(&j); err != nil {
		return nil, err
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	cmd := j.SparkSubmit()
	code := []string{}
	for _, c := range []string{j.EntryPoint, j.HiveQuery, j.HiveInitFile} {
		if c != "" {
			code = append(code, c)
		}
	}
	op := policy.SubmitJob{Provider: e.Provider(), TargetID: j.ApplicationID, Kind: j.Kind, CodeURIs: code, OwnBuckets: e.opts.OwnBuckets, SparkSubmit: cmd}
	req := ServerlessJobRequest{JobRunSpec: j, SparkSubmit: cmd}
	if j.Kind != provider.JobKindHive {
		req.SparkSubmitParameters = j.SparkSubmitParameters()
	}
	return run(ctx, e, call, job[*ServerlessResult]{
		operation: opStartJobRun, target: j.ApplicationID, input: j, mark: markServerless,
		do: func(ctx context.Context, f *flight) (*ServerlessResult, error) {
			out, err := f.apply(ctx, write{
				op: op, operation: opStartJobRun, target: j.ApplicationID, tokenKind: journal.TokenClient, request: req,
				send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
					return p.StartJobRun(ctx, j, token)
				},
			})
			if err != nil {
				return nil, err
			}
			return &ServerlessResult{ID: awsFirstID(out), Command: cmd, Outcome: out}, nil
		},
	})
}

func awsCheckRunID(appID, runID string) error {
	return checkInput(validate.ID(validate.AWSServerlessAppID, "application ID", appID), validate.ID(validate.AWSJobRunID, "job run ID", runID))
}

// GetServerlessJob describes one job run.
func (e *Engine) GetServerlessJob(ctx context.Context, appID, runID string) (*provider.JobRun, error) {
	if err := awsCheckRunID(appID, runID); err != nil {
		return nil, err
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.JobRun, error) { return p.JobRun(ctx, appID, runID) })
}

// ListServerlessJobs lists an application's job runs; states are a union.
func (e *Engine) ListServerlessJobs(ctx context.Context, appID string, states []string) ([]provider.JobRun, error) {
	if err := awsCheckAppID(appID); err != nil {
		return nil, err
	}
	known := []string{provider.RunSubmitted, provider.RunPending, provider.RunScheduled, provider.RunRunning, provider.RunSuccess, provider.RunFailed, provider.RunCancelling, provider.RunCancelled, provider.RunQueued}
	for i, s := range states {
		states[i] = strings.ToUpper(s)
		if !slices.Contains(known, states[i]) {
			return nil, inputError("state", fmt.Sprintf("%q is not a job run state", validate.Render(s)), "use "+strings.Join(known, ", "))
		}
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.JobRun, error) { return p.JobRuns(ctx, appID, states) })
}

// CancelServerlessJob cancels a job run (confirmed). It is declarative: a
// run already being cancelled is left alone and said so; one that has
// ended (SUCCESS, FAILED) is refused and nothing is sent.
func (e *Engine) CancelServerlessJob(ctx context.Context, call Call, appID, runID string) (*Outcome, error) {
	if err := awsCheckRunID(appID, runID); err != nil {
		return nil, err
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	target := appID + "/" + runID
	request := map[string]string{"applicationId": appID, "jobRunId": runID}
	return run(ctx, e, call, job[*Outcome]{
		operation: opCancelJobRun, target: target, input: request, mark: markOutcome,
		do: func(ctx context.Context, f *flight) (*Outcome, error) {
			r, err := read(ctx, e, func(ctx context.Context) (*provider.JobRun, error) { return p.JobRun(ctx, appID, runID) })
			if err != nil {
				return nil, err
			}
			op := policy.CancelJob{Provider: e.Provider(), TargetID: target}
			switch r.State {
			case provider.RunCancelling, provider.RunCancelled:
				return f.unchanged(ctx, op, fmt.Sprintf("job run %s is already %s", runID, r.State)), nil
			case provider.RunSuccess, provider.RunFailed:
				return nil, inputError("jobRunId", fmt.Sprintf("job run %s already ended %s: there is nothing to cancel, so nothing was sent", runID, r.State),
					"list the runs that still run with 'emrctl serverless job list "+appID+" --state RUNNING --state PENDING'")
			}
			return f.apply(ctx, write{
				op: op, operation: opCancelJobRun, target: target, tokenKind: journal.TokenNone, request: request,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.CancelJobRun(ctx, appID, runID)
				},
			})
		},
	})
}

// WaitServerlessJob polls a job run until SUCCESS, or fails with its state
// details.
func (e *Engine) WaitServerlessJob(ctx context.Context, appID, runID string, o WaitOptions) (*provider.JobRun, error) {
	if err := awsCheckRunID(appID, runID); err != nil {
		return nil, err
	}
	p, err := capability[provider.Serverless](e, "EMR Serverless")
	if err != nil {
		return nil, err
	}
	spec := provider.WaitSpec{
		What:    "job run " + runID,
		Pending: []string{provider.RunSubmitted, provider.RunPending, provider.RunScheduled, provider.RunRunning, provider.RunQueued},
		Target:  []string{provider.RunSuccess}, Failed: []string{provider.RunFailed, provider.RunCancelling, provider.RunCancelled},
		Timeout: o.Timeout, Interval: e.pollInterval(), Progress: o.Progress,
	}
	if spec.Timeout <= 0 {
		spec.Timeout = e.opts.Timeouts.Wait
	}
	var last *provider.JobRun
	_, err = provider.Wait(ctx, spec, func(ctx context.Context) (provider.Observation, error) {
		r, err := read(ctx, e, func(ctx context.Context) (*provider.JobRun, error) { return p.JobRun(ctx, appID, runID) })
		if err != nil {
			return provider.Observation{}, err
		}
		last = r
		var reason *provider.StateReason
		if r.StateDetails != "" {
			reason = &provider.StateReason{Code: r.State, Message: r.StateDetails}
		}
		return provider.Observation{State: r.State, Reason: reason}, nil
	})
	return last, err
}
