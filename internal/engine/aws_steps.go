package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

var (
	awsMainClass = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.]*$`)
	awsCommand   = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,128}$`)
)

// checkStep validates a typed step before anything is sent: every problem,
// each with its field.
func awsCheckStep(s spec.AWSStep) error {
	var errs []*validate.Error
	var probs []FieldProblem
	bad := func(field, problem, fix string) {
		probs = append(probs, FieldProblem{Field: field, Problem: problem, Fix: fix})
	}
	if s.Name == "" {
		bad("name", "missing", "name the step")
	} else {
		errs = append(errs, validate.Text("name", s.Name))
	}
	if !slices.Contains(spec.ActionOnFailure("").Values(), string(s.ActionOnFailure)) {
		bad("actionOnFailure", fmt.Sprintf("%q is not an action", validate.Render(string(s.ActionOnFailure))), "use CONTINUE, CANCEL_AND_WAIT or TERMINATE_CLUSTER")
	}
	code := func(field, v string) {
		if v == "" {
			bad(field, "missing", "give the s3:// location")
			return
		}
		errs = append(errs, validate.ScriptPath(field, v, "s3", nil))
	}
	switch s.Type {
	case spec.StepSpark, spec.StepJar:
		code("jar", s.Jar)
	case spec.StepPySpark, spec.StepHive:
		code("script", s.Script)
	case spec.StepCommand:
		if !awsCommand.MatchString(s.Command) {
			bad("command", fmt.Sprintf("%q is not a program name", validate.Render(s.Command)), "name one program (e.g. s3-dist-cp); pass its arguments one by one")
		}
	default:
		bad("type", fmt.Sprintf("%q is not a step type", validate.Render(string(s.Type))), "use spark, pyspark, hive, jar or command")
	}
	if s.MainClass != "" && !awsMainClass.MatchString(s.MainClass) {
		bad("mainClass", fmt.Sprintf("%q is not a Java class name", validate.Render(s.MainClass)), "use a fully qualified class name")
	}
	if s.DeployMode != "" && s.DeployMode != "cluster" && s.DeployMode != "client" {
		bad("deployMode", fmt.Sprintf("%q is not a deploy mode", validate.Render(string(s.DeployMode))), "use cluster or client")
	}
	for k := range s.SparkConf {
		if k == "" || strings.ContainsAny(k, " \t\n=") {
			bad("conf", fmt.Sprintf("%q is not a Spark property name", validate.Render(k)), "write --conf key=value")
		}
	}
	for i, a := range s.Args {
		if strings.ContainsFunc(a, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			bad(fmt.Sprintf("args[%d]", i), "contains a control character", "remove it")
		}
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

// stepCommand is the command a step runs, quoted for a shell: what the
// confirmation shows as the equivalent spark-submit.
func awsStepCommand(s spec.AWSStep) string {
	jar, main, args := s.HadoopJarStep()
	if jar == spec.CommandRunnerJar {
		return provider.ShellJoin(args)
	}
	cmd := []string{"hadoop", "jar", jar}
	if main != "" {
		cmd = append(cmd, main)
	}
	return provider.ShellJoin(append(cmd, args...))
}

func awsStepCode(s spec.AWSStep) []string {
	var out []string
	for _, v := range []string{s.Jar, s.Script} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// StepResult is what adding a step did.
type StepResult struct {
	ClusterID string   `json:"clusterId"`
	StepID    string   `json:"stepId"`
	Command   string   `json:"command"`
	Outcome   *Outcome `json:"outcome"`
}

func (r *StepResult) outcome() *Outcome { return r.Outcome }

func markStep(r *StepResult, status, note string) *StepResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// Journal operations of steps.
const (
	opAddSteps    = "AddJobFlowSteps"
	opCancelSteps = "CancelSteps"
)

// stepObservation is a step as journaled with AddJobFlowSteps: what
// reconciliation looks for after a lost response.
type stepObservation struct {
	Name string   `json:"name"`
	Jar  string   `json:"jar"`
	Args []string `json:"args"`
}

// stepClockSkew is how far the cloud's clock may be from ours when a
// step's creation time is matched to a journaled attempt.
const stepClockSkew = 5 * time.Minute

// AddStep submits a typed step (spark, pyspark, hive, jar, or command, the
// last for people only) to a cluster that still runs: an additive write,
// sent again when run again. Arguments stay one argument each.
// AddJobFlowSteps has no token: after an unknown outcome the engine looks
// for a step with the same name and command created since, before
// sending again.
func (e *Engine) AddStep(ctx context.Context, call Call, clusterID string, s spec.AWSStep) (*StepResult, error) {
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	if s.ActionOnFailure == "" {
		s.ActionOnFailure = "CONTINUE"
	}
	if isAgent(call.Actor) {
		if probs := e.AgentStepProblems("step", s); len(probs) > 0 {
			return nil, &InputError{Problems: probs}
		}
	}
	if err := awsCheckStep(s); err != nil {
		return nil, err
	}
	p, err := capability[provider.Steps](e, "steps")
	if err != nil {
		return nil, err
	}
	cmd := awsStepCommand(s)
	return run(ctx, e, call, job[*StepResult]{
		operation: opAddSteps, target: clusterID, input: s, mark: markStep,
		do: func(ctx context.Context, f *flight) (*StepResult, error) {
			if err := e.clusterTakesSteps(ctx, clusterID); err != nil {
				return nil, err
			}
			op := policy.SubmitJob{
				Provider: e.Provider(), TargetID: clusterID, Kind: string(s.Type), CodeURIs: awsStepCode(s),
				OwnBuckets: e.opts.OwnBuckets, SparkSubmit: cmd,
			}
			jar, _, args := s.HadoopJarStep()
			out, err := f.apply(ctx, write{
				op: op, operation: opAddSteps, target: clusterID, tokenKind: journal.TokenNone,
				request: p.StepsRequest(clusterID, []spec.AWSStep{s}), observed: stepObservation{Name: s.Name, Jar: jar, Args: args},
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.AddSteps(ctx, clusterID, []spec.AWSStep{s})
				},
			})
			if err != nil {
				return nil, err
			}
			res := &StepResult{ClusterID: clusterID, Command: cmd, Outcome: out}
			if out.Result != nil && len(out.Result.IDs) > 0 {
				res.StepID = out.Result.IDs[0]
			}
			return res, nil
		},
	})
}

// clusterTakesSteps refuses a cluster that is terminating or gone: EMR
// would queue nothing on it, and its step would never run.
func (e *Engine) clusterTakesSteps(ctx context.Context, clusterID string) error {
	c, err := e.GetCluster(ctx, clusterID)
	if err != nil {
		return err
	}
	switch c.State {
	case StateTerminating, StateTerminated, StateTerminatedWithErrors:
		return inputError("clusterId", fmt.Sprintf("cluster %s is %s: it runs no more steps, so nothing was sent", clusterID, c.State),
			"add the step to a running cluster ('emrctl cluster list --active' lists them)")
	}
	return nil
}

// reconcileAddSteps decides whether an AddJobFlowSteps with an unknown
// outcome was applied: a step of its name and command created since it was
// journaled.
func reconcileAddSteps(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	var obs stepObservation
	if err := json.Unmarshal(entry.Observed, &obs); err != nil || obs.Name == "" {
		return cannotTellBecause("the journal entry does not record the step"), nil
	}
	p, err := capability[provider.Steps](e, "steps")
	if err != nil {
		return verdict{}, err
	}
	steps, err := read(ctx, e, func(ctx context.Context) ([]provider.Step, error) { return p.Steps(ctx, entry.Target, nil, nil) })
	if err != nil {
		return verdict{}, err
	}
	for _, st := range steps {
		if st.Name == obs.Name && st.Jar == obs.Jar && slices.Equal(st.Args, obs.Args) && !st.CreateTime.Before(entry.Time.Add(-stepClockSkew)) {
			return appliedBecause(&provider.WriteResult{IDs: []string{st.ID}}, "step %s with its name and command was added since", st.ID), nil
		}
	}
	return notAppliedBecause("no step named %s with its command was added since", validate.Render(obs.Name)), nil
}

// ListSteps lists a cluster's steps, newest first. States are EMR step
// states or cloudmesh's names (pending, canceling, running, completed,
// cancelled, failed, interrupted); several are a union.
func (e *Engine) ListSteps(ctx context.Context, clusterID string, states []string) ([]provider.Step, error) {
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	st, err := ResolveNames("state", states, AWSStepStatusNames())
	if err != nil {
		return nil, err
	}
	p, err := capability[provider.Steps](e, "steps")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.Step, error) { return p.Steps(ctx, clusterID, st, nil) })
}

