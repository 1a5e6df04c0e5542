package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/validate"
)

// Outcomes of one gateway machine check.
const (
	MachineOK        = "ok"
	MachineFailed    = "failed"
	MachineUnchecked = "unchecked"
)

// minGatewayDiskGiB is the seed's smallest system disk for a gateway.
const minGatewayDiskGiB = 60

// essdCategories are the system disk categories that are ESSDs: the
// seed asks for an enterprise SSD, and ESSD AutoPL and Entry are ESSDs.
var essdCategories = []string{"cloud_essd", "cloud_auto", "cloud_essd_entry"}

// gatewayRolePolicies are the system policies the seed grants the
// gateway's RAM role. emrctl does not call RAM, so it cannot see them.
var gatewayRolePolicies = []string{"AliyunEMRFullAccess", "AliyunOSSFullAccess", "AliyunDLFFullAccess"}

// ThisMachine tells which ECS instance emrctl runs on (the instance
// metadata service). NotOnECSError says it runs elsewhere.
type ThisMachine func(ctx context.Context) (instanceID string, err error)

// NotOnECSError says the instance metadata service did not answer: the
// machine is not an ECS instance, or cannot reach the service.
type NotOnECSError struct{ Reason string }

func (e *NotOnECSError) Error() string { return "not on an ECS instance: " + e.Reason }

// MachineCheck is one prerequisite of a gateway machine.
type MachineCheck struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// GatewayMachineReport says whether a machine fits as the gateway of a
// cluster, check by check, and what could not be checked.
type GatewayMachineReport struct {
	ClusterID  string `json:"clusterId"`
	InstanceID string `json:"instanceId,omitempty"`
	// Source is how the machine was named: "metadata" (the machine
	// emrctl runs on), "flag", or "none" (not on ECS).
	Source string         `json:"source"`
	Checks []MachineCheck `json:"checks"`
	// OK is true when no check failed; unchecked ones do not count.
	OK bool `json:"ok"`
}

// Failed returns the checks that failed.
func (r *GatewayMachineReport) Failed() []MachineCheck {
	var out []MachineCheck
	for _, c := range r.Checks {
		if c.Status == MachineFailed {
			out = append(out, c)
		}
	}
	return out
}

// GatewayMachineInput names the cluster and, optionally, the machine;
// without InstanceID the machine emrctl runs on is checked.
type GatewayMachineInput struct {
	ClusterID  string
	InstanceID string
}

// machineCheckNames are every check, in the order shown; the ones that
// cannot run are reported unchecked, never left out.
var machineCheckNames = []string{"region", "zone", "vpc", "security group", "system disk", "not a cluster node", "ram role", "ram role policies", "running"}

// CheckGatewayMachine checks the seed's requirements for the machine of
// a gateway environment: the cluster's region, zone and VPC, the master
// group's security group, a system disk of at least 60 GiB ESSD, not a
// node of the cluster, a RAM role attached. It changes nothing.
func (e *Engine) CheckGatewayMachine(ctx context.Context, in GatewayMachineInput) (*GatewayMachineReport, error) {
	if err := checkInput(e.clusterID(in.ClusterID)); err != nil {
		return nil, err
	}
	if in.InstanceID != "" {
		if err := checkInput(validate.ID(validate.NodeID, "--instance", in.InstanceID)); err != nil {
			return nil, err
		}
	}
	p, err := e.PlanGateway(ctx, in.ClusterID)
	if err != nil {
		return nil, err
	}
	r := &GatewayMachineReport{ClusterID: in.ClusterID, InstanceID: in.InstanceID, Source: "flag"}
	machines, ok := e.opts.Provider.(provider.Machines)
	if !ok || p.Provider == provider.AWS {
		r.Source = sourceOf(in)
		r.uncheckAll(fmt.Sprintf("emrctl reads ECS instances on Alibaba Cloud only; on %s check the edge node yourself against the requirements of 'emrctl gateway plan'", e.Provider()))
		return r.finish(), nil
	}
	if in.InstanceID == "" {
		id, err := e.thisMachine(ctx)
		var notECS *NotOnECSError
		if errors.As(err, &notECS) {
			r.Source = "none"
			r.uncheckAll(notECS.Error() + "; run this on the gateway machine, or name it with --instance i-...")
			return r.finish(), nil
		}
		if err != nil {
			return nil, err
		}
		r.InstanceID, r.Source = id, "metadata"
	}
	m, err := read(ctx, e, func(ctx context.Context) (*provider.Machine, error) { return machines.Machine(ctx, r.InstanceID) })
	if err != nil {
		return nil, fmt.Errorf("check gateway machine %s: %w", r.InstanceID, err)
	}
	nodes, err := e.clusterNodeIDs(ctx, in.ClusterID)
	if err != nil {
		return nil, err
	}
	r.Checks = machineChecks(p, e.Region(), m, nodes)
	return r.finish(), nil
}

func sourceOf(in GatewayMachineInput) string {
	if in.InstanceID != "" {
		return "flag"
	}
	return "none"
}

func (e *Engine) thisMachine(ctx context.Context) (string, error) {
	if e.opts.ThisMachine == nil {
		return "", &NotOnECSError{Reason: "this profile has no instance metadata service"}
	}
	return e.opts.ThisMachine(ctx)
}

