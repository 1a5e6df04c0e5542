package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// sparkStep is what differs between Serverless Spark writes: it reads what
// the write needs (the seed's pre-checks) and returns the write to apply,
// or the outcome of a write whose desired state already holds.
type sparkStep func(ctx context.Context, f *flight) (*write, *Outcome, error)

// sparkJob runs a Serverless Spark write under its target's lock; id is
// the result's ID unless the write returns one, notes are added when the
// write was sent.
func (e *Engine) sparkJob(ctx context.Context, call Call, operation, target string, input any, id string, step sparkStep, notes ...string) (*SparkResult, error) {
	return run(ctx, e, call, job[*SparkResult]{
		operation: operation, target: target, input: input, mark: markSpark,
		do: func(ctx context.Context, f *flight) (*SparkResult, error) {
			w, out, err := step(ctx, f)
			if err != nil {
				return nil, err
			}
			if out != nil {
				return &SparkResult{ID: id, Outcome: out}, nil
			}
			if out, err = f.apply(ctx, *w); err != nil {
				return nil, err
			}
			return &SparkResult{ID: firstID(out, id), Outcome: out, Notes: notes}, nil
		},
	})
}

// readKyuubi reads a Kyuubi service and, when apps is set, counts its
// starting and running applications (the seed's pre-checks of a stop or a
// delete).
func (e *Engine) readKyuubi(ctx context.Context, p provider.SparkService, ws, id string, apps bool) (*provider.SparkKyuubiService, int, error) {
	k, err := read(ctx, e, func(ctx context.Context) (*provider.SparkKyuubiService, error) { return p.GetSparkKyuubi(ctx, ws, id) })
	if err != nil || !apps {
		return k, 0, err
	}
	list, err := e.kyuubiApps(ctx, p, ws, id, provider.SparkKyuubiAppFilter{})
	if err != nil {
		return nil, 0, err
	}
	running := 0
	for _, a := range list {
		if a.Running() {
			running++
		}
	}
	return k, running, nil
}

// namedIDs lists the IDs of the resources named name: what a create must
// not count as its own when it reconciles a lost answer.
func namedIDs[T any](items []T, name string, nameOf, idOf func(T) string) []string {
	var out []string
	for _, it := range items {
		if nameOf(it) == name {
			out = append(out, idOf(it))
		}
	}
	return out
}

// sparkCreateObserved is the state a create without a client token
// records: the resources of its name that existed before.
type sparkCreateObserved struct {
	Name string   `json:"name"`
	IDs  []string `json:"ids"`
}

// CreateSparkKyuubi creates a Kyuubi service (NOT_STARTED; start it to
// use it). The API takes no client token: after a lost answer, a service
// of the same name that was not there before counts as created.
func (e *Engine) CreateSparkKyuubi(ctx context.Context, call Call, workspaceID string, in provider.SparkKyuubiInput) (*SparkResult, error) {
	if err := checkSpark(workspaceID); err != nil {
		return nil, err
	}
	more := textProblems("name", in.Name, "queue", in.Queue, "releaseVersion", in.ReleaseVersion)
	if in.Name == "" {
		more = append(more, FieldProblem{Field: "name", Problem: "is required", Fix: "name the Kyuubi service"})
	}
	if isAgent(call.Actor) {
		more = append(more, sparkAgentKyuubiProblems(in)...)
	}
	if err := problemsError(in.Problems(false), more...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	input := map[string]any{"workspaceId": workspaceID, "service": in}
	return e.sparkJob(ctx, call, opSparkCreateKyuubi, workspaceID, input, "", func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		list, err := read(ctx, e, func(ctx context.Context) ([]provider.SparkKyuubiService, error) {
			return p.ListSparkKyuubi(ctx, workspaceID)
		})
		if err != nil {
			return nil, nil, err
		}
		before := namedIDs(list, in.Name, func(k provider.SparkKyuubiService) string { return k.Name }, func(k provider.SparkKyuubiService) string { return k.ID })
		return &write{
			op:        policy.StartSparkCompute{Action: opSparkCreateKyuubi, WorkspaceID: workspaceID, Name: in.Name, Queue: in.Queue},
			operation: opSparkCreateKyuubi, target: workspaceID, tokenKind: journal.TokenNone,
			request: p.CreateSparkKyuubiRequest(workspaceID, in), observed: sparkCreateObserved{Name: in.Name, IDs: before},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.CreateSparkKyuubi(ctx, workspaceID, in)
			},
		}, nil, nil
	}, "the service is NOT_STARTED: start it, then create a token to connect with")
}

