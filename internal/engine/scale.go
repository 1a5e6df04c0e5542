package engine

import (
	"context"
	"encoding/json"
	"errors"
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

// Journal operations of scaling.
const (
	opIncreaseNodes   = "IncreaseNodes"
	opDecreaseNodes   = "DecreaseNodes"
	opScaleInPlan     = "DecreaseNodesPlan"
	opCreateNodeGroup = "CreateNodeGroup"
)

// clockSkew is how far the cloud's clock may be from ours when node
// creation times are matched to a journaled attempt.
const clockSkew = time.Minute

// groupTarget is the journal target and lock of a node group.
func groupTarget(clusterID, groupID string) string { return clusterID + "/" + groupID }

// splitTarget returns the cluster and node group of a group target.
func splitTarget(target string) (clusterID, groupID string) {
	clusterID, groupID, _ = strings.Cut(target, "/")
	return clusterID, groupID
}

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
	// From and To are the group's requested sizes before and after, where
	// the cloud tracks one (resize).
	From    int      `json:"from,omitempty"`
	To      int      `json:"to,omitempty"`
	Outcome *Outcome `json:"outcome"`
	Notes   []string `json:"notes,omitempty"`
}

func (r *ScaleResult) outcome() *Outcome { return r.Outcome }

// markScale marks a scale result recorded by another call.
func markScale(r *ScaleResult, status, note string) *ScaleResult {
	if r.Outcome == nil {
		r.Outcome = &Outcome{}
	}
	r.Outcome.Status, r.Outcome.Note = status, note
	r.Notes = append(r.Notes, note)
	return r
}

// note adds what an outcome said to the result's notes.
func (r *ScaleResult) note(out *Outcome) {
	if out != nil && out.Note != "" && !slices.Contains(r.Notes, out.Note) {
		r.Notes = append(r.Notes, out.Note)
	}
}

// groupState is what the policy and the reconciliations need to know
// about a node group.
type groupState struct {
	group        *provider.NodeGroup
	nodes        []provider.Node // every node of the group, any state
	live         int             // not being released, not gone
	clusterNodes int             // live nodes of the whole cluster
	busy         bool            // resizing: another resize is refused
}

// size is the group's requested size: what the cloud tracks, else its
// live nodes.
func (st *groupState) size() int {
	if st.group.DesiredNodes > 0 {
		return st.group.DesiredNodes
	}
	return st.live
}

func (e *Engine) readGroup(ctx context.Context, clusterID, groupID string) (*groupState, error) {
	if err := e.checkGroup(clusterID, groupID); err != nil {
		return nil, err
	}
	g, err := read(ctx, e, func(ctx context.Context) (*provider.NodeGroup, error) {
		return e.opts.Provider.GetNodeGroup(ctx, clusterID, groupID)
	})
	if err != nil {
		return nil, err
	}
	all, err := e.allNodes(ctx, clusterID, provider.NodeFilter{})
	if err != nil {
		return nil, err
	}
	st := &groupState{group: g, busy: slices.Contains(e.Traits().NodeGroupBusy, g.State)}
	for _, n := range all {
		if n.Live() {
			st.clusterNodes++
		}
		if n.NodeGroupID == groupID {
			st.nodes = append(st.nodes, n)
			if n.Live() {
				st.live++
			}
		}
	}
	return st, nil
}

// scaleObservation is a group's state journaled with a scaling write (as
// observed before it) and with a lost response (as read right after): what
// reconciliation compares. Count and MinCount are the request's, in the
// same words on every cloud.
type scaleObservation struct {
	Count    int      `json:"count,omitempty"`
	MinCount int      `json:"minCount,omitempty"`
	NodeIDs  []string `json:"nodeIds"`
	Desired  int      `json:"desired,omitempty"`
	Busy     bool     `json:"busy,omitempty"`
}

func observe(st *groupState) scaleObservation {
	o := scaleObservation{NodeIDs: []string{}, Desired: st.group.DesiredNodes, Busy: st.busy}
	for _, n := range st.nodes {
		o.NodeIDs = append(o.NodeIDs, n.ID)
	}
	return o
}

