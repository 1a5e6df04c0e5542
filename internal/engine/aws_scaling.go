package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
	"github.com/emrctl/emrctl/internal/validate"
)

// awsGroups reads a cluster's instance groups and its live instance count.
func (e *Engine) awsGroups(ctx context.Context, p AWSBackend, clusterID string) ([]awsprov.InstanceGroup, int, error) {
	groups, err := read(ctx, e, func(ctx context.Context) ([]awsprov.InstanceGroup, error) { return p.InstanceGroups(ctx, clusterID) })
	if err != nil {
		return nil, 0, err
	}
	total := 0
	for _, g := range groups {
		total += g.RunningNodes
	}
	return groups, total, nil
}

func awsFindGroup(groups []awsprov.InstanceGroup, id string) (*awsprov.InstanceGroup, error) {
	for i := range groups {
		if groups[i].ID == id {
			return &groups[i], nil
		}
	}
	return nil, &provider.APIError{Provider: provider.AWS, Action: "ListInstanceGroups", Kind: provider.KindNotFound, Code: "NoSuchInstanceGroup",
		Message: "the cluster has no instance group " + id + "; list them with 'emrctl aws list groups CLUSTER_ID'"}
}

// AddGroupResult is what adding an instance group or fleet did.
type AddGroupResult struct {
	ClusterID string   `json:"clusterId"`
	IDs       []string `json:"ids"`
	Outcome   *Outcome `json:"outcome"`
}

func awsCheckGroupSpec(g awsprov.GroupSpec) error {
	var errs []*validate.Error
	errs = append(errs, validate.ID(validate.AWSInstanceType, "instanceType", g.InstanceType))
	if g.Name != "" {
		errs = append(errs, validate.Name("name", g.Name))
	}
	if err := checkInput(errs...); err != nil {
		return err
	}
	switch {
	case g.Role != "TASK":
		return inputError("role", fmt.Sprintf("%q cannot be added to a running cluster", validate.Render(g.Role)), "add TASK groups; MASTER and CORE are created with the cluster")
	case g.Count < 0:
		return inputError("count", fmt.Sprintf("must not be negative, got %d", g.Count), "use 0 or more")
	case g.Market != "" && g.Market != "ON_DEMAND" && g.Market != "SPOT":
		return inputError("market", fmt.Sprintf("%q is not a market", validate.Render(g.Market)), "use ON_DEMAND or SPOT")
	case g.BidPrice != "" && g.Market != "SPOT":
		return inputError("bidPrice", "a bid price applies to SPOT only", "add --spot or remove --bid-price")
	case g.BidPrice != "" && !awsIsPrice(g.BidPrice):
		return inputError("bidPrice", fmt.Sprintf("%q is not a price", validate.Render(g.BidPrice)), "write USD per hour, e.g. 0.10")
	}
	return nil
}

func awsIsPrice(s string) bool {
	dot := false
	digits := 0
	for _, r := range s {
		switch {
		case r == '.' && !dot:
			dot = true
		case r >= '0' && r <= '9':
			digits++
		default:
			return false
		}
	}
	return digits > 0 && strings.Trim(s, "0.") != ""
}

// awsFindAdded looks for an instance group like g in the cluster.
func awsFindAdded(ctx context.Context, e *Engine, p AWSBackend, clusterID string, g awsprov.GroupSpec) (*provider.WriteResult, bool, error) {
	groups, _, err := e.awsGroups(ctx, p, clusterID)
	if err != nil {
		return nil, false, err
	}
	for _, x := range groups {
		if x.Name == g.Name && x.Role == g.Role && slices.Contains(x.InstanceTypes, g.InstanceType) && x.DesiredNodes == g.Count {
			return &provider.WriteResult{IDs: []string{x.ID}}, true, nil
		}
	}
	return nil, false, nil
}

