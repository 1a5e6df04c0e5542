package engine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// AWSClusterView is the aggregated picture of an AWS cluster: the shared
// view plus instance groups (with auto-scaling policies) or fleets,
// bootstrap actions and configurations.
type AWSClusterView struct {
	ClusterView
	InstanceGroups       []awsprov.InstanceGroup   `json:"instanceGroups,omitempty"`
	InstanceFleets       []awsprov.InstanceFleet   `json:"instanceFleets,omitempty"`
	BootstrapActions     []awsprov.BootstrapAction `json:"bootstrapActions"`
	Configurations       []awsprov.Configuration   `json:"configurations,omitempty"`
	StepConcurrencyLevel int                       `json:"stepConcurrencyLevel,omitempty"`
}

// DescribeAWSCluster gathers an AWS cluster, its instance groups or fleets,
// instances by state, applications, bootstrap actions and configurations.
func (e *Engine) DescribeAWSCluster(ctx context.Context, id string) (*AWSClusterView, error) {
	c, err := e.GetCluster(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.awsView(ctx, &ClusterView{Cluster: c, NodeStates: map[string]int{}})
}

func (e *Engine) awsView(ctx context.Context, v *ClusterView) (*AWSClusterView, error) {
	p, err := e.awsBackend("describing clusters")
	if err != nil {
		return nil, err
	}
	id := v.Cluster.ID
	av := &AWSClusterView{ClusterView: *v, BootstrapActions: []awsprov.BootstrapAction{}}
	d, err := read(ctx, e, func(ctx context.Context) (*awsprov.Detail, error) { return p.ClusterDetail(ctx, id) })
	if err != nil {
		return nil, err
	}
	av.Cluster = &d.Cluster
	av.Applications, av.Configurations, av.StepConcurrencyLevel = d.Applications, d.Configurations, d.StepConcurrencyLevel
	fleets := d.Cluster.AWS != nil && d.Cluster.AWS.InstanceCollectionType == "INSTANCE_FLEET"
	if av.BootstrapActions, err = read(ctx, e, func(ctx context.Context) ([]awsprov.BootstrapAction, error) { return p.BootstrapActions(ctx, id) }); err != nil {
		return nil, err
	}
	if d.Cluster.State == StateTerminated || d.Cluster.State == StateTerminatedWithErrors {
		av.Warnings = awsWarnings(av)
		return av, nil
	}
	if fleets {
		if av.InstanceFleets, err = read(ctx, e, func(ctx context.Context) ([]awsprov.InstanceFleet, error) { return p.InstanceFleets(ctx, id) }); err != nil {
			return nil, err
		}
	} else if av.InstanceGroups, err = read(ctx, e, func(ctx context.Context) ([]awsprov.InstanceGroup, error) { return p.InstanceGroups(ctx, id) }); err != nil {
		return nil, err
	}
	nodes, err := read(ctx, e, func(ctx context.Context) ([]provider.Node, error) {
		return p.Instances(ctx, id, awsprov.InstanceFilter{Fleets: fleets})
	})
	if err != nil {
		return nil, err
	}
	byGroup := map[string]map[string]int{}
	for _, n := range nodes {
		if byGroup[n.NodeGroupID] == nil {
			byGroup[n.NodeGroupID] = map[string]int{}
		}
		byGroup[n.NodeGroupID][n.State]++
		av.NodeStates[n.State]++
		if n.State != awsprov.InstanceTerminated {
			av.Nodes++
		}
	}
	av.NodeGroups = nil
	for _, g := range av.InstanceGroups {
		av.NodeGroups = append(av.NodeGroups, NodeGroupView{NodeGroup: g.NodeGroup, NodeStates: orEmpty(byGroup[g.ID])})
	}
	for _, f := range av.InstanceFleets {
		ng := provider.NodeGroup{
			ClusterID: id, ID: f.ID, Name: f.Name, Role: f.Role, State: f.State, StateReason: f.StateReason,
			RunningNodes: f.ProvisionedOnDemandCapacity + f.ProvisionedSpotCapacity, DesiredNodes: f.TargetOnDemandCapacity + f.TargetSpotCapacity,
		}
		for _, t := range f.InstanceTypes {
			ng.InstanceTypes = append(ng.InstanceTypes, t.InstanceType)
		}
		av.NodeGroups = append(av.NodeGroups, NodeGroupView{NodeGroup: ng, NodeStates: orEmpty(byGroup[f.ID])})
	}
	av.Warnings = awsWarnings(av)
	return av, nil
}

// awsWarnings are what an SRE should notice about an AWS cluster.
func awsWarnings(v *AWSClusterView) []string {
	c := v.Cluster
	var out []string
	if c.State == StateTerminatedWithErrors && c.StateReason != nil {
		out = append(out, fmt.Sprintf("state %s: %s: %s", c.State, c.StateReason.Code, c.StateReason.Message))
	}
	if a := c.AWS; a != nil && a.LogURI == "" {
		out = append(out, "no log URI: step and bootstrap logs are not kept after the cluster ends ('emrctl step logs' cannot read them)")
	}
	for _, g := range v.InstanceGroups {
		if g.DesiredNodes != g.RunningNodes && g.State == "RUNNING" {
			out = append(out, fmt.Sprintf("instance group %s runs %d of %d requested instances", g.ID, g.RunningNodes, g.DesiredNodes))
		}
	}
	return out
}

// AWSInstanceFilter selects the instances of an AWS cluster.
type AWSInstanceFilter struct {
	// Roles are MASTER, CORE, TASK (or cloudmesh's master, core, task).
	Roles []string `json:"roles,omitempty"`
	// States are EMR instance states or cloudmesh's names (start,
	// provision, run, down); empty means all.
	States []string `json:"states,omitempty"`
	// GroupID limits the listing to one instance group or fleet.
	GroupID string `json:"groupId,omitempty"`
}

// AWSInstances lists the EC2 instances of a cluster by group type and
// state.
func (e *Engine) AWSInstances(ctx context.Context, clusterID string, f AWSInstanceFilter) ([]provider.Node, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
		return nil, err
	}
	roles, err := ResolveNames("type", f.Roles, AWSInstanceTypeNames())
	if err != nil {
		return nil, err
	}
	states, err := ResolveNames("status", f.States, AWSInstanceStatusNames())
	if err != nil {
		return nil, err
	}
	if f.GroupID != "" {
		if err := checkAWSGroupID(f.GroupID); err != nil {
			return nil, err
		}
	}
	p, err := e.awsBackend("listing instances")
	if err != nil {
		return nil, err
	}
	c, err := read(ctx, e, func(ctx context.Context) (*provider.Cluster, error) { return p.GetCluster(ctx, clusterID) })
	if err != nil {
		return nil, err
	}
	fleets := c.AWS != nil && c.AWS.InstanceCollectionType == "INSTANCE_FLEET"
	return read(ctx, e, func(ctx context.Context) ([]provider.Node, error) {
		return p.Instances(ctx, clusterID, awsprov.InstanceFilter{Roles: roles, States: states, GroupID: f.GroupID, Fleets: fleets})
	})
}