func (e *Engine) checkStepID(clusterID, stepID string) error {
	return checkInput(e.clusterID(clusterID), validate.ID(validate.AWSStepID, "step ID", stepID))
}

// GetStep describes one step.
func (e *Engine) GetStep(ctx context.Context, clusterID, stepID string) (*provider.Step, error) {
	if err := e.checkStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	p, err := capability[provider.Steps](e, "steps")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.Step, error) { return p.Step(ctx, clusterID, stepID) })
}

// StepFailedError is a step that ended FAILED, CANCELLED or INTERRUPTED.
type StepFailedError struct {
	Wait *provider.WaitError
	Step *provider.Step
}

// Error says how the step ended, why, and where its log is.
func (e *StepFailedError) Error() string {
	msg := e.Wait.Error()
	if f := e.Step.Failure; f != nil && f.LogFile != "" {
		msg += "\nlog: " + f.LogFile
	}
	return msg + "\nread its output with 'emrctl step logs " + e.Step.ClusterID + " " + e.Step.ID + " --stderr'"
}

// Unwrap returns the wait error.
func (e *StepFailedError) Unwrap() error { return e.Wait }

// WaitStep polls a step until it is COMPLETED (returned), or fails with
// the reason EMR gave and where its log is.
func (e *Engine) WaitStep(ctx context.Context, clusterID, stepID string, o WaitOptions) (*provider.Step, error) {
	if err := e.checkStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	p, err := capability[provider.Steps](e, "steps")
	if err != nil {
		return nil, err
	}
	target := []string{provider.StepCompleted}
	if o.Target != "" && o.Target != provider.StepCompleted {
		target = []string{o.Target}
	}
	spec := provider.WaitSpec{
		What: "step " + stepID, Pending: []string{provider.StepPending, provider.StepRunning, provider.StepCancelPend}, Target: target,
		Failed: []string{provider.StepFailed, provider.StepCancelled, provider.StepInterrupted}, Timeout: o.Timeout,
		Interval: e.pollInterval(), Progress: o.Progress,
	}
	if spec.Timeout <= 0 {
		spec.Timeout = e.opts.Timeouts.Wait
	}
	var last *provider.Step
	_, err = provider.Wait(ctx, spec, func(ctx context.Context) (provider.Observation, error) {
		s, err := read(ctx, e, func(ctx context.Context) (*provider.Step, error) { return p.Step(ctx, clusterID, stepID) })
		if err != nil {
			return provider.Observation{}, err
		}
		last = s
		reason := s.StateReason
		if f := s.Failure; f != nil {
			reason = &provider.StateReason{Code: f.Reason, Message: f.Message}
		}
		return provider.Observation{State: s.State, Reason: reason}, nil
	})
	var we *provider.WaitError
	if errors.As(err, &we) && !we.TimedOut && last != nil {
		return last, &StepFailedError{Wait: we, Step: last}
	}
	return last, err
}