// AddInstanceGroup adds a TASK instance group to a running cluster
// (policy: CreateNodeGroup limits).
func (e *Engine) AddInstanceGroup(ctx context.Context, call Call, clusterID string, g awsprov.GroupSpec) (*AddGroupResult, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
		return nil, err
	}
	g.Role = strings.ToUpper(g.Role)
	if err := awsCheckGroupSpec(g); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("adding instance groups")
	if err != nil {
		return nil, err
	}
	_, total, err := e.awsGroups(ctx, p, clusterID)
	if err != nil {
		return nil, err
	}
	market := g.Market
	if market == "" {
		market = "ON_DEMAND"
	}
	op := policy.CreateNodeGroup{ClusterID: clusterID, Name: g.Name, Role: g.Role, PaymentType: market, Count: g.Count, ClusterNodes: total}
	w := write{
		op: op, operation: "AddInstanceGroups", target: clusterID, tokenKind: journal.TokenNone, request: g,
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			return awsFindAdded(ctx, e, p, clusterID, g)
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			res, err := p.AddInstanceGroups(ctx, clusterID, []awsprov.GroupSpec{g})
			if err != nil || len(res.IDs) > 0 {
				return res, err
			}
			// The response named no group (moto answers so): find it.
			if found, ok, ferr := awsFindAdded(ctx, e, p, clusterID, g); ferr == nil && ok {
				res.IDs = found.IDs
			}
			return res, nil
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	return &AddGroupResult{ClusterID: clusterID, IDs: out.Result.IDs, Outcome: out}, nil
}

// AddInstanceFleet adds a TASK instance fleet to a cluster that uses
// fleets (policy: CreateNodeGroup limits on its target capacity).
func (e *Engine) AddInstanceFleet(ctx context.Context, call Call, clusterID string, f awsprov.FleetSpec) (*AddGroupResult, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
		return nil, err
	}
	f.Role = strings.ToUpper(f.Role)
	if f.Role != "TASK" {
		return nil, inputError("role", fmt.Sprintf("%q fleets cannot be added to a running cluster", validate.Render(f.Role)), "add a TASK fleet")
	}
	if len(f.InstanceTypes) == 0 {
		return nil, inputError("instanceTypes", "no instance type", "list at least one instance type")
	}
	var errs []*validate.Error
	for i, t := range f.InstanceTypes {
		errs = append(errs, validate.ID(validate.AWSInstanceType, fmt.Sprintf("instanceTypes[%d]", i), t.InstanceType))
	}
	if f.Name != "" {
		errs = append(errs, validate.Name("name", f.Name))
	}
	if err := checkInput(errs...); err != nil {
		return nil, err
	}
	if f.TargetOnDemandCapacity < 0 || f.TargetSpotCapacity < 0 {
		return nil, inputError("capacity", "target capacities must not be negative", "use 0 or more")
	}
	p, err := e.awsBackend("adding instance fleets")
	if err != nil {
		return nil, err
	}
	fleets, err := read(ctx, e, func(ctx context.Context) ([]awsprov.InstanceFleet, error) { return p.InstanceFleets(ctx, clusterID) })
	if err != nil {
		return nil, err
	}
	total := 0
	for _, x := range fleets {
		total += x.ProvisionedOnDemandCapacity + x.ProvisionedSpotCapacity
	}
	paid := "ON_DEMAND"
	if f.TargetSpotCapacity > 0 {
		paid = "ON_DEMAND+SPOT"
	}
	op := policy.CreateNodeGroup{ClusterID: clusterID, Name: f.Name, Role: f.Role, PaymentType: paid, Count: f.TargetOnDemandCapacity + f.TargetSpotCapacity, ClusterNodes: total}
	w := write{
		op: op, operation: "AddInstanceFleet", target: clusterID, tokenKind: journal.TokenNone, request: f,
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			fleets, err := p.InstanceFleets(ctx, clusterID)
			if err != nil {
				return nil, false, err
			}
			for _, x := range fleets {
				if x.Role == f.Role && x.Name == f.Name {
					return &provider.WriteResult{IDs: []string{x.ID}}, true, nil
				}
			}
			return nil, false, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.AddInstanceFleet(ctx, clusterID, f)
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	return &AddGroupResult{ClusterID: clusterID, IDs: out.Result.IDs, Outcome: out}, nil
}

