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
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	op := policy.DeleteCluster{Provider: e.Provider(), ClusterID: clusterID}
	// Decide before reading anything: a refusal must not depend on state.
	if d := policy.Decide(e.opts.Policy, call.Actor, op); d.Verdict == policy.Deny {
		e.audit(ctx, call, "policy.denied", op, joinReasons(d.Reasons))
		return nil, &PolicyError{Operation: op.API(), Target: op.Target(), Reasons: d.Reasons, Limit: d.Limit}
	}
	del, err := capability[provider.Terminator](e, "deleting clusters")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*Outcome]{
		operation: "DeleteCluster", target: clusterID, input: clusterID, mark: markOutcome,
		do: func(ctx context.Context, f *flight) (*Outcome, error) {
			cur, err := e.GetCluster(ctx, clusterID)
			if err != nil {
				return nil, err
			}
			op.ClusterName, op.DeletionProtection = cur.Name, cur.DeletionProtection
			if cur.AWS != nil {
				op.TerminationProtection = cur.AWS.TerminationProtected
			}
			if cur.State == StateTerminating || cur.State == StateTerminated || cur.State == StateTerminatedWithErrors {
				return f.unchanged(ctx, op, "cluster "+clusterID+" is already "+cur.State), nil
			}
			return f.apply(ctx, write{
				op: op, operation: "DeleteCluster", target: clusterID, tokenKind: journal.TokenNone,
				request: map[string]any{"clusterId": clusterID},
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return del.TerminateCluster(ctx, clusterID)
				},
			})
		},
	})
}