// ScaleOut adds nodes to a node group. Repeating it adds more: it is sent
// again when run again. The cloud's call has no token: after an unknown
// outcome the engine reconciles from the group's state before sending.
func (e *Engine) ScaleOut(ctx context.Context, call Call, in ScaleOutInput) (*ScaleResult, error) {
	if in.Count < 1 {
		return nil, inputError("count", fmt.Sprintf("must be at least 1, got %d", in.Count), "pass --count N")
	}
	if err := e.checkGroup(in.ClusterID, in.NodeGroupID); err != nil {
		return nil, err
	}
	if _, err := capability[provider.NodeScaler](e, "scaling node groups"); err != nil {
		return nil, err
	}
	return run(ctx, e, call, job[*ScaleResult]{
		operation: opIncreaseNodes, target: groupTarget(in.ClusterID, in.NodeGroupID), input: in, mark: markScale,
		do: func(ctx context.Context, f *flight) (*ScaleResult, error) {
			st, err := e.readGroup(ctx, in.ClusterID, in.NodeGroupID)
			if err != nil {
				return nil, err
			}
			res := &ScaleResult{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, JournalIDs: []int64{}, From: st.size()}
			out, err := e.increase(ctx, f, st, in, true)
			if err != nil {
				return nil, err
			}
			res.Outcome, res.To = out, st.size()+in.Count
			res.JournalIDs = append(res.JournalIDs, out.JournalID)
			switch {
			case out.Result == nil:
			case out.Status == StatusReconciled:
				res.NodeIDs = out.Result.IDs // the nodes the lost attempt added
			case out.Result.OperationID != "":
				res.OperationIDs = []string{out.Result.OperationID}
			}
			res.note(out)
			return res, nil
		},
	})
}

// increase adds in.Count nodes to the group st describes, within flight f;
// authorize says whether it is asked of the policy and the person here.
func (e *Engine) increase(ctx context.Context, f *flight, st *groupState, in ScaleOutInput, authorize bool) (*Outcome, error) {
	p, err := capability[provider.NodeScaler](e, "scaling node groups")
	if err != nil {
		return nil, err
	}
	if st.group.Fleet {
		return nil, inputError("nodeGroupId", in.NodeGroupID+" is an instance fleet: it scales by target capacity, not by nodes", "change the fleet's target capacity in the console, or use an instance group")
	}
	if st.group.PaymentType == "Subscription" && in.PaymentDuration == 0 {
		return nil, inputError("payment-duration", "node group "+in.NodeGroupID+" is billed by Subscription: new nodes need a term", "pass --payment-duration N (months)")
	}
	if st.group.PaymentType != "Subscription" && (in.PaymentDuration != 0 || in.PaymentUnit != "") {
		return nil, inputError("payment-duration", "node group "+in.NodeGroupID+" is not billed by Subscription: a term does not apply", "leave out --payment-duration and --payment-unit")
	}
	months := in.PaymentDuration
	if in.PaymentUnit == "Year" {
		months *= 12
	}
	pin := provider.IncreaseInput{Count: in.Count, MinCount: in.MinCount, PaymentDuration: in.PaymentDuration, PaymentUnit: in.PaymentUnit, AutoRenew: in.AutoRenew, From: st.size()}
	obs := observe(st)
	obs.Count, obs.MinCount = in.Count, in.MinCount
	w := write{
		operation: opIncreaseNodes, target: groupTarget(in.ClusterID, in.NodeGroupID), tokenKind: journal.TokenNone,
		request:  p.IncreaseRequest(in.ClusterID, in.NodeGroupID, pin),
		identity: map[string]any{"count": in.Count, "minCount": in.MinCount, "paymentDuration": in.PaymentDuration, "paymentUnit": in.PaymentUnit},
		observed: obs,
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			return p.IncreaseNodes(ctx, in.ClusterID, in.NodeGroupID, pin)
		},
		evidence: e.groupEvidence(in.ClusterID, in.NodeGroupID),
	}
	if authorize {
		w.op = policy.IncreaseNodes{
			ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, Role: st.group.Role, Count: in.Count, MinCount: in.MinCount,
			GroupNodes: st.live, ClusterNodes: st.clusterNodes, SubscriptionMonths: months,
		}
	}
	return f.apply(ctx, w)
}

// groupEvidence reads a group right after a lost response.
func (e *Engine) groupEvidence(clusterID, groupID string) func(ctx context.Context) (any, error) {
	return func(ctx context.Context) (any, error) {
		st, err := e.readGroup(ctx, clusterID, groupID)
		if err != nil {
			return nil, err
		}
		return observe(st), nil
	}
}

// ScaleInInput releases nodes of a TASK node group.
type ScaleInInput struct {
	ClusterID   string   `json:"clusterId"`
	NodeGroupID string   `json:"nodeGroupId"`
	NodeIDs     []string `json:"nodeIds,omitempty"`
	// Count releases this many nodes, chosen by the engine (newest first);
	// the choice is journaled so a re-run after an interruption releases
	// the same nodes.
	Count         int           `json:"count,omitempty"`
	BatchSize     int           `json:"batchSize,omitempty"`
	BatchInterval time.Duration `json:"-"`
	AckZero       bool          `json:"ackZero,omitempty"`
	// Progress receives a line per batch (stderr in the CLI).
	Progress func(string) `json:"-"`
}