// ResizeInput sets an instance group's instance count.
type ResizeInput struct {
	ClusterID string `json:"clusterId"`
	GroupID   string `json:"groupId"`
	// Count is the new instance count of the group.
	Count int `json:"count"`
	// Instances optionally names the EC2 instances to release when the
	// group shrinks; by default the newest running ones are chosen.
	Instances []string `json:"instances,omitempty"`
	// AckZero acknowledges that the group goes to zero instances.
	AckZero bool `json:"ackZero,omitempty"`
	// BatchInterval separates scale-in batches (default: the policy's).
	BatchInterval time.Duration `json:"batchInterval,omitempty"`
	// Progress is told about each batch.
	Progress func(string) `json:"-"`
}

// ResizeResult is what a resize did.
type ResizeResult struct {
	ClusterID  string     `json:"clusterId"`
	GroupID    string     `json:"groupId"`
	From       int        `json:"from"`
	To         int        `json:"to"`
	Released   [][]string `json:"released,omitempty"`
	JournalIDs []int64    `json:"journalIds"`
	Notes      []string   `json:"notes,omitempty"`
}

// ResizeInstanceGroup grows (policy: IncreaseNodes limits) or shrinks
// (policy: DecreaseNodes, TASK groups only, in batches) an instance group.
// ModifyInstanceGroups sets an absolute count, so sending it again after an
// unknown outcome cannot overshoot; the engine still checks the group first.
func (e *Engine) ResizeInstanceGroup(ctx context.Context, call Call, in ResizeInput) (*ResizeResult, error) {
	if err := checkClusterID(provider.AWS, in.ClusterID); err != nil {
		return nil, err
	}
	if err := checkAWSGroupID(in.GroupID); err != nil {
		return nil, err
	}
	if in.Count < 0 {
		return nil, inputError("count", fmt.Sprintf("must not be negative, got %d", in.Count), "pass the new instance count")
	}
	p, err := e.awsBackend("resizing instance groups")
	if err != nil {
		return nil, err
	}
	groups, total, err := e.awsGroups(ctx, p, in.ClusterID)
	if err != nil {
		return nil, err
	}
	g, err := awsFindGroup(groups, in.GroupID)
	if err != nil {
		return nil, err
	}
	cur := g.DesiredNodes
	res := &ResizeResult{ClusterID: in.ClusterID, GroupID: in.GroupID, From: cur, To: in.Count, JournalIDs: []int64{}}
	switch {
	case in.Count == cur:
		res.Notes = append(res.Notes, fmt.Sprintf("the group already has %d instances requested; nothing was sent", cur))
		return res, nil
	case in.Count > cur:
		op := policy.IncreaseNodes{ClusterID: in.ClusterID, NodeGroupID: in.GroupID, Role: g.Role, Count: in.Count - cur, GroupNodes: cur, ClusterNodes: total}
		out, err := e.guarded(ctx, call, e.modifyWrite(p, op, in, in.Count, nil))
		if err != nil {
			return nil, err
		}
		res.JournalIDs = append(res.JournalIDs, out.JournalID)
		if out.Note != "" {
			res.Notes = append(res.Notes, out.Note)
		}
		return res, nil
	}
	return e.shrinkGroup(ctx, call, p, in, g, res)
}

func (e *Engine) modifyWrite(p AWSBackend, op policy.Operation, in ResizeInput, count int, terminate []string) write {
	req := map[string]any{"clusterId": in.ClusterID, "instanceGroupId": in.GroupID, "instanceCount": count}
	if len(terminate) > 0 {
		req["ec2InstanceIdsToTerminate"] = terminate
	}
	return write{
		op: op, operation: "ModifyInstanceGroups", target: in.ClusterID + "/" + in.GroupID, tokenKind: journal.TokenNone, request: req,
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			groups, err := p.InstanceGroups(ctx, in.ClusterID)
			if err != nil {
				return nil, false, err
			}
			g, err := awsFindGroup(groups, in.GroupID)
			if err != nil {
				return nil, false, err
			}
			return &provider.WriteResult{IDs: []string{in.GroupID}}, g.DesiredNodes == count, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.ModifyInstanceGroup(ctx, in.ClusterID, in.GroupID, count, terminate)
		},
	}
}

