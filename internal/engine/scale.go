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
	"github.com/emrctl/emrctl/internal/validate"
)

// Node states.
const (
	nodeRunning    = "Running"
	nodeStopping   = "Stopping"
	nodeTerminated = "Terminated"
)

// clockSkew is how far the cloud's clock may be from ours when matching
// node creation times to a journaled attempt.
const clockSkew = time.Minute

// ScaleOutInput adds nodes to a node group.
type ScaleOutInput struct {
	ClusterID       string `json:"clusterId"`
	NodeGroupID     string `json:"nodeGroupId"`
	Count           int    `json:"count"`
	MinCount        int    `json:"minCount,omitempty"`
	PaymentDuration int    `json:"paymentDuration,omitempty"`
	PaymentUnit     string `json:"paymentUnit,omitempty"`
	AutoRenew       *bool  `json:"autoRenew,omitempty"`
}

// ScaleResult is what a scaling command did.
type ScaleResult struct {
	ClusterID    string     `json:"clusterId"`
	NodeGroupID  string     `json:"nodeGroupId"`
	OperationIDs []string   `json:"operationIds,omitempty"`
	NodeIDs      []string   `json:"nodeIds,omitempty"`
	Skipped      []string   `json:"skipped,omitempty"`
	Batches      [][]string `json:"batches,omitempty"`
	JournalIDs   []int64    `json:"journalIds"`
	Notes        []string   `json:"notes,omitempty"`
}

// groupState is what the policy needs to know about a node group.
type groupState struct {
	group        *provider.NodeGroup
	nodes        []provider.Node // every node of the group, any state
	live         int             // not stopping or terminated
	clusterNodes int             // live nodes of the whole cluster
}

func (e *Engine) readGroup(ctx context.Context, clusterID, groupID string) (*groupState, error) {
	if err := checkInput(validate.ID(validate.ClusterID, "cluster ID", clusterID), validate.ID(validate.NodeGroupID, "node group ID", groupID)); err != nil {
		return nil, err
	}
	p, err := e.aliyun("scaling node groups")
	if err != nil {
		return nil, err
	}
	g, err := read(ctx, e, func(ctx context.Context) (*provider.NodeGroup, error) { return p.GetNodeGroup(ctx, clusterID, groupID) })
	if err != nil {
		return nil, err
	}
	all, err := read(ctx, e, func(ctx context.Context) ([]provider.Node, error) {
		return p.AllNodes(ctx, clusterID, provider.NodeFilter{})
	})
	if err != nil {
		return nil, err
	}
	st := &groupState{group: g}
	for _, n := range all {
		live := n.State != nodeStopping && n.State != nodeTerminated
		if live {
			st.clusterNodes++
		}
		if n.NodeGroupID == groupID {
			st.nodes = append(st.nodes, n)
			if live {
				st.live++
			}
		}
	}
	return st, nil
}