// ScaleIn releases nodes in batches of at most BatchSize, BatchInterval
// apart (also across separate commands), each batch journaled. Released
// nodes are skipped, so an interrupted scale-in can be run again and never
// releases a node twice. The same code serves every cloud.
func (e *Engine) ScaleIn(ctx context.Context, call Call, in ScaleInInput) (*ScaleResult, error) {
	if (len(in.NodeIDs) == 0) == (in.Count == 0) {
		return nil, inputError("nodes", "give either node IDs or a count", "pass --nodes i-...,i-... (recommended: take them from 'emrctl node list') or --count N")
	}
	if in.Count < 0 {
		return nil, inputError("count", fmt.Sprintf("must be at least 1, got %d", in.Count), "pass --count N")
	}
	errs := []error{e.checkGroup(in.ClusterID, in.NodeGroupID)}
	for i, id := range in.NodeIDs {
		errs = append(errs, checkInput(e.nodeID(fmt.Sprintf("nodes[%d]", i), id)))
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if _, err := capability[provider.NodeScaler](e, "scaling node groups"); err != nil {
		return nil, err
	}
	in.NodeIDs = dedupeStrings(in.NodeIDs)
	return run(ctx, e, call, job[*ScaleResult]{
		operation: "ScaleIn", target: groupTarget(in.ClusterID, in.NodeGroupID), input: in, mark: markScale,
		do: func(ctx context.Context, f *flight) (*ScaleResult, error) {
			st, err := e.readGroup(ctx, in.ClusterID, in.NodeGroupID)
			if err != nil {
				return nil, err
			}
			res := &ScaleResult{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, JournalIDs: []int64{}, From: st.size()}
			if err := e.release(ctx, f, st, in, res); err != nil {
				return res, err
			}
			return res, nil
		},
	})
}

// release runs a scale-in within flight f: it plans the nodes, asks the
// policy and the person once, and sends the batches.
func (e *Engine) release(ctx context.Context, f *flight, st *groupState, in ScaleInInput, res *ScaleResult) error {
	p, err := capability[provider.NodeScaler](e, "scaling node groups")
	if err != nil {
		return err
	}
	if st.group.Fleet {
		return inputError("nodeGroupId", in.NodeGroupID+" is an instance fleet: it scales by target capacity, not by nodes", "change the fleet's target capacity in the console, or use an instance group")
	}
	lim := e.opts.Policy.LimitsFor(f.call.Actor)
	if in.BatchSize <= 0 {
		in.BatchSize = lim.DecreaseMaxPerCall
	}
	if in.BatchInterval <= 0 {
		in.BatchInterval = lim.DecreaseMinInterval
	}
	wanted := in.NodeIDs
	var plan *journal.Entry
	if in.Count > 0 {
		if plan = e.openPlan(ctx, f, in); plan != nil {
			wanted = planNodes(plan)
			res.Notes = append(res.Notes, fmt.Sprintf("resuming the scale-in planned in journal entry %d (%s)", plan.ID, plan.Time.Local().Format(time.RFC3339)))
		} else if wanted, err = chooseByCount(in, st); err != nil {
			return err
		}
	}
	remaining, skipped := liveOnly(wanted, st.nodes)
	res.NodeIDs, res.Skipped = wanted, skipped
	res.Outcome = &Outcome{Status: StatusSent}
	if len(remaining) == 0 {
		res.Outcome = &Outcome{Status: StatusUnchanged, Note: "every requested node is already being released or gone; nothing was sent"}
		res.note(res.Outcome)
		e.settlePlan(ctx, f, plan, nil, "every node of the plan was released")
		return nil
	}
	res.Batches = batches(remaining, in.BatchSize)
	from := st.size()
	var shown []any
	for _, b := range res.Batches {
		shown = append(shown, p.DecreaseRequest(in.ClusterID, in.NodeGroupID, provider.DecreaseInput{NodeIDs: b, From: from}))
		from -= len(b)
	}
	// The person sees the exact requests; the interval between them is in
	// the summary's impact, not dressed up as part of a request.
	if err := f.authorize(ctx, e.decreaseOp(in, st, remaining), map[string]any{"requests": shown}); err != nil {
		return err
	}
	current, err := e.beginPlan(ctx, f, in, wanted, plan)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			e.interruptPlan(ctx, f, current)
		}
	}()
	if err := e.sinceLastRelease(ctx, f, in); err != nil {
		return err
	}
	from = st.size()
	for i, b := range res.Batches {
		stopped := func(err error) error { return stoppedScaleIn(ctx, in, res, current, i, err) }
		if i > 0 {
			if err := e.betweenBatches(ctx, in, i); err != nil {
				return stopped(err)
			}
		}
		out, err := e.releaseBatch(ctx, f, p, in, b, from)
		if err != nil {
			return stopped(err)
		}
		from -= len(b)
		res.JournalIDs = append(res.JournalIDs, out.JournalID)
		if out.Result != nil && out.Result.OperationID != "" {
			res.OperationIDs = append(res.OperationIDs, out.Result.OperationID)
		}
		res.note(out)
		if in.Progress != nil {
			in.Progress(fmt.Sprintf("batch %d/%d: released %s", i+1, len(res.Batches), strings.Join(b, ",")))
		}
	}
	res.To = st.size() - len(remaining)
	done = true
	e.settlePlan(ctx, f, current, res, "")
	e.settlePlan(ctx, f, plan, res, fmt.Sprintf("resumed and completed by journal entry %d", entryID(current)))
	return nil
}