// shrinkGroup releases instances of a TASK group in batches, each a
// ModifyInstanceGroups call naming the instances it terminates.
func (e *Engine) shrinkGroup(ctx context.Context, call Call, p AWSBackend, in ResizeInput, g *awsprov.InstanceGroup, res *ResizeResult) (*ResizeResult, error) {
	lim := e.opts.Policy.LimitsFor(call.Actor)
	if in.BatchInterval == 0 {
		in.BatchInterval = lim.DecreaseMinInterval
	}
	nodes, err := read(ctx, e, func(ctx context.Context) ([]provider.Node, error) {
		return p.Instances(ctx, in.ClusterID, awsprov.InstanceFilter{Roles: []string{g.Role}, GroupID: in.GroupID})
	})
	if err != nil {
		return nil, err
	}
	var live []provider.Node
	for _, n := range nodes {
		if n.State != awsprov.InstanceTerminated {
			live = append(live, n)
		}
	}
	delta := g.DesiredNodes - in.Count
	ids := in.Instances
	if len(ids) == 0 {
		sort.SliceStable(live, func(i, j int) bool {
			if !live[i].CreateTime.Equal(live[j].CreateTime) {
				return live[i].CreateTime.After(live[j].CreateTime)
			}
			return live[i].ID > live[j].ID
		})
		if len(live) < delta && g.Role == policy.RoleTask {
			return nil, inputError("count", fmt.Sprintf("going from %d to %d releases %d instances, but the group has %d running", g.DesiredNodes, in.Count, delta, len(live)),
				"wait until the group's instances run ('emrctl aws list instances "+in.ClusterID+" --group "+in.GroupID+"'), or lower the change")
		}
		for i := 0; i < delta && i < len(live); i++ {
			ids = append(ids, live[i].ID)
		}
	} else if len(ids) != delta {
		return nil, inputError("instances", fmt.Sprintf("%d instances named, but going from %d to %d releases %d", len(ids), g.DesiredNodes, in.Count, delta), "name exactly as many instances as the count drops, or none")
	}
	batchSize := min(max(len(ids), 1), lim.DecreaseMaxPerCall)
	op := policy.DecreaseNodes{
		ClusterID: in.ClusterID, NodeGroupID: in.GroupID, Role: g.Role, NodeIDs: ids, GroupNodes: len(live),
		BatchSize: batchSize, BatchInterval: in.BatchInterval, AckZero: in.AckZero, ByCount: len(in.Instances) == 0,
	}
	for _, n := range live {
		op.VerifiedNodeIDs = append(op.VerifiedNodeIDs, n.ID)
	}
	if err := e.authorize(ctx, call, op, in); err != nil {
		return nil, err
	}
	count := g.DesiredNodes
	for i := 0; i < len(ids); i += batchSize {
		batch := ids[i:min(i+batchSize, len(ids))]
		if i > 0 {
			if in.Progress != nil {
				in.Progress(fmt.Sprintf("waiting %s before the next batch", in.BatchInterval))
			}
			t := time.NewTimer(e.scaled(in.BatchInterval))
			select {
			case <-ctx.Done():
				t.Stop()
				return res, ctx.Err()
			case <-t.C:
			}
		}
		count -= len(batch)
		out, err := e.journaled(ctx, call, e.modifyWrite(p, op, in, count, batch))
		if err != nil {
			return res, err
		}
		res.JournalIDs = append(res.JournalIDs, out.JournalID)
		res.Released = append(res.Released, batch)
		if in.Progress != nil {
			in.Progress("released " + strings.Join(batch, ","))
		}
	}
	return res, nil
}

// AutoScalingChange is a put or remove of an auto-scaling policy, with the
// policy it replaced.
type AutoScalingChange struct {
	ClusterID string                     `json:"clusterId"`
	GroupID   string                     `json:"groupId"`
	Previous  *awsprov.AutoScalingPolicy `json:"previous,omitempty"`
	Policy    *awsprov.AutoScalingPolicy `json:"policy,omitempty"`
	Outcome   *Outcome                   `json:"outcome"`
}

