package engine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
	"github.com/emrctl/emrctl/internal/validate"
)

// EMR on EC2 words of the cloudmesh names and the detailed view.
const (
	// stateWaiting is a running cluster with no step to run.
	stateWaiting = "WAITING"
	// fleetCollection is the InstanceCollectionType of a fleet cluster.
	fleetCollection = "INSTANCE_FLEET"
)

// AWSClusterView is the aggregated picture of an EMR on EC2 cluster: the
// shared view plus its instance groups (with their auto-scaling policies)
// or fleets, bootstrap actions and configurations.
type AWSClusterView struct {
	ClusterView
	InstanceGroups       []InstanceGroupView        `json:"instanceGroups,omitempty"`
	InstanceFleets       []provider.InstanceFleet   `json:"instanceFleets,omitempty"`
	BootstrapActions     []provider.BootstrapAction `json:"bootstrapActions"`
	Configurations       []provider.Configuration   `json:"configurations,omitempty"`
	StepConcurrencyLevel int                        `json:"stepConcurrencyLevel,omitempty"`
}

// InstanceGroupView is an instance group with its auto-scaling policy.
type InstanceGroupView struct {
	provider.NodeGroup
	AutoScaling *provider.ScalingPolicy `json:"autoScalingPolicy,omitempty"`
}

// DescribeAWSCluster gathers an EMR on EC2 cluster: its instance groups
// or fleets, instances by state, applications, bootstrap actions and
// configurations (provider.ClusterDetails).
func (e *Engine) DescribeAWSCluster(ctx context.Context, id string) (*AWSClusterView, error) {
	if err := e.checkClusterID(id); err != nil {
		return nil, err
	}
	p, err := capability[provider.ClusterDetails](e, "describing clusters in detail")
	if err != nil {
		return nil, err
	}
	d, err := read(ctx, e, func(ctx context.Context) (*provider.ClusterDetail, error) { return p.ClusterDetail(ctx, id) })
	if err != nil {
		return nil, err
	}
	av := &AWSClusterView{
		ClusterView:    ClusterView{Cluster: &d.Cluster, NodeStates: map[string]int{}, Applications: d.Applications},
		Configurations: d.Configurations, StepConcurrencyLevel: d.StepConcurrencyLevel,
	}
	if av.BootstrapActions, err = read(ctx, e, func(ctx context.Context) ([]provider.BootstrapAction, error) { return p.BootstrapActions(ctx, id) }); err != nil {
		return nil, err
	}
	if st := d.Cluster.State; st == StateTerminated || st == StateTerminatedWithErrors {
		av.Warnings = awsWarnings(av)
		return av, nil
	}
	if err := e.awsGroups(ctx, av); err != nil {
		return nil, err
	}
	nodes, err := e.allNodes(ctx, id, provider.NodeFilter{})
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
		if n.Live() {
			av.Nodes++
		}
	}
	for i := range av.NodeGroups {
		av.NodeGroups[i].NodeStates = orEmpty(byGroup[av.NodeGroups[i].ID])
	}
	av.Warnings = awsWarnings(av)
	return av, nil
}

// awsGroups fills the node groups of a view: the instance fleets of a
// fleet cluster, else the instance groups with their auto-scaling policies.
func (e *Engine) awsGroups(ctx context.Context, av *AWSClusterView) error {
	id := av.Cluster.ID
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return e.opts.Provider.ListNodeGroups(ctx, id, provider.NodeGroupFilter{})
	})
	if err != nil {
		return err
	}
	for _, g := range groups {
		av.NodeGroups = append(av.NodeGroups, NodeGroupView{NodeGroup: g})
	}
	if a := av.Cluster.AWS; a != nil && a.InstanceCollectionType == fleetCollection {
		f, err := capability[provider.InstanceFleets](e, "instance fleets")
		if err != nil {
			return err
		}
		av.InstanceFleets, err = read(ctx, e, func(ctx context.Context) ([]provider.InstanceFleet, error) { return f.InstanceFleets(ctx, id) })
		return err
	}
	scaler, _ := e.opts.Provider.(provider.AutoScaler)
	for _, g := range groups {
		v := InstanceGroupView{NodeGroup: g}
		if scaler != nil && (g.Role == policy.RoleCore || g.Role == policy.RoleTask) {
			if v.AutoScaling, err = read(ctx, e, func(ctx context.Context) (*provider.ScalingPolicy, error) {
				return scaler.GetAutoScalingPolicy(ctx, id, g.ID)
			}); err != nil {
				return err
			}
		}
		av.InstanceGroups = append(av.InstanceGroups, v)
	}
	return nil
}