// StartSparkKyuubi starts a Kyuubi service. One already RUNNING or
// STARTING is left alone and said so.
func (e *Engine) StartSparkKyuubi(ctx context.Context, call Call, workspaceID, serviceID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID)
	return e.sparkJob(ctx, call, opSparkStartKyuubi, target, target, serviceID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		k, _, err := e.readKyuubi(ctx, p, workspaceID, serviceID, false)
		if err != nil {
			return nil, nil, err
		}
		op := policy.StartSparkCompute{Action: opSparkStartKyuubi, WorkspaceID: workspaceID, ResourceID: serviceID, Name: k.Name, Queue: k.Queue}
		if k.State == provider.SparkKyuubiRunning || k.State == provider.SparkKyuubiStarting {
			return nil, f.unchanged(ctx, op, fmt.Sprintf("Kyuubi service %s is already %s", serviceID, k.State)), nil
		}
		return &write{
			op: op, operation: opSparkStartKyuubi, target: target, tokenKind: journal.TokenNone,
			request: p.StartSparkKyuubiRequest(workspaceID, serviceID), observed: map[string]string{"state": k.State},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.StartSparkKyuubi(ctx, workspaceID, serviceID)
			},
		}, nil, nil
	}, "the service is STARTING: wait until it is RUNNING to connect")
}

// StopSparkKyuubi stops a Kyuubi service after a confirmation naming the
// JDBC connections it drops (its running applications, read first). One
// already stopped, or stopping, is left alone and said so.
func (e *Engine) StopSparkKyuubi(ctx context.Context, call Call, workspaceID, serviceID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID)
	return e.sparkJob(ctx, call, opSparkStopKyuubi, target, target, serviceID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		k, running, err := e.readKyuubi(ctx, p, workspaceID, serviceID, true)
		if err != nil {
			return nil, nil, err
		}
		op := policy.StopSparkKyuubi{WorkspaceID: workspaceID, ServiceID: serviceID, Name: k.Name, State: k.State, RunningApps: running}
		if k.State == provider.SparkKyuubiNotStarted || k.State == provider.SparkKyuubiTerminating {
			return nil, f.unchanged(ctx, op, fmt.Sprintf("Kyuubi service %s is already stopped or stopping (%s)", serviceID, k.State)), nil
		}
		return &write{
			op: op, operation: opSparkStopKyuubi, target: target, tokenKind: journal.TokenNone,
			request: p.StopSparkKyuubiRequest(workspaceID, serviceID), observed: map[string]any{"state": k.State, "runningApps": running},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.StopSparkKyuubi(ctx, workspaceID, serviceID)
			},
		}, nil, nil
	})
}

// UpdateSparkKyuubi changes a Kyuubi service (the service requires Name
// and Queue on every update); in.Restart applies it by restarting.
func (e *Engine) UpdateSparkKyuubi(ctx context.Context, call Call, workspaceID, serviceID string, in provider.SparkKyuubiInput) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID); err != nil {
		return nil, err
	}
	more := textProblems("name", in.Name, "queue", in.Queue, "releaseVersion", in.ReleaseVersion)
	if isAgent(call.Actor) {
		more = append(more, sparkAgentKyuubiProblems(in)...)
	}
	if err := problemsError(in.Problems(true), more...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID)
	return e.sparkJob(ctx, call, opSparkUpdateKyuubi, target, in, serviceID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		if _, _, err := e.readKyuubi(ctx, p, workspaceID, serviceID, false); err != nil {
			return nil, nil, err
		}
		return &write{
			op:        policy.StartSparkCompute{Action: opSparkUpdateKyuubi, WorkspaceID: workspaceID, ResourceID: serviceID, Name: in.Name, Queue: in.Queue},
			operation: opSparkUpdateKyuubi, target: target, tokenKind: journal.TokenNone, request: p.UpdateSparkKyuubiRequest(workspaceID, serviceID, in),
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.UpdateSparkKyuubi(ctx, workspaceID, serviceID, in)
			},
		}, nil, nil
	})
}