// InstanceGroupAutoScaling returns an instance group's auto-scaling
// policy, or nil when it has none.
func (e *Engine) InstanceGroupAutoScaling(ctx context.Context, clusterID, groupID string) (*awsprov.AutoScalingPolicy, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
		return nil, err
	}
	if err := checkAWSGroupID(groupID); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("auto scaling")
	if err != nil {
		return nil, err
	}
	groups, _, err := e.awsGroups(ctx, p, clusterID)
	if err != nil {
		return nil, err
	}
	g, err := awsFindGroup(groups, groupID)
	if err != nil {
		return nil, err
	}
	return g.AutoScaling, nil
}

func awsSnapshot(a *awsprov.AutoScalingPolicy) *policy.PolicySnapshot {
	if a == nil {
		return nil
	}
	s := &policy.PolicySnapshot{MinCapacity: a.Constraints.MinCapacity, MaxCapacity: a.Constraints.MaxCapacity, Rules: awsPolicyRules(*a)}
	return s
}

// awsPolicyRules describes CloudWatch rules for the policy: a positive
// adjustment scales out, a negative one in; every rule is load-based.
func awsPolicyRules(a awsprov.AutoScalingPolicy) []policy.Rule {
	var out []policy.Rule
	for _, r := range a.Rules {
		s := r.Action.SimpleScalingPolicyConfiguration
		pr := policy.Rule{Name: r.Name, TriggerType: policy.TriggerMetrics, ActivityType: policy.ScaleOut, Adjustment: s.ScalingAdjustment}
		if s.ScalingAdjustment < 0 {
			pr.ActivityType, pr.Adjustment = policy.ScaleIn, -s.ScalingAdjustment
		}
		if s.CoolDown != nil {
			pr.CoolDownSeconds, pr.HasCoolDown = *s.CoolDown, true
		}
		out = append(out, pr)
	}
	return out
}

// awsPolicyDiff shows what changes between two policies, one line per
// changed field ("Rules[0].Action...CoolDown: 300 -> 600"); empty when
// they are equal. With no current policy it is empty: the whole request
// is shown anyway.
func awsPolicyDiff(cur, next any) string {
	if cur == nil {
		return ""
	}
	a, b := map[string]string{}, map[string]string{}
	awsFlatten(cur, "", a)
	awsFlatten(next, "", b)
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		va, ina := a[k]
		vb, inb := b[k]
		switch {
		case !ina:
			out = append(out, k+": (none) -> "+vb)
		case !inb:
			out = append(out, k+": "+va+" -> (none)")
		case va != vb:
			out = append(out, k+": "+va+" -> "+vb)
		}
	}
	return strings.Join(out, "\n")
}

// awsFlatten writes v's JSON leaves into out by path.
func awsFlatten(v any, path string, out map[string]string) {
	raw, err := json.Marshal(v)
	if err != nil {
		return
	}
	var x any
	if json.Unmarshal(raw, &x) != nil {
		return
	}
	var walk func(x any, path string)
	walk = func(x any, path string) {
		switch t := x.(type) {
		case map[string]any:
			for k, y := range t {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(y, p)
			}
		case []any:
			for i, y := range t {
				walk(y, fmt.Sprintf("%s[%d]", path, i))
			}
		case nil:
		default:
			out[path] = fmt.Sprint(t)
		}
	}
	walk(x, path)
}