// ScaleInStoppedError is a scale-in that stopped after some of its
// batches were released: it says what was done and how to go on.
type ScaleInStoppedError struct {
	NodeGroupID string
	// Released are the batches sent, with their journal entries.
	Released   [][]string
	JournalIDs []int64
	// Remaining are the nodes not released (including a batch whose
	// outcome is unknown).
	Remaining []string
	// Plan is the journal entry of a scale-in by count; 0 when by IDs.
	Plan int64
	Err  error
}

func (e *ScaleInStoppedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "The scale-in of %s stopped part way: %v. Done: ", validate.Render(e.NodeGroupID), e.Err)
	for i, batch := range e.Released {
		fmt.Fprintf(&b, "batch %d released %s (journal entry %d); ", i+1, strings.Join(batch, ", "), e.JournalIDs[i])
	}
	fmt.Fprintf(&b, "not released: %s. To resume, run the same scale-in again", strings.Join(e.Remaining, ", "))
	if e.Plan != 0 {
		fmt.Fprintf(&b, ": it takes up the plan in journal entry %d and releases only its remaining nodes", e.Plan)
	} else {
		b.WriteString(" with the same node IDs: released ones are skipped and the rest go out in batches at the interval")
	}
	return b.String()
}

func (e *ScaleInStoppedError) Unwrap() error { return e.Err }

// stoppedScaleIn explains an error at batch i: once a batch went out, the
// caller must learn what was released and how to resume.
func stoppedScaleIn(ctx context.Context, in ScaleInInput, res *ScaleResult, plan *journal.Entry, i int, err error) error {
	if i == 0 {
		return err
	}
	if cause := context.Cause(ctx); cause != nil && errors.Is(err, ctx.Err()) {
		err = cause // the reason the call was stopped, such as its deadline
	}
	var rest []string
	for _, b := range res.Batches[i:] {
		rest = append(rest, b...)
	}
	return &ScaleInStoppedError{NodeGroupID: in.NodeGroupID, Released: res.Batches[:i], JournalIDs: res.JournalIDs[:i],
		Remaining: rest, Plan: entryID(plan), Err: err}
}

func entryID(e *journal.Entry) int64 {
	if e == nil {
		return 0
	}
	return e.ID
}

func (e *Engine) decreaseOp(in ScaleInInput, st *groupState, ids []string) policy.DecreaseNodes {
	op := policy.DecreaseNodes{
		ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, Role: st.group.Role, GroupPaymentType: st.group.PaymentType,
		NodeIDs: ids, GroupNodes: st.live, BatchSize: in.BatchSize, BatchInterval: in.BatchInterval,
		AckZero: in.AckZero, ByCount: in.Count > 0,
	}
	if wall := e.scaled(in.BatchInterval); wall != in.BatchInterval {
		op.WallInterval = wall
	}
	for _, n := range st.nodes {
		op.VerifiedNodeIDs = append(op.VerifiedNodeIDs, n.ID)
		if n.PaymentType == "Subscription" {
			op.SubscriptionNodeIDs = append(op.SubscriptionNodeIDs, n.ID)
		}
	}
	return op
}

// planIdentity identifies a scale-in by count for resuming it.
func planIdentity(in ScaleInInput) map[string]any {
	return map[string]any{"clusterId": in.ClusterID, "nodeGroupId": in.NodeGroupID, "count": in.Count}
}