// DeleteSparkKyuubi deletes a Kyuubi service. It reads the service and its
// applications first: only a NOT_STARTED service without running
// applications is deleted (the policy refuses otherwise), after a
// person's confirmation. One that no longer exists is said so.
func (e *Engine) DeleteSparkKyuubi(ctx context.Context, call Call, workspaceID, serviceID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID)
	return e.sparkJob(ctx, call, opSparkDeleteKyuubi, target, target, serviceID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		k, running, err := e.readKyuubi(ctx, p, workspaceID, serviceID, true)
		if notFound(err) {
			return nil, f.unchanged(ctx, stateOp{opSparkDeleteKyuubi, target}, "Kyuubi service "+serviceID+" does not exist (deleted already)"), nil
		}
		if err != nil {
			return nil, nil, err
		}
		return &write{
			op:        policy.DeleteSparkKyuubi{WorkspaceID: workspaceID, ServiceID: serviceID, Name: k.Name, State: k.State, RunningApps: running},
			operation: opSparkDeleteKyuubi, target: target, tokenKind: journal.TokenNone,
			request: p.DeleteSparkKyuubiRequest(workspaceID, serviceID), observed: map[string]any{"state": k.State, "runningApps": running},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.DeleteSparkKyuubi(ctx, workspaceID, serviceID)
			},
		}, nil, nil
	})
}

// secretHash identifies a secret in an intent without holding it.
func secretHash(v string) string {
	if v == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("emrctl kyuubi token\x00" + v))
	return hex.EncodeToString(sum[:])
}

// tokenIntent is what identifies a token write: its request (the value
// redacted) and a hash of the value, so that two creates with different
// values are two intents, never joined or replayed as one.
type tokenIntent struct {
	Request any    `json:"request"`
	Value   string `json:"valueHash,omitempty"`
}

// CreateSparkKyuubiToken creates a Kyuubi token. An empty in.Value is
// generated (32 lowercase letters and digits). The value is registered as
// a secret, so it never reaches the journal, the audit or the logs, and is
// returned once, in SparkResult.Token, to the call that created it only.
func (e *Engine) CreateSparkKyuubiToken(ctx context.Context, call Call, workspaceID, serviceID string, in provider.SparkKyuubiTokenInput) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID); err != nil {
		return nil, err
	}
	more := textProblems("name", in.Name)
	if in.Name == "" {
		more = append(more, FieldProblem{Field: "name", Problem: "is required", Fix: "name the token after who uses it, e.g. the client or pipeline"})
	}
	for i, arn := range in.MemberARNs {
		more = append(more, textProblems(fmt.Sprintf("memberArns[%d]", i), arn)...)
	}
	if in.Value == "" {
		v, err := provider.NewSparkTokenValue()
		if err != nil {
			return nil, err
		}
		in.Value = v
	}
	e.opts.Secrets.Add(in.Value)
	if err := problemsError(in.Problems(true), more...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID)
	req := p.CreateSparkKyuubiTokenRequest(workspaceID, serviceID, in)
	id := tokenIntent{Request: req, Value: secretHash(in.Value)}
	res, err := e.sparkJob(ctx, call, opSparkCreateToken, target, id, "", func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		return &write{
			op: policy.SparkKyuubiTokenWrite{WorkspaceID: workspaceID, ServiceID: serviceID, Name: in.Name, NewValue: true,
				MemberARNs: in.MemberARNs, ExpireDays: in.ExpireDays},
			operation: opSparkCreateToken, target: target, tokenKind: journal.TokenNone, request: req, identity: id,
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.CreateSparkKyuubiToken(ctx, workspaceID, serviceID, in)
			},
		}, nil, nil
	})
	if err != nil {
		return nil, err
	}
	// The value joins the result only here, after the flight's record of
	// it was written without it.
	if res.Outcome.Sent() {
		res.Token = in.Value
		res.Notes = append(res.Notes, "the token value is shown only now: store it in a secret manager; connect with beeline -n token -p <value>")
	} else {
		res.Notes = append(res.Notes, "the token value was shown only to the call that created it; if it is lost, delete the token and create another")
	}
	return res, nil
}

