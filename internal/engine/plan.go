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
	"github.com/emrctl/emrctl/internal/validate"
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

// plan is PlanCluster that also returns the request to send.
func (e *Engine) plan(ctx context.Context, actor policy.Actor, c *spec.Cluster, getenv func(string) (string, bool), live bool) (*Plan, provider.CreateRequest, error) {
	probs, err := e.PrepareCluster(c, actor)
	if err != nil {
		return nil, nil, err
	}
	creator, err := capability[provider.ClusterCreator](e, "creating clusters")
	if err != nil {
		return nil, nil, err
	}
	plan := &Plan{Summary: spec.Summarize(c), Problems: probs}
	if isAgent(actor) {
		getenv = AgentGetenv(getenv)
	}
	secrets, err := spec.Resolve(c, getenv)
	if err != nil {
		return nil, nil, inputError("secrets", err.Error(), "export the environment variable the spec names")
	}
	e.opts.Secrets.Add(secrets.MasterRootPassword)
	e.opts.Secrets.Add(secrets.MetastorePassword)
	req, err := creator.PrepareCreate(c, secrets)
	if err != nil {
		return nil, nil, err
	}
	plan.API, plan.Request = req.API(), req.Shown()
	vcpus := map[string]int{}
	if live {
		if vcpus, err = e.liveChecks(ctx, c, plan); err != nil {
			if errors.Is(err, provider.ErrDenied) {
				return nil, nil, fmt.Errorf("the plan's look-ups were refused (%w); grant the describe permissions they need, or create with --skip-live-checks", err)
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
	before := len(plan.Problems)
	if err := e.checkRelease(ctx, c, plan); err != nil {
		return nil, err
	}
	vcpus := map[string]int{}
	if len(plan.Problems) == before {
		// The offer of instance types depends on the release.
		var err error
		if vcpus, err = e.checkInstanceTypes(ctx, c, plan); err != nil {
			return nil, err
		}
	}
	if _, ok := e.opts.Provider.(provider.Network); !ok {
		return vcpus, nil
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
		what := "in " + c.Region
		if c.ClusterType != "" {
			what = "for " + string(c.ClusterType) + " clusters in " + c.Region
		}
		plan.Problems = append(plan.Problems, FieldProblem{
			Field:   "releaseVersion",
			Problem: fmt.Sprintf("%s is not offered %s", validate.Render(c.ReleaseVersion), what),
			Fix:     "use one of: " + strings.Join(firstN(versions, 12), ", "),
		})
	}
	return nil
}

// firstN shortens a list for a message.
func firstN(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("... (%d more)", len(list)-n))
}

// checkInstanceTypes asks the cloud what each role may use (Alibaba:
// ListInstanceTypes with its hidden required parameters, per zone, role
// and billing; AWS: the types the release supports).
func (e *Engine) checkInstanceTypes(ctx context.Context, c *spec.Cluster, plan *Plan) (map[string]int, error) {
	vcpus := map[string]int{}
	offered := map[string][]string{}
	zone := ""
	if c.Network != nil {
		zone = c.Network.ZoneID
	}
	for _, u := range c.InstanceTypeUses() {
		key := string(u.Role) + "/" + string(u.PaymentType)
		if _, seen := offered[key]; !seen {
			types, err := e.ListInstanceTypes(ctx, provider.InstanceTypeQuery{
				ZoneID: zone, ClusterType: string(c.ClusterType), PaymentType: string(u.PaymentType),
				NodeGroupType: string(u.Role), ReleaseVersion: c.ReleaseVersion, DeployMode: string(c.DeployMode),
			})
			if err != nil {
				return nil, err
			}
			offered[key] = []string{}
			for _, t := range types {
				offered[key] = append(offered[key], t.Type)
				vcpus[t.Type] = t.VCPUs
			}
		}
		if !slices.Contains(offered[key], u.InstanceType) {
			where := "in " + c.Region
			if zone != "" {
				where = fmt.Sprintf("for %s nodes (%s) in %s", u.Role, u.PaymentType, zone)
			}
			plan.Problems = append(plan.Problems, FieldProblem{
				Field:   u.Path,
				Problem: fmt.Sprintf("%s is not offered %s with %s", validate.Render(u.InstanceType), where, c.ReleaseVersion),
				Fix:     "pick one from 'emrctl discover instance-types'",
			})
		}
	}
	return vcpus, nil
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
