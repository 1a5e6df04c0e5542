package engine

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
)

// Inspect walks the clusters of the chosen regions, page by page, and
// reports everything not RUNNING (with its reason and diagnosis), abnormal
// nodes of running clusters (Stopped, or Terminated in their groups) and
// subscriptions expiring within the window. A region that cannot be read
// is reported in its summary; the inspection fails only when no region
// can be read.
//
// Regions are listed side by side and the nodes of running clusters are
// read by a bounded pool, each read paced by its API's token bucket; the
// report is in the order a sequential walk gives (regions in the order
// asked, clusters in listing order), and a region that fails stops where
// a sequential walk would have stopped.
func (e *Engine) Inspect(ctx context.Context, o InspectOptions) (*InspectReport, error) {
	if o.ExpiringWithin <= 0 {
		o.ExpiringWithin = DefaultExpiringWithin
	}
	if err := CheckConcurrency("concurrency", o.Concurrency); err != nil {
		return nil, err
	}
	s := e.newScan(o.Concurrency, o.Progress)
	regions, err := e.regionsToScan(ctx, s, o.Regions, o.AllRegions)
	if err != nil {
		return nil, err
	}
	scans := e.scanRegions(ctx, s, regions, o)
	rep := &InspectReport{Regions: []RegionSummary{}, Findings: []Finding{}, ExpiringWithinDays: int(o.ExpiringWithin.Round(time.Hour).Hours() / 24)}
	var firstErr error
	for _, rs := range scans {
		sum, fs, err := rs.result()
		if err != nil {
			if _, bad := asInputError(err); bad || ctx.Err() != nil {
				return nil, err
			}
			sum.Error = err.Error()
			firstErr = cmpErr(firstErr, err)
		}
		rep.Findings = append(rep.Findings, fs...)
		rep.Regions = append(rep.Regions, sum)
	}
	if firstErr != nil && !slices.ContainsFunc(rep.Regions, func(s RegionSummary) bool { return s.Error == "" }) {
		return nil, firstErr
	}
	return rep, nil
}