// ScaleOut adds nodes to a node group. IncreaseNodes has no ClientToken:
// after an unknown outcome the engine looks at the group's nodes before
// sending anything again.
func (e *Engine) ScaleOut(ctx context.Context, call Call, in ScaleOutInput) (*ScaleResult, error) {
	if in.Count < 1 {
		return nil, inputError("count", fmt.Sprintf("must be at least 1, got %d", in.Count), "pass --count N")
	}
	st, err := e.readGroup(ctx, in.ClusterID, in.NodeGroupID)
	if err != nil {
		return nil, err
	}
	p, _ := e.aliyun("scaling node groups")
	months := in.PaymentDuration
	if in.PaymentUnit == "Year" {
		months *= 12
	}
	op := policy.IncreaseNodes{
		ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, Role: st.group.Role, Count: in.Count, MinCount: in.MinCount,
		GroupNodes: st.live, ClusterNodes: st.clusterNodes, SubscriptionMonths: months,
	}
	if st.group.PaymentType == "Subscription" && in.PaymentDuration == 0 {
		return nil, inputError("payment-duration", "node group "+in.NodeGroupID+" is billed by Subscription: new nodes need a term", "pass --payment-duration N (months)")
	}
	w := write{
		op: op, operation: "IncreaseNodes", target: in.ClusterID + "/" + in.NodeGroupID, tokenKind: journal.TokenNone,
		request: in, observed: observedNodes(st),
		reconcile: func(ctx context.Context, prev *journal.Entry) (*provider.WriteResult, bool, error) {
			return e.reconcileIncrease(ctx, in, prev)
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			opID, rid, err := p.IncreaseNodes(ctx, in.ClusterID, in.NodeGroupID, provider.IncreaseInput{
				Count: in.Count, MinCount: in.MinCount, PaymentDuration: in.PaymentDuration, PaymentUnit: in.PaymentUnit, AutoRenew: in.AutoRenew,
			})
			if err != nil {
				return nil, err
			}
			return &provider.WriteResult{IDs: []string{opID}, OperationID: opID, RequestID: rid}, nil
		},
	}
	out, err := e.guarded(ctx, call, w)
	if err != nil {
		return nil, err
	}
	res := &ScaleResult{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, JournalIDs: []int64{out.JournalID}, OperationIDs: out.Result.IDs}
	if out.Note != "" {
		res.Notes = append(res.Notes, out.Note)
	}
	return res, nil
}

// observation is the group's state journaled before IncreaseNodes.
type observation struct {
	NodeIDs []string `json:"nodeIds"`
}

func observedNodes(st *groupState) observation {
	o := observation{NodeIDs: []string{}}
	for _, n := range st.nodes {
		o.NodeIDs = append(o.NodeIDs, n.ID)
	}
	return o
}

// reconcileIncrease decides whether an earlier IncreaseNodes with an
// unknown outcome was applied: nodes of the group that were not there when
// it was journaled mean it was. Without a journaled observation it falls
// back to node creation times (allowing for clock skew).
func (e *Engine) reconcileIncrease(ctx context.Context, in ScaleOutInput, prev *journal.Entry) (*provider.WriteResult, bool, error) {
	st, err := e.readGroup(ctx, in.ClusterID, in.NodeGroupID)
	if err != nil {
		return nil, false, err
	}
	var before observation
	known := len(prev.Observed) > 0 && json.Unmarshal(prev.Observed, &before) == nil
	var created []string
	for _, n := range st.nodes {
		if known && !slices.Contains(before.NodeIDs, n.ID) || !known && !n.CreateTime.Before(prev.Time.Add(-clockSkew)) {
			created = append(created, n.ID)
		}
	}
	least := in.Count
	if in.MinCount > 0 {
		least = in.MinCount
	}
	if len(created) >= least || (len(created) > 0 && st.group.State == "INCREASING") {
		return &provider.WriteResult{IDs: created}, true, nil
	}
	return nil, false, nil
}

// ScaleInInput releases nodes of a TASK node group.
type ScaleInInput struct {
	ClusterID   string   `json:"clusterId"`
	NodeGroupID string   `json:"nodeGroupId"`
	NodeIDs     []string `json:"nodeIds,omitempty"`
	// Count releases this many nodes, chosen by the engine (newest first);
	// the choice is journaled so a re-run releases the same nodes.
	Count         int           `json:"count,omitempty"`
	BatchSize     int           `json:"batchSize"`
	BatchInterval time.Duration `json:"batchInterval"`
	AckZero       bool          `json:"ackZero,omitempty"`
	// Progress receives a line per batch (stderr in the CLI).
	Progress func(string) `json:"-"`
}

