package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/gateway"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/validate"
)

// EventGatewayWrite is the audit event of a local gateway write.
const EventGatewayWrite = "gateway.write"

// GatewayFilesInput is a file set to make current under a gateway's root
// ('gateway deploy' and 'gateway refresh').
type GatewayFilesInput struct {
	// Store is the file store of the root (gateway.NewStore).
	Store     *gateway.Store
	ClusterID string
	// Set is the rendered files (gateway.Render), raw values included:
	// they are written, never shown or journaled.
	Set gateway.Set
	// Refresh marks 'gateway refresh'; otherwise it is a deploy.
	Refresh bool
	// Version is emrctl's version, recorded in the generation's manifest.
	Version string
	// Preview, when set, gets the planned changes (secret values redacted
	// in their diffs) before anything is asked or written: the CLI prints
	// them above the question.
	Preview func([]gateway.Change)
}

// operation is the audit log's name of the write.
func (in GatewayFilesInput) operation() string {
	if in.Refresh {
		return "gateway refresh"
	}
	return "gateway deploy"
}

// GatewayFilesResult is what a deploy or refresh did to the files.
type GatewayFilesResult struct {
	ClusterID  string `json:"clusterId"`
	Root       string `json:"root"`
	Generation string `json:"generation"`
	// Unchanged is set when the files already matched: nothing was asked
	// or written.
	Unchanged bool     `json:"unchanged"`
	Files     []string `json:"files"`
	// Backups are the other generations kept, oldest first.
	Backups           []string          `json:"backups"`
	PreviousClusterID string            `json:"previousClusterId,omitempty"`
	MovedAside        map[string]string `json:"movedAside,omitempty"`
	Pruned            []string          `json:"pruned,omitempty"`
}

// gatewayAudit is what the journal keeps of a local gateway write: paths
// and generations, never file contents.
type gatewayAudit struct {
	Root       string   `json:"root"`
	Generation string   `json:"generation,omitempty"`
	Previous   string   `json:"previous,omitempty"`
	Changed    []string `json:"changed,omitempty"`
	Outcome    string   `json:"outcome"`
}

// gatewayRequest is the request a person confirms: where, from which
// cluster and how many files; the impact lists them.
type gatewayRequest struct {
	Operation string `json:"operation"`
	Root      string `json:"root"`
	State     string `json:"state"`
	ClusterID string `json:"clusterId"`
	Files     int    `json:"files"`
}

// WriteGatewayFiles makes in.Set the current file set under the root:
// planned against the files there, answered "unchanged" without a
// question when they already match, otherwise decided by the policy
// (people confirm; agents and services are refused), confirmed through
// call.Confirm, applied all-or-nothing and recorded in the audit log
// with paths and generations only.
func (e *Engine) WriteGatewayFiles(ctx context.Context, call Call, in GatewayFilesInput) (*GatewayFilesResult, error) {
	if err := e.checkGatewayFiles(in); err != nil {
		return nil, err
	}
	st := in.Store
	changes, err := st.Plan(in.Set)
	if err != nil {
		return nil, err
	}
	op := policy.WriteGatewayFiles{Root: st.Root, ClusterID: in.ClusterID, Refresh: in.Refresh}
	cur, err := st.Current()
	switch {
	case err == nil && cur.ClusterID != in.ClusterID:
		op.PreviousClusterID = cur.ClusterID
	case err != nil && !errors.Is(err, gateway.ErrNoGeneration):
		return nil, err
	}
	for _, c := range changes {
		op.Files = append(op.Files, policy.GatewayFile{Path: c.Path, Kind: string(c.Kind)})
	}
	if in.Preview != nil {
		in.Preview(changes)
	}
	if len(op.Files) == 0 && op.PreviousClusterID == "" {
		// The same files: nothing to ask. Apply at most restores the
		// links to them; agents are still refused.
		if err := e.refuseDenied(ctx, call, op); err != nil {
			return nil, err
		}
	} else {
		req := gatewayRequest{Operation: in.operation(), Root: st.Root, State: st.State, ClusterID: in.ClusterID, Files: len(in.Set)}
		if err := e.authorize(ctx, call, op, req); err != nil {
			return nil, err
		}
	}
	changed := changedPaths(changes)
	ar, err := st.Apply(in.Set, gateway.Meta{ClusterID: in.ClusterID, Region: e.opts.Region, EmrctlVersion: in.Version})
	if err != nil {
		e.auditGateway(ctx, call, in.operation(), in.ClusterID, gatewayAudit{Root: st.Root, Changed: changed, Outcome: "error"})
		return nil, fmt.Errorf("write the gateway files under %s: %w", st.Root, err)
	}
	outcome := "ok"
	if ar.Unchanged {
		outcome = "unchanged"
	}
	e.auditGateway(ctx, call, in.operation(), in.ClusterID, gatewayAudit{Root: st.Root, Generation: ar.Generation, Previous: ar.Previous, Changed: changed, Outcome: outcome})
	backups, err := backupsOf(st, ar.Generation)
	if err != nil {
		return nil, err
	}
	return &GatewayFilesResult{
		ClusterID: in.ClusterID, Root: st.Root, Generation: ar.Generation, Unchanged: ar.Unchanged,
		Files: sortedSet(in.Set), Backups: backups, PreviousClusterID: ar.PreviousClusterID,
		MovedAside: ar.MovedAside, Pruned: ar.Pruned,
	}, nil
}