// awsWarnings are what an SRE should notice about an EMR on EC2 cluster.
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
		if g.DesiredNodes != g.RunningNodes && g.State == StateRunning {
			out = append(out, fmt.Sprintf("instance group %s runs %d of %d requested instances", g.ID, g.RunningNodes, g.DesiredNodes))
		}
	}
	return out
}

// AWSInstanceFilter selects the instances of an EMR on EC2 cluster.
type AWSInstanceFilter struct {
	// Roles are MASTER, CORE, TASK (or cloudmesh's master, core, task).
	Roles []string `json:"roles,omitempty"`
	// States are EMR instance states or cloudmesh's names (start,
	// provision, boot, run, down); empty means all.
	States []string `json:"states,omitempty"`
	// GroupID limits the listing to one instance group or fleet.
	GroupID string `json:"groupId,omitempty"`
}

// AWSInstances lists the EC2 instances of a cluster by cloudmesh's role
// and state names: the neutral ListNodes, its roles and states resolved.
func (e *Engine) AWSInstances(ctx context.Context, clusterID string, f AWSInstanceFilter) ([]provider.Node, error) {
	roles, err := ResolveNames("type", f.Roles, AWSInstanceTypeNames())
	if err != nil {
		return nil, err
	}
	states, err := ResolveNames("status", f.States, AWSInstanceStatusNames())
	if err != nil {
		return nil, err
	}
	nf := provider.NodeFilter{States: states}
	if f.GroupID != "" {
		nf.NodeGroupIDs = []string{f.GroupID}
	}
	out := []provider.Node{}
	err = e.ListNodes(ctx, clusterID, nf, 100, func(page []provider.Node) error {
		for _, n := range page {
			if len(roles) == 0 || slices.Contains(roles, n.Role) {
				out = append(out, n)
			}
		}
		return nil
	})
	return out, err
}

// AWSClusterStatusNames maps cloudmesh-emr's cluster status names to EMR
// states; "active" is every state of a live cluster.
func AWSClusterStatusNames() map[string][]string {
	return map[string][]string{
		"start": {StateStarting}, "boot": {StateBootstrapping}, "run": {StateRunning}, "wait": {stateWaiting},
		"terminating": {StateTerminating}, "shutdown": {StateTerminated}, "error": {StateTerminatedWithErrors},
		"active": {StateStarting, StateBootstrapping, StateRunning, stateWaiting},
	}
}

// AWSInstanceStatusNames maps cloudmesh-emr's instance status names to EMR
// instance states.
func AWSInstanceStatusNames() map[string][]string {
	return map[string][]string{
		"start": {provider.AWSInstanceAwaitingFulfillment}, "provision": {provider.AWSInstanceProvisioning},
		"boot": {provider.AWSInstanceBootstrapping}, "run": {provider.AWSInstanceRunning}, "down": {provider.AWSInstanceTerminated},
	}
}

// AWSStepStatusNames maps cloudmesh-emr's step state names to EMR step
// states.
func AWSStepStatusNames() map[string][]string {
	return map[string][]string{
		"pending": {provider.StepPending}, "canceling": {provider.StepCancelPend}, "running": {provider.StepRunning},
		"completed": {provider.StepCompleted}, "cancelled": {provider.StepCancelled}, "failed": {provider.StepFailed},
		"interrupted": {provider.StepInterrupted},
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
