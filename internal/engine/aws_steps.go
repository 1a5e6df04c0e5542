package engine

import (
	"context"
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
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
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
		return awsprov.ShellJoin(args)
	}
	cmd := []string{"hadoop", "jar", jar}
	if main != "" {
		cmd = append(cmd, main)
	}
	return awsprov.ShellJoin(append(cmd, args...))
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

// AddStep submits a typed step (spark, pyspark, hive, jar, or command, the
// last for people only) to a cluster. Arguments stay one argument each.
// AddJobFlowSteps has no token: after an unknown outcome the engine looks
// for a step with the same name and command created since, before sending
// again.
func (e *Engine) AddStep(ctx context.Context, call Call, clusterID string, s spec.AWSStep) (*StepResult, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
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
	p, err := e.awsBackend("adding steps")
	if err != nil {
		return nil, err
	}
	cmd := awsStepCommand(s)
	op := policy.SubmitJob{
		Provider: policy.ProviderAWS, TargetID: clusterID, Kind: string(s.Type), CodeURIs: awsStepCode(s),
		OwnBuckets: e.opts.OwnBuckets, SparkSubmit: cmd,
	}
	jar, _, args := s.HadoopJarStep()
	w := write{
		op: op, operation: "AddJobFlowSteps", target: clusterID, tokenKind: journal.TokenNone,
		request: awsprov.StepsRequest(clusterID, []spec.AWSStep{s}),
		reconcile: func(ctx context.Context, prev *journal.Entry) (*provider.WriteResult, bool, error) {
			steps, err := p.Steps(ctx, clusterID, nil, nil)
			if err != nil {
				return nil, false, err
			}
			for _, st := range steps {
				if st.Name == s.Name && st.Jar == jar && slices.Equal(st.Args, args) && !st.CreateTime.Before(prev.Time.Add(-awsClockSkew)) {
					return &provider.WriteResult{IDs: []string{st.ID}}, true, nil
				}
			}
			return nil, false, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.AddSteps(ctx, clusterID, []spec.AWSStep{s})
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	res := &StepResult{ClusterID: clusterID, Command: cmd, Outcome: out}
	if len(out.Result.IDs) > 0 {
		res.StepID = out.Result.IDs[0]
	}
	return res, nil
}

// ListSteps lists a cluster's steps, newest first. States are EMR step
// states or cloudmesh's names (pending, canceling, running, completed,
// cancelled, failed, interrupted); several are a union.
func (e *Engine) ListSteps(ctx context.Context, clusterID string, states []string) ([]awsprov.Step, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
		return nil, err
	}
	st, err := ResolveNames("state", states, AWSStepStatusNames())
	if err != nil {
		return nil, err
	}
	p, err := e.awsBackend("listing steps")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]awsprov.Step, error) { return p.Steps(ctx, clusterID, st, nil) })
}

func awsCheckStepID(clusterID, stepID string) error {
	return checkInput(validate.ID(validate.AWSClusterID, "cluster ID", clusterID), validate.ID(validate.AWSStepID, "step ID", stepID))
}

// GetStep describes one step.
func (e *Engine) GetStep(ctx context.Context, clusterID, stepID string) (*awsprov.Step, error) {
	if err := awsCheckStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("describing steps")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*awsprov.Step, error) { return p.Step(ctx, clusterID, stepID) })
}

