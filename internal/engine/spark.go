package engine

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// EMR Serverless Spark (Alibaba Cloud only, seed 001). Reads walk pages up
// to a bound; writes go through the same pipeline as every other write
// (validate, policy with the seed's pre-checks read here, journal,
// provider, outcome). The writes are in spark_writes.go, spark_kyuubi.go
// and spark_sessions.go; the reconciliations in spark_reconcile.go.

// SparkResult is what a Serverless Spark write did.
type SparkResult struct {
	// ID is the workspace, run, service, token, session or statement ID.
	ID      string   `json:"id,omitempty"`
	Outcome *Outcome `json:"outcome"`
	// Notes say what the person should know (what to do next, why a
	// value is not shown).
	Notes []string `json:"notes,omitempty"`
	// SparkSubmit is the equivalent spark-submit command of a job run.
	SparkSubmit string `json:"sparkSubmit,omitempty"`
	// Token is a created Kyuubi token's value, shown only this once: it
	// is never journaled, nor kept in the record that repeated calls get.
	Token string `json:"token,omitempty"`
}

func (r *SparkResult) outcome() *Outcome { return r.Outcome }

func markSpark(r *SparkResult, status, note string) *SparkResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// sparkWhat names the capability in errors.
const sparkWhat = "EMR Serverless Spark"

// spark returns the provider's Serverless Spark service.
func (e *Engine) spark() (provider.SparkService, error) {
	return capability[provider.SparkService](e, sparkWhat)
}

// sparkIDPattern is what a job run, Kyuubi service, token, application,
// session or statement ID may look like: they go into URL paths.
var sparkIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// sparkID checks one identifier of a Serverless Spark resource.
func sparkID(field, id string) *validate.Error {
	if id == "" {
		return &validate.Error{Field: field, Rule: "is required", Fix: "give the " + field + " (list them first)"}
	}
	if err := validate.Text(field, id); err != nil {
		return err
	}
	if !sparkIDPattern.MatchString(id) {
		return &validate.Error{Field: field, Value: validate.Render(id), Rule: "is not an identifier",
			Fix: "use the ID as emrctl lists it: letters, digits, '.', '_' and '-'"}
	}
	if prefix := sparkIDPrefixes[field]; prefix != "" && !strings.HasPrefix(id, prefix) {
		return &validate.Error{Field: field, Value: validate.Render(id), Rule: "does not start with " + prefix,
			Fix: "use the " + field + " as emrctl lists it (" + prefix + "...)"}
	}
	return nil
}

// sparkIDPrefixes are the prefixes the service gives its IDs, where it
// always gives one: a value without it is a mix-up, refused before
// anything is sent.
var sparkIDPrefixes = map[string]string{"job run ID": "jr-", "Kyuubi service ID": "kb-", "statement ID": "st-"}

// workspaceID checks a workspace ID.
func workspaceID(id string) *validate.Error {
	return validate.ID(validate.WorkspaceID, "workspace ID", id)
}

// checkSpark validates a workspace ID and further (field, ID) pairs.
func checkSpark(ws string, pairs ...string) error {
	errs := []*validate.Error{workspaceID(ws)}
	for i := 0; i+1 < len(pairs); i += 2 {
		errs = append(errs, sparkID(pairs[i], pairs[i+1]))
	}
	return checkInput(errs...)
}

// problemsError turns the provider's input problems, and further ones,
// into one InputError, or nil.
func problemsError(ps []provider.Problem, more ...FieldProblem) error {
	out := more
	for _, p := range ps {
		out = append(out, FieldProblem{Field: p.Field, Problem: p.Message, Fix: p.Fix})
	}
	if len(out) == 0 {
		return nil
	}
	return &InputError{Problems: out}
}

// textProblems checks free text fields (names) for characters that hide
// or forge text; pairs are field, value.
func textProblems(pairs ...string) []FieldProblem {
	var out []FieldProblem
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		if err := validate.Text(pairs[i], pairs[i+1]); err != nil {
			out = append(out, FieldProblem{Field: err.Field, Problem: problemText(err), Fix: err.Fix})
		}
	}
	return out
}