// PutInstanceGroupAutoScaling replaces an instance group's auto-scaling
// policy (CloudWatch rule form). The policy is validated, the current one
// is read and shown with the change before the confirmation, and the
// policy's limits apply (TASK groups only, MaxCapacity, scale-out cooldown).
func (e *Engine) PutInstanceGroupAutoScaling(ctx context.Context, call Call, clusterID, groupID string, a awsprov.AutoScalingPolicy) (*AutoScalingChange, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
		return nil, err
	}
	if err := checkAWSGroupID(groupID); err != nil {
		return nil, err
	}
	a.State = ""
	if probs := a.Problems(); len(probs) > 0 {
		ie := &InputError{}
		for _, pr := range probs {
			ie.Problems = append(ie.Problems, FieldProblem{Field: pr.Field, Problem: pr.Message, Fix: pr.Fix})
		}
		return nil, ie
	}
	p, err := e.awsBackend("auto scaling")
	if err != nil {
		return nil, err
	}
	groups, _, err := e.awsGroups(ctx, p, clusterID)
	if err != nil {
		return nil, err
	}
	g, err := awsFindGroup(groups, groupID)
	if err != nil {
		return nil, err
	}
	var cur any
	if g.AutoScaling != nil {
		c := *g.AutoScaling
		c.State = ""
		cur = c
	}
	op := policy.PutAutoScalingPolicy{
		ClusterID: clusterID, NodeGroupID: groupID, Role: g.Role, MinCapacity: a.Constraints.MinCapacity, MaxCapacity: a.Constraints.MaxCapacity,
		Rules: awsPolicyRules(a), Current: awsSnapshot(g.AutoScaling), Diff: awsPolicyDiff(cur, a),
	}
	w := write{
		op: op, operation: "PutAutoScalingPolicy", target: clusterID + "/" + groupID, tokenKind: journal.TokenNone, request: a,
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			now, err := e.InstanceGroupAutoScaling(ctx, clusterID, groupID)
			if err != nil || now == nil {
				return nil, false, err
			}
			n := *now
			n.State = ""
			same := awsPolicyDiff(n, a) == "" && len(n.Rules) == len(a.Rules)
			return &provider.WriteResult{IDs: []string{groupID}}, same, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.PutAutoScalingPolicy(ctx, clusterID, groupID, a)
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	return &AutoScalingChange{ClusterID: clusterID, GroupID: groupID, Previous: g.AutoScaling, Policy: &a, Outcome: out}, nil
}

