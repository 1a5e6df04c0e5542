package journal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Audit event names used by emrctl.
const (
	EventPolicyDenied    = "policy.denied"
	EventPolicyLoosened  = "policy.loosened"
	EventConfirmDeclined = "confirm.declined"
	EventMCPTool         = "mcp.tool"
)

// AuditEvent is something worth auditing that is not a write: a policy
// denial, a declined confirmation, a loosened policy setting in effect, an
// MCP tool call.
type AuditEvent struct {
	// ID is assigned by the journal; Audit ignores it.
	ID int64 `json:"id"`
	// Time zero means Options.Now.
	Time      time.Time `json:"time"`
	Actor     string    `json:"actor"`
	ActorKind string    `json:"actorKind"`
	Client    string    `json:"client"`
	// Event names what happened, e.g. EventPolicyDenied.
	Event     string `json:"event"`
	Operation string `json:"operation"`
	Target    string `json:"target"`
	// Detail is free text (a reason, a setting), scrubbed before storage.
	Detail string `json:"detail"`
}

// Audit records ev.
func (j *Journal) Audit(ctx context.Context, ev AuditEvent) error {
	if ev.Event == "" {
		return errors.New("journal: audit: empty event")
	}
	t := ev.Time
	if t.IsZero() {
		t = j.now()
	}
	if _, err := j.db.ExecContext(ctx, `INSERT INTO audit_events
		(time_ns, actor, actor_kind, client, event, operation, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.UnixNano(), j.clean(ev.Actor), j.clean(ev.ActorKind), j.clean(ev.Client), j.clean(ev.Event),
		j.clean(ev.Operation), j.clean(ev.Target), j.clean(ev.Detail)); err != nil {
		return fmt.Errorf("journal: audit %s: %w", ev.Event, err)
	}
	return nil
}

// ListAudit returns the audit events matching f (Since, Until, Operation,
// Target, ActorKind, Event, Limit), newest first.
func (j *Journal) ListAudit(ctx context.Context, f Filter) ([]AuditEvent, error) {
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds, args = append(conds, `time_ns >= ?`), append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, `time_ns < ?`), append(args, f.Until.UnixNano())
	}
	for _, c := range []struct{ col, val string }{
		{"operation", f.Operation}, {"target", f.Target}, {"actor_kind", f.ActorKind}, {"event", f.Event},
	} {
		if c.val != "" {
			conds, args = append(conds, c.col+` = ?`), append(args, c.val)
		}
	}
	q := `SELECT id, time_ns, actor, actor_kind, client, event, operation, target, detail FROM audit_events`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	q += ` ORDER BY time_ns DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := j.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("journal: list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var ev AuditEvent
		var ns int64
		if err := rows.Scan(&ev.ID, &ns, &ev.Actor, &ev.ActorKind, &ev.Client, &ev.Event, &ev.Operation,
			&ev.Target, &ev.Detail); err != nil {
			return nil, fmt.Errorf("journal: list audit: %w", err)
		}
		ev.Time = time.Unix(0, ns).UTC()
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: list audit: %w", err)
	}
	return out, nil
}