// ScaleIn releases nodes in batches of at most BatchSize, BatchInterval
// apart, each batch journaled. Released nodes are skipped, so an
// interrupted scale-in can be run again and never releases a node twice.
func (e *Engine) ScaleIn(ctx context.Context, call Call, in ScaleInInput) (*ScaleResult, error) {
	lim := e.opts.Policy.LimitsFor(call.Actor)
	if in.BatchSize == 0 {
		in.BatchSize = lim.DecreaseMaxPerCall
	}
	if in.BatchInterval == 0 {
		in.BatchInterval = lim.DecreaseMinInterval
	}
	if (len(in.NodeIDs) == 0) == (in.Count == 0) {
		return nil, inputError("nodes", "give either node IDs or a count", "pass --nodes i-...,i-... (recommended: take them from 'emrctl node list') or --count N")
	}
	for i, id := range in.NodeIDs {
		if err := checkInput(validate.ID(validate.NodeID, fmt.Sprintf("nodes[%d]", i), id)); err != nil {
			return nil, err
		}
	}
	st, err := e.readGroup(ctx, in.ClusterID, in.NodeGroupID)
	if err != nil {
		return nil, err
	}
	res := &ScaleResult{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID}
	wanted, planned := in.NodeIDs, false
	if in.Count > 0 {
		if prev, id := e.previousPlan(ctx, call, in); prev != nil {
			wanted, planned = prev, true
			res.Notes = append(res.Notes, "resuming the scale-in planned in journal entry "+itoa(id))
		} else if wanted, err = chooseByCount(in, st); err != nil {
			return nil, err
		}
	}
	remaining, skipped := liveOnly(wanted, st.nodes)
	res.NodeIDs, res.Skipped = wanted, skipped
	if len(remaining) == 0 {
		res.Notes = append(res.Notes, "every requested node is already stopping or released; nothing was sent")
		return res, nil
	}
	op := decreaseOp(in, st, remaining)
	if err := e.authorize(ctx, call, op, in); err != nil {
		return nil, err
	}
	if in.Count > 0 && !planned {
		if err := e.recordPlan(ctx, call, in, wanted, res); err != nil {
			return nil, err
		}
	}
	res.Batches = batches(remaining, in.BatchSize)
	if err := e.sinceLastRelease(ctx, in); err != nil {
		return res, err
	}
	for i, b := range res.Batches {
		if i > 0 {
			if err := e.betweenBatches(ctx, in, i); err != nil {
				return res, err
			}
		}
		if err := e.releaseBatch(ctx, call, in, b, res); err != nil {
			return res, err
		}
		if in.Progress != nil {
			in.Progress(fmt.Sprintf("batch %d/%d: released %s", i+1, len(res.Batches), strings.Join(b, ",")))
		}
	}
	return res, nil
}

func decreaseOp(in ScaleInInput, st *groupState, ids []string) policy.DecreaseNodes {
	op := policy.DecreaseNodes{
		ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, Role: st.group.Role, GroupPaymentType: st.group.PaymentType,
		NodeIDs: ids, GroupNodes: st.live, BatchSize: in.BatchSize, BatchInterval: in.BatchInterval,
		AckZero: in.AckZero, ByCount: in.Count > 0,
	}
	for _, n := range st.nodes {
		op.VerifiedNodeIDs = append(op.VerifiedNodeIDs, n.ID)
		if n.PaymentType == "Subscription" {
			op.SubscriptionNodeIDs = append(op.SubscriptionNodeIDs, n.ID)
		}
	}
	return op
}

// planIntent is the journal intent that records a scale-in's choice of
// nodes when the user gave a count.
func (e *Engine) planIntent(call Call, in ScaleInInput) journal.Intent {
	return journal.Intent{
		Actor: call.Actor.Name, ActorKind: string(call.Actor.Kind), Client: call.Actor.Client,
		Profile: e.opts.Profile, Provider: e.opts.Provider, Region: e.opts.Region,
		Operation: "DecreaseNodesPlan", Target: in.ClusterID + "/" + in.NodeGroupID,
		Params: map[string]any{"count": in.Count}, TokenKind: journal.TokenNone, IdempotencyKey: call.IdempotencyKey, Now: e.opts.Now(),
	}
}

