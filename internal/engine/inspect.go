package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
)

// Severities of a finding.
const (
	SeverityProblem = "PROBLEM"
	SeverityWarning = "WARNING"
	SeverityInfo    = "INFO"
)

// Kinds of finding.
const (
	FindingState     = "state"
	FindingNode      = "node"
	FindingNodeGroup = "nodegroup"
	FindingExpiry    = "expiry"
	FindingScaling   = "scaling"
)

// DefaultExpiringWithin is how far ahead inspections look for expiring
// subscriptions.
const DefaultExpiringWithin = 7 * 24 * time.Hour

// Finding is one thing an inspection or a diagnosis found.
type Finding struct {
	Region      string `json:"region"`
	ClusterID   string `json:"clusterId"`
	ClusterName string `json:"clusterName,omitempty"`
	Kind        string `json:"kind"`
	Severity    string `json:"severity"`
	// Resource is the node, node group or activity concerned, if any.
	Resource string    `json:"resource,omitempty"`
	State    string    `json:"state,omitempty"`
	Detail   string    `json:"detail"`
	Cause    string    `json:"cause,omitempty"`
	Fix      string    `json:"fix,omitempty"`
	Next     string    `json:"next,omitempty"`
	Time     time.Time `json:"time,omitzero"`
}

// InspectOptions choose what an inspection covers.
type InspectOptions struct {
	// Regions to inspect; empty means the engine's region.
	Regions []string `json:"regions,omitempty"`
	// AllRegions inspects every region the cloud serves.
	AllRegions bool `json:"allRegions,omitempty"`
	// ExpiringWithin flags subscriptions that end this soon (default 7 days).
	ExpiringWithin time.Duration `json:"expiringWithin,omitempty"`
}

// RegionSummary says what an inspection saw in one region.
type RegionSummary struct {
	Region   string `json:"region"`
	Clusters int    `json:"clusters"`
	Running  int    `json:"running"`
	Findings int    `json:"findings"`
	Error    string `json:"error,omitempty"`
}

// InspectReport is the result of an inspection: the operations.md
// checklist across regions.
type InspectReport struct {
	Regions            []RegionSummary `json:"regions"`
	Findings           []Finding       `json:"findings"`
	ExpiringWithinDays int             `json:"expiringWithinDays"`
}

// Inspect walks the clusters of the chosen regions, page by page, and
// reports everything not RUNNING (with its reason and diagnosis), abnormal
// nodes of running clusters (Stopped, or Terminated in their groups) and
// subscriptions expiring within the window. A region that cannot be read
// is reported in its summary; the inspection fails only when no region
// can be read.
func (e *Engine) Inspect(ctx context.Context, o InspectOptions) (*InspectReport, error) {
	if o.ExpiringWithin <= 0 {
		o.ExpiringWithin = DefaultExpiringWithin
	}
	regions := slices.Clone(o.Regions)
	if o.AllRegions {
		all, err := e.Regions(ctx)
		if err != nil {
			return nil, err
		}
		regions = regions[:0]
		for _, r := range all {
			regions = append(regions, r.ID)
		}
	}
	if len(regions) == 0 {
		regions = []string{e.opts.Region}
	}
	rep := &InspectReport{Regions: []RegionSummary{}, Findings: []Finding{}, ExpiringWithinDays: int(o.ExpiringWithin.Round(time.Hour).Hours() / 24)}
	var firstErr error
	for _, region := range dedupeStrings(regions) {
		sum := RegionSummary{Region: region}
		before := len(rep.Findings)
		err := e.inspectRegion(ctx, region, o, &sum, rep)
		if err != nil {
			if _, bad := asInputError(err); bad || ctx.Err() != nil {
				return nil, err
			}
			sum.Error = err.Error()
			firstErr = cmpErr(firstErr, err)
		}
		sum.Findings = len(rep.Findings) - before
		rep.Regions = append(rep.Regions, sum)
	}
	if firstErr != nil && !slices.ContainsFunc(rep.Regions, func(s RegionSummary) bool { return s.Error == "" }) {
		return nil, firstErr
	}
	return rep, nil
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

func (e *Engine) inspectRegion(ctx context.Context, region string, o InspectOptions, sum *RegionSummary, rep *InspectReport) error {
	p, err := e.inRegion(region)
	if err != nil {
		return err
	}
	now := e.opts.Now()
	token := ""
	for {
		page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.Cluster], error) {
			return p.ListClusters(ctx, provider.ClusterFilter{}, token, 100)
		})
		if err != nil {
			return err
		}
		for i := range page.Items {
			c := &page.Items[i]
			sum.Clusters++
			if c.State == StateRunning {
				sum.Running++
			}
			fs, err := e.inspectCluster(ctx, p, c, now, o.ExpiringWithin)
			if err != nil {
				return err
			}
			rep.Findings = append(rep.Findings, fs...)
		}
		if token = page.NextToken; token == "" {
			return nil
		}
	}
}

