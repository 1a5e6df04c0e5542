package engine

import (
	"context"
	"encoding/json"

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

// NodeGroupResult is what adding a node group did.
type NodeGroupResult struct {
	ClusterID   string   `json:"clusterId"`
	NodeGroupID string   `json:"nodeGroupId,omitempty"`
	Outcome     *Outcome `json:"outcome"`
}

func (r *NodeGroupResult) outcome() *Outcome { return r.Outcome }

func markNodeGroup(r *NodeGroupResult, status, note string) *NodeGroupResult {
	r.Outcome = markOutcome(r.Outcome, status, note)
	return r
}

// CreateNodeGroup adds a node group: an additive write, sent again when
// run again with another name (a group's name is unique in its cluster,
// so the same name is refused). The call has no client token: after an
// unknown outcome the engine looks for a group of that name first.
func (e *Engine) CreateNodeGroup(ctx context.Context, call Call, in NodeGroupInput) (*NodeGroupResult, error) {
	if err := checkInput(e.clusterID(in.ClusterID), validate.Name("name", in.Group.Name)); err != nil {
		return nil, err
	}
	if in.Group.Count == nil || *in.Group.Count < 1 {
		return nil, inputError("count", "a new node group needs at least one node", "set count: N (1 or more); an empty group costs nothing and does nothing")
	}
	p, err := capability[provider.NodeGroupCreator](e, "creating node groups")
	if err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*NodeGroupResult]{
		operation: opCreateNodeGroup, target: in.ClusterID, input: in, mark: markNodeGroup,
		do: func(ctx context.Context, f *flight) (*NodeGroupResult, error) {
			g, clusterNodes, err := e.prepareNodeGroup(ctx, call.Actor, in)
			if err != nil {
				return nil, err
			}
			req, err := p.PrepareNodeGroup(in.ClusterID, g)
			if err != nil {
				return nil, err
			}
			op := policy.CreateNodeGroup{ClusterID: in.ClusterID, Name: g.Name, Role: string(g.Role), PaymentType: groupPayment(g), Count: *g.Count, ClusterNodes: clusterNodes}
			out, err := f.apply(ctx, write{
				op: op, operation: opCreateNodeGroup, target: in.ClusterID, tokenKind: journal.TokenNone,
				request: req.Shown(), identity: g, observed: map[string]string{"name": g.Name},
				send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
					return p.CreateNodeGroup(ctx, in.ClusterID, req)
				},
			})
			if err != nil {
				return nil, err
			}
			res := &NodeGroupResult{ClusterID: in.ClusterID, Outcome: out}
			if out.Result != nil && len(out.Result.IDs) > 0 {
				res.NodeGroupID = out.Result.IDs[0]
			}
			return res, nil
		},
	})
}

// groupPayment is how a group is billed, in the policy's words.
func groupPayment(g spec.NodeGroup) string {
	if g.Spot != nil && g.Spot.Strategy != "" && g.Spot.Strategy != "NoSpot" {
		return "Spot"
	}
	return string(g.PaymentType)
}

// prepareNodeGroup validates a group against its cluster: the cluster's
// type, release and payment, the names already taken and the policy's
// limits. It returns the group with its defaults and the cluster's node
// count.
func (e *Engine) prepareNodeGroup(ctx context.Context, actor policy.Actor, in NodeGroupInput) (spec.NodeGroup, int, error) {
	g := in.Group
	cl, err := e.GetCluster(ctx, in.ClusterID)
	if err != nil {
		return g, 0, err
	}
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return e.opts.Provider.ListNodeGroups(ctx, in.ClusterID, provider.NodeGroupFilter{})
	})
	if err != nil {
		return g, 0, err
	}
	gctx := spec.NodeGroupContext{
		Provider: spec.Provider(e.Provider()), ClusterType: spec.ClusterType(cl.Type), ReleaseVersion: cl.ReleaseVersion,
		DeployMode: spec.DeployMode(cl.DeployMode), PaymentType: spec.PaymentType(cl.PaymentType),
	}
	clusterNodes := 0
	for _, x := range groups {
		clusterNodes += x.RunningNodes
		if x.Role == "MASTER" {
			gctx.VSwitchIDs = x.VSwitchIDs
		}
		if x.Name == g.Name {
			return g, 0, inputError("name", "node group "+x.ID+" already has the name "+validate.Render(x.Name), "choose another name")
		}
	}
	lim := e.opts.Policy.LimitsFor(actor)
	vo := spec.DefaultValidateOptions()
	vo.NodeGroupMaxAtCreate = lim.NodeGroupMaxAtCreate
	if probs := spec.ValidateNodeGroup(&g, gctx, vo); len(probs.Errors()) > 0 {
		var ie InputError
		for _, pr := range probs {
			ie.Problems = append(ie.Problems, FieldProblem{Field: pr.Path, Problem: pr.Message, Fix: pr.Fix, Warning: pr.Severity == spec.Warning})
		}
		return g, 0, &ie
	}
	return g, clusterNodes, nil
}

// reconcileNodeGroup decides whether a node group creation with an
// unknown outcome was applied: a group of its name exists or not.
func reconcileNodeGroup(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	var obs struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(entry.Observed, &obs); err != nil || obs.Name == "" {
		return cannotTellBecause("the journal entry does not record the group's name"), nil
	}
	gs, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return e.opts.Provider.ListNodeGroups(ctx, entry.Target, provider.NodeGroupFilter{Names: []string{obs.Name}})
	})
	if err != nil {
		return verdict{}, err
	}
	for _, g := range gs {
		if g.Name == obs.Name {
			return appliedBecause(&provider.WriteResult{IDs: []string{g.ID}}, "node group %s named %s exists", g.ID, validate.Render(obs.Name)), nil
		}
	}
	return notAppliedBecause("no node group is named %s", validate.Render(obs.Name)), nil
}
