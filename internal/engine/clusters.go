package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/provider"
)

// Cluster states.
const (
	StateStarting             = provider.ClusterStarting
	StateBootstrapping        = provider.ClusterBootstrapping
	StateRunning              = provider.ClusterRunning
	StateStartFailed          = provider.ClusterStartFailed
	StateTerminating          = provider.ClusterTerminating
	StateTerminated           = provider.ClusterTerminated
	StateTerminatedWithErrors = provider.ClusterTerminatedWithErrors
	StateTerminateFailed      = provider.ClusterTerminateFailed
)

// StateAliases are the friendly names list filters accept (--active ...).
var StateAliases = map[string][]string{
	"active":     {StateStarting, StateBootstrapping, StateRunning},
	"starting":   {StateStarting, StateBootstrapping},
	"running":    {StateRunning},
	"failed":     {StateStartFailed, StateTerminatedWithErrors, StateTerminateFailed},
	"terminated": {StateTerminating, StateTerminated, StateTerminatedWithErrors},
}

// ClusterStates resolves the states and aliases (active, failed, ...) of a
// list filter, as every surface accepts them; an unknown name is an input
// error naming field, never an empty listing. "all" means no filter.
func (e *Engine) ClusterStates(field string, names []string) ([]string, error) {
	table := maps.Clone(e.Traits().ClusterStateNames)
	if table == nil {
		table = maps.Clone(StateAliases)
	}
	return ResolveNames(field, names, table)
}

// ListClusters streams every page of clusters matching f to each, one page
// at a time, so memory does not grow with the number of clusters.
func (e *Engine) ListClusters(ctx context.Context, f provider.ClusterFilter, pageSize int, each func([]provider.Cluster) error) error {
	if err := distinctEach(namedList{"states", &f.States}, namedList{"types", &f.Types}, namedList{"ids", &f.IDs}, namedList{"paymentTypes", &f.PaymentTypes}); err != nil {
		return err
	}
	return listClustersOf(ctx, e, e.opts.Provider, f, pageSize, each)
}

// listClustersOf streams the clusters of p (the engine's provider or one
// of another region).
func listClustersOf(ctx context.Context, e *Engine, p provider.Clusters, f provider.ClusterFilter, pageSize int, each func([]provider.Cluster) error) error {
	token := ""
	for {
		page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.Cluster], error) {
			return p.ListClusters(ctx, f, token, pageSize)
		})
		if err != nil {
			return err
		}
		if len(page.Items) > 0 {
			if err := each(page.Items); err != nil {
				return err
			}
		}
		if token = page.NextToken; token == "" {
			return nil
		}
	}
}

// GetCluster returns one cluster.
func (e *Engine) GetCluster(ctx context.Context, id string) (*provider.Cluster, error) {
	if err := e.checkClusterID(id); err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*provider.Cluster, error) { return e.opts.Provider.GetCluster(ctx, id) })
}

// WaitOptions tune a wait.
type WaitOptions struct {
	Target   string // default RUNNING
	Timeout  time.Duration
	Progress func(state string, elapsed time.Duration)
	// Notice is told, in words, about failures the wait polls through
	// (an endpoint that does not answer).
	Notice func(string)
}

// WaitCluster polls a cluster until it reaches the target state (default
// RUNNING) or fails; on failure the error carries the cloud's reason and
// what to do about it.
func (e *Engine) WaitCluster(ctx context.Context, id string, o WaitOptions) (*provider.Cluster, error) {
	if err := e.checkClusterID(id); err != nil {
		return nil, err
	}
	spec := e.clusterWait(o.Target)
	spec.What = "cluster " + id
	spec.Timeout = o.Timeout
	if spec.Timeout <= 0 {
		spec.Timeout = e.opts.Timeouts.Wait
	}
	spec.Interval = e.pollInterval()
	spec.Progress = o.Progress
	spec.Retrying = func(err error, n int) {
		if o.Notice != nil {
			o.Notice(fmt.Sprintf("could not read the cluster (%d in a row): %v; trying again", n, e.opts.Secrets.String(err.Error())))
		}
	}
	var last *provider.Cluster
	_, err := provider.Wait(ctx, spec, func(ctx context.Context) (provider.Observation, error) {
		c, err := read(ctx, e, func(ctx context.Context) (*provider.Cluster, error) { return e.opts.Provider.GetCluster(ctx, id) })
		if err != nil {
			return provider.Observation{}, err
		}
		last = c
		return provider.Observation{State: c.State, Reason: c.StateReason}, nil
	})
	if err != nil {
		var we *provider.WaitError
		if errors.As(err, &we) && !we.TimedOut {
			return last, &ClusterFailedError{Wait: we, Diagnosis: DiagnoseReason(we.Reason)}
		}
		return last, err
	}
	return last, nil
}