// inspectCluster returns the findings of one cluster of a listing.
func (e *Engine) inspectCluster(ctx context.Context, p provider.Provider, c *provider.Cluster, now time.Time, within time.Duration) ([]Finding, error) {
	var out []Finding
	if f, ok := stateFinding(c); ok {
		out = append(out, f)
	}
	switch c.State {
	case StateRunning:
		nodes, err := abnormalNodes(ctx, e, p, c)
		if err != nil {
			return nil, err
		}
		out = append(out, nodes...)
		fallthrough
	case StateStarting, StateBootstrapping:
		if f, ok := expiryFinding(c, now, within); ok {
			out = append(out, f)
		}
	}
	return out, nil
}

func finding(c *provider.Cluster, kind, severity string) Finding {
	return Finding{Region: c.Region, ClusterID: c.ID, ClusterName: c.Name, Kind: kind, Severity: severity, State: c.State}
}

// stateFinding reports a cluster that is not RUNNING; TERMINATED ones,
// released on purpose, are not findings.
func stateFinding(c *provider.Cluster) (Finding, bool) {
	switch c.State {
	case StateRunning, StateTerminated:
		return Finding{}, false
	case StateStarting, StateBootstrapping, StateTerminating:
		f := finding(c, FindingState, SeverityInfo)
		f.Detail = "in progress (" + strings.ToLower(c.State) + ")"
		f.Next = "emrctl cluster wait " + c.ID
		if c.State == StateTerminating {
			f.Next = "emrctl cluster wait " + c.ID + " --for TERMINATED"
		}
		f.Time = c.CreateTime
		return f, true
	}
	f := finding(c, FindingState, SeverityProblem)
	f.Detail = c.State
	if r := c.StateReason; r != nil {
		f.Detail += ": " + strings.TrimPrefix(r.Code+": "+r.Message, ": ")
	}
	if d := DiagnoseReason(c.StateReason); d != nil {
		f.Cause, f.Fix = d.Cause, d.Fix
	}
	f.Next = "emrctl cluster diagnose " + c.ID
	f.Time = c.EndTime
	return f, true
}

// expiryFinding reports a subscription that ends within the window.
func expiryFinding(c *provider.Cluster, now time.Time, within time.Duration) (Finding, bool) {
	if c.ExpireTime.IsZero() || c.ExpireTime.Sub(now) > within {
		return Finding{}, false
	}
	f := finding(c, FindingExpiry, SeverityWarning)
	left := c.ExpireTime.Sub(now)
	if left <= 0 {
		f.Severity = SeverityProblem
		f.Detail = "the subscription has expired"
	} else {
		f.Detail = fmt.Sprintf("the subscription expires in %d day(s)", int(left.Hours()/24))
	}
	if s := c.Aliyun; s != nil && s.Subscription != nil && s.Subscription.AutoRenew {
		f.Detail += " (auto-renew is on)"
		f.Severity = SeverityInfo
	}
	f.Fix = "renew it or turn on auto-renewal"
	f.Next = "emrctl cluster renew " + c.ID + " --auto-renew on"
	f.Time = c.ExpireTime
	return f, true
}

// abnormalNodes reports the stopped nodes of a running cluster one by one,
// and its released nodes grouped by node group, except those emrctl
// released itself (a scale-in recorded in the journal).
func abnormalNodes(ctx context.Context, e *Engine, p provider.Provider, c *provider.Cluster) ([]Finding, error) {
	var out []Finding
	terminated := map[string][]string{}
	var groups []string
	ours, err := e.releasedByEmrctl(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	token := ""
	for {
		page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.Node], error) {
			return p.ListNodes(ctx, c.ID, provider.NodeFilter{States: e.AbnormalNodeStates()}, token, 100)
		})
		if err != nil {
			return nil, err
		}
		for _, n := range page.Items {
			switch {
			case n.Phase == provider.PhaseStopped:
				out = append(out, stoppedNodeFinding(c, n))
			case n.Phase == provider.PhaseReleased && !ours[n.ID]:
				if _, ok := terminated[n.NodeGroupID]; !ok {
					groups = append(groups, n.NodeGroupID)
				}
				terminated[n.NodeGroupID] = append(terminated[n.NodeGroupID], n.ID)
			}
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	for _, g := range groups {
		out = append(out, terminatedNodesFinding(c, g, terminated[g]))
	}
	return out, nil
}