// UpdateSparkKyuubiToken changes a Kyuubi token's name, members, expiry or
// value (an empty in.Value keeps it). A new value is registered as a
// secret and never journaled; replacing it is confirmed, since clients
// using the old value fail.
func (e *Engine) UpdateSparkKyuubiToken(ctx context.Context, call Call, workspaceID, serviceID, tokenID string, in provider.SparkKyuubiTokenInput) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID, "token ID", tokenID); err != nil {
		return nil, err
	}
	e.opts.Secrets.Add(in.Value)
	more := textProblems("name", in.Name)
	for i, arn := range in.MemberARNs {
		more = append(more, textProblems(fmt.Sprintf("memberArns[%d]", i), arn)...)
	}
	if in.Name == "" && in.Value == "" && in.ExpireDays == 0 && in.MemberARNs == nil {
		more = append(more, FieldProblem{Field: "update", Problem: "nothing to change", Fix: "give a new name, value, expiry or members"})
	}
	if err := problemsError(in.Problems(false), more...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID, tokenID)
	req := p.UpdateSparkKyuubiTokenRequest(workspaceID, serviceID, tokenID, in)
	id := tokenIntent{Request: req, Value: secretHash(in.Value)}
	return e.sparkJob(ctx, call, opSparkUpdateToken, target, id, tokenID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		t, err := read(ctx, e, func(ctx context.Context) (*provider.SparkKyuubiToken, error) {
			return p.GetSparkKyuubiToken(ctx, workspaceID, serviceID, tokenID)
		})
		if err != nil {
			return nil, nil, err
		}
		name := in.Name
		if name == "" {
			name = t.Name
		}
		return &write{
			op: policy.SparkKyuubiTokenWrite{WorkspaceID: workspaceID, ServiceID: serviceID, TokenID: tokenID, Name: name,
				NewValue: in.Value != "", MemberARNs: in.MemberARNs, ExpireDays: in.ExpireDays},
			operation: opSparkUpdateToken, target: target, tokenKind: journal.TokenNone, request: req, identity: id,
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.UpdateSparkKyuubiToken(ctx, workspaceID, serviceID, tokenID, in)
			},
		}, nil, nil
	})
}

// DeleteSparkKyuubiToken deletes a Kyuubi token after reading it (the
// seed's pre-check) and a confirmation that connections using it will
// fail. One that no longer exists is said so.
func (e *Engine) DeleteSparkKyuubiToken(ctx context.Context, call Call, workspaceID, serviceID, tokenID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID, "token ID", tokenID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID, tokenID)
	return e.sparkJob(ctx, call, opSparkDeleteToken, target, target, tokenID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		t, err := read(ctx, e, func(ctx context.Context) (*provider.SparkKyuubiToken, error) {
			return p.GetSparkKyuubiToken(ctx, workspaceID, serviceID, tokenID)
		})
		if notFound(err) {
			return nil, f.unchanged(ctx, stateOp{opSparkDeleteToken, target}, "token "+tokenID+" does not exist (deleted already)"), nil
		}
		if err != nil {
			return nil, nil, err
		}
		return &write{
			op:        policy.DeleteSparkKyuubiToken{WorkspaceID: workspaceID, ServiceID: serviceID, TokenID: tokenID, Name: t.Name},
			operation: opSparkDeleteToken, target: target, tokenKind: journal.TokenNone,
			request: p.DeleteSparkKyuubiTokenRequest(workspaceID, serviceID, tokenID),
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.DeleteSparkKyuubiToken(ctx, workspaceID, serviceID, tokenID)
			},
		}, nil, nil
	})
}

// CancelSparkKyuubiApp cancels a Spark application of a Kyuubi service
// after reading it (only a starting or running one is cancelled) and a
// confirmation.
func (e *Engine) CancelSparkKyuubiApp(ctx context.Context, call Call, workspaceID, serviceID, appID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "Kyuubi service ID", serviceID, "application ID", appID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, serviceID, appID)
	return e.sparkJob(ctx, call, opSparkCancelApp, target, target, appID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		apps, err := e.kyuubiApps(ctx, p, workspaceID, serviceID, provider.SparkKyuubiAppFilter{ID: appID})
		if err != nil {
			return nil, nil, err
		}
		var app *provider.SparkKyuubiApp
		for i := range apps {
			if apps[i].ID == appID {
				app = &apps[i]
			}
		}
		if app == nil {
			return nil, nil, inputError("application ID", fmt.Sprintf("Kyuubi service %s has no application %q", serviceID, validate.Render(appID)),
				"list them with the service's applications")
		}
		return &write{
			op:        policy.CancelSparkKyuubiApp{WorkspaceID: workspaceID, ServiceID: serviceID, AppID: appID, Name: app.Name, State: app.State},
			operation: opSparkCancelApp, target: target, tokenKind: journal.TokenNone,
			request: p.CancelSparkKyuubiAppRequest(workspaceID, serviceID, appID), observed: map[string]string{"state": app.State},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.CancelSparkKyuubiApp(ctx, workspaceID, serviceID, appID)
			},
		}, nil, nil
	})
}
