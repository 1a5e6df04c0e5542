package engine

import (
	"context"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// NodeGroupInput is a node group to add to a cluster.
type NodeGroupInput struct {
	ClusterID string         `json:"clusterId"`
	Group     spec.NodeGroup `json:"group"`
}

// CreateNodeGroup adds a node group. CreateNodeGroup has no ClientToken:
// after an unknown outcome the engine looks for a group of that name
// before sending again.
func (e *Engine) CreateNodeGroup(ctx context.Context, call Call, in NodeGroupInput) (*Outcome, error) {
	if err := checkInput(validate.ID(validate.ClusterID, "cluster ID", in.ClusterID), validate.Name("name", in.Group.Name)); err != nil {
		return nil, err
	}
	p, err := e.aliyun("creating node groups")
	if err != nil {
		return nil, err
	}
	cl, err := e.GetCluster(ctx, in.ClusterID)
	if err != nil {
		return nil, err
	}
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return p.ListNodeGroups(ctx, in.ClusterID, provider.NodeGroupFilter{})
	})
	if err != nil {
		return nil, err
	}
	gctx := spec.NodeGroupContext{ClusterType: spec.ClusterType(cl.Type), ReleaseVersion: cl.ReleaseVersion, DeployMode: spec.DeployMode(cl.DeployMode), PaymentType: spec.PaymentType(cl.PaymentType)}
	clusterNodes := 0
	for _, g := range groups {
		clusterNodes += g.RunningNodes
		if g.Role == "MASTER" {
			gctx.VSwitchIDs = g.VSwitchIDs
		}
		if g.Name == in.Group.Name {
			return nil, inputError("name", "node group "+g.ID+" already has the name "+g.Name, "choose another name")
		}
	}
	lim := e.opts.Policy.LimitsFor(call.Actor)
	vo := spec.DefaultValidateOptions()
	vo.NodeGroupMaxAtCreate = lim.NodeGroupMaxAtCreate
	if probs := spec.ValidateNodeGroup(&in.Group, gctx, vo); len(probs.Errors()) > 0 {
		var ie InputError
		for _, pr := range probs {
			ie.Problems = append(ie.Problems, FieldProblem{Field: pr.Path, Problem: pr.Message, Fix: pr.Fix, Warning: pr.Severity == spec.Warning})
		}
		return nil, &ie
	}
	cfg, err := in.Group.AliyunConfig()
	if err != nil {
		return nil, err
	}
	count := 0
	if in.Group.Count != nil {
		count = *in.Group.Count
	}
	op := policy.CreateNodeGroup{ClusterID: in.ClusterID, Name: in.Group.Name, Role: string(in.Group.Role), PaymentType: string(in.Group.PaymentType), Count: count, ClusterNodes: clusterNodes}
	w := write{
		op: op, operation: "CreateNodeGroup", target: in.ClusterID + "/" + in.Group.Name, tokenKind: journal.TokenNone, request: cfg,
		reconcile: func(ctx context.Context, prev *journal.Entry) (*provider.WriteResult, bool, error) {
			gs, err := p.ListNodeGroups(ctx, in.ClusterID, provider.NodeGroupFilter{Names: []string{in.Group.Name}})
			if err != nil || len(gs) == 0 {
				return nil, false, err
			}
			return &provider.WriteResult{IDs: []string{gs[0].ID}}, true, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			id, rid, err := p.CreateNodeGroup(ctx, in.ClusterID, &cfg)
			if err != nil {
				return nil, err
			}
			return &provider.WriteResult{IDs: []string{id}, RequestID: rid}, nil
		},
	}
	return e.guarded(ctx, call, w)
}
