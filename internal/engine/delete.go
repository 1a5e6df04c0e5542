package engine

import (
	"context"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
)

// DeleteCluster releases a cluster. The policy refuses it by default with
// the console pointer; a policy file may allow it for a person at a
// terminal, who must type the cluster's name back. No flag, script or agent
// path reaches the provider call.
func (e *Engine) DeleteCluster(ctx context.Context, call Call, clusterID string) (*Outcome, error) {
	if err := checkClusterID(e.opts.Provider, clusterID); err != nil {
		return nil, err
	}
	op := policy.DeleteCluster{Provider: e.opts.Provider, ClusterID: clusterID}
	// Decide before reading anything: a refusal must not depend on state.
	if d := policy.Decide(e.opts.Policy, call.Actor, op); d.Verdict == policy.Deny {
		e.audit(ctx, call, "policy.denied", op, joinReasons(d.Reasons))
		return nil, &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: d.Reasons, Limit: d.Limit}
	}
	del, err := e.terminator()
	if err != nil {
		return nil, err
	}
	cur, err := e.GetCluster(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	op.ClusterName, op.DeletionProtection = cur.Name, cur.DeletionProtection
	if cur.AWS != nil {
		op.TerminationProtection = cur.AWS.TerminationProtected
	}
	w := write{
		op: op, operation: "DeleteCluster", target: clusterID, tokenKind: journal.TokenNone,
		request: map[string]any{"clusterId": clusterID, "name": cur.Name},
		reconcile: func(ctx context.Context, prev *journal.Entry) (*provider.WriteResult, bool, error) {
			c, err := e.GetCluster(ctx, clusterID)
			if err != nil {
				return nil, false, err
			}
			gone := c.State == StateTerminating || c.State == StateTerminated
			return &provider.WriteResult{IDs: []string{clusterID}}, gone, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return del.TerminateCluster(ctx, clusterID)
		},
	}
	return e.guarded(ctx, call, w)
}

// clusterTerminator is a provider that can release clusters.
type clusterTerminator interface {
	TerminateCluster(ctx context.Context, id string) (*provider.WriteResult, error)
}

func (e *Engine) terminator() (clusterTerminator, error) {
	var b any = e.opts.Aliyun
	if e.opts.Aliyun == nil {
		b = e.opts.AWS
	}
	if t, ok := b.(clusterTerminator); ok {
		return t, nil
	}
	return nil, &UnsupportedError{Provider: e.opts.Provider, What: "deleting clusters"}
}