// Page bounds of the Serverless Spark lists: sparkPageSize items a call,
// at most sparkMaxPages calls.
const (
	sparkPageSize = 100
	sparkMaxPages = 50
)

// allPages reads every page of a list, up to sparkMaxPages; a longer list
// is cut there with a warning.
func allPages[T any](ctx context.Context, e *Engine, what string, page func(ctx context.Context, token string) (*provider.Page[T], error)) ([]T, error) {
	var out []T
	token := ""
	for range sparkMaxPages {
		p, err := read(ctx, e, func(ctx context.Context) (*provider.Page[T], error) { return page(ctx, token) })
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.NextToken == "" || p.NextToken == token {
			return out, nil
		}
		token = p.NextToken
	}
	e.warn(fmt.Sprintf("%s: more than %d entries; showing the first %d, narrow the filter to see the rest", what, len(out), len(out)))
	return out, nil
}

// SparkWorkspaces lists the region's Serverless Spark workspaces, walking
// every page (bounded).
func (e *Engine) SparkWorkspaces(ctx context.Context, f provider.SparkWorkspaceFilter) ([]provider.SparkWorkspace, error) {
	if f.State != "" {
		if err := oneOf("state", f.State, provider.SparkWorkspaceStates()); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return allPages(ctx, e, "workspaces", func(ctx context.Context, token string) (*provider.Page[provider.SparkWorkspace], error) {
		return p.ListSparkWorkspaces(ctx, f, token, sparkPageSize)
	})
}

// oneOf checks that v is one of the known values.
func oneOf(field, v string, known []string) error {
	for _, k := range known {
		if v == k {
			return nil
		}
	}
	return inputError(field, fmt.Sprintf("%q is not one of the known values", validate.Render(v)), "use "+strings.Join(known, ", "))
}

// SparkWorkspace reads one workspace; a typed not-found when it does not
// exist.
func (e *Engine) SparkWorkspace(ctx context.Context, id string) (*provider.SparkWorkspace, error) {
	if err := checkSpark(id); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.SparkWorkspace, error) { return p.GetSparkWorkspace(ctx, id) })
}

// sparkWait fills the parts of a wait every Serverless Spark wait shares.
func (e *Engine) sparkWait(spec provider.WaitSpec, what string, o WaitOptions) provider.WaitSpec {
	spec.What = what
	spec.Timeout = o.Timeout
	if spec.Timeout <= 0 {
		spec.Timeout = e.opts.Timeouts.Wait
	}
	spec.Interval = e.pollInterval()
	spec.Progress = o.Progress
	spec.Retrying = func(err error, n int) {
		if o.Notice != nil {
			o.Notice(fmt.Sprintf("could not read the %s (%d in a row): %v; trying again", what, n, e.opts.Secrets.String(err.Error())))
		}
	}
	return spec
}

// waitSpark polls get until its state reaches the wait's target or fails;
// it returns the last resource read.
func waitSpark[T any](ctx context.Context, e *Engine, spec provider.WaitSpec, get func(ctx context.Context) (*T, error), state func(*T) provider.Observation) (*T, error) {
	var last *T
	_, err := provider.Wait(ctx, spec, func(ctx context.Context) (provider.Observation, error) {
		v, err := read(ctx, e, get)
		if err != nil {
			return provider.Observation{}, err
		}
		last = v
		return state(v), nil
	})
	return last, err
}

// WaitSparkWorkspace polls a workspace until it is RUNNING or fails;
// o.Progress gets state changes.
func (e *Engine) WaitSparkWorkspace(ctx context.Context, id string, o WaitOptions) (*provider.SparkWorkspace, error) {
	if err := checkSpark(id); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	spec := e.sparkWait(provider.SparkWorkspaceWait(), "workspace "+id, o)
	return waitSpark(ctx, e, spec, func(ctx context.Context) (*provider.SparkWorkspace, error) { return p.GetSparkWorkspace(ctx, id) },
		func(w *provider.SparkWorkspace) provider.Observation {
			return provider.Observation{State: w.State, Reason: w.StateReason}
		})
}

