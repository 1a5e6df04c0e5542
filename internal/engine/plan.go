package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// Plan is what creating a cluster from a spec would do, checked against
// the cloud without changing anything: the seed's summary list, every
// problem found (rules and live checks), the prerequisite checks, and the
// exact request (secrets redacted), which is the dry run.
type Plan struct {
	Summary  spec.Summary   `json:"summary"`
	API      string         `json:"api"`
	Request  any            `json:"request"`
	Checks   []PrereqCheck  `json:"checks"`
	Problems []FieldProblem `json:"problems,omitempty"`
	Ready    bool           `json:"ready"`
}

// defaultRAMRole is the role EMR attaches to nodes unless told otherwise.
const defaultRAMRole = "AliyunECSInstanceForEMRRole"

// PlanCluster validates a spec and checks it against the cloud: the
// release exists for the cluster type, each node group's instance types
// are offered in the zone for its role and payment type, and the VPC,
// vSwitches (zone), security group (normal, in the VPC), key pair and stock
// are there. Nothing is created.
func (e *Engine) PlanCluster(ctx context.Context, actor policy.Actor, c *spec.Cluster, getenv func(string) (string, bool)) (*Plan, error) {
	plan, _, err := e.plan(ctx, actor, c, getenv, true)
	return plan, err
}

// plan is PlanCluster that also returns the unredacted request to send.
func (e *Engine) plan(ctx context.Context, actor policy.Actor, c *spec.Cluster, getenv func(string) (string, bool), live bool) (*Plan, *emrwire.RunClusterRequest, error) {
	probs, err := e.PrepareCluster(c, actor)
	if err != nil {
		return nil, nil, err
	}
	plan := &Plan{Summary: spec.Summarize(c), API: "RunCluster", Problems: probs}
	if e.opts.Provider == provider.AWS {
		p, err := e.planAWS(ctx, c, plan)
		return p, nil, err
	}
	if isAgent(actor) {
		getenv = AgentGetenv(getenv)
	}
	secrets, err := spec.Resolve(c, getenv)
	if err != nil {
		return nil, nil, inputError("secrets", err.Error(), "export the environment variable the spec names")
	}
	e.opts.Secrets.Add(secrets.MasterRootPassword)
	e.opts.Secrets.Add(secrets.MetastorePassword)
	req, err := c.AliyunRequest(secrets)
	if err != nil {
		return nil, nil, err
	}
	plan.Request = spec.RedactRequest(req)
	vcpus := map[string]int{}
	if live {
		if vcpus, err = e.liveChecks(ctx, c, plan); err != nil {
			if errors.Is(err, provider.ErrDenied) {
				return nil, nil, fmt.Errorf("the plan's look-ups were refused (%w); grant the VPC/ECS describe permissions, or create with --skip-live-checks", err)
			}
			return nil, nil, err
		}
	}
	plan.Summary = plan.Summary.WithVCPUs(func(t string) (int, bool) { n, ok := vcpus[t]; return n, ok })
	plan.Ready = true
	for _, p := range plan.Problems {
		if !p.Warning {
			plan.Ready = false
		}
	}
	return plan, req, nil
}

// liveChecks adds the problems only the cloud can reveal and returns the
// vCPUs of the instance types it saw.
func (e *Engine) liveChecks(ctx context.Context, c *spec.Cluster, plan *Plan) (map[string]int, error) {
	if err := e.checkRelease(ctx, c, plan); err != nil {
		return nil, err
	}
	vcpus, err := e.checkInstanceTypes(ctx, c, plan)
	if err != nil {
		return nil, err
	}
	report, err := e.CheckPrereqs(ctx, PrereqInputFromSpec(c))
	if err != nil {
		return nil, err
	}
	plan.Checks = report.Checks
	for _, ch := range report.Checks {
		if ch.Status == CheckOK {
			continue
		}
		plan.Problems = append(plan.Problems, FieldProblem{
			Field: prereqField(ch.Item), Problem: ch.Resource + ": " + ch.Detail, Fix: ch.Fix, Warning: ch.Status == CheckWarning,
		})
	}
	if n := c.Network; n != nil && n.RAMRole != "" && n.RAMRole != defaultRAMRole {
		plan.Problems = append(plan.Problems, FieldProblem{
			Field: "network.ramRole", Warning: true,
			Problem: fmt.Sprintf("RAM role %s cannot be checked from here; RunCluster fails with NotAuthorized if it does not exist", n.RAMRole),
			Fix:     "make sure the role exists (RAM console), or use the default " + defaultRAMRole,
		})
	}
	return vcpus, nil
}