// previousPlan returns the nodes an identical scale-in by count chose
// within the journal window, so an interrupted scale-in never picks
// further nodes when it is run again.
func (e *Engine) previousPlan(ctx context.Context, call Call, in ScaleInInput) ([]string, int64) {
	hash, err := e.opts.Journal.IntentHash(e.planIntent(call, in))
	if err != nil {
		return nil, 0
	}
	prev, err := e.opts.Journal.LatestForIntent(ctx, hash)
	if err != nil || prev.Status != journal.StatusSucceeded || e.opts.Now().Sub(prev.Time) > journal.DefaultWindow {
		return nil, 0
	}
	return prev.ResultIDs, prev.ID
}

// chooseByCount picks the newest live nodes of the group.
func chooseByCount(in ScaleInInput, st *groupState) ([]string, error) {
	var live []provider.Node
	for _, n := range st.nodes {
		if n.State != nodeStopping && n.State != nodeTerminated {
			live = append(live, n)
		}
	}
	sort.SliceStable(live, func(i, j int) bool {
		if !live[i].CreateTime.Equal(live[j].CreateTime) {
			return live[i].CreateTime.After(live[j].CreateTime)
		}
		return live[i].ID > live[j].ID
	})
	if in.Count > len(live) {
		return nil, inputError("count", fmt.Sprintf("the group has %d live nodes, %d requested", len(live), in.Count), "lower --count")
	}
	ids := make([]string, in.Count)
	for i := range ids {
		ids[i] = live[i].ID
	}
	return ids, nil
}

// recordPlan journals the nodes chosen by count, once authorized.
func (e *Engine) recordPlan(ctx context.Context, call Call, in ScaleInInput, ids []string, res *ScaleResult) error {
	a, err := e.opts.Journal.Begin(ctx, e.planIntent(call, in))
	if err != nil {
		return err
	}
	e.finish(ctx, a.ID, journal.Outcome{Status: journal.StatusSucceeded, ResultIDs: ids, Detail: "scale-in plan: newest nodes first"})
	res.JournalIDs = append(res.JournalIDs, a.ID)
	return nil
}

// liveOnly splits ids into those still live and those already stopping or
// released (skipped). Unknown IDs stay in the live list: the policy
// refuses them by name.
func liveOnly(ids []string, nodes []provider.Node) (live, skipped []string) {
	state := map[string]string{}
	for _, n := range nodes {
		state[n.ID] = n.State
	}
	for _, id := range ids {
		if s := state[id]; s == nodeStopping || s == nodeTerminated {
			skipped = append(skipped, id)
		} else {
			live = append(live, id)
		}
	}
	return live, skipped
}

func batches(ids []string, size int) [][]string {
	var out [][]string
	for start := 0; start < len(ids); start += size {
		out = append(out, ids[start:min(start+size, len(ids))])
	}
	return out
}

// betweenBatches waits the batch interval and for the node group to leave
// DECREASING (another scaling call meanwhile is ConcurrentModification).
func (e *Engine) betweenBatches(ctx context.Context, in ScaleInInput, next int) error {
	if in.Progress != nil {
		in.Progress(fmt.Sprintf("waiting %s before batch %d", in.BatchInterval, next+1))
	}
	t := time.NewTimer(e.scaled(in.BatchInterval))
	select {
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	case <-t.C:
	}
	return e.waitGroupIdle(ctx, in.ClusterID, in.NodeGroupID)
}

