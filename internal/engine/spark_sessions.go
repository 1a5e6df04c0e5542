package engine

import (
	"context"
	"fmt"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

// CreateSparkSession creates a session cluster with a client token from
// the journal, so a retry after a lost response never creates a second
// one; after the token's window, a session of the same name that was not
// there before counts as created.
func (e *Engine) CreateSparkSession(ctx context.Context, call Call, workspaceID string, in provider.SparkSessionInput) (*SparkResult, error) {
	if err := checkSpark(workspaceID); err != nil {
		return nil, err
	}
	in.ClientToken = ""
	more := textProblems("name", in.Name, "queue", in.Queue, "releaseVersion", in.ReleaseVersion)
	if isAgent(call.Actor) {
		more = append(more, sparkAgentSessionProblems(in)...)
	}
	if err := problemsError(in.Problems(), more...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	input := map[string]any{"workspaceId": workspaceID, "session": in}
	return e.sparkJob(ctx, call, opSparkCreateSession, workspaceID, input, "", func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		list, err := e.sessions(ctx, p, workspaceID, provider.SparkSessionFilter{})
		if err != nil {
			return nil, nil, err
		}
		before := namedIDs(list, in.Name, func(s provider.SparkSession) string { return s.Name }, func(s provider.SparkSession) string { return s.ID })
		return &write{
			op:        policy.StartSparkCompute{Action: opSparkCreateSession, WorkspaceID: workspaceID, Name: in.Name, Queue: in.Queue},
			operation: opSparkCreateSession, target: workspaceID, tokenKind: journal.TokenClient,
			request: p.CreateSparkSessionRequest(workspaceID, in), observed: sparkCreateObserved{Name: in.Name, IDs: before},
			send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
				sent := in
				sent.ClientToken = token
				return p.CreateSparkSession(ctx, workspaceID, sent)
			},
		}, nil, nil
	})
}

// readSession reads a session cluster.
func (e *Engine) readSession(ctx context.Context, p provider.SparkService, ws, id string) (*provider.SparkSession, error) {
	return read(ctx, e, func(ctx context.Context) (*provider.SparkSession, error) { return p.GetSparkSession(ctx, ws, id) })
}

// StartSparkSession starts a session cluster (queue may be empty: its
// own). One already Running or Starting is left alone and said so.
func (e *Engine) StartSparkSession(ctx context.Context, call Call, workspaceID, sessionID, queue string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "session cluster ID", sessionID); err != nil {
		return nil, err
	}
	if err := problemsError(nil, textProblems("queue", queue)...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, sessionID)
	input := map[string]string{"target": target, "queue": queue}
	return e.sparkJob(ctx, call, opSparkStartSession, target, input, sessionID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		s, err := e.readSession(ctx, p, workspaceID, sessionID)
		if err != nil {
			return nil, nil, err
		}
		q := queue
		if q == "" {
			q = s.Queue
		}
		op := policy.StartSparkCompute{Action: opSparkStartSession, WorkspaceID: workspaceID, ResourceID: sessionID, Name: s.Name, Queue: q}
		if s.State == provider.SparkSessionRunning || s.State == provider.SparkSessionStarting {
			return nil, f.unchanged(ctx, op, fmt.Sprintf("session cluster %s is already %s", sessionID, s.State)), nil
		}
		return &write{
			op: op, operation: opSparkStartSession, target: target, tokenKind: journal.TokenNone,
			request: p.StartSparkSessionRequest(workspaceID, sessionID, queue), observed: map[string]string{"state": s.State},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.StartSparkSession(ctx, workspaceID, sessionID, queue)
			},
		}, nil, nil
	}, "the session is Starting: wait until it is Running to run SQL on it")
}

// StopSparkSession stops a session cluster after a confirmation that its
// state is lost. One already stopped, stopping or never started is left
// alone and said so.
func (e *Engine) StopSparkSession(ctx context.Context, call Call, workspaceID, sessionID, queue string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "session cluster ID", sessionID); err != nil {
		return nil, err
	}
	if err := problemsError(nil, textProblems("queue", queue)...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, sessionID)
	input := map[string]string{"target": target, "queue": queue}
	return e.sparkJob(ctx, call, opSparkStopSession, target, input, sessionID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		s, err := e.readSession(ctx, p, workspaceID, sessionID)
		if err != nil {
			return nil, nil, err
		}
		op := policy.StopSparkSession{WorkspaceID: workspaceID, SessionID: sessionID, Name: s.Name, State: s.State}
		switch s.State {
		case provider.SparkSessionStopped, provider.SparkSessionStopping, provider.SparkSessionNotStarted:
			return nil, f.unchanged(ctx, op, fmt.Sprintf("session cluster %s is already stopped (%s)", sessionID, s.State)), nil
		}
		return &write{
			op: op, operation: opSparkStopSession, target: target, tokenKind: journal.TokenNone,
			request: p.StopSparkSessionRequest(workspaceID, sessionID, queue), observed: map[string]string{"state": s.State},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.StopSparkSession(ctx, workspaceID, sessionID, queue)
			},
		}, nil, nil
	})
}

