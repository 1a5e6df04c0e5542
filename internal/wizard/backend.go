package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// Backend is what the wizard needs from the cloud: the lists to pick from
// and the plan of the finished spec.
type Backend interface {
	// Regions lists the regions to choose from.
	Regions(ctx context.Context) ([]provider.Region, error)
	// UseRegion makes the later calls (and the plan) use region.
	UseRegion(ctx context.Context, region string) error
	// ReleaseVersions lists the EMR releases of a cluster type, newest first.
	ReleaseVersions(ctx context.Context, clusterType string) ([]string, error)
	// VPCs lists the VPCs of the region.
	VPCs(ctx context.Context) ([]provider.VPC, error)
	// VSwitches lists the vSwitches of a VPC, with zones and free addresses.
	VSwitches(ctx context.Context, vpcID string) ([]provider.VSwitch, error)
	// SecurityGroups lists the security groups of a VPC, with their type.
	SecurityGroups(ctx context.Context, vpcID string) ([]provider.SecurityGroup, error)
	// KeyPairs lists the SSH key pairs of the region.
	KeyPairs(ctx context.Context) ([]provider.KeyPair, error)
	// InstanceTypes lists the instance types offered for a node group, with
	// vCPUs, memory and stock in the zone.
	InstanceTypes(ctx context.Context, q provider.InstanceTypeQuery) ([]provider.InstanceType, error)
	// Review plans the spec: the summary to confirm, the live checks and
	// every problem; Ready when creating would be attempted.
	Review(ctx context.Context, c *spec.Cluster) (*Review, error)
}

// Review is the plan of the spec the wizard built, as text to show.
type Review struct {
	Text  string
	Ready bool
}

// EngineBackend is the Backend of the engine every surface uses.
type EngineBackend struct {
	open      func(ctx context.Context, region string) (*engine.Engine, error)
	actor     policy.Actor
	lookupEnv func(string) (string, bool)
	e         *engine.Engine
}

// NewEngineBackend returns a Backend over the engine that open returns for a
// region ("" for the profile's own). The plan runs as actor and resolves
// the secrets the spec names with lookupEnv.
func NewEngineBackend(open func(ctx context.Context, region string) (*engine.Engine, error), actor policy.Actor, lookupEnv func(string) (string, bool)) *EngineBackend {
	return &EngineBackend{open: open, actor: actor, lookupEnv: lookupEnv}
}

func (b *EngineBackend) engine(ctx context.Context) (*engine.Engine, error) {
	if b.e != nil {
		return b.e, nil
	}
	e, err := b.open(ctx, "")
	if err != nil {
		return nil, err
	}
	b.e = e
	return e, nil
}

// Regions implements Backend.
func (b *EngineBackend) Regions(ctx context.Context) ([]provider.Region, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	return e.Regions(ctx)
}

// UseRegion implements Backend.
func (b *EngineBackend) UseRegion(ctx context.Context, region string) error {
	if b.e != nil && b.e.Region() == region {
		return nil
	}
	e, err := b.open(ctx, region)
	if err != nil {
		return err
	}
	b.e = e
	return nil
}

// ReleaseVersions implements Backend.
func (b *EngineBackend) ReleaseVersions(ctx context.Context, clusterType string) ([]string, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := e.ListReleaseVersions(ctx, clusterType)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Version
	}
	return out, nil
}

// VPCs implements Backend.
func (b *EngineBackend) VPCs(ctx context.Context) ([]provider.VPC, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	return e.ListVPCs(ctx)
}

// VSwitches implements Backend.
func (b *EngineBackend) VSwitches(ctx context.Context, vpcID string) ([]provider.VSwitch, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	return e.ListVSwitches(ctx, vpcID)
}

// SecurityGroups implements Backend.
func (b *EngineBackend) SecurityGroups(ctx context.Context, vpcID string) ([]provider.SecurityGroup, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	return e.ListSecurityGroups(ctx, vpcID)
}

// KeyPairs implements Backend.
func (b *EngineBackend) KeyPairs(ctx context.Context) ([]provider.KeyPair, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	return e.ListKeyPairs(ctx)
}

// InstanceTypes implements Backend.
func (b *EngineBackend) InstanceTypes(ctx context.Context, q provider.InstanceTypeQuery) ([]provider.InstanceType, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	return e.ListInstanceTypes(ctx, q)
}

// Review implements Backend with the engine's plan. Problems in the input
// (a password variable that is not set, say) make a review that is not
// ready rather than an error, so the person can still save the spec.
func (b *EngineBackend) Review(ctx context.Context, c *spec.Cluster) (*Review, error) {
	e, err := b.engine(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := e.PlanCluster(ctx, b.actor, c, b.lookupEnv)
	var ie *engine.InputError
	if errors.As(err, &ie) {
		var w strings.Builder
		w.WriteString(spec.Summarize(c).String())
		writeProblems(&w, ie.Problems)
		return &Review{Text: w.String()}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Review{Text: RenderPlan(plan), Ready: plan.Ready}, nil
}

// RenderPlan writes a plan as the seed's summary list, the live checks and
// the problems found.
func RenderPlan(p *engine.Plan) string {
	var w strings.Builder
	w.WriteString(p.Summary.String())
	if len(p.Checks) > 0 {
		w.WriteString("\nChecks against the account:\n")
		tw := tabwriter.NewWriter(&w, 0, 0, 2, ' ', 0)
		for _, c := range p.Checks {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Status, c.Item, c.Resource, c.Detail)
		}
		tw.Flush()
	}
	writeProblems(&w, p.Problems)
	return w.String()
}

func writeProblems(w *strings.Builder, probs []engine.FieldProblem) {
	if len(probs) == 0 {
		return
	}
	w.WriteString("\n")
	for _, p := range probs {
		kind := "problem"
		if p.Warning {
			kind = "warning"
		}
		fmt.Fprintf(w, "%s: %s: %s", kind, p.Field, p.Problem)
		if p.Fix != "" {
			fmt.Fprintf(w, " (fix: %s)", p.Fix)
		}
		w.WriteString("\n")
	}
}