// releasedByEmrctl returns the nodes of a cluster that scale-ins recorded
// in the journal released (or may have released).
func (e *Engine) releasedByEmrctl(ctx context.Context, clusterID string) (map[string]bool, error) {
	es, err := e.opts.Journal.List(ctx, journal.Filter{Scope: e.opts.Scope, Operation: opDecreaseNodes})
	if err != nil {
		return nil, err
	}
	ours := map[string]bool{}
	for _, en := range es {
		if !strings.HasPrefix(en.Target, clusterID+"/") || en.Status == journal.StatusFailed {
			continue
		}
		var req struct {
			NodeIDs []string `json:"nodeIds"`
		}
		if json.Unmarshal(en.Params, &req) == nil {
			for _, id := range req.NodeIDs {
				ours[id] = true
			}
		}
	}
	return ours, nil
}

func stoppedNodeFinding(c *provider.Cluster, n provider.Node) Finding {
	f := finding(c, FindingNode, SeverityProblem)
	f.Resource, f.State = n.ID, n.State
	f.Detail = fmt.Sprintf("node %s (%s, %s, %s) is Stopped", n.ID, orText(n.Name, "-"), n.Role, n.NodeGroupID)
	f.Cause = "The node's instance stopped; a full system or data disk and running out of memory are the common causes."
	f.Fix = "Check disk usage and memory on the node; free disk space or move to a larger instance type; start the instance again in the cloud's console, or replace it by scaling the group out and this node in."
	f.Next = "emrctl nodegroup get " + c.ID + " " + n.NodeGroupID
	return f
}

func terminatedNodesFinding(c *provider.Cluster, groupID string, ids []string) Finding {
	f := finding(c, FindingNode, SeverityWarning)
	f.Resource, f.State = groupID, "released"
	f.Detail = fmt.Sprintf("%d node(s) of node group %s were released while the cluster runs, not by emrctl: %s", len(ids), groupID, strings.Join(ids, ", "))
	f.Cause = "Released by auto scaling or someone else's scale-in, reclaimed (spot instances), or lost to a failure or an expired subscription."
	f.Fix = "If the group is now short of nodes, scale it out again; for spot groups consider having reclaimed instances replaced, or on-demand instances."
	f.Next = "emrctl node list " + c.ID + " --node-group " + groupID + " --abnormal"
	return f
}

// ClusterDiagnosis explains what is wrong with a cluster and what to do:
// the state-change reason mapped to its cause and fix, abnormal nodes,
// stuck node groups, failed scaling activities, an expiring subscription
// and, for clusters that failed to start, the prerequisites they used
// checked again.
type ClusterDiagnosis struct {
	Cluster  *provider.Cluster `json:"cluster"`
	Healthy  bool              `json:"healthy"`
	Reason   *Diagnosis        `json:"reason,omitempty"`
	Findings []Finding         `json:"findings"`
	Prereqs  *PrereqReport     `json:"prereqs,omitempty"`
}