// SparkQueues lists a workspace's resource queues; environment (dev,
// production) may be empty.
func (e *Engine) SparkQueues(ctx context.Context, workspaceID, environment string) ([]provider.SparkQueue, error) {
	if err := checkSpark(workspaceID); err != nil {
		return nil, err
	}
	if environment != "" {
		if err := oneOf("environment", environment, []string{"dev", "production"}); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.SparkQueue, error) {
		return p.ListSparkQueues(ctx, workspaceID, environment)
	})
}

// SparkReleases lists the engine versions (esr-*).
func (e *Engine) SparkReleases(ctx context.Context, f provider.SparkReleaseFilter) ([]provider.SparkRelease, error) {
	if f.WorkspaceID != "" {
		if err := checkSpark(f.WorkspaceID); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.SparkRelease, error) { return p.ListSparkReleases(ctx, f) })
}

// SparkJobRuns lists a workspace's job runs, walking every page (bounded).
func (e *Engine) SparkJobRuns(ctx context.Context, workspaceID string, f provider.SparkJobRunFilter) ([]provider.SparkJobRun, error) {
	if err := checkSpark(workspaceID); err != nil {
		return nil, err
	}
	for _, s := range f.States {
		if err := oneOf("state", s, provider.SparkJobRunStates()); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return allPages(ctx, e, "job runs", func(ctx context.Context, token string) (*provider.Page[provider.SparkJobRun], error) {
		return p.ListSparkJobRuns(ctx, workspaceID, f, token, sparkPageSize)
	})
}

// SparkJobRun reads one job run.
func (e *Engine) SparkJobRun(ctx context.Context, workspaceID, runID string) (*provider.SparkJobRun, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID, "job run ID", runID), func(ctx context.Context, p provider.SparkService) (*provider.SparkJobRun, error) {
		return p.GetSparkJobRun(ctx, workspaceID, runID)
	})
}

// WaitSparkJobRun polls a job run until it reaches o.Target (default: it
// ended with Success; Running waits for it to start) or fails with the
// run's reason; o.Progress gets state changes.
func (e *Engine) WaitSparkJobRun(ctx context.Context, workspaceID, runID string, o WaitOptions) (*provider.SparkJobRun, error) {
	if err := checkSpark(workspaceID, "job run ID", runID); err != nil {
		return nil, err
	}
	if o.Target != "" {
		if err := oneOf("target", o.Target, []string{provider.SparkRunSuccess, provider.SparkRunRunning, provider.SparkRunCancelled}); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	spec := e.sparkWait(provider.SparkJobRunWait(o.Target), "job run "+runID, o)
	return waitSpark(ctx, e, spec, func(ctx context.Context) (*provider.SparkJobRun, error) {
		return p.GetSparkJobRun(ctx, workspaceID, runID)
	},
		func(r *provider.SparkJobRun) provider.Observation {
			return provider.Observation{State: r.State, Reason: r.StateReason}
		})
}

// SparkJobLog reads lines of a log file of a finished run.
func (e *Engine) SparkJobLog(ctx context.Context, q provider.SparkLogQuery) (*provider.SparkLogContent, error) {
	if err := checkSpark(q.WorkspaceID); err != nil {
		return nil, err
	}
	if err := problemsError(q.Problems()); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.SparkLogContent, error) { return p.SparkLog(ctx, q) })
}