// CancelStepResult is what a cancel did.
type CancelStepResult struct {
	ClusterID string   `json:"clusterId"`
	StepID    string   `json:"stepId"`
	Status    string   `json:"status"`
	Reason    string   `json:"reason,omitempty"`
	Outcome   *Outcome `json:"outcome"`
}

func (r *CancelStepResult) outcome() *Outcome { return r.Outcome }

func markCancelStep(r *CancelStepResult, status, note string) *CancelStepResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// CancelStep cancels a pending or running step (confirmed: results not yet
// written are lost). It is declarative: a step already being cancelled is
// left alone and said so; one that has ended is refused, nothing sent.
func (e *Engine) CancelStep(ctx context.Context, call Call, clusterID, stepID string) (*CancelStepResult, error) {
	if err := e.checkStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	p, err := capability[provider.Steps](e, "steps")
	if err != nil {
		return nil, err
	}
	target := clusterID + "/" + stepID
	request := map[string]any{"clusterId": clusterID, "stepIds": []string{stepID}, "stepCancellationOption": "SEND_INTERRUPT"}
	return run(ctx, e, call, job[*CancelStepResult]{
		operation: opCancelSteps, target: target, input: request, mark: markCancelStep,
		do: func(ctx context.Context, f *flight) (*CancelStepResult, error) {
			st, err := read(ctx, e, func(ctx context.Context) (*provider.Step, error) { return p.Step(ctx, clusterID, stepID) })
			if err != nil {
				return nil, err
			}
			res := &CancelStepResult{ClusterID: clusterID, StepID: stepID, Status: st.State}
			op := policy.CancelJob{Provider: e.Provider(), TargetID: target}
			switch st.State {
			case provider.StepCancelPend, provider.StepCancelled:
				res.Outcome = f.unchanged(ctx, op, fmt.Sprintf("step %s is already %s", stepID, st.State))
				return res, nil
			case provider.StepCompleted, provider.StepFailed, provider.StepInterrupted:
				return nil, inputError("stepId", fmt.Sprintf("step %s already ended %s: there is nothing to cancel, so nothing was sent", stepID, st.State),
					"list the steps that still run with 'emrctl step list "+clusterID+" --state pending --state running'")
			}
			res.Outcome, err = f.apply(ctx, write{
				op: op, operation: opCancelSteps, target: target, tokenKind: journal.TokenNone, request: request,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					out, rid, err := p.CancelSteps(ctx, clusterID, []string{stepID})
					if err != nil {
						return nil, err
					}
					for _, c := range out {
						if c.StepID == stepID {
							res.Status, res.Reason = c.Status, c.Reason
						}
					}
					return &provider.WriteResult{IDs: []string{stepID}, RequestID: rid}, nil
				},
			})
			if err != nil {
				return nil, err
			}
			if res.Status == "FAILED" {
				return res, &provider.APIError{Provider: e.Provider(), Action: "CancelSteps", Kind: provider.KindConflict, Code: "CancelFailed",
					Message: "EMR did not cancel step " + stepID + ": " + res.Reason}
			}
			return res, nil
		},
	})
}