// checkGatewayFiles refuses bad input before anything is read or asked.
func (e *Engine) checkGatewayFiles(in GatewayFilesInput) error {
	if in.Store == nil || in.Store.Root == "" {
		return inputError("root", "is missing", "give the directory the gateway files go under (/ on the gateway machine itself)")
	}
	errs := []*validate.Error{e.clusterID(in.ClusterID)}
	if len(in.Set) == 0 {
		errs = append(errs, &validate.Error{Field: "files", Rule: "are missing", Fix: "render the cluster's configuration with gateway.Render"})
	}
	for _, p := range sortedSet(in.Set) {
		if p == "" || path.IsAbs(p) || path.Clean(p) != p || !strings.HasPrefix(p, "etc/") {
			errs = append(errs, &validate.Error{Field: "files", Value: validate.Render(p), Rule: "is not a clean relative path under etc/", Fix: "render the set with gateway.Render"})
		}
	}
	return checkInput(errs...)
}

// refuseDenied refuses op when the policy denies it, without asking.
func (e *Engine) refuseDenied(ctx context.Context, call Call, op policy.Operation) error {
	d := policy.Decide(e.opts.Policy, call.Actor, op)
	if d.Verdict != policy.Deny {
		return nil
	}
	e.audit(ctx, call, "policy.denied", op, joinReasons(d.Reasons))
	return &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: d.Reasons, Limit: d.Limit}
}

// GatewayRollbackResult is what a rollback made current.
type GatewayRollbackResult struct {
	Root      string `json:"root"`
	From      string `json:"from"`
	To        string `json:"to"`
	ClusterID string `json:"clusterId"`
}

// RollbackGatewayFiles makes the generation before the current one under
// st's root current again, through the policy (people go ahead without a
// question, since the set rolled back from stays as a backup; agents and
// services are refused), and records it in the audit log.
func (e *Engine) RollbackGatewayFiles(ctx context.Context, call Call, st *gateway.Store) (*GatewayRollbackResult, error) {
	if st == nil || st.Root == "" {
		return nil, inputError("root", "is missing", "give the directory the gateway files are under (/ on the gateway machine itself)")
	}
	cur, err := st.Current()
	if err != nil {
		return nil, fmt.Errorf("gateway rollback under %s: %w", st.Root, err)
	}
	gens, err := st.Generations()
	if err != nil {
		return nil, err
	}
	i := slices.Index(gens, cur.Generation)
	if i < 1 {
		return nil, fmt.Errorf("gateway rollback under %s: %w", st.Root, gateway.ErrNoPrevious)
	}
	op := policy.RollbackGatewayFiles{Root: st.Root, From: cur.Generation, To: gens[i-1], ClusterID: cur.ClusterID}
	if err := e.authorize(ctx, call, op, op); err != nil {
		return nil, err
	}
	rb, err := st.Rollback()
	if err != nil {
		e.auditGateway(ctx, call, "gateway rollback", cur.ClusterID, gatewayAudit{Root: st.Root, Previous: cur.Generation, Outcome: "error"})
		return nil, fmt.Errorf("gateway rollback under %s: %w", st.Root, err)
	}
	e.auditGateway(ctx, call, "gateway rollback", rb.ToClusterID, gatewayAudit{Root: st.Root, Generation: rb.To, Previous: rb.From, Outcome: "ok"})
	return &GatewayRollbackResult{Root: st.Root, From: rb.From, To: rb.To, ClusterID: rb.ToClusterID}, nil
}

// auditGateway records a local write. A failure to record is a warning:
// the files are already written.
func (e *Engine) auditGateway(ctx context.Context, call Call, operation, target string, d gatewayAudit) {
	detail, _ := json.Marshal(d) // plain strings only
	ev := journal.AuditEvent{
		Actor: call.Actor.Name, ActorKind: string(call.Actor.Kind), Client: call.Actor.Client,
		Event: EventGatewayWrite, Operation: operation, Target: target, Detail: string(detail),
	}
	if err := e.opts.Journal.Audit(context.WithoutCancel(ctx), ev); err != nil {
		e.warn("the journal did not record the " + operation + ": " + err.Error())
	}
}

// backupsOf lists the generations kept besides current, oldest first.
func backupsOf(st *gateway.Store, current string) ([]string, error) {
	gens, err := st.Generations()
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, g := range gens {
		if g != current {
			out = append(out, g)
		}
	}
	return out, nil
}

func changedPaths(changes []gateway.Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.Path
	}
	return out
}

func sortedSet(set gateway.Set) []string {
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