// StepFailedError is a step that ended FAILED, CANCELLED or INTERRUPTED.
type StepFailedError struct {
	Wait *provider.WaitError
	Step *awsprov.Step
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
func (e *Engine) WaitStep(ctx context.Context, clusterID, stepID string, o WaitOptions) (*awsprov.Step, error) {
	if err := awsCheckStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("waiting for steps")
	if err != nil {
		return nil, err
	}
	target := []string{awsprov.StepCompleted}
	if o.Target != "" && o.Target != awsprov.StepCompleted {
		target = []string{o.Target}
	}
	spec := provider.WaitSpec{
		What: "step " + stepID, Pending: []string{awsprov.StepPending, awsprov.StepRunning, awsprov.StepCancelPend}, Target: target,
		Failed: []string{awsprov.StepFailed, awsprov.StepCancelled, awsprov.StepInterrupted}, Timeout: o.Timeout,
		Interval: e.pollInterval(), Progress: o.Progress,
	}
	if spec.Timeout <= 0 {
		spec.Timeout = e.opts.Timeouts.Wait
	}
	var last *awsprov.Step
	_, err = provider.Wait(ctx, spec, func(ctx context.Context) (provider.Observation, error) {
		s, err := read(ctx, e, func(ctx context.Context) (*awsprov.Step, error) { return p.Step(ctx, clusterID, stepID) })
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

// CancelStep cancels a pending or running step (confirmed: results not yet
// written are lost).
func (e *Engine) CancelStep(ctx context.Context, call Call, clusterID, stepID string) (*CancelStepResult, error) {
	if err := awsCheckStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("cancelling steps")
	if err != nil {
		return nil, err
	}
	res := &CancelStepResult{ClusterID: clusterID, StepID: stepID}
	op := policy.CancelJob{Provider: policy.ProviderAWS, TargetID: clusterID + "/" + stepID}
	w := write{
		op: op, operation: "CancelSteps", target: clusterID + "/" + stepID, tokenKind: journal.TokenNone,
		request: map[string]any{"clusterId": clusterID, "stepIds": []string{stepID}, "stepCancellationOption": "SEND_INTERRUPT"},
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			s, err := p.Step(ctx, clusterID, stepID)
			if err != nil {
				return nil, false, err
			}
			gone := s.State == awsprov.StepCancelPend || s.State == awsprov.StepCancelled
			return &provider.WriteResult{IDs: []string{stepID}}, gone, nil
		},
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
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	res.Outcome = out
	if res.Status == "FAILED" {
		return res, &provider.APIError{Provider: provider.AWS, Action: "CancelSteps", Kind: provider.KindConflict, Code: "CancelFailed",
			Message: "EMR did not cancel step " + stepID + ": " + res.Reason}
	}
	return res, nil
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
	if err := awsCheckStepID(clusterID, stepID); err != nil {
		return nil, err
	}
	if stream != "stdout" && stream != "stderr" && stream != "controller" && stream != "syslog" {
		return nil, inputError("stream", fmt.Sprintf("%q is not a step log", validate.Render(stream)), "use stdout, stderr, controller or syslog")
	}
	p, err := e.awsBackend("reading step logs")
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
	case errors.Is(err, awsprov.ErrTruncated):
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
	Object  *awsprov.Object `json:"object"`
	URI     string          `json:"uri"`
	Outcome *Outcome        `json:"outcome"`
}

// UploadObject puts a local file at s3://BUCKET/KEY (cloudmesh 'upload').
// It is journaled; PutObject of the same file is idempotent, so a retry
// after an unknown outcome simply writes it again.
func (e *Engine) UploadObject(ctx context.Context, call Call, in UploadInput) (*UploadResult, error) {
	if err := awsCheckObject(in.Bucket, in.Key); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("uploading to S3")
	if err != nil {
		return nil, err
	}
	var obj *awsprov.Object
	w := write{
		operation: "PutObject", target: "s3://" + in.Bucket + "/" + in.Key, tokenKind: journal.TokenNone, request: in,
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			o, rid, err := p.Upload(ctx, in.Path, in.Bucket, in.Key)
			if err != nil {
				return nil, err
			}
			obj = o
			return &provider.WriteResult{IDs: []string{o.URI()}, RequestID: rid}, nil
		},
	}
	out, err := e.journaled(ctx, call, w)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		obj = &awsprov.Object{Bucket: in.Bucket, Key: in.Key, Size: in.Size}
	}
	return &UploadResult{Object: obj, URI: obj.URI(), Outcome: out}, nil
}