// StepLog is one output stream of a step, read from the cluster's log URI.
type StepLog struct {
	ClusterID string `json:"clusterId"`
	StepID    string `json:"stepId"`
	Stream    string `json:"stream"`
	URI       string `json:"uri"`
	Content   string `json:"content"`
	Truncated bool   `json:"truncated,omitempty"`
}

// stepLogLimit bounds how much of a log is read.
const stepLogLimit = 4 << 20

// StepLogs reads a step's stdout or stderr from the cluster's log URI
// (EMR copies them to <logUri>/<cluster>/steps/<step>/<stream>.gz a few
// minutes after the step ends).
func (e *Engine) StepLogs(ctx context.Context, clusterID, stepID, stream string) (*StepLog, error) {
	if err := e.checkStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	if stream != "stdout" && stream != "stderr" && stream != "controller" && stream != "syslog" {
		return nil, inputError("stream", fmt.Sprintf("%q is not a step log", validate.Render(stream)), "use stdout, stderr, controller or syslog")
	}
	p, err := capability[provider.Storage](e, "reading step logs from object storage")
	if err != nil {
		return nil, err
	}
	c, err := e.GetCluster(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	logURI := ""
	if c.AWS != nil {
		logURI = c.AWS.LogURI
	}
	if logURI == "" {
		return nil, inputError("logUri", "cluster "+clusterID+" has no log URI, so EMR kept no step logs", "create clusters with aws.logUri set")
	}
	// EMR accepts s3n:// and s3a:// too; they name the same objects.
	for _, s := range []string{"s3n://", "s3a://"} {
		if strings.HasPrefix(logURI, s) {
			logURI = "s3://" + strings.TrimPrefix(logURI, s)
		}
	}
	u, ok := validate.ParseObjectURI(logURI)
	if !ok || u.Scheme != "s3" {
		return nil, inputError("logUri", fmt.Sprintf("the cluster's log URI %q is not an s3:// location", validate.Render(logURI)), "")
	}
	key := path.Join(u.Key, clusterID, "steps", stepID, stream+".gz")
	out := &StepLog{ClusterID: clusterID, StepID: stepID, Stream: stream, URI: "s3://" + u.Bucket + "/" + key}
	raw, err := read(ctx, e, func(ctx context.Context) ([]byte, error) { return p.Read(ctx, u.Bucket, key, stepLogLimit) })
	switch {
	case errors.Is(err, provider.ErrTruncated):
		out.Truncated = true
	case errors.Is(err, provider.ErrNotFound):
		return nil, fmt.Errorf("no %s log at %s yet: EMR uploads step logs a few minutes after the step ends: %w", stream, out.URI, err)
	case err != nil:
		return nil, err
	}
	out.Content = string(raw)
	return out, nil
}

// CopyInput is cloudmesh's 'copy': an S3 object onto the cluster's master
// node, by an 'aws s3 cp' command step (for people only).
type CopyInput struct {
	ClusterID string `json:"clusterId"`
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	// Dest is the directory on the master node (default /home/hadoop/).
	Dest string `json:"dest,omitempty"`
}

// CopyToCluster copies an S3 object to the master node with a command
// step: 'aws s3 cp s3://BUCKET/KEY DEST'.
func (e *Engine) CopyToCluster(ctx context.Context, call Call, in CopyInput) (*StepResult, error) {
	if in.Dest == "" {
		in.Dest = "/home/hadoop/"
	}
	if err := awsCheckObject(in.Bucket, in.Key); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(in.Dest, "/") || strings.Contains(in.Dest, "..") || strings.ContainsFunc(in.Dest, func(r rune) bool { return r < 0x20 }) {
		return nil, inputError("dest", fmt.Sprintf("%q is not an absolute path", validate.Render(in.Dest)), "use a directory such as /home/hadoop/")
	}
	return e.AddStep(ctx, call, in.ClusterID, spec.AWSStep{
		Name: "copy " + path.Base(in.Key), Type: spec.StepCommand, ActionOnFailure: "CONTINUE",
		Command: "aws", Args: []string{"s3", "cp", "s3://" + in.Bucket + "/" + in.Key, in.Dest},
	})
}

// RunInput is cloudmesh's 'run': spark-submit of a script stored in S3.
type RunInput struct {
	ClusterID string   `json:"clusterId"`
	Bucket    string   `json:"bucket"`
	Key       string   `json:"key"`
	Args      []string `json:"args,omitempty"`
	// MainClass is needed for a jar without a manifest.
	MainClass  string            `json:"mainClass,omitempty"`
	DeployMode string            `json:"deployMode,omitempty"`
	Conf       map[string]string `json:"conf,omitempty"`
	Name       string            `json:"name,omitempty"`
}

// RunScript runs an uploaded script as a spark-submit step: pyspark for
// .py files, spark for jars.
func (e *Engine) RunScript(ctx context.Context, call Call, in RunInput) (*StepResult, error) {
	if err := awsCheckObject(in.Bucket, in.Key); err != nil {
		return nil, err
	}
	uri := "s3://" + in.Bucket + "/" + in.Key
	s := spec.AWSStep{
		Name: in.Name, ActionOnFailure: "CONTINUE", DeployMode: spec.SparkDeployMode(in.DeployMode), SparkConf: in.Conf, Args: in.Args,
	}
	if s.Name == "" {
		s.Name = "run " + path.Base(in.Key)
	}
	if strings.HasSuffix(in.Key, ".py") {
		s.Type, s.Script = spec.StepPySpark, uri
		if in.MainClass != "" {
			return nil, inputError("mainClass", "a main class applies to jars, not Python scripts", "remove --class")
		}
	} else {
		s.Type, s.Jar, s.MainClass = spec.StepSpark, uri, in.MainClass
	}
	return e.AddStep(ctx, call, in.ClusterID, s)
}

// checkObject validates an S3 bucket and key.
func awsCheckObject(bucket, key string) error {
	if err := checkInput(validate.Bucket("bucket", bucket)); err != nil {
		return err
	}
	if key == "" || strings.HasPrefix(key, "/") || len(key) > 1024 || strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return inputError("key", fmt.Sprintf("%q is not an object key", validate.Render(key)), "use a path inside the bucket such as scripts/job.py")
	}
	return nil
}

