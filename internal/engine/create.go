package engine

import (
	"context"
	"fmt"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// CreateClusterInput is a cluster to create.
type CreateClusterInput struct {
	Spec *spec.Cluster
	// Getenv resolves the secrets the spec names (passwords by env var).
	Getenv func(string) (string, bool)
	// SkipLiveChecks sends the request after the offline rules and the
	// policy only, without the plan's look-ups (for accounts that may not
	// call the VPC/ECS describe APIs). Surfaces offer it to people only.
	SkipLiveChecks bool
}

// CreateClusterResult is what CreateCluster did.
type CreateClusterResult struct {
	ClusterID   string         `json:"clusterId"`
	OperationID string         `json:"operationId,omitempty"`
	RequestID   string         `json:"requestId,omitempty"`
	Warnings    []FieldProblem `json:"warnings,omitempty"`
	Outcome     *Outcome       `json:"outcome"`
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
	if string(c.Provider) != e.specProvider() {
		all = append(all, FieldProblem{Field: "provider", Problem: fmt.Sprintf("the spec is for %s but profile %q uses %s", c.Provider, e.opts.Profile, e.opts.Provider), Fix: "use --profile with a " + string(c.Provider) + " profile"})
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
	for _, p := range all {
		if !p.Warning {
			return all, &InputError{Problems: all}
		}
	}
	return all, nil
}

func (e *Engine) specProvider() string {
	if e.opts.Provider == provider.AWS {
		return "aws"
	}
	return "aliyun"
}

// CreateCluster creates a cluster from a spec: validated, confirmed (one
// confirmation per cluster), journaled with a ClientToken so a retry never
// creates a second cluster.
func (e *Engine) CreateCluster(ctx context.Context, call Call, in CreateClusterInput) (*CreateClusterResult, error) {
	if e.opts.Provider == provider.AWS {
		warnings, err := e.PrepareCluster(in.Spec, call.Actor)
		if err != nil {
			return nil, err
		}
		return e.createAWSCluster(ctx, call, in, warnings)
	}
	p, err := e.aliyun("creating clusters")
	if err != nil {
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
	w := write{
		op: createClusterOp(in.Spec), operation: "RunCluster", target: in.Spec.Name, tokenKind: journal.TokenClient,
		request: plan.Request,
		send: func(ctx context.Context, token string) (*provider.WriteResult, error) {
			id, op, rid, err := p.RunCluster(ctx, req, token)
			if err != nil {
				return nil, err
			}
			return &provider.WriteResult{IDs: []string{id, op}, OperationID: op, RequestID: rid}, nil
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	res := &CreateClusterResult{Warnings: warnings, Outcome: out, RequestID: out.Result.RequestID, OperationID: out.Result.OperationID}
	if len(out.Result.IDs) > 0 {
		res.ClusterID = out.Result.IDs[0]
	}
	if len(out.Result.IDs) > 1 {
		res.OperationID = out.Result.IDs[1]
	}
	return res, nil
}

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
	for _, g := range c.NodeGroups {
		n := 0
		if g.Count != nil {
			n = *g.Count
		}
		op.Groups = append(op.Groups, policy.GroupCount{Name: g.Name, Role: string(g.Role), Count: n})
	}
	return op
}

// checkName validates a user-given name.
func checkName(field, v string) error { return checkInput(validate.Name(field, v)) }