// sinceLastRelease keeps the batch interval across commands too: a
// scale-in split into several calls waits out the rest of the interval
// since the group's last release recorded in the journal.
func (e *Engine) sinceLastRelease(ctx context.Context, in ScaleInInput) error {
	last, err := e.opts.Journal.List(ctx, journal.Filter{Operation: "DecreaseNodes", Target: in.ClusterID + "/" + in.NodeGroupID, Status: string(journal.StatusSucceeded), Limit: 1})
	if err != nil || len(last) == 0 {
		return err
	}
	at := last[0].Time
	if last[0].FinishedAt != nil {
		at = *last[0].FinishedAt
	}
	wait := e.scaled(in.BatchInterval) - e.opts.Now().Sub(at)
	if wait <= 0 {
		return nil
	}
	if in.Progress != nil {
		in.Progress(fmt.Sprintf("the last release of %s was %s ago; waiting %s (batches are at least %s apart)", in.NodeGroupID, e.opts.Now().Sub(at).Round(time.Second), wait.Round(time.Second), in.BatchInterval))
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	return e.waitGroupIdle(ctx, in.ClusterID, in.NodeGroupID)
}

// waitGroupIdle polls a node group until it is RUNNING.
func (e *Engine) waitGroupIdle(ctx context.Context, clusterID, groupID string) error {
	p, err := e.aliyun("scaling node groups")
	if err != nil {
		return err
	}
	_, err = provider.Wait(ctx, provider.WaitSpec{
		What: "node group " + groupID, Target: []string{StateRunning},
		Pending: []string{"INCREASING", "DECREASING", "CREATING", "RESIZING"}, Interval: e.pollInterval(), Timeout: e.opts.Timeouts.Wait,
	}, func(ctx context.Context) (provider.Observation, error) {
		g, err := read(ctx, e, func(ctx context.Context) (*provider.NodeGroup, error) { return p.GetNodeGroup(ctx, clusterID, groupID) })
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: g.State, Reason: g.StateReason}, nil
	})
	return err
}

// releaseBatch sends one DecreaseNodes call for at most BatchSize nodes.
func (e *Engine) releaseBatch(ctx context.Context, call Call, in ScaleInInput, ids []string, res *ScaleResult) error {
	p, _ := e.aliyun("scaling node groups")
	w := write{
		op: nil, operation: "DecreaseNodes", target: in.ClusterID + "/" + in.NodeGroupID, tokenKind: journal.TokenNone,
		request: map[string]any{"clusterId": in.ClusterID, "nodeGroupId": in.NodeGroupID, "nodeIds": ids},
		reconcile: func(ctx context.Context, prev *journal.Entry) (*provider.WriteResult, bool, error) {
			st, err := e.readGroup(ctx, in.ClusterID, in.NodeGroupID)
			if err != nil {
				return nil, false, err
			}
			live, gone := liveOnly(ids, st.nodes)
			if len(live) == 0 {
				return &provider.WriteResult{IDs: gone}, true, nil
			}
			return nil, false, nil
		},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			opID, rid, err := p.DecreaseNodes(ctx, in.ClusterID, in.NodeGroupID, ids)
			if err != nil {
				return nil, err
			}
			return &provider.WriteResult{IDs: append([]string{opID}, ids...), OperationID: opID, RequestID: rid}, nil
		},
	}
	out, err := e.journaled(ctx, call, w)
	if err != nil {
		return err
	}
	res.JournalIDs = append(res.JournalIDs, out.JournalID)
	if out.Result.OperationID != "" {
		res.OperationIDs = append(res.OperationIDs, out.Result.OperationID)
	}
	if out.Note != "" && !slices.Contains(res.Notes, out.Note) {
		res.Notes = append(res.Notes, out.Note)
	}
	return nil
}

// WaitNodeGroup waits until a node group is RUNNING again after a resize.
func (e *Engine) WaitNodeGroup(ctx context.Context, clusterID, groupID string) error {
	if err := checkInput(validate.ID(validate.ClusterID, "cluster ID", clusterID), validate.ID(validate.NodeGroupID, "node group ID", groupID)); err != nil {
		return err
	}
	return e.waitGroupIdle(ctx, clusterID, groupID)
}