// AWSClusterStatusNames maps cloudmesh-emr's cluster status names to EMR
// states; "active" is every state of a live cluster.
func AWSClusterStatusNames() map[string][]string {
	return map[string][]string{
		"start": {StateStarting}, "boot": {StateBootstrapping}, "run": {StateRunning}, "wait": {awsWaiting},
		"terminating": {StateTerminating}, "shutdown": {StateTerminated}, "error": {StateTerminatedWithErrors},
		"active": {StateStarting, StateBootstrapping, StateRunning, awsWaiting},
	}
}

// AWSInstanceStatusNames maps cloudmesh-emr's instance status names to EMR
// instance states.
func AWSInstanceStatusNames() map[string][]string {
	return map[string][]string{
		"start": {awsprov.InstanceAwaitingFulfillment}, "provision": {awsprov.InstanceProvisioning},
		"boot": {awsprov.InstanceBootstrapping}, "run": {awsprov.InstanceRunning}, "down": {awsprov.InstanceTerminated},
	}
}

// AWSStepStatusNames maps cloudmesh-emr's step state names to EMR step
// states.
func AWSStepStatusNames() map[string][]string {
	return map[string][]string{
		"pending": {awsprov.StepPending}, "canceling": {awsprov.StepCancelPend}, "running": {awsprov.StepRunning},
		"completed": {awsprov.StepCompleted}, "cancelled": {awsprov.StepCancelled}, "failed": {awsprov.StepFailed},
		"interrupted": {awsprov.StepInterrupted},
	}
}

