package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
)

// AuditInput filters the journal.
type AuditInput struct {
	Since      string `json:"since,omitempty" jsonschema:"only entries newer than this age, e.g. 30m, 24h, 7d (default 24h)"`
	Operation  string `json:"operation,omitempty" jsonschema:"only this API or tool name, e.g. IncreaseNodes or scale_out"`
	ClusterID  string `json:"target,omitempty" jsonschema:"only this target, e.g. c-... or c-.../ng-..."`
	Status     string `json:"status,omitempty" jsonschema:"writes only: pending, succeeded, failed or unknown"`
	ActorKind  string `json:"actorKind,omitempty" jsonschema:"human, script, agent or service"`
	Limit      int    `json:"limit,omitempty" jsonschema:"most entries of each kind: 1 to 500, default 50"`
	SkipEvents bool   `json:"skipEvents,omitempty" jsonschema:"leave out audit events (policy refusals, confirmations, tool calls)"`
}

// AuditOutput is the journal: writes and audit events, newest first.
type AuditOutput struct {
	Writes []AuditWrite         `json:"writes"`
	Events []journal.AuditEvent `json:"events"`
}

// AuditWrite is one journaled write attempt. Its client token is left out:
// it is for the cloud, not for agents.
type AuditWrite struct {
	ID             int64      `json:"id"`
	Time           time.Time  `json:"time"`
	Actor          string     `json:"actor"`
	ActorKind      string     `json:"actorKind"`
	Client         string     `json:"client"`
	Profile        string     `json:"profile"`
	Region         string     `json:"region"`
	Operation      string     `json:"operation"`
	Target         string     `json:"target"`
	Params         any        `json:"params,omitempty"`
	IdempotencyKey string     `json:"idempotencyKey,omitempty"`
	Attempt        int        `json:"attempt"`
	Status         string     `json:"status"`
	ResultIDs      []string   `json:"resultIds,omitempty"`
	RequestID      string     `json:"requestId,omitempty"`
	ErrorCode      string     `json:"errorCode,omitempty"`
	ErrorMessage   string     `json:"errorMessage,omitempty"`
	FinishedAt     *time.Time `json:"finishedAt,omitempty"`
}

func (s *Server) addAuditTool() {
	add(s, tool[AuditInput]{
		name: "list_audit", title: "Show emrctl's journal", hints: readLocal,
		description: "Show emrctl's local journal: every write attempt (who, what, target, redacted parameters, outcome) and audit " +
			"events (policy refusals, declined or accepted confirmations, MCP tool calls), newest first. Reads nothing from the cloud.",
	}, s.listAudit)
}

func (s *Server) listAudit(ctx context.Context, _ *toolCall, in AuditInput) (*AuditOutput, error) {
	since := 24 * time.Hour
	if in.Since != "" {
		d, err := parseAge(in.Since)
		if err != nil {
			return nil, err
		}
		since = d
	}
	limit := in.Limit
	switch {
	case limit == 0:
		limit = 50
	case limit < 0 || limit > 500:
		return nil, &engine.InputError{Problems: []engine.FieldProblem{{Field: "limit", Problem: fmt.Sprintf("must be 1 to 500, got %d", limit)}}}
	}
	f := journal.Filter{Since: s.opts.Now().Add(-since), Operation: in.Operation, Target: in.ClusterID, Status: in.Status, ActorKind: in.ActorKind, Limit: limit}
	j := s.eng.Journal()
	entries, err := j.List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &AuditOutput{Writes: []AuditWrite{}, Events: []journal.AuditEvent{}}
	for _, e := range entries {
		w := AuditWrite{
			ID: e.ID, Time: e.Time, Actor: e.Actor, ActorKind: e.ActorKind, Client: e.Client, Profile: e.Profile, Region: e.Region,
			Operation: e.Operation, Target: e.Target, IdempotencyKey: e.IdempotencyKey, Attempt: e.Attempt, Status: string(e.Status),
			ResultIDs: e.ResultIDs, RequestID: e.RequestID, ErrorCode: e.ErrorCode, ErrorMessage: e.ErrorMessage, FinishedAt: e.FinishedAt,
		}
		if len(e.Params) > 0 {
			_ = json.Unmarshal(e.Params, &w.Params)
		}
		out.Writes = append(out.Writes, w)
	}
	if !in.SkipEvents {
		f.Status = ""
		events, err := j.ListAudit(ctx, f)
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, events...)
	}
	return out, nil
}

// parseAge reads an age such as 90s, 30m, 24h or 7d.
func parseAge(v string) (time.Duration, error) {
	bad := &engine.InputError{Problems: []engine.FieldProblem{{Field: "since", Problem: fmt.Sprintf("%q is not an age", v), Fix: "write it as 30m, 24h or 7d"}}}
	var d time.Duration
	if n, ok := strings.CutSuffix(v, "d"); ok && n != "" {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err != nil || days < 0 || fmt.Sprint(days) != n {
			return 0, bad
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, bad
		}
	}
	if d <= 0 || d > 366*24*time.Hour {
		return 0, bad
	}
	return d, nil
}