// regionsToScan resolves the regions of a scan: those asked (each once),
// every region the cloud serves, or the engine's own.
func (e *Engine) regionsToScan(ctx context.Context, s *scan, asked []string, all bool) ([]string, error) {
	regions := slices.Clone(asked)
	if all {
		p, err := capability[provider.RegionLister](e, "listing regions")
		if err != nil {
			return nil, err
		}
		rs, err := scanRead(ctx, s, apiRegions, func(ctx context.Context) ([]provider.Region, error) { return p.Regions(ctx) })
		if err != nil {
			return nil, err
		}
		regions = regions[:0]
		for _, r := range rs {
			regions = append(regions, r.ID)
		}
	}
	if len(regions) == 0 {
		regions = []string{e.opts.Region}
	}
	regions = dedupeStrings(regions)
	s.update(func(p *ScanProgress) { p.Regions = len(regions) })
	return regions, nil
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func dedupeStrings(in []string) []string {
	var out []string
	for _, s := range in {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// regionScan is what the inspection of one region found, cluster by
// cluster in listing order.
type regionScan struct {
	region   string
	clusters []*clusterScan // written by the region's lister only
	listErr  error
	// failed is the index of the first cluster whose check failed
	// (noFailure when none did): clusters after it are not checked, as a
	// sequential walk would have stopped there.
	failed atomic.Int64
}

// clusterScan is one cluster of a region's listing.
type clusterScan struct {
	running  bool
	findings []Finding
	err      error
}

// runningCheck is a running cluster whose nodes a worker reads.
type runningCheck struct {
	rs     *regionScan
	cs     *clusterScan // what the worker fills in
	idx    int          // its place in the region's listing
	p      provider.Provider
	c      provider.Cluster
	now    time.Time
	within time.Duration
}

// noFailure marks a region none of whose checks failed.
const noFailure = int64(1) << 62

// scanRegions lists every region side by side; the checks of running
// clusters go to a pool of workers. It returns when all is done.
func (e *Engine) scanRegions(ctx context.Context, s *scan, regions []string, o InspectOptions) []*regionScan {
	checks := make(chan runningCheck, cap(s.slots))
	var workers sync.WaitGroup
	ours := e.releasedOnce()
	for range cap(s.slots) {
		workers.Go(func() {
			for nc := range checks {
				e.checkNodes(ctx, s, nc, ours)
			}
		})
	}
	scans := make([]*regionScan, len(regions))
	var listers sync.WaitGroup
	for i, region := range regions {
		rs := &regionScan{region: region}
		rs.failed.Store(noFailure)
		scans[i] = rs
		listers.Go(func() { rs.listErr = e.listRegion(ctx, s, rs, o, checks) })
	}
	listers.Wait()
	close(checks)
	workers.Wait()
	return scans
}

// listRegion reads a region's clusters page by page. Findings that need
// no further read are made at once; running clusters are queued for a
// worker. It stops listing once a check of the region failed.
func (e *Engine) listRegion(ctx context.Context, s *scan, rs *regionScan, o InspectOptions, checks chan<- runningCheck) error {
	p, err := e.inRegion(rs.region)
	if err != nil {
		return err
	}
	now := e.opts.Now()
	token := ""
	for {
		page, err := scanRead(ctx, s, apiListClusters, func(ctx context.Context) (*provider.Page[provider.Cluster], error) {
			return p.ListClusters(ctx, provider.ClusterFilter{}, token, 100)
		})
		if err != nil {
			return err
		}
		s.update(func(p *ScanProgress) { p.Clusters += len(page.Items) })
		for i := range page.Items {
			c := &page.Items[i]
			cs := &clusterScan{running: c.State == StateRunning}
			if f, ok := stateFinding(c); ok {
				cs.findings = append(cs.findings, f)
			}
			rs.clusters = append(rs.clusters, cs)
			if c.State != StateRunning {
				cs.findings = appendExpiry(cs.findings, c, now, o.ExpiringWithin)
				s.update(func(p *ScanProgress) { p.Done++ })
				continue
			}
			select {
			case checks <- runningCheck{rs: rs, cs: cs, idx: len(rs.clusters) - 1, p: p, c: *c, now: now, within: o.ExpiringWithin}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if token = page.NextToken; token == "" || rs.failed.Load() != noFailure {
			s.update(func(p *ScanProgress) { p.Listed++ })
			return nil
		}
	}
}

// appendExpiry adds the expiry finding of a cluster being created or
// running.
func appendExpiry(fs []Finding, c *provider.Cluster, now time.Time, within time.Duration) []Finding {
	switch c.State {
	case StateRunning, StateStarting, StateBootstrapping:
		if f, ok := expiryFinding(c, now, within); ok {
			fs = append(fs, f)
		}
	}
	return fs
}

// checkNodes reads the abnormal nodes of one running cluster, unless a
// cluster listed before it in its region failed already.
func (e *Engine) checkNodes(ctx context.Context, s *scan, nc runningCheck, ours func(context.Context) (map[string]map[string]bool, error)) {
	defer s.update(func(p *ScanProgress) { p.Done++ })
	cs := nc.cs
	if int64(nc.idx) > nc.rs.failed.Load() {
		return
	}
	c := &nc.c
	pages := func(ctx context.Context, token string) (*provider.Page[provider.Node], error) {
		return scanRead(ctx, s, apiListNodes, func(ctx context.Context) (*provider.Page[provider.Node], error) {
			return nc.p.ListNodes(ctx, c.ID, provider.NodeFilter{States: e.AbnormalNodeStates()}, token, 100)
		})
	}
	fs, err := abnormalNodes(ctx, c, pages, func(ctx context.Context) (map[string]bool, error) {
		all, err := ours(ctx)
		return all[c.ID], err
	})
	if err != nil {
		cs.err = err
		for {
			cur := nc.rs.failed.Load()
			if int64(nc.idx) >= cur || nc.rs.failed.CompareAndSwap(cur, int64(nc.idx)) {
				return
			}
		}
	}
	cs.findings = appendExpiry(append(cs.findings, fs...), c, nc.now, nc.within)
}

// result is the region's summary and findings as a sequential walk gives
// them: clusters up to the first that failed (counted, its findings
// left out), then the listing's own error.
func (rs *regionScan) result() (RegionSummary, []Finding, error) {
	sum := RegionSummary{Region: rs.region}
	var out []Finding
	for _, cs := range rs.clusters {
		sum.Clusters++
		if cs.running {
			sum.Running++
		}
		if cs.err != nil {
			sum.Findings = len(out)
			return sum, out, cs.err
		}
		out = append(out, cs.findings...)
	}
	sum.Findings = len(out)
	return sum, out, rs.listErr
}

// nodePages reads one page of a cluster's abnormal nodes.
type nodePages func(ctx context.Context, token string) (*provider.Page[provider.Node], error)

// abnormalNodes reports the stopped nodes of a running cluster one by one,
// and its released nodes grouped by node group, except those emrctl
// released itself (a scale-in recorded in the journal). The journal is
// read only when a released node is there to check.
func abnormalNodes(ctx context.Context, c *provider.Cluster, pages nodePages, ours func(context.Context) (map[string]bool, error)) ([]Finding, error) {
	var out []Finding
	released := map[string][]string{}
	var groups []string
	var mine map[string]bool
	token := ""
	for {
		page, err := pages(ctx, token)
		if err != nil {
			return nil, err
		}
		for _, n := range page.Items {
			switch n.Phase {
			case provider.PhaseStopped:
				out = append(out, stoppedNodeFinding(c, n))
			case provider.PhaseReleased:
				if mine == nil {
					if mine, err = ours(ctx); err != nil {
						return nil, err
					}
					if mine == nil {
						mine = map[string]bool{}
					}
				}
				if mine[n.ID] {
					continue
				}
				if _, ok := released[n.NodeGroupID]; !ok {
					groups = append(groups, n.NodeGroupID)
				}
				released[n.NodeGroupID] = append(released[n.NodeGroupID], n.ID)
			}
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	for _, g := range groups {
		out = append(out, terminatedNodesFinding(c, g, released[g]))
	}
	return out, nil
}

// releasedOnce returns the nodes scale-ins recorded in the journal
// released, by cluster, read from the journal once, on first use.
func (e *Engine) releasedOnce() func(context.Context) (map[string]map[string]bool, error) {
	var (
		mu   sync.Mutex
		done bool
		all  map[string]map[string]bool
		err  error
	)
	return func(ctx context.Context) (map[string]map[string]bool, error) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			all, err = e.releasedByEmrctl(ctx)
			done = err == nil
		}
		return all, err
	}
}

// releasedByEmrctl returns, by cluster, the nodes that scale-ins recorded
// in the journal released (or may have released).
func (e *Engine) releasedByEmrctl(ctx context.Context) (map[string]map[string]bool, error) {
	es, err := e.opts.Journal.List(ctx, journal.Filter{Scope: e.opts.Scope, Operation: opDecreaseNodes})
	if err != nil {
		return nil, err
	}
	ours := map[string]map[string]bool{}
	for _, en := range es {
		clusterID, _, ok := strings.Cut(en.Target, "/")
		if !ok || en.Status == journal.StatusFailed {
			continue
		}
		var req struct {
			NodeIDs []string `json:"nodeIds"`
		}
		if json.Unmarshal(en.Params, &req) == nil {
			if ours[clusterID] == nil {
				ours[clusterID] = map[string]bool{}
			}
			for _, id := range req.NodeIDs {
				ours[clusterID][id] = true
			}
		}
	}
	return ours, nil
}
