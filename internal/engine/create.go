package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// StatusExists is the outcome of a create whose cluster was created
// before: nothing is sent.
const StatusExists = "exists"

// CreateClusterInput is a cluster to create.
type CreateClusterInput struct {
	Spec *spec.Cluster
	// Getenv resolves the secrets the spec names (passwords by env var).
	Getenv func(string) (string, bool)
	// SkipLiveChecks sends the request after the offline rules and the
	// policy only, without the plan's look-ups (for accounts that may not
	// call the VPC/ECS describe APIs). Surfaces offer it to people only.
	SkipLiveChecks bool
	// Another creates a cluster even though this spec's name already
	// created one that still exists.
	Another bool
}

// CreateClusterResult is what CreateCluster did.
type CreateClusterResult struct {
	ClusterID   string         `json:"clusterId"`
	OperationID string         `json:"operationId,omitempty"`
	RequestID   string         `json:"requestId,omitempty"`
	Warnings    []FieldProblem `json:"warnings,omitempty"`
	// State is the cluster's state when it existed already.
	State   string   `json:"state,omitempty"`
	Outcome *Outcome `json:"outcome"`
}

func (r *CreateClusterResult) outcome() *Outcome { return r.Outcome }

func markCreate(r *CreateClusterResult, status, note string) *CreateClusterResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// PrepareCluster applies defaults and validates a spec: every problem at
// once, each with its field and fix. Nothing is sent. The limits are those
// of the actor (agents never get loosened limits).
func (e *Engine) PrepareCluster(c *spec.Cluster, actor policy.Actor) ([]FieldProblem, error) {
	var all []FieldProblem
	if isAgent(actor) {
		all = e.AgentSpecProblems(c) // on the spec as written, before defaults
	}
	spec.SetDefaults(c)
	if c.Region == "" {
		c.Region = e.opts.Region
	}
	if string(c.Provider) != e.Provider() {
		all = append(all, FieldProblem{Field: "provider", Problem: fmt.Sprintf("the spec is for %s but profile %q uses %s", c.Provider, e.opts.Profile, e.Provider()), Fix: "use --profile with a " + string(c.Provider) + " profile"})
	}
	if c.Region != e.opts.Region {
		all = append(all, FieldProblem{Field: "region", Problem: fmt.Sprintf("the spec is for region %s but the profile uses %s", c.Region, e.opts.Region), Fix: "pass --region " + c.Region + " or change the spec"})
	}
	lim := e.opts.Policy.LimitsFor(actor)
	vo := spec.DefaultValidateOptions()
	vo.NodeGroupMaxAtCreate = lim.NodeGroupMaxAtCreate
	vo.SubscriptionMaxMonths = lim.SubscriptionCostAckAboveMonths
	vo.TotalNodesAckThreshold = lim.ClusterNodesCostAckAbove
	vo.ManagedScalingMaxCapacity = lim.AutoScalingMaxCapacity
	for _, p := range spec.Validate(c, vo) {
		all = append(all, FieldProblem{Field: p.Path, Problem: p.Message, Fix: p.Fix, Warning: p.Severity == spec.Warning})
	}
	all = append(all, coreSpotWarnings(c)...) // H5: CORE fleets on spot (spec_groups.go)
	for _, p := range all {
		if !p.Warning {
			return all, &InputError{Problems: all}
		}
	}
	return all, nil
}

// CreateCluster creates a cluster from a spec: validated, planned,
// confirmed (one confirmation per cluster) and journaled with its token,
// so a retry after a lost response never creates a second cluster. Once a
// create of this spec's name succeeded and the cluster exists, running it
// again says so and creates nothing, unless in.Another.
func (e *Engine) CreateCluster(ctx context.Context, call Call, in CreateClusterInput) (*CreateClusterResult, error) {
	if _, err := capability[provider.ClusterCreator](e, "creating clusters"); err != nil {
		return nil, err
	}
	plan, req, err := e.plan(ctx, call.Actor, in.Spec, in.Getenv, !in.SkipLiveChecks)
	if err != nil {
		return nil, err
	}
	if !plan.Ready {
		return nil, &PlanError{Plan: plan}
	}
	var warnings []FieldProblem
	for _, pr := range plan.Problems {
		if pr.Warning {
			warnings = append(warnings, pr)
		}
	}
	input := map[string]any{"request": plan.Request, "another": in.Another}
	return run(ctx, e, call, job[*CreateClusterResult]{
		operation: req.API(), target: in.Spec.Name, input: input, mark: markCreate,
		do: func(ctx context.Context, f *flight) (*CreateClusterResult, error) {
			if !in.Another {
				if res, err := e.existingCluster(ctx, f, req.API(), in.Spec.Name); res != nil || err != nil {
					return res, err
				}
			}
			out, err := e.sendCreate(ctx, f, in.Spec, req)
			if err != nil {
				return nil, err
			}
			res := &CreateClusterResult{Warnings: warnings, Outcome: out}
			if r := out.Result; r != nil {
				res.RequestID, res.OperationID = r.RequestID, r.OperationID
				if len(r.IDs) > 0 {
					res.ClusterID = r.IDs[0]
				}
			}
			return res, nil
		},
	})
}

