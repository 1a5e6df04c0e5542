package engine

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/emrctl/emrctl/internal/provider"
)

// DiagnoseOptions choose what a diagnosis reads.
type DiagnoseOptions struct {
	// Nodes reads the nodes of a running cluster even when every node
	// group is RUNNING with its desired count.
	Nodes bool
	// Concurrency is how many reads are in flight at most (default
	// DefaultConcurrency).
	Concurrency int
	// Progress, if set, hears how far a diagnosis of several clusters got.
	Progress func(ScanProgress)
}

// DiagnoseCluster diagnoses one cluster (operations.md "Troubleshooting").
func (e *Engine) DiagnoseCluster(ctx context.Context, clusterID string) (*ClusterDiagnosis, error) {
	return e.DiagnoseClusterWith(ctx, clusterID, DiagnoseOptions{})
}

// DiagnoseClusterWith diagnoses one cluster with options.
func (e *Engine) DiagnoseClusterWith(ctx context.Context, clusterID string, o DiagnoseOptions) (*ClusterDiagnosis, error) {
	if err := CheckConcurrency("concurrency", o.Concurrency); err != nil {
		return nil, err
	}
	return e.diagnose(ctx, e.newScan(o.Concurrency, nil), clusterID, o)
}

// DiagnoseClusters diagnoses several clusters side by side, each read
// paced by its API's bucket, and returns them in the order given. A
// cluster that cannot be diagnosed (not found, access denied) gets its
// error in its entry and the others are still diagnosed; the call fails
// only on bad input, a cancelled context, or when none could be.
func (e *Engine) DiagnoseClusters(ctx context.Context, ids []string, o DiagnoseOptions) ([]*ClusterDiagnosis, error) {
	ids, err := distinct("clusterIds", ids)
	if err != nil {
		return nil, err
	}
	if err := CheckConcurrency("concurrency", o.Concurrency); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := e.checkClusterID(id); err != nil {
			return nil, err
		}
	}
	s := e.newScan(o.Concurrency, o.Progress)
	s.update(func(p *ScanProgress) { p.Regions, p.Listed, p.Clusters = 1, 1, len(ids) })
	out := make([]*ClusterDiagnosis, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			defer s.update(func(p *ScanProgress) { p.Done++ })
			out[i], errs[i] = e.diagnose(ctx, s, id, o)
		})
	}
	wg.Wait()
	var firstErr error
	for i, err := range errs {
		if err == nil {
			continue
		}
		if _, bad := asInputError(err); bad || ctx.Err() != nil {
			return nil, err
		}
		out[i] = &ClusterDiagnosis{Cluster: &provider.Cluster{ID: ids[i]}, Error: err.Error(), Findings: []Finding{}}
		firstErr = cmpErr(firstErr, err)
	}
	if firstErr != nil && !slices.ContainsFunc(out, func(d *ClusterDiagnosis) bool { return d.Error == "" }) {
		return nil, firstErr
	}
	return out, nil
}

// diagnose is DiagnoseCluster within a scan. After the cluster, its node
// groups and failed scaling activities are read side by side; its nodes
// only when a group is not complete (or asked for).
func (e *Engine) diagnose(ctx context.Context, s *scan, clusterID string, o DiagnoseOptions) (*ClusterDiagnosis, error) {
	if err := e.checkClusterID(clusterID); err != nil {
		return nil, err
	}
	p := e.opts.Provider
	c, err := scanRead(ctx, s, apiGetCluster, func(ctx context.Context) (*provider.Cluster, error) { return p.GetCluster(ctx, clusterID) })
	if err != nil {
		return nil, err
	}
	d := &ClusterDiagnosis{Cluster: c, Findings: []Finding{}}
	if c.State != StateRunning {
		d.Reason = DiagnoseReason(c.StateReason)
	}
	groups, acts, err := groupsAndActivities(ctx, s, p, c)
	if err != nil {
		return nil, err
	}
	if d.Reason != nil {
		d.Reason.Check = e.checkCommand(d.Reason.Check, c, groups)
	}
	if f, ok := stateFinding(c); ok && d.Reason == nil {
		d.Findings = append(d.Findings, f)
	}
	switch c.State {
	case StateRunning:
		if o.Nodes || !groupsComplete(groups) {
			nodes, err := e.clusterAbnormalNodes(ctx, s, p, c)
			if err != nil {
				return nil, err
			}
			d.Findings = append(d.Findings, nodes...)
		}
		d.Findings = append(d.Findings, groupFindings(c, groups, e.Traits().NodeGroupBusy)...)
		d.Findings = append(d.Findings, acts...)
		if f, ok := expiryFinding(c, e.opts.Now(), DefaultExpiringWithin); ok {
			d.Findings = append(d.Findings, f)
		}
	case StateStartFailed:
		if _, ok := p.(provider.Network); ok && c.Aliyun != nil {
			rep, err := e.CheckPrereqs(ctx, prereqOfCluster(c, groups))
			if err != nil {
				return nil, err
			}
			d.Prereqs = rep
			d.Reason = withPrereqProblems(d.Reason, rep)
		}
	}
	d.Healthy = d.Reason == nil && !slices.ContainsFunc(d.Findings, func(f Finding) bool { return f.Severity != SeverityInfo }) &&
		(d.Prereqs == nil || d.Prereqs.Problems == 0)
	return d, nil
}

// groupsAndActivities reads a cluster's node groups and, for a running
// cluster, its failed scaling activities, side by side. A cluster without
// groups (gone meanwhile) has none.
func groupsAndActivities(ctx context.Context, s *scan, p provider.Provider, c *provider.Cluster) ([]provider.NodeGroup, []Finding, error) {
	var (
		acts    []Finding
		actsErr error
		wg      sync.WaitGroup
	)
	if c.State == StateRunning {
		wg.Go(func() { acts, actsErr = failedActivities(ctx, s, p, c) })
	}
	groups, err := scanRead(ctx, s, apiListNodeGroups, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return p.ListNodeGroups(ctx, c.ID, provider.NodeGroupFilter{})
	})
	wg.Wait()
	if err != nil && !errors.Is(err, provider.ErrNotFound) {
		return nil, nil, err
	}
	return groups, acts, actsErr
}

// groupsComplete reports whether every node group of a cluster is
// RUNNING with all the nodes it should have: then no node of it is
// stopped or missing, and its nodes need not be read. A cloud that gives
// no desired count (Alibaba's ListNodeGroups) never tells.
func groupsComplete(groups []provider.NodeGroup) bool {
	if len(groups) == 0 {
		return false
	}
	for _, g := range groups {
		if g.State != StateRunning || g.DesiredNodes <= 0 || g.RunningNodes != g.DesiredNodes {
			return false
		}
	}
	return true
}

// clusterAbnormalNodes reads the abnormal nodes of one running cluster.
func (e *Engine) clusterAbnormalNodes(ctx context.Context, s *scan, p provider.Provider, c *provider.Cluster) ([]Finding, error) {
	pages := func(ctx context.Context, token string) (*provider.Page[provider.Node], error) {
		return scanRead(ctx, s, apiListNodes, func(ctx context.Context) (*provider.Page[provider.Node], error) {
			return p.ListNodes(ctx, c.ID, provider.NodeFilter{States: e.AbnormalNodeStates()}, token, 100)
		})
	}
	return abnormalNodes(ctx, c, pages, func(ctx context.Context) (map[string]bool, error) {
		all, err := e.releasedByEmrctl(ctx)
		return all[c.ID], err
	})
}
