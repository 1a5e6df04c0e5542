package engine

import (
	"context"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// The listings below let a person pick the prerequisites of a cluster
// (SKILL.md "Prerequisites") instead of typing IDs: the guided creation
// shows them with what makes each usable or not. CheckPrereqs judges a
// choice; these only list.

// ListVPCs lists the VPCs of the engine's region.
func (e *Engine) ListVPCs(ctx context.Context) ([]provider.VPC, error) {
	p, err := capability[provider.Network](e, "listing VPCs")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.VPC, error) { return p.VPCs(ctx, "") })
}

// ListVSwitches lists the vSwitches of a VPC with their zones and free
// addresses: the zone of the vSwitch is where the cluster goes.
func (e *Engine) ListVSwitches(ctx context.Context, vpcID string) ([]provider.VSwitch, error) {
	if err := checkInput(validate.ID(validate.VPCID, "vpcId", vpcID)); err != nil {
		return nil, err
	}
	p, err := capability[provider.Network](e, "listing vSwitches")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.VSwitch, error) { return p.VSwitches(ctx, vpcID, "") })
}

// ListSecurityGroups lists the security groups of a VPC with their type;
// EMR accepts only the normal ones.
func (e *Engine) ListSecurityGroups(ctx context.Context, vpcID string) ([]provider.SecurityGroup, error) {
	if err := checkInput(validate.ID(validate.VPCID, "vpcId", vpcID)); err != nil {
		return nil, err
	}
	p, err := capability[provider.Network](e, "listing security groups")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.SecurityGroup, error) { return p.SecurityGroups(ctx, vpcID, "") })
}

// ListKeyPairs lists the SSH key pairs of the engine's region.
func (e *Engine) ListKeyPairs(ctx context.Context) ([]provider.KeyPair, error) {
	p, err := capability[provider.Network](e, "listing key pairs")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.KeyPair, error) { return p.KeyPairs(ctx, "") })
}
