package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// GatewayModeFits reads the cluster's gateway plan and refuses a mode the
// plan says does not apply, with its reason.
func (e *Engine) GatewayModeFits(ctx context.Context, clusterID, mode string) (*GatewayPlan, error) {
	p, err := e.PlanGateway(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	return p, modeFits(p, mode)
}

// modeFits refuses a mode the plan says does not apply, with its reason.
func modeFits(p *GatewayPlan, mode string) error {
	var fits []string
	for _, m := range p.Modes {
		switch {
		case m.Applies && m.Mode == GatewayEdgeNode:
			fits = append(fits, GatewayEnvironment)
		case m.Applies:
			fits = append(fits, m.Mode)
		}
		// An edge node on AWS is the environment mode on an EC2 instance.
		if m.Mode == mode || (mode == GatewayEnvironment && m.Mode == GatewayEdgeNode) {
			if m.Applies {
				return nil
			}
			return &InputError{Problems: []FieldProblem{{Field: "mode", Problem: fmt.Sprintf("%s does not fit cluster %s: %s", mode, p.ClusterID, m.Reason), Fix: "see 'emrctl gateway plan " + p.ClusterID + "'"}}}
		}
	}
	return &InputError{Problems: []FieldProblem{{Field: "mode", Problem: fmt.Sprintf("%s is not a gateway mode of %s clusters", mode, p.Provider), Fix: "use --mode " + strings.Join(fits, " or --mode ")}}}
}

// GatewayGroupInput is a GATEWAY node group to add; empty fields take the
// defaults: the name "gateway", one node, the MASTER group's instance type.
type GatewayGroupInput struct {
	ClusterID, Name, InstanceType string
	Count                         int
}

// DeployGatewayNodeGroup adds a GATEWAY node group, when the plan says the
// cluster takes one, through the write pipeline of CreateNodeGroup.
func (e *Engine) DeployGatewayNodeGroup(ctx context.Context, call Call, in GatewayGroupInput) (*NodeGroupResult, error) {
	if _, err := e.GatewayModeFits(ctx, in.ClusterID, GatewayNodeGroup); err != nil {
		return nil, err
	}
	if in.Name == "" {
		in.Name = "gateway"
	}
	if in.Count == 0 {
		in.Count = 1
	}
	if in.InstanceType == "" {
		t, err := e.masterType(ctx, in.ClusterID)
		if err != nil {
			return nil, err
		}
		in.InstanceType = t
	}
	g := spec.NodeGroup{Name: in.Name, Role: spec.NodeRole("GATEWAY"), Count: &in.Count, InstanceTypes: []string{in.InstanceType}}
	return e.CreateNodeGroup(ctx, call, NodeGroupInput{ClusterID: in.ClusterID, Group: g})
}

// masterType is the instance type of the cluster's MASTER group.
func (e *Engine) masterType(ctx context.Context, clusterID string) (string, error) {
	groups, err := e.ListNodeGroups(ctx, clusterID, provider.NodeGroupFilter{})
	if err != nil {
		return "", err
	}
	for _, g := range groups {
		if g.Role == "MASTER" && len(g.InstanceTypes) > 0 {
			return g.InstanceTypes[0], nil
		}
	}
	return "", inputError("instanceType", fmt.Sprintf("cluster %s has no MASTER group with an instance type to copy", clusterID), "give --instance-type")
}
