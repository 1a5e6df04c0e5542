package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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
	// Concurrency is how many reads are in flight at most (default
	// DefaultConcurrency).
	Concurrency int `json:"concurrency,omitempty"`
	// Progress, if set, hears how far the scan got (from any goroutine,
	// one call at a time).
	Progress func(ScanProgress) `json:"-"`
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
	Cluster *provider.Cluster `json:"cluster"`
	// Error says why a cluster of several could not be diagnosed (it
	// then has only its ID); the others are diagnosed all the same.
	Error    string        `json:"error,omitempty"`
	Healthy  bool          `json:"healthy"`
	Reason   *Diagnosis    `json:"reason,omitempty"`
	Findings []Finding     `json:"findings"`
	Prereqs  *PrereqReport `json:"prereqs,omitempty"`
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

func failedActivities(ctx context.Context, s *scan, p provider.Provider, c *provider.Cluster) ([]Finding, error) {
	sa, ok := p.(provider.ScalingActivities)
	if !ok {
		return nil, nil
	}
	page, err := scanRead(ctx, s, apiListScalingActivities, func(ctx context.Context) (*provider.Page[provider.ScalingActivity], error) {
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