// openPlan returns the plan of an identical scale-in by count that was
// interrupted (its outcome open), so that running it again releases the
// same nodes and never picks further ones.
func (e *Engine) openPlan(ctx context.Context, f *flight, in ScaleInInput) *journal.Entry {
	hash, err := e.opts.Journal.IntentHash(e.intent(f.call, opScaleInPlan, groupTarget(in.ClusterID, in.NodeGroupID), planIdentity(in)))
	if err != nil {
		return nil
	}
	open, err := e.opts.Journal.OpenOn(ctx, e.opts.Scope, groupTarget(in.ClusterID, in.NodeGroupID))
	if err != nil {
		return nil
	}
	for i := len(open) - 1; i >= 0; i-- {
		if p := open[i]; p.Operation == opScaleInPlan && p.IntentHash == hash && p.Status == journal.StatusUnknown {
			return &p
		}
	}
	return nil
}

func planNodes(plan *journal.Entry) []string {
	var o scaleObservation
	_ = json.Unmarshal(plan.Observed, &o)
	return o.NodeIDs
}

// beginPlan journals the nodes a scale-in by count chose, open until every
// batch is sent: a crash leaves it open for the next run to resume.
func (e *Engine) beginPlan(ctx context.Context, f *flight, in ScaleInInput, ids []string, resumed *journal.Entry) (*journal.Entry, error) {
	if in.Count == 0 {
		return nil, nil
	}
	intent := e.intent(f.call, opScaleInPlan, groupTarget(in.ClusterID, in.NodeGroupID), planIdentity(in))
	intent.Observed = scaleObservation{NodeIDs: ids}
	intent.Owner, intent.Lease, intent.IdempotencyKey = f.owner, e.opts.Lease, f.call.IdempotencyKey
	a, err := e.opts.Journal.Begin(ctx, intent)
	if err != nil {
		return nil, err
	}
	_ = resumed
	return &a.Entry, nil
}

// settlePlan records a plan as carried out.
func (e *Engine) settlePlan(ctx context.Context, f *flight, plan *journal.Entry, res *ScaleResult, detail string) {
	if plan == nil {
		return
	}
	out := journal.Outcome{Status: journal.StatusSucceeded, Detail: orText(detail, "every batch was sent")}
	if res != nil {
		out.ResultIDs = res.NodeIDs
	}
	if err := f.finish(ctx, plan.ID, out); err != nil {
		e.warn(err.Error())
	}
}

// interruptPlan records a plan whose batches stopped part way: the next
// identical scale-in resumes it.
func (e *Engine) interruptPlan(ctx context.Context, f *flight, plan *journal.Entry) {
	if plan == nil {
		return
	}
	if err := f.finish(ctx, plan.ID, journal.Outcome{Status: journal.StatusUnknown, ErrorCode: "Interrupted",
		ErrorMessage: "the scale-in stopped before every batch was sent; running it again resumes it"}); err != nil {
		e.warn(err.Error())
	}
}