// sendCreate sends a create request in flight f.
func (e *Engine) sendCreate(ctx context.Context, f *flight, c *spec.Cluster, req provider.CreateRequest) (*Outcome, error) {
	p, err := capability[provider.ClusterCreator](e, "creating clusters")
	if err != nil {
		return nil, err
	}
	kind := journal.TokenRequestTag
	if req.ClientToken() {
		kind = journal.TokenClient
	}
	return f.apply(ctx, write{
		op: createClusterOp(c), operation: req.API(), target: c.Name, tokenKind: kind, request: req.Shown(),
		send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
			return p.CreateCluster(ctx, req, token)
		},
	})
}

// existingCluster answers a create whose spec name created a cluster
// before (a known success recorded in the journal) that still exists.
func (e *Engine) existingCluster(ctx context.Context, f *flight, api, name string) (*CreateClusterResult, error) {
	prev, err := e.opts.Journal.List(ctx, journal.Filter{Scope: e.opts.Scope, Target: name, Operation: api, Status: string(journal.StatusSucceeded), Limit: 1})
	if err != nil || len(prev) == 0 || len(prev[0].ResultIDs) == 0 {
		return nil, err
	}
	p := prev[0]
	if s, ok := f.settled[p.IntentHash]; ok && s.entry.ID == p.ID {
		return nil, nil // settled just now: the send path reports it
	}
	c, err := e.GetCluster(ctx, p.ResultIDs[0])
	switch {
	case err != nil && provider.KindOf(err) == provider.KindNotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case c.State == StateTerminated || c.State == StateTerminatedWithErrors || c.State == StateTerminating:
		return nil, nil
	}
	note := fmt.Sprintf("cluster %s (%s) was created from a spec named %s at %s (journal entry %d) and is %s; nothing was created. "+
		"Pass --another to create one more, or change the name", c.ID, validate.Render(c.Name), validate.Render(name), p.Time.Local().Format(time.RFC3339), p.ID, validate.Render(c.State))
	return &CreateClusterResult{ClusterID: c.ID, State: c.State, Outcome: &Outcome{Status: StatusExists, JournalID: p.ID, Note: note}}, nil
}

// reconcileCreate decides whether a create with an unknown outcome, whose
// token the cloud no longer remembers (or never took), was applied: a
// cluster of its name carries its request tag.
func reconcileCreate(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	p, err := capability[provider.ClusterCreator](e, "creating clusters")
	if err != nil {
		return verdict{}, err
	}
	if entry.Token == "" {
		return cannotTellBecause("the journal entry has no request tag to look for"), nil
	}
	ids, err := read(ctx, e, func(ctx context.Context) ([]string, error) {
		return p.FindCreated(ctx, entry.Token, entry.Target, entry.Time.Add(-createClockSkew))
	})
	if err != nil {
		return verdict{}, fmt.Errorf("look for the cluster tagged %s=%s: %w", provider.RequestTagKey, entry.Token, err)
	}
	if len(ids) == 0 {
		return notAppliedBecause("no cluster named %s carries its request tag", validate.Render(entry.Target)), nil
	}
	return appliedBecause(&provider.WriteResult{IDs: ids[:1]}, "cluster %s carries its request tag", ids[0]), nil
}

// createClockSkew is how far the cloud's clock may be from ours when
// cluster creation times are matched to a journaled attempt.
const createClockSkew = 5 * time.Minute

// createClusterOp describes a create for the policy.
func createClusterOp(c *spec.Cluster) policy.CreateCluster {
	op := policy.CreateCluster{Region: c.Region, ClusterName: c.Name}
	if c.Payment != nil {
		op.PaymentType = string(c.Payment.Type)
		if s := c.Payment.Subscription; s != nil {
			op.SubscriptionMonths = s.Duration
			if s.Unit == "Year" {
				op.SubscriptionMonths *= 12
			}
		}
	}
	op.Groups = specGroupCounts(c) // H5: AWS fleets and spot groups (spec_groups.go)
	return op
}