// clusterWait declares the pending and failed states for a target, in
// the provider's words.
func (e *Engine) clusterWait(target string) provider.WaitSpec {
	if w := e.Traits().ClusterWait; w != nil {
		return w(target)
	}
	if target == "" {
		target = StateRunning
	}
	return provider.WaitSpec{Target: []string{target}}
}

// ClusterFailedError is a wait that ended in a failure state.
type ClusterFailedError struct {
	Wait      *provider.WaitError
	Diagnosis *Diagnosis
}

func (e *ClusterFailedError) Error() string {
	msg := e.Wait.Error()
	if e.Diagnosis != nil {
		msg += "\ncause: " + e.Diagnosis.Cause + "\nfix: " + e.Diagnosis.Fix
	}
	return msg
}

// Unwrap returns the wait error.
func (e *ClusterFailedError) Unwrap() error { return e.Wait }

// ClusterView is the aggregated picture of one cluster: what an SRE looks
// at first.
type ClusterView struct {
	Cluster      *provider.Cluster      `json:"cluster"`
	NodeGroups   []NodeGroupView        `json:"nodeGroups"`
	NodeStates   map[string]int         `json:"nodeStates"`
	Nodes        int                    `json:"nodes"`
	Applications []provider.Application `json:"applications,omitempty"`
	ExpiresIn    *Days                  `json:"expiresIn,omitempty"`
	Warnings     []string               `json:"warnings,omitempty"`
}

// NodeGroupView is a node group with its nodes counted by state.
type NodeGroupView struct {
	provider.NodeGroup
	NodeStates map[string]int `json:"nodeStates"`
}

// Days is a whole number of days (for expiry).
type Days struct {
	Days int `json:"days"`
}

// DescribeCluster gathers the cluster, its node groups, node counts by
// state, applications and expiry in one view.
func (e *Engine) DescribeCluster(ctx context.Context, id string) (*ClusterView, error) {
	c, err := e.GetCluster(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &ClusterView{Cluster: c, NodeStates: map[string]int{}}
	if c.State == StateTerminated || c.State == StateTerminating || c.State == StateTerminatedWithErrors {
		return v, nil
	}
	p := e.opts.Provider
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return p.ListNodeGroups(ctx, id, provider.NodeGroupFilter{})
	})
	if err != nil {
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
		v.NodeStates[n.State]++
		if n.Phase != provider.PhaseReleased {
			v.Nodes++
		}
	}
	for _, g := range groups {
		v.NodeGroups = append(v.NodeGroups, NodeGroupView{NodeGroup: g, NodeStates: orEmpty(byGroup[g.ID])})
	}
	if apps, err := e.ListApplications(ctx, id); err == nil {
		v.Applications = apps
	}
	v.fillWarnings(e.opts.Now(), nodes, e.Traits())
	return v, nil
}

// allNodes reads every node of a cluster matching f.
func (e *Engine) allNodes(ctx context.Context, clusterID string, f provider.NodeFilter) ([]provider.Node, error) {
	var out []provider.Node
	token := ""
	for {
		page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.Node], error) {
			return e.opts.Provider.ListNodes(ctx, clusterID, f, token, 100)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if token = page.NextToken; token == "" {
			return out, nil
		}
	}
}

func orEmpty(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

func (v *ClusterView) fillWarnings(now time.Time, nodes []provider.Node, t provider.Traits) {
	c := v.Cluster
	if !c.ExpireTime.IsZero() {
		d := int(c.ExpireTime.Sub(now).Hours() / 24)
		v.ExpiresIn = &Days{Days: d}
		if d <= 7 {
			v.Warnings = append(v.Warnings, fmt.Sprintf("the subscription expires in %d day(s) (%s); check auto-renewal with 'emrctl cluster renew %s'", d, c.ExpireTime.Local().Format("2006-01-02"), c.ID))
		}
	}
	if c.StateReason != nil && c.State != StateRunning && !userEnded(c.StateReason) {
		v.Warnings = append(v.Warnings, fmt.Sprintf("state %s: %s: %s (see 'emrctl cluster diagnose %s')", c.State, c.StateReason.Code, c.StateReason.Message, c.ID))
	}
	stopped := map[string]int{}
	for _, n := range nodes {
		if n.Phase == provider.PhaseStopped {
			stopped[n.State]++
		}
	}
	var abnormal []string
	for s, n := range stopped {
		abnormal = append(abnormal, fmt.Sprintf("%d %s", n, s))
	}
	sort.Strings(abnormal)
	if len(abnormal) > 0 {
		v.Warnings = append(v.Warnings, "abnormal nodes: "+strings.Join(abnormal, ", ")+" (see 'emrctl cluster diagnose "+c.ID+"')")
	}
	if !c.DeletionProtection && c.State == StateRunning && c.PaymentType == "Subscription" && slices.Contains(t.Attributes, provider.AttrDeletionProtection) {
		v.Warnings = append(v.Warnings, "deletion protection is off for a subscription cluster; consider 'emrctl cluster protect "+c.ID+" --on'")
	}
}