// DeleteSparkSession deletes a session cluster. It reads the session
// first: only a stopped one is deleted (the policy refuses otherwise),
// after a person's confirmation. One that no longer exists is said so.
func (e *Engine) DeleteSparkSession(ctx context.Context, call Call, workspaceID, sessionID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "session cluster ID", sessionID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, sessionID)
	return e.sparkJob(ctx, call, opSparkDeleteSession, target, target, sessionID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		s, err := e.readSession(ctx, p, workspaceID, sessionID)
		if notFound(err) {
			return nil, f.unchanged(ctx, stateOp{opSparkDeleteSession, target}, "session cluster "+sessionID+" does not exist (deleted already)"), nil
		}
		if err != nil {
			return nil, nil, err
		}
		return &write{
			op:        policy.DeleteSparkSession{WorkspaceID: workspaceID, SessionID: sessionID, Name: s.Name, State: s.State},
			operation: opSparkDeleteSession, target: target, tokenKind: journal.TokenNone,
			request: p.DeleteSparkSessionRequest(workspaceID, sessionID), observed: map[string]string{"state": s.State},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.DeleteSparkSession(ctx, workspaceID, sessionID)
			},
		}, nil, nil
	})
}

// RunSparkStatement submits SQL to a Running session cluster (read first:
// another state is refused before anything is sent). SQL an agent sends
// is confirmed by the person. Follow it with WaitSparkStatement.
func (e *Engine) RunSparkStatement(ctx context.Context, call Call, workspaceID string, in provider.SparkStatementInput) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "session cluster ID", in.SessionID); err != nil {
		return nil, err
	}
	if err := problemsError(in.Problems(), textProblems("database", in.Database, "catalog", in.Catalog)...); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, in.SessionID)
	input := map[string]any{"workspaceId": workspaceID, "statement": in}
	return e.sparkJob(ctx, call, opSparkRunStatement, target, input, "", func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		s, err := e.readSession(ctx, p, workspaceID, in.SessionID)
		if err != nil {
			return nil, nil, err
		}
		if s.State != provider.SparkSessionRunning {
			return nil, nil, inputError("sessionId", fmt.Sprintf("session cluster %s is %s; SQL runs only on a Running session, so nothing was sent", in.SessionID, s.State),
				"start it and wait until it is Running")
		}
		return &write{
			op:        policy.RunSparkStatement{WorkspaceID: workspaceID, SessionID: in.SessionID, Database: in.Database, SQL: in.SQL},
			operation: opSparkRunStatement, target: target, tokenKind: journal.TokenNone, request: p.RunSparkStatementRequest(workspaceID, in),
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.RunSparkStatement(ctx, workspaceID, in)
			},
		}, nil, nil
	}, "follow the statement until its results are available")
}

// TerminateSparkStatement stops a running SQL statement. One that has
// finished already is left alone and said so.
func (e *Engine) TerminateSparkStatement(ctx context.Context, call Call, workspaceID, statementID string) (*SparkResult, error) {
	if err := checkSpark(workspaceID, "statement ID", statementID); err != nil {
		return nil, err
	}
	p, err := e.spark()
	if err != nil {
		return nil, err
	}
	target := sparkTarget(workspaceID, statementID)
	return e.sparkJob(ctx, call, opSparkTerminateStmt, target, target, statementID, func(ctx context.Context, f *flight) (*write, *Outcome, error) {
		st, err := read(ctx, e, func(ctx context.Context) (*provider.SparkStatement, error) {
			return p.GetSparkStatement(ctx, workspaceID, statementID)
		})
		if err != nil {
			return nil, nil, err
		}
		if st.State != provider.SparkStatementWaiting && st.State != provider.SparkStatementRunning {
			return nil, f.unchanged(ctx, stateOp{opSparkTerminateStmt, target}, fmt.Sprintf("statement %s has finished already (%s)", statementID, st.State)), nil
		}
		return &write{
			operation: opSparkTerminateStmt, target: target, tokenKind: journal.TokenNone,
			request: p.TerminateSparkStatementRequest(workspaceID, statementID), observed: map[string]string{"state": st.State},
			send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
				return p.TerminateSparkStatement(ctx, workspaceID, statementID)
			},
		}, nil, nil
	})
}