// clusterNodeIDs are the instance IDs of every node of the cluster.
func (e *Engine) clusterNodeIDs(ctx context.Context, clusterID string) ([]string, error) {
	var ids []string
	err := e.ListNodes(ctx, clusterID, provider.NodeFilter{}, 100, func(page []provider.Node) error {
		for _, n := range page {
			ids = append(ids, n.ID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check gateway machine: read the nodes of %s: %w", clusterID, err)
	}
	return ids, nil
}

func (r *GatewayMachineReport) uncheckAll(why string) {
	for _, n := range machineCheckNames {
		r.Checks = append(r.Checks, MachineCheck{Name: n, Status: MachineUnchecked, Detail: why})
	}
}

func (r *GatewayMachineReport) finish() *GatewayMachineReport {
	r.OK = len(r.Failed()) == 0
	return r
}

// machineChecks compares the machine with the cluster, one check per
// requirement, in machineCheckNames order.
func machineChecks(p *GatewayPlan, region string, m *provider.Machine, nodes []string) []MachineCheck {
	q := validate.Render
	return []MachineCheck{
		same("region", "region", q(m.RegionID), region, "create the gateway machine in region "+region),
		same("zone", "zone", q(m.ZoneID), p.ZoneID, "create the gateway machine in zone "+p.ZoneID+", the cluster's"),
		same("vpc", "VPC", q(m.VpcID), p.VpcID, "create the gateway machine in VPC "+p.VpcID+", the cluster's"),
		securityGroupCheck(p, m),
		diskCheck(m),
		nodeCheck(m, nodes),
		roleCheck(m),
		{Name: "ram role policies", Status: MachineUnchecked,
			Detail: "emrctl does not call RAM, so it cannot see the role's policies",
			Fix:    "in the RAM console, grant the role " + strings.Join(gatewayRolePolicies, ", ")},
		same("running", "status", q(m.Status), "Running", "start the instance"),
	}
}

// same checks that the machine's value equals the cluster's; an empty
// cluster value could not be read and is reported unchecked.
func same(name, what, got, want, fix string) MachineCheck {
	c := MachineCheck{Name: name}
	switch {
	case want == "":
		c.Status, c.Detail = MachineUnchecked, "the cluster does not say its "+what
	case got == want:
		c.Status, c.Detail = MachineOK, what+" "+got
	default:
		c.Status, c.Detail, c.Fix = MachineFailed, fmt.Sprintf("%s %s, the cluster's is %s", what, noneIfEmpty(got), want), fix
	}
	return c
}

func securityGroupCheck(p *GatewayPlan, m *provider.Machine) MachineCheck {
	c := MachineCheck{Name: "security group"}
	groups := make([]string, len(m.SecurityGroupIDs))
	for i, g := range m.SecurityGroupIDs {
		groups[i] = validate.Render(g)
	}
	switch {
	case p.SecurityGroupID == "":
		c.Status, c.Detail = MachineUnchecked, "the cluster does not say its security group"
	case slices.Contains(m.SecurityGroupIDs, p.SecurityGroupID):
		c.Status, c.Detail = MachineOK, "in "+p.SecurityGroupID+", the master group's"
	default:
		c.Status = MachineFailed
		c.Detail = fmt.Sprintf("in %s, not in %s (the master group's)", noneIfEmpty(strings.Join(groups, ", ")), p.SecurityGroupID)
		c.Fix = "add the instance to security group " + p.SecurityGroupID + " (ECS console: Instance > Security Groups > Add)"
	}
	return c
}

func diskCheck(m *provider.Machine) MachineCheck {
	c := MachineCheck{Name: "system disk"}
	d := m.SystemDisk
	if d == nil {
		c.Status, c.Detail = MachineUnchecked, "the system disk could not be read"
		return c
	}
	shown := fmt.Sprintf("%s %d GiB", validate.Render(d.Category), d.SizeGiB)
	var problems []string
	if !slices.Contains(essdCategories, d.Category) {
		problems = append(problems, "not an ESSD")
	}
	if d.SizeGiB < minGatewayDiskGiB {
		problems = append(problems, fmt.Sprintf("smaller than %d GiB", minGatewayDiskGiB))
	}
	if len(problems) == 0 {
		c.Status, c.Detail = MachineOK, shown
		return c
	}
	c.Status = MachineFailed
	c.Detail = shown + ": " + strings.Join(problems, " and ")
	c.Fix = fmt.Sprintf("use an ESSD (cloud_essd) system disk of at least %d GiB: resize the disk, or change its category in the ECS console", minGatewayDiskGiB)
	return c
}

func nodeCheck(m *provider.Machine, nodes []string) MachineCheck {
	if slices.Contains(nodes, m.ID) {
		return MachineCheck{Name: "not a cluster node", Status: MachineFailed,
			Detail: "the instance is a node of the cluster: client files there interfere with its services",
			Fix:    "use a separate ECS instance, or a GATEWAY node group ('emrctl gateway deploy --mode node-group')"}
	}
	return MachineCheck{Name: "not a cluster node", Status: MachineOK, Detail: "not among the cluster's " + fmt.Sprint(len(nodes)) + " nodes"}
}

func roleCheck(m *provider.Machine) MachineCheck {
	if m.RAMRole == "" {
		return MachineCheck{Name: "ram role", Status: MachineFailed, Detail: "no RAM role attached",
			Fix: "create a role for ECS (e.g. ECSForEMRGatewayRole) and attach it: ECS console, Instance Settings > Grant/Revoke RAM Role"}
	}
	return MachineCheck{Name: "ram role", Status: MachineOK, Detail: "role " + validate.Render(m.RAMRole) + " attached"}
}

func noneIfEmpty(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