// RemoveInstanceGroupAutoScaling removes an instance group's auto-scaling
// policy, showing the policy being removed.
func (e *Engine) RemoveInstanceGroupAutoScaling(ctx context.Context, call Call, clusterID, groupID string) (*AutoScalingChange, error) {
	cur, err := e.InstanceGroupAutoScaling(ctx, clusterID, groupID)
	if err != nil {
		return nil, err
	}
	p, err := e.awsBackend("auto scaling")
	if err != nil {
		return nil, err
	}
	op := policy.RemoveAutoScalingPolicy{ClusterID: clusterID, NodeGroupID: groupID, Current: awsSnapshot(cur)}
	w := write{
		op: op, operation: "RemoveAutoScalingPolicy", target: clusterID + "/" + groupID, tokenKind: journal.TokenNone,
		request: map[string]string{"clusterId": clusterID, "instanceGroupId": groupID},
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			now, err := e.InstanceGroupAutoScaling(ctx, clusterID, groupID)
			return &provider.WriteResult{IDs: []string{groupID}}, err == nil && now == nil, err
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.RemoveAutoScalingPolicy(ctx, clusterID, groupID)
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	return &AutoScalingChange{ClusterID: clusterID, GroupID: groupID, Previous: cur, Outcome: out}, nil
}

// managedScalingTarget names managed scaling for the policy: it scales the
// whole cluster, within the auto-scaling limits.
const managedScalingTarget = "managed-scaling"

// ManagedScalingChange is a put or remove of a managed scaling policy.
type ManagedScalingChange struct {
	ClusterID string                  `json:"clusterId"`
	Previous  *awsprov.ManagedScaling `json:"previous,omitempty"`
	Policy    *awsprov.ManagedScaling `json:"policy,omitempty"`
	Outcome   *Outcome                `json:"outcome"`
}

// ManagedScaling returns a cluster's managed scaling policy, or nil.
func (e *Engine) ManagedScaling(ctx context.Context, clusterID string) (*awsprov.ManagedScaling, error) {
	if err := checkClusterID(provider.AWS, clusterID); err != nil {
		return nil, err
	}
	p, err := e.awsBackend("managed scaling")
	if err != nil {
		return nil, err
	}
	return read(ctx, e, func(ctx context.Context) (*awsprov.ManagedScaling, error) {
		return p.ManagedScalingPolicy(ctx, clusterID)
	})
}

func awsCheckManagedScaling(m awsprov.ManagedScaling) error {
	var probs []FieldProblem
	if !slices.Contains([]string{"Instances", "InstanceFleetUnits", "VCPU"}, m.UnitType) {
		probs = append(probs, FieldProblem{Field: "unitType", Problem: fmt.Sprintf("%q is not a unit type", validate.Render(m.UnitType)), Fix: "use Instances, InstanceFleetUnits or VCPU"})
	}
	if m.MinimumCapacityUnits < 1 {
		probs = append(probs, FieldProblem{Field: "minimumCapacityUnits", Problem: "must be at least 1", Fix: "use 1 or more"})
	}
	if m.MaximumCapacityUnits < m.MinimumCapacityUnits {
		probs = append(probs, FieldProblem{Field: "maximumCapacityUnits", Problem: "is below the minimum", Fix: "make the maximum at least the minimum"})
	}
	if m.MaximumOnDemandCapacityUnits > m.MaximumCapacityUnits {
		probs = append(probs, FieldProblem{Field: "maximumOnDemandCapacityUnits", Problem: "is above maximumCapacityUnits", Fix: "keep it at most the maximum"})
	}
	if m.MaximumCoreCapacityUnits > m.MaximumCapacityUnits {
		probs = append(probs, FieldProblem{Field: "maximumCoreCapacityUnits", Problem: "is above maximumCapacityUnits", Fix: "keep it at most the maximum"})
	}
	if len(probs) > 0 {
		return &InputError{Problems: probs}
	}
	return nil
}

// PutManagedScaling sets a cluster's managed scaling policy. The policy
// judges it as an auto-scaling policy of the whole cluster: confirmed, and
// its maximum within the auto-scaling MaxCapacity limit.
func (e *Engine) PutManagedScaling(ctx context.Context, call Call, clusterID string, m awsprov.ManagedScaling) (*ManagedScalingChange, error) {
	if err := awsCheckManagedScaling(m); err != nil {
		return nil, err
	}
	cur, err := e.ManagedScaling(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	p, _ := e.awsBackend("managed scaling")
	op := policy.PutAutoScalingPolicy{
		ClusterID: clusterID, NodeGroupID: managedScalingTarget, Role: policy.RoleTask,
		MinCapacity: m.MinimumCapacityUnits, MaxCapacity: m.MaximumCapacityUnits, Diff: awsPolicyDiff(awsAnyOrNil(cur), m),
	}
	if cur != nil {
		op.Current = &policy.PolicySnapshot{MinCapacity: cur.MinimumCapacityUnits, MaxCapacity: cur.MaximumCapacityUnits}
	}
	w := write{
		op: op, operation: "PutManagedScalingPolicy", target: clusterID, tokenKind: journal.TokenNone, request: m,
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			now, err := p.ManagedScalingPolicy(ctx, clusterID)
			return &provider.WriteResult{IDs: []string{clusterID}}, err == nil && now != nil && *now == m, err
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.PutManagedScalingPolicy(ctx, clusterID, m)
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	return &ManagedScalingChange{ClusterID: clusterID, Previous: cur, Policy: &m, Outcome: out}, nil
}

func awsAnyOrNil(m *awsprov.ManagedScaling) any {
	if m == nil {
		return nil
	}
	return *m
}

// RemoveManagedScaling removes a cluster's managed scaling policy.
func (e *Engine) RemoveManagedScaling(ctx context.Context, call Call, clusterID string) (*ManagedScalingChange, error) {
	cur, err := e.ManagedScaling(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	p, _ := e.awsBackend("managed scaling")
	op := policy.RemoveAutoScalingPolicy{ClusterID: clusterID, NodeGroupID: managedScalingTarget}
	if cur != nil {
		op.Current = &policy.PolicySnapshot{MinCapacity: cur.MinimumCapacityUnits, MaxCapacity: cur.MaximumCapacityUnits}
	}
	w := write{
		op: op, operation: "RemoveManagedScalingPolicy", target: clusterID, tokenKind: journal.TokenNone,
		request: map[string]string{"clusterId": clusterID},
		reconcile: func(ctx context.Context, _ *journal.Entry) (*provider.WriteResult, bool, error) {
			now, err := p.ManagedScalingPolicy(ctx, clusterID)
			return &provider.WriteResult{IDs: []string{clusterID}}, err == nil && now == nil, err
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.RemoveManagedScalingPolicy(ctx, clusterID)
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	return &ManagedScalingChange{ClusterID: clusterID, Previous: cur, Outcome: out}, nil
}