// chooseByCount picks the newest live nodes of the group.
func chooseByCount(in ScaleInInput, st *groupState) ([]string, error) {
	var live []provider.Node
	for _, n := range st.nodes {
		if n.Live() {
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

// liveOnly splits ids into those still live and those already being
// released or gone (skipped). Unknown IDs stay in the live list: the
// policy refuses them by name.
func liveOnly(ids []string, nodes []provider.Node) (live, skipped []string) {
	byID := map[string]provider.Node{}
	for _, n := range nodes {
		byID[n.ID] = n
	}
	for _, id := range ids {
		if n, ok := byID[id]; ok && !n.Live() {
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

// betweenBatches waits the batch interval and for the node group to be
// idle (another scaling call meanwhile is ConcurrentModification).
func (e *Engine) betweenBatches(ctx context.Context, in ScaleInInput, next int) error {
	if in.Progress != nil {
		in.Progress(fmt.Sprintf("waiting %s before batch %d", in.BatchInterval, next+1))
	}
	if err := sleep(ctx, e.scaled(in.BatchInterval)); err != nil {
		return err
	}
	return e.waitGroupIdle(ctx, in.ClusterID, in.NodeGroupID)
}

// sinceLastRelease keeps the batch interval across commands and
// processes: a release of the group sent by anyone sharing the journal
// (succeeded, or with an outcome still open, such as a batch interrupted
// by a crash) starts the interval.
func (e *Engine) sinceLastRelease(ctx context.Context, f *flight, in ScaleInInput) error {
	last, err := e.opts.Journal.LastSent(ctx, e.opts.Scope, groupTarget(in.ClusterID, in.NodeGroupID), opDecreaseNodes)
	if err != nil || last == nil {
		return err
	}
	// A release that succeeded reached the cloud at the latest when its
	// answer came (after any throttled retries); one whose outcome is open
	// may have reached it any time after it was journaled.
	at := last.Time
	if last.Status == journal.StatusSucceeded && last.FinishedAt != nil {
		at = *last.FinishedAt
	}
	wait := e.scaled(in.BatchInterval) - e.opts.Now().Sub(at)
	if wait > 0 {
		msg := fmt.Sprintf("the last release of %s was sent %s ago (journal entry %d, %s); waiting %s (batches are at least %s apart)",
			in.NodeGroupID, e.opts.Now().Sub(at).Round(100*time.Millisecond), last.ID, last.Status, wait.Round(100*time.Millisecond), in.BatchInterval)
		if in.Progress != nil {
			in.Progress(msg)
		} else {
			f.progress(msg)
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
	return e.waitGroupIdle(ctx, in.ClusterID, in.NodeGroupID)
}

// waitGroupIdle polls a node group until it is no longer resizing.
func (e *Engine) waitGroupIdle(ctx context.Context, clusterID, groupID string) error {
	t := e.Traits()
	if len(t.NodeGroupBusy) == 0 {
		return nil
	}
	_, err := provider.Wait(ctx, provider.WaitSpec{
		What: "node group " + groupID, Target: t.NodeGroupIdle, Pending: t.NodeGroupBusy,
		Interval: e.pollInterval(), Timeout: e.opts.Timeouts.Wait,
	}, func(ctx context.Context) (provider.Observation, error) {
		g, err := read(ctx, e, func(ctx context.Context) (*provider.NodeGroup, error) {
			return e.opts.Provider.GetNodeGroup(ctx, clusterID, groupID)
		})
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: g.State, Reason: g.StateReason}, nil
	})
	return err
}

// releaseBatch sends one release of at most BatchSize nodes; from is the
// group's requested size before it.
func (e *Engine) releaseBatch(ctx context.Context, f *flight, p provider.NodeScaler, in ScaleInInput, ids []string, from int) (*Outcome, error) {
	din := provider.DecreaseInput{NodeIDs: ids, From: from}
	return f.journaled(ctx, write{
		operation: opDecreaseNodes, target: groupTarget(in.ClusterID, in.NodeGroupID), tokenKind: journal.TokenNone,
		request:  p.DecreaseRequest(in.ClusterID, in.NodeGroupID, din),
		identity: map[string]any{"nodeIds": ids},
		observed: scaleObservation{NodeIDs: ids},
		send: func(ctx context.Context, _ string) (*provider.WriteResult, error) {
			res, err := p.DecreaseNodes(ctx, in.ClusterID, in.NodeGroupID, din)
			if err == nil {
				// The journal names the nodes each batch released.
				res.IDs = append(slices.DeleteFunc(slices.Clone(res.IDs), func(id string) bool { return slices.Contains(ids, id) }), ids...)
			}
			return res, err
		},
		evidence: e.groupEvidence(in.ClusterID, in.NodeGroupID),
	})
}

// WaitNodeGroup waits until a node group is idle again after a resize.
func (e *Engine) WaitNodeGroup(ctx context.Context, clusterID, groupID string) error {
	if err := e.checkGroup(clusterID, groupID); err != nil {
		return err
	}
	return e.waitGroupIdle(ctx, clusterID, groupID)
}

// ResizeInput sets a node group's requested size.
type ResizeInput struct {
	ClusterID   string `json:"clusterId"`
	NodeGroupID string `json:"nodeGroupId"`
	// Count is the new size.
	Count int `json:"count"`
	// NodeIDs optionally names the nodes to release when the group
	// shrinks; by default the newest live ones are chosen.
	NodeIDs []string `json:"nodeIds,omitempty"`
	AckZero bool     `json:"ackZero,omitempty"`
	// BatchInterval separates scale-in batches (default: the policy's).
	BatchInterval time.Duration `json:"-"`
	Progress      func(string)  `json:"-"`
}

// ResizeNodeGroup sets a group's size: a declarative write. A group
// already of that size is left alone ("already N, nothing sent"); a
// larger size adds nodes (the scale-out rules), a smaller one releases
// nodes with the scale-in rules (TASK only, batches, the interval).
func (e *Engine) ResizeNodeGroup(ctx context.Context, call Call, in ResizeInput) (*ScaleResult, error) {
	if in.Count < 0 {
		return nil, inputError("count", fmt.Sprintf("must not be negative, got %d", in.Count), "pass the new size")
	}
	if err := e.checkGroup(in.ClusterID, in.NodeGroupID); err != nil {
		return nil, err
	}
	for i, id := range in.NodeIDs {
		if err := checkInput(e.nodeID(fmt.Sprintf("nodes[%d]", i), id)); err != nil {
			return nil, err
		}
	}
	return run(ctx, e, call, job[*ScaleResult]{
		operation: "ResizeNodeGroup", target: groupTarget(in.ClusterID, in.NodeGroupID), input: in, mark: markScale,
		do: func(ctx context.Context, f *flight) (*ScaleResult, error) {
			st, err := e.readGroup(ctx, in.ClusterID, in.NodeGroupID)
			if err != nil {
				return nil, err
			}
			cur := st.size()
			res := &ScaleResult{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, JournalIDs: []int64{}, From: cur, To: in.Count}
			switch {
			case in.Count == cur:
				op := policy.IncreaseNodes{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, Role: st.group.Role}
				res.Outcome = f.unchanged(ctx, op, fmt.Sprintf("node group %s already has %d nodes requested", in.NodeGroupID, cur))
				res.note(res.Outcome)
				return res, nil
			case in.Count > cur:
				if len(in.NodeIDs) > 0 {
					return nil, inputError("nodes", "nodes are named only when the group shrinks", "leave out --nodes")
				}
				out, err := e.increase(ctx, f, st, ScaleOutInput{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, Count: in.Count - cur}, true)
				if err != nil {
					return nil, err
				}
				res.Outcome = out
				res.JournalIDs = append(res.JournalIDs, out.JournalID)
				res.note(out)
				return res, nil
			}
			sin := ScaleInInput{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, NodeIDs: in.NodeIDs, AckZero: in.AckZero,
				BatchInterval: in.BatchInterval, Progress: in.Progress}
			if len(in.NodeIDs) == 0 {
				sin.Count = cur - in.Count
			} else if len(in.NodeIDs) != cur-in.Count {
				return nil, inputError("nodes", fmt.Sprintf("%d nodes named, but going from %d to %d releases %d", len(in.NodeIDs), cur, in.Count, cur-in.Count),
					"name exactly as many nodes as the size drops, or none")
			}
			return res, e.release(ctx, f, st, sin, res)
		},
	})
}

// reconcileIncrease decides whether an added-nodes write with an unknown
// outcome was applied, from what the attempt can prove: the group read
// right after the lost response, the nodes that appeared since it was
// journaled (minus those other recorded writes and auto scaling added) and
// their creation times. When another actor may have added nodes, it says
// it cannot tell.
func reconcileIncrease(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	var before scaleObservation
	if err := json.Unmarshal(entry.Observed, &before); err != nil || before.Count == 0 {
		return cannotTellBecause("the journal entry does not record the group as it was before"), nil
	}
	least := before.Count
	if before.MinCount > 0 {
		least = before.MinCount
	}
	clusterID, groupID := splitTarget(entry.Target)
	if ev, ok := evidenceOf(entry); ok {
		added := addedBetween(before, ev)
		switch {
		case len(added) >= least || (ev.Desired > 0 && ev.Desired-before.Desired >= least):
			return appliedBecause(&provider.WriteResult{IDs: added}, "right after the lost response the group had grown by %d", max(len(added), ev.Desired-before.Desired)), nil
		case len(added) == 0 && !ev.Busy && ev.Desired <= before.Desired:
			return notAppliedBecause("right after the lost response the group had no new node and was not resizing"), nil
		}
	}
	st, err := e.settledGroup(ctx, clusterID, groupID)
	if err != nil {
		return verdict{}, err
	}
	if st.busy {
		return cannotTellBecause("node group %s is still %s; wait until it is idle ('emrctl nodegroup get %s %s') and run the command again", groupID, validate.Render(st.group.State), clusterID, groupID), nil
	}
	now := observe(st)
	added := addedBetween(before, now)
	grown := len(added)
	if now.Desired > 0 && before.Desired > 0 {
		grown = now.Desired - before.Desired
	}
	known, err := e.knownGrowth(ctx, entry)
	if err != nil {
		return verdict{}, err
	}
	unexplained := grown - known
	switch {
	case unexplained <= 0:
		return notAppliedBecause("the group grew by %d since, all of it by other requests in the journal or auto scaling", grown), nil
	case unexplained >= least && unexplained <= before.Count && createdWithin(st.nodes, added, entry, e) >= min(unexplained, len(added)):
		return appliedBecause(&provider.WriteResult{IDs: added}, "%d node(s) appeared while it was being sent and no other request explains them", unexplained), nil
	}
	return cannotTellBecause("the group grew by %d since (%d explained by other requests in the journal); this request asked for %d, and another actor (the console, auto scaling, another emrctl) may have added nodes",
		grown, known, before.Count), nil
}

// evidenceOf reads the state journaled right after a lost response.
func evidenceOf(entry *journal.Entry) (scaleObservation, bool) {
	var d struct {
		Evidence *scaleObservation `json:"evidence"`
	}
	if len(entry.Detail) == 0 || json.Unmarshal(entry.Detail, &d) != nil || d.Evidence == nil {
		return scaleObservation{}, false
	}
	return *d.Evidence, true
}

// addedBetween lists the nodes in after that were not in before.
func addedBetween(before, after scaleObservation) []string {
	var out []string
	for _, id := range after.NodeIDs {
		if !slices.Contains(before.NodeIDs, id) {
			out = append(out, id)
		}
	}
	return out
}

// settledGroup reads a group, waiting a short while for a resize under
// way to finish.
func (e *Engine) settledGroup(ctx context.Context, clusterID, groupID string) (*groupState, error) {
	st, err := e.readGroup(ctx, clusterID, groupID)
	if err != nil || !st.busy {
		return st, err
	}
	wctx, cancel := context.WithTimeout(ctx, min(e.scaled(5*time.Minute), e.opts.Timeouts.Write))
	defer cancel()
	_ = e.waitGroupIdle(wctx, clusterID, groupID)
	return e.readGroup(ctx, clusterID, groupID)
}

// knownGrowth is how much other recorded writes and auto scaling grew the
// group after entry was journaled.
func (e *Engine) knownGrowth(ctx context.Context, entry *journal.Entry) (int, error) {
	others, err := e.opts.Journal.List(ctx, journal.Filter{Scope: e.opts.Scope, Target: entry.Target, Since: entry.Time})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range others {
		if o.ID == entry.ID || o.Status != journal.StatusSucceeded {
			continue
		}
		var obs scaleObservation
		if json.Unmarshal(o.Observed, &obs) != nil {
			continue
		}
		switch o.Operation {
		case opIncreaseNodes:
			n += obs.Count
		}
	}
	clusterID, groupID := splitTarget(entry.Target)
	if sa, ok := e.opts.Provider.(provider.ScalingActivities); ok {
		page, err := read(ctx, e, func(ctx context.Context) (*provider.Page[provider.ScalingActivity], error) {
			return sa.ListScalingActivities(ctx, clusterID, provider.ActivityFilter{NodeGroupID: groupID, Type: ActivityScaleOut}, "", 100)
		})
		if err == nil {
			for _, a := range page.Items {
				if !a.StartTime.Before(entry.Time.Add(-clockSkew)) && a.State != ActivityFailed && a.State != ActivityRejected {
					n += max(len(a.NodeIDs), a.ExpectNum)
				}
			}
		}
	}
	return n, nil
}

// createdWithin counts the nodes of ids created while entry's write could
// have been applied: from its journaling (less the clock skew) to the end
// of its lease and write deadline.
func createdWithin(nodes []provider.Node, ids []string, entry *journal.Entry, e *Engine) int {
	from := entry.Time.Add(-clockSkew)
	until := entry.Time.Add(e.opts.Lease + e.opts.Timeouts.Write + clockSkew)
	n := 0
	for _, nd := range nodes {
		if slices.Contains(ids, nd.ID) && !nd.CreateTime.Before(from) && !nd.CreateTime.After(until) {
			n++
		}
	}
	return n
}

// reconcileDecrease decides whether a release with an unknown outcome was
// applied: its nodes name what it did.
func reconcileDecrease(ctx context.Context, e *Engine, entry *journal.Entry) (verdict, error) {
	var req scaleObservation
	if err := json.Unmarshal(entry.Observed, &req); err != nil || len(req.NodeIDs) == 0 {
		return cannotTellBecause("the journal entry does not record the nodes it released"), nil
	}
	clusterID, groupID := splitTarget(entry.Target)
	st, err := e.settledGroup(ctx, clusterID, groupID)
	if err != nil {
		return verdict{}, err
	}
	live, gone := liveOnly(req.NodeIDs, st.nodes)
	switch {
	case len(live) == 0:
		return appliedBecause(&provider.WriteResult{IDs: gone}, "its %d node(s) are being released or gone", len(gone)), nil
	case len(gone) > 0:
		return appliedBecause(&provider.WriteResult{IDs: gone}, "%d of its %d nodes are being released or gone; a scale-in run again releases the rest", len(gone), len(req.NodeIDs)), nil
	case st.busy:
		return cannotTellBecause("its nodes are still live and node group %s is %s", groupID, validate.Render(st.group.State)), nil
	}
	return notAppliedBecause("its %d node(s) are all still live and the group is idle", len(live)), nil
}