// UploadInput puts a local file into S3.
type UploadInput struct {
	Path   string `json:"path"`
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// Size and ModTime identify the file's content for the journal: the
	// same file uploaded again within the window is recognised.
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modTime"`
}

// UploadResult is what an upload did.
type UploadResult struct {
	Object  *provider.Object `json:"object"`
	URI     string           `json:"uri"`
	Outcome *Outcome         `json:"outcome"`
}

// UploadObject puts a local file at s3://BUCKET/KEY (cloudmesh 'upload').
// It is journaled; PutObject of the same file is idempotent, so a retry
// after an unknown outcome simply writes it again.
func (e *Engine) UploadObject(ctx context.Context, call Call, in UploadInput) (*UploadResult, error) {
	if err := awsCheckObject(in.Bucket, in.Key); err != nil {
		return nil, err
	}
	p, err := capability[provider.Storage](e, "uploading to object storage")
	if err != nil {
		return nil, err
	}
	uri := "s3://" + in.Bucket + "/" + in.Key
	return run(ctx, e, call, job[*UploadResult]{
		operation: "PutObject", target: uri, input: in, mark: markUpload,
		do: func(ctx context.Context, f *flight) (*UploadResult, error) {
			var obj *provider.Object
			out, err := f.apply(ctx, write{
				operation: "PutObject", target: uri, tokenKind: journal.TokenNone, request: in,
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					o, rid, err := p.Upload(ctx, in.Path, in.Bucket, in.Key)
					if err != nil {
						return nil, err
					}
					obj = o
					return &provider.WriteResult{IDs: []string{o.URI()}, RequestID: rid}, nil
				},
			})
			if err != nil {
				return nil, err
			}
			if obj == nil {
				obj = &provider.Object{Bucket: in.Bucket, Key: in.Key, Size: in.Size}
			}
			return &UploadResult{Object: obj, URI: obj.URI(), Outcome: out}, nil
		},
	})
}

func (r *UploadResult) outcome() *Outcome { return r.Outcome }

func markUpload(r *UploadResult, status, note string) *UploadResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}