// SparkExecutors lists the driver and executors of a run, walking every
// page (bounded).
func (e *Engine) SparkExecutors(ctx context.Context, workspaceID, runID string) ([]provider.SparkExecutor, error) {
	if err := checkSpark(workspaceID, "job run ID", runID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return allPages(ctx, e, "executors", func(ctx context.Context, token string) (*provider.Page[provider.SparkExecutor], error) {
		return p.ListSparkExecutors(ctx, workspaceID, runID, provider.SparkExecutorFilter{}, token, sparkPageSize)
	})
}

// SparkRunConfiguration reads what a run was started with.
func (e *Engine) SparkRunConfiguration(ctx context.Context, workspaceID, runID string) (*provider.SparkRunConfiguration, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID, "job run ID", runID), func(ctx context.Context, p provider.SparkService) (*provider.SparkRunConfiguration, error) {
		return p.GetSparkRunConfiguration(ctx, workspaceID, runID)
	})
}

// SparkCUHours reads the CU-hours a queue consumed in a window of at most
// a month.
func (e *Engine) SparkCUHours(ctx context.Context, q provider.SparkCUHoursQuery) (*provider.SparkCUHours, error) {
	if err := checkSpark(q.WorkspaceID); err != nil {
		return nil, err
	}
	if err := problemsError(q.Problems()); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.SparkCUHours, error) { return p.SparkCUHours(ctx, q) })
}

// SparkKyuubiServices lists a workspace's Kyuubi services.
func (e *Engine) SparkKyuubiServices(ctx context.Context, workspaceID string) ([]provider.SparkKyuubiService, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID), func(ctx context.Context, p provider.SparkService) ([]provider.SparkKyuubiService, error) {
		return p.ListSparkKyuubi(ctx, workspaceID)
	})
}

// SparkKyuubiService reads one Kyuubi service.
func (e *Engine) SparkKyuubiService(ctx context.Context, workspaceID, serviceID string) (*provider.SparkKyuubiService, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID, "Kyuubi service ID", serviceID), func(ctx context.Context, p provider.SparkService) (*provider.SparkKyuubiService, error) {
		return p.GetSparkKyuubi(ctx, workspaceID, serviceID)
	})
}

// SparkKyuubiTokens lists a Kyuubi service's tokens (values masked by the
// service).
func (e *Engine) SparkKyuubiTokens(ctx context.Context, workspaceID, serviceID string) ([]provider.SparkKyuubiToken, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID, "Kyuubi service ID", serviceID), func(ctx context.Context, p provider.SparkService) ([]provider.SparkKyuubiToken, error) {
		return p.ListSparkKyuubiTokens(ctx, workspaceID, serviceID)
	})
}

// SparkKyuubiToken reads one Kyuubi token (value masked by the service).
func (e *Engine) SparkKyuubiToken(ctx context.Context, workspaceID, serviceID, tokenID string) (*provider.SparkKyuubiToken, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID, "Kyuubi service ID", serviceID, "token ID", tokenID), func(ctx context.Context, p provider.SparkService) (*provider.SparkKyuubiToken, error) {
		return p.GetSparkKyuubiToken(ctx, workspaceID, serviceID, tokenID)
	})
}

// SparkKyuubiApps lists the Spark applications a Kyuubi service runs,
// walking every page (bounded).
func (e *Engine) SparkKyuubiApps(ctx context.Context, workspaceID, serviceID string, f provider.SparkKyuubiAppFilter) ([]provider.SparkKyuubiApp, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID); err != nil {
		return nil, err
	}
	if f.State != "" {
		if err := oneOf("state", f.State, provider.SparkAppStates()); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return e.kyuubiApps(ctx, p, workspaceID, serviceID, f)
}

func (e *Engine) kyuubiApps(ctx context.Context, p provider.SparkService, workspaceID, serviceID string, f provider.SparkKyuubiAppFilter) ([]provider.SparkKyuubiApp, error) {
	return allPages(ctx, e, "Kyuubi applications", func(ctx context.Context, token string) (*provider.Page[provider.SparkKyuubiApp], error) {
		return p.ListSparkKyuubiApps(ctx, workspaceID, serviceID, f, token, sparkPageSize)
	})
}