// AWSInstanceTypeNames maps cloudmesh-emr's instance types to EMR instance
// group types.
func AWSInstanceTypeNames() map[string][]string {
	return map[string][]string{"master": {"MASTER"}, "core": {"CORE"}, "task": {"TASK"}}
}

// NameKeys lists a name table's friendly names, sorted.
func NameKeys(table map[string][]string) []string {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ResolveNames turns friendly names (repeatable, a union) into the API's
// values; "all" anywhere means no filter. Upper-case API values pass
// through when the table lists them. Unknown names are an InputError.
func ResolveNames(field string, names []string, table map[string][]string) ([]string, error) {
	var known []string
	for _, vs := range table {
		known = append(known, vs...)
	}
	var out []string
	for _, n := range names {
		for _, part := range strings.Split(n, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if strings.EqualFold(part, "all") {
				return nil, nil
			}
			vs, ok := table[strings.ToLower(part)]
			if !ok && slices.Contains(known, strings.ToUpper(part)) {
				vs, ok = []string{strings.ToUpper(part)}, true
			}
			if !ok {
				return nil, inputError(field, fmt.Sprintf("%q is not a known %s", validate.Render(part), field), "use all, "+strings.Join(NameKeys(table), ", ")+" (repeat the flag for a union)")
			}
			for _, v := range vs {
				if !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
		}
	}
	return out, nil
}

// AWSClusterFilter builds a cluster filter from cloudmesh status names
// (start, boot, run, wait, terminating, shutdown, error, all) or EMR
// states.
func AWSClusterFilter(statuses []string) (provider.ClusterFilter, error) {
	states, err := ResolveNames("status", statuses, AWSClusterStatusNames())
	if err != nil {
		return provider.ClusterFilter{}, err
	}
	return provider.ClusterFilter{States: states}, nil
}

// checkAWSGroupID accepts instance group (ig-) and fleet (if-) IDs, and the
// i- form moto gives its instance groups.
func checkAWSGroupID(id string) error {
	if validate.ID(validate.AWSInstanceGroupID, "instance group ID", id) == nil || validate.ID(validate.AWSInstanceFleetID, "instance group ID", id) == nil {
		return nil
	}
	if len(id) >= 10 && len(id) <= 18 && strings.HasPrefix(id, "i-") && strings.IndexFunc(id[2:], func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) < 0 {
		return nil
	}
	return checkInput(validate.ID(validate.AWSInstanceGroupID, "instance group ID", id))
}

// ProtectionInput switches termination protection of an AWS cluster.
type ProtectionInput struct {
	ClusterID string `json:"clusterId"`
	On        bool   `json:"terminationProtected"`
}

// SetTerminationProtection turns termination protection on (allowed) or
// off (its own confirmed command, like Alibaba deletion protection).
func (e *Engine) SetTerminationProtection(ctx context.Context, call Call, in ProtectionInput) (*Outcome, error) {
	if err := checkClusterID(provider.AWS, in.ClusterID); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("termination protection")
	if err != nil {
		return nil, err
	}
	cur, err := e.GetCluster(ctx, in.ClusterID)
	if err != nil {
		return nil, err
	}
	on := in.On
	op := policy.UpdateClusterAttribute{ClusterID: in.ClusterID, DeletionProtection: &on, CurrentProtection: cur.AWS != nil && cur.AWS.TerminationProtected}
	w := write{
		op: op, operation: "SetTerminationProtection", target: in.ClusterID, tokenKind: journal.TokenNone, request: in,
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			c, err := e.GetCluster(ctx, in.ClusterID)
			if err != nil {
				return nil, false, err
			}
			return &provider.WriteResult{IDs: []string{in.ClusterID}}, c.AWS != nil && c.AWS.TerminationProtected == in.On, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.SetTerminationProtection(ctx, in.ClusterID, in.On)
		},
	}
	return e.guarded(ctx, call, w)
}

// ReleaseLabels lists the EMR release labels of the region, optionally by
// prefix (emr-7) and application (Spark).
func (e *Engine) ReleaseLabels(ctx context.Context, prefix, application string) ([]provider.ReleaseVersion, error) {
	p, err := e.awsBackend("listing release labels")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.ReleaseVersion, error) {
		return p.ReleaseLabels(ctx, prefix, application)
	})
}