func prereqField(item string) string {
	switch item {
	case ItemVPC:
		return "network.vpcId"
	case ItemZone:
		return "network.zoneId"
	case ItemVSwitch:
		return "nodeGroups[].vSwitchIds"
	case ItemSecurityGroup:
		return "network.securityGroupId"
	case ItemKeyPair:
		return "network.keyPairName"
	case ItemStock:
		return "nodeGroups[].instanceTypes"
	}
	return item
}

func (e *Engine) checkRelease(ctx context.Context, c *spec.Cluster, plan *Plan) error {
	rels, err := e.ListReleaseVersions(ctx, string(c.ClusterType))
	if err != nil {
		return err
	}
	var versions []string
	for _, r := range rels {
		versions = append(versions, r.Version)
	}
	if !slices.Contains(versions, c.ReleaseVersion) {
		plan.Problems = append(plan.Problems, FieldProblem{
			Field:   "releaseVersion",
			Problem: fmt.Sprintf("%s is not offered for %s clusters in %s", c.ReleaseVersion, c.ClusterType, c.Region),
			Fix:     "use one of: " + strings.Join(versions, ", "),
		})
	}
	return nil
}

// checkInstanceTypes asks ListInstanceTypes, with its hidden required
// parameters, what each role may use in the zone.
func (e *Engine) checkInstanceTypes(ctx context.Context, c *spec.Cluster, plan *Plan) (map[string]int, error) {
	vcpus := map[string]int{}
	offered := map[string][]string{}
	zone := ""
	if c.Network != nil {
		zone = c.Network.ZoneID
	}
	for i, g := range c.NodeGroups {
		key := string(g.Role) + "/" + string(g.PaymentType)
		if _, seen := offered[key]; !seen {
			types, err := e.ListInstanceTypes(ctx, provider.InstanceTypeQuery{
				ZoneID: zone, ClusterType: string(c.ClusterType), PaymentType: string(g.PaymentType),
				NodeGroupType: string(g.Role), ReleaseVersion: c.ReleaseVersion, DeployMode: string(c.DeployMode),
			})
			if err != nil {
				return nil, err
			}
			for _, t := range types {
				offered[key] = append(offered[key], t.Type)
				vcpus[t.Type] = t.VCPUs
			}
		}
		for j, t := range g.InstanceTypes {
			if !slices.Contains(offered[key], t) {
				plan.Problems = append(plan.Problems, FieldProblem{
					Field:   fmt.Sprintf("nodeGroups[%d].instanceTypes[%d]", i, j),
					Problem: fmt.Sprintf("%s is not offered for %s nodes (%s) in %s", t, g.Role, g.PaymentType, zone),
					Fix:     "pick one from 'emrctl discover instance-types --zone " + zone + " --role " + string(g.Role) + "'",
				})
			}
		}
	}
	return vcpus, nil
}

// planAWS is the AWS form of the plan: the rules and the exact request.
func (e *Engine) planAWS(ctx context.Context, c *spec.Cluster, plan *Plan) (*Plan, error) {
	plan.API = "RunJobFlow"
	plan.Ready = true
	for _, p := range plan.Problems {
		if !p.Warning {
			plan.Ready = false
		}
	}
	return plan, nil
}

// PlanError is a plan with problems: creation was not attempted.
type PlanError struct {
	Plan *Plan
}

func (e *PlanError) Error() string {
	ie := InputError{Problems: e.Plan.Problems}
	return strings.Replace(ie.Error(), "problem(s) in the input", "problem(s) found by the plan", 1)
}

// Unwrap lets callers treat a failed plan as bad input.
func (e *PlanError) Unwrap() error { return &InputError{Problems: e.Plan.Problems} }