// SparkSessions lists a workspace's session clusters, walking every page
// (bounded).
func (e *Engine) SparkSessions(ctx context.Context, workspaceID string, f provider.SparkSessionFilter) ([]provider.SparkSession, error) {
	if err := checkSpark(workspaceID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	return e.sessions(ctx, p, workspaceID, f)
}

func (e *Engine) sessions(ctx context.Context, p provider.SparkService, workspaceID string, f provider.SparkSessionFilter) ([]provider.SparkSession, error) {
	return allPages(ctx, e, "session clusters", func(ctx context.Context, token string) (*provider.Page[provider.SparkSession], error) {
		return p.ListSparkSessions(ctx, workspaceID, f, token, sparkPageSize)
	})
}

// SparkSession reads one session cluster.
func (e *Engine) SparkSession(ctx context.Context, workspaceID, sessionID string) (*provider.SparkSession, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID, "session cluster ID", sessionID), func(ctx context.Context, p provider.SparkService) (*provider.SparkSession, error) {
		return p.GetSparkSession(ctx, workspaceID, sessionID)
	})
}

// WaitSparkSession polls a session cluster until it reaches o.Target
// (default Running; Stopped after a stop) or fails.
func (e *Engine) WaitSparkSession(ctx context.Context, workspaceID, sessionID string, o WaitOptions) (*provider.SparkSession, error) {
	if err := checkSpark(workspaceID, "session cluster ID", sessionID); err != nil {
		return nil, err
	}
	if o.Target != "" {
		if err := oneOf("target", o.Target, []string{provider.SparkSessionRunning, provider.SparkSessionStopped}); err != nil {
			return nil, err
		}
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	spec := e.sparkWait(provider.SparkSessionWait(o.Target), "session cluster "+sessionID, o)
	return waitSpark(ctx, e, spec, func(ctx context.Context) (*provider.SparkSession, error) {
		return p.GetSparkSession(ctx, workspaceID, sessionID)
	},
		func(s *provider.SparkSession) provider.Observation {
			return provider.Observation{State: s.State, Reason: s.StateReason}
		})
}

// SparkStatement reads one SQL statement and its outputs.
func (e *Engine) SparkStatement(ctx context.Context, workspaceID, statementID string) (*provider.SparkStatement, error) {
	return sparkRead(ctx, e, checkSpark(workspaceID, "statement ID", statementID), func(ctx context.Context, p provider.SparkService) (*provider.SparkStatement, error) {
		return p.GetSparkStatement(ctx, workspaceID, statementID)
	})
}

// WaitSparkStatement polls a SQL statement until its results are
// available or it failed.
func (e *Engine) WaitSparkStatement(ctx context.Context, workspaceID, statementID string, o WaitOptions) (*provider.SparkStatement, error) {
	if err := checkSpark(workspaceID, "statement ID", statementID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	spec := e.sparkWait(provider.SparkStatementWait(), "statement "+statementID, o)
	return waitSpark(ctx, e, spec, func(ctx context.Context) (*provider.SparkStatement, error) {
		return p.GetSparkStatement(ctx, workspaceID, statementID)
	}, func(s *provider.SparkStatement) provider.Observation {
		obs := provider.Observation{State: s.State}
		if s.ErrorCode != "" || s.ErrorMessage != "" {
			obs.Reason = &provider.StateReason{Code: s.ErrorCode, Message: s.ErrorMessage}
		}
		return obs
	})
}

// sparkRead runs one Serverless Spark read after its input checks: the
// IDs' check (check), then fn with the provider, as any read runs.
func sparkRead[T any](ctx context.Context, e *Engine, check error, fn func(context.Context, provider.SparkService) (T, error)) (T, error) {
	var zero T
	if check != nil {
		return zero, check
	}
	p, err := e.spark()
	if err != nil {
		return zero, err
	}
	return read(ctx, e, func(ctx context.Context) (T, error) { return fn(ctx, p) })
}