// SupportedInstanceTypes lists the instance types an EMR release supports.
func (e *Engine) SupportedInstanceTypes(ctx context.Context, release string) ([]provider.InstanceType, error) {
	if !strings.HasPrefix(release, "emr-") || strings.ContainsAny(release, " /") {
		return nil, inputError("release", fmt.Sprintf("%q is not an EMR release label", validate.Render(release)), "write it as emr-x.y.z, e.g. emr-7.2.0; list them with 'emrctl aws releases'")
	}
	p, err := e.awsBackend("listing instance types")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) ([]provider.InstanceType, error) {
		return p.SupportedInstanceTypes(ctx, release)
	})
}

// QuickStart is cloudmesh's 'start NAME': a Spark cluster with modern
// defaults.
type QuickStart struct {
	Name string `json:"name"`
	// Release defaults to DefaultAWSRelease.
	Release string `json:"release,omitempty"`
	// Master and Node are the instance types (default m5.xlarge).
	Master string `json:"master,omitempty"`
	Node   string `json:"node,omitempty"`
	// Count is the number of instances, the master included (default 3):
	// one master and Count-1 core nodes.
	Count        int      `json:"count,omitempty"`
	Applications []string `json:"applications,omitempty"`
	LogURI       string   `json:"logUri,omitempty"`
	ServiceRole  string   `json:"serviceRole,omitempty"`
	JobFlowRole  string   `json:"jobFlowRole,omitempty"`
	SubnetID     string   `json:"subnetId,omitempty"`
	KeyName      string   `json:"keyName,omitempty"`
	// IdleTimeout terminates the cluster after that long without work
	// (Go duration; default 1h, "0" for none).
	IdleTimeout string `json:"idleTimeout,omitempty"`
}

// Defaults of QuickStart.
const (
	DefaultAWSRelease      = "emr-7.2.0"
	DefaultAWSInstanceType = "m5.xlarge"
	DefaultAWSCount        = 3
	DefaultAWSIdleTimeout  = "1h"
)

// QuickStartSpec builds the cluster spec of a QuickStart; CreateCluster
// then validates, confirms and journals it like any spec.
func (e *Engine) QuickStartSpec(q QuickStart) *spec.Cluster {
	if q.Release == "" {
		q.Release = DefaultAWSRelease
	}
	if q.Master == "" {
		q.Master = DefaultAWSInstanceType
	}
	if q.Node == "" {
		q.Node = DefaultAWSInstanceType
	}
	if q.Count == 0 {
		q.Count = DefaultAWSCount
	}
	if len(q.Applications) == 0 {
		q.Applications = []string{"Hadoop", "Spark"}
	}
	if q.ServiceRole == "" {
		q.ServiceRole = "EMR_DefaultRole"
	}
	if q.JobFlowRole == "" {
		q.JobFlowRole = "EMR_EC2_DefaultRole"
	}
	if q.IdleTimeout == "" {
		q.IdleTimeout = DefaultAWSIdleTimeout
	}
	one, rest := 1, q.Count-1
	c := &spec.Cluster{
		APIVersion: spec.APIVersion, Kind: spec.KindCluster, Name: q.Name, Provider: spec.ProviderAWS, Region: e.opts.Region,
		ReleaseVersion: q.Release, Applications: q.Applications,
		NodeGroups: []spec.NodeGroup{{Name: "master", Role: spec.RoleMaster, Count: &one, InstanceTypes: []string{q.Master}}},
		AWS: &spec.AWS{
			LogURI: q.LogURI, ServiceRole: q.ServiceRole, JobFlowRole: q.JobFlowRole, EC2SubnetID: q.SubnetID, EC2KeyName: q.KeyName,
		},
	}
	if q.IdleTimeout != "0" {
		c.AWS.AutoTerminationIdleTimeout = q.IdleTimeout
	}
	if rest > 0 {
		c.NodeGroups = append(c.NodeGroups, spec.NodeGroup{Name: "core", Role: spec.RoleCore, Count: &rest, InstanceTypes: []string{q.Node}})
	}
	return c
}