// DiagnoseCluster diagnoses one cluster (operations.md "Troubleshooting").
func (e *Engine) DiagnoseCluster(ctx context.Context, clusterID string) (*ClusterDiagnosis, error) {
	c, err := e.GetCluster(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	p := e.opts.Provider
	d := &ClusterDiagnosis{Cluster: c, Findings: []Finding{}}
	if c.State != StateRunning {
		d.Reason = DiagnoseReason(c.StateReason)
	}
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return p.ListNodeGroups(ctx, c.ID, provider.NodeGroupFilter{})
	})
	if err != nil && !errors.Is(err, provider.ErrNotFound) {
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
		nodes, err := abnormalNodes(ctx, e, p, c)
		if err != nil {
			return nil, err
		}
		d.Findings = append(d.Findings, nodes...)
		d.Findings = append(d.Findings, groupFindings(c, groups, e.Traits().NodeGroupBusy)...)
		acts, err := e.failedActivities(ctx, p, c)
		if err != nil {
			return nil, err
		}
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

// withPrereqProblems adds to the diagnosis of a cluster that failed to
// start what the check of its network finds wrong now: the structured
// answer to a rejection whose message only the cloud can read.
func withPrereqProblems(d *Diagnosis, rep *PrereqReport) *Diagnosis {
	if d == nil || rep == nil || rep.Problems == 0 {
		return d
	}
	var found []string
	for _, c := range rep.Checks {
		if c.Status == CheckProblem {
			found = append(found, c.Item+" "+c.Resource+" "+c.Detail)
		}
	}
	d.Cause += " The network it was created with fails these checks now: " + strings.Join(found, "; ") + "."
	d.Fix = "Apply the fix of each PROBLEM of the network check, then create the cluster again ('emrctl cluster plan -f <spec>' checks a spec first)."
	return d
}

// prereqOfCluster is what a cluster was created with, to check again.
func prereqOfCluster(c *provider.Cluster, groups []provider.NodeGroup) PrereqInput {
	a := c.Aliyun
	in := PrereqInput{Region: c.Region, VpcID: a.VpcID, ZoneID: a.ZoneID, FromSpec: true}
	if a.SecurityGroupID != "" {
		in.SecurityGroupIDs = []string{a.SecurityGroupID}
	}
	if a.KeyPairName != "" {
		in.KeyPairNames = []string{a.KeyPairName}
	}
	for _, g := range groups {
		for _, id := range g.VSwitchIDs {
			if !slices.Contains(in.VSwitchIDs, id) {
				in.VSwitchIDs = append(in.VSwitchIDs, id)
			}
		}
	}
	return in
}

// checkCommand turns a rule's generic check into the command for this
// cluster's resources.
func (e *Engine) checkCommand(check string, c *provider.Cluster, groups []provider.NodeGroup) string {
	if !strings.HasPrefix(check, "emrctl prereq check") || c.Aliyun == nil {
		return strings.ReplaceAll(check, "<id>", c.ID)
	}
	in := prereqOfCluster(c, groups)
	args := []string{"emrctl prereq check"}
	if c.Region != "" && c.Region != e.opts.Region {
		args = append(args, "--region "+c.Region)
	}
	if in.VpcID != "" {
		args = append(args, "--vpc "+in.VpcID)
	}
	if in.ZoneID != "" {
		args = append(args, "--zone "+in.ZoneID)
	}
	for _, id := range in.VSwitchIDs {
		args = append(args, "--vswitch "+id)
	}
	for _, id := range in.SecurityGroupIDs {
		args = append(args, "--security-group "+id)
	}
	for _, k := range in.KeyPairNames {
		args = append(args, "--key-pair "+k)
	}
	return strings.Join(args, " ")
}

// groupFindings reports node groups of a running cluster that are not
// RUNNING: a resize under way (a busy state of the cloud's) blocks other
// scaling; any other state is a warning.
func groupFindings(c *provider.Cluster, groups []provider.NodeGroup, busy []string) []Finding {
	var out []Finding
	for _, g := range groups {
		if g.State == "" || g.State == StateRunning {
			continue
		}
		f := finding(c, FindingNodeGroup, SeverityInfo)
		f.Resource, f.State = g.ID, g.State
		f.Detail = fmt.Sprintf("node group %s (%s) is %s", g.Name, g.Role, g.State)
		f.Fix = "Wait for RUNNING before another scaling operation (a resize can take 15+ minutes); until then the cloud refuses other scaling calls."
		f.Next = "emrctl nodegroup get " + c.ID + " " + g.ID
		if !slices.Contains(busy, g.State) {
			f.Severity = SeverityWarning
		}
		if r := g.StateReason; r != nil {
			f.Detail += ": " + strings.TrimPrefix(r.Code+": "+r.Message, ": ")
		}
		out = append(out, f)
	}
	return out
}

// maxFailedActivities bounds how many failed scaling activities a
// diagnosis lists.
const maxFailedActivities = 5

func (e *Engine) failedActivities(ctx context.Context, p provider.Provider, c *provider.Cluster) ([]Finding, error) {
	sa, ok := p.(provider.ScalingActivities)
	if !ok {
		return nil, nil
	}
	page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.ScalingActivity], error) {
		return sa.ListScalingActivities(ctx, c.ID, provider.ActivityFilter{States: []string{ActivityFailed}}, "", maxFailedActivities)
	})
	if err != nil {
		if errors.Is(err, provider.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	var out []Finding
	for _, a := range page.Items {
		f := finding(c, FindingScaling, SeverityWarning)
		f.Resource, f.State, f.Time = a.ID, a.State, a.StartTime
		f.Detail = fmt.Sprintf("%s of node group %s (rule %s) failed", a.Type, orText(a.NodeGroupName, a.NodeGroupID), orText(a.RuleName, "-"))
		f.Cause = a.Cause
		f.Fix = "Read the cause: out of stock means adding instance types to the group or another zone; a limit means raising MaxCapacity (at most 100)."
		f.Next = "emrctl autoscaling activity " + c.ID + " " + a.ID
		out = append(out, f)
	}
	return out, nil
}
