package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/approval"
	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/rest/oas"
	"github.com/emrctl/emrctl/internal/spec"
)

// groupOf returns the ID of the cluster's first node group of role.
func (b *bed) groupOf(clusterID, role string) string {
	b.t.Helper()
	groups, err := b.eng.ListNodeGroups(context.Background(), clusterID, provider.NodeGroupFilter{Roles: []string{role}})
	if err != nil || len(groups) == 0 {
		b.t.Fatalf("%s group of %s: %v (%d groups)", role, clusterID, err, len(groups))
	}
	return groups[0].ID
}

// addTaskGroup adds a TASK group of n nodes (as the test's setup) and
// returns its ID and its node IDs.
func (b *bed) addTaskGroup(clusterID string, n int) (string, []string) {
	b.t.Helper()
	ctx := context.Background()
	g, err := spec.LoadNodeGroup([]byte(`{"name": "task", "role": "TASK", "count": ` + strconv.Itoa(n) + `, "instanceTypes": ["ecs.g7.xlarge"]}`))
	if err != nil {
		b.t.Fatal(err)
	}
	res, err := b.eng.CreateNodeGroup(ctx, setupCall(), engine.NodeGroupInput{ClusterID: clusterID, Group: *g})
	if err != nil {
		b.t.Fatalf("add task group: %v", err)
	}
	if err := b.eng.WaitNodeGroup(ctx, clusterID, res.NodeGroupID); err != nil {
		b.t.Fatalf("wait task group: %v", err)
	}
	var ids []string
	if err := b.eng.ListNodes(ctx, clusterID, provider.NodeFilter{NodeGroupIDs: []string{res.NodeGroupID}}, 100, func(page []provider.Node) error {
		for _, n := range page {
			ids = append(ids, n.ID)
		}
		return nil
	}); err != nil {
		b.t.Fatal(err)
	}
	return res.NodeGroupID, ids
}

// sent is how many requests of action the emulator received.
func (b *bed) sent(action string) int { return b.emu.Stats()[action] }

// scaleOut asks for count nodes as the operator, with key (may be "").
func (b *bed) scaleOut(clusterID, groupID string, count int, key string) (oas.ScaleOutRes, error) {
	p := oas.ScaleOutParams{ClusterId: clusterID, NodeGroupId: groupID}
	if key != "" {
		p.IdempotencyKey = oas.NewOptString(key)
	}
	return b.client(auth.Operator).ScaleOut(context.Background(), &oas.ScaleOutRequest{Count: count}, p)
}

// checker checks write answers; its methods take a write's two results.
type checker struct{ t *testing.T }

// queued returns the approval of a 202 answer.
func (c checker) queued(res any, err error) oas.Approval {
	t := c.t
	t.Helper()
	if err != nil {
		t.Fatalf("got error %v, want 202 with an approval", err)
	}
	q, ok := res.(*oas.WriteQueuedHeaders)
	if !ok {
		t.Fatalf("got %T %+v, want 202 with an approval", res, res)
	}
	if loc := q.Location.Or(""); loc != "/v1/approvals/"+q.Response.ID {
		t.Errorf("Location: got %q, want /v1/approvals/%s", loc, q.Response.ID)
	}
	return q.Response
}

// done returns the write result of a 200 answer.
func (c checker) done(res any, err error) *oas.WriteResult {
	t := c.t
	t.Helper()
	if err != nil {
		t.Fatalf("got error %v, want 200 with the write's result", err)
	}
	w, ok := res.(*oas.WriteResult)
	if !ok {
		t.Fatalf("got %T %+v, want 200 with the write's result", res, res)
	}
	return w
}

func (b *bed) approve(token string, id string, req oas.ApproveRequest) (*oas.Approval, error) {
	return b.clientWith(bearer(token)).ApproveApproval(context.Background(), &req, oas.ApproveApprovalParams{ApprovalId: id})
}

// resultStatus is the outcome status in an approval's result.
func resultStatus(t *testing.T, a *oas.Approval) string {
	t.Helper()
	var r struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(a.Result, &r); err != nil {
		t.Fatalf("approval result %s: %v", a.Result, err)
	}
	return r.Status
}

// TestScaleOutApproved is the approval flow: a token's scale-out needs a
// person, so it answers 202 with a pending approval and sends nothing;
// an approver approves; the write then runs once, as the requester, and
// its result is on the approval; the approver is in the audit.
func TestScaleOutApproved(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-flow")
	g := b.groupOf(c, "CORE")
	res, err := b.scaleOut(c, g, 1, "")
	a := checker{t}.queued(res, err)
	if a.Status != oas.ApprovalStatusPending || a.RequestedBy != "ci-operator" || a.Via != "rest" || a.Operation != "ScaleOut" ||
		a.API != "IncreaseNodes" || len(a.Lines) == 0 || a.RequestHash == "" || !a.ExpiresAt.After(time.Now()) {
		t.Errorf("approval: got %+v, want a pending IncreaseNodes approval by ci-operator via rest", a)
	}
	if n := b.sent("IncreaseNodes"); n != 0 {
		t.Fatalf("IncreaseNodes sent %d times before approval, want 0", n)
	}
	got, err := b.client(auth.Viewer).GetApproval(context.Background(), oas.GetApprovalParams{ApprovalId: a.ID})
	if err != nil || got.Status != oas.ApprovalStatusPending {
		t.Fatalf("get approval: %+v, %v, want it pending", got, err)
	}
	out, err := b.approve(b.tokens[auth.Approver], a.ID, oas.ApproveRequest{Reason: oas.NewOptString("capacity for the nightly run")})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != oas.ApprovalStatusExecuted || out.DecidedBy.Or("") != "ci-approver" || resultStatus(t, out) != engine.StatusSent {
		t.Errorf("approved: got status %s by %q result %s, want executed by ci-approver with status sent", out.Status, out.DecidedBy.Or(""), out.Result)
	}
	if n := b.sent("IncreaseNodes"); n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want 1", n)
	}
	entries, err := b.eng.Journal().List(context.Background(), journal.Filter{Operation: "IncreaseNodes"})
	if err != nil || len(entries) != 1 || entries[0].Actor != "ci-operator" || entries[0].ActorKind != "service" {
		t.Errorf("journal: got %+v, %v, want one IncreaseNodes entry by the requester ci-operator (service)", entries, err)
	}
	events, err := b.eng.Journal().ListAudit(context.Background(), journal.Filter{Event: EventApprovalApproved})
	if err != nil || len(events) != 1 || events[0].Actor != "ci-approver" ||
		!strings.Contains(events[0].Detail, a.ID) || !strings.Contains(events[0].Detail, a.RequestHash) {
		t.Errorf("audit: got %+v, %v, want one %s event by ci-approver naming the approval and its request hash", events, err, EventApprovalApproved)
	}
}

// TestApprovalRefusals: a rejected, expired or self-approved write sends
// nothing, and a decided approval cannot be decided again.
func TestApprovalRefusals(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-refusals")
	g := b.groupOf(c, "CORE")
	ctx := context.Background()

	// Rejected: nothing sent; approving later is a conflict naming the status.
	rejected := checker{t}.queued(b.scaleOut(c, g, 1, ""))
	r, err := b.clientWith(bearer(b.tokens[auth.Approver])).RejectApproval(ctx, &oas.RejectRequest{Reason: oas.NewOptString("not tonight")},
		oas.RejectApprovalParams{ApprovalId: rejected.ID})
	if err != nil || r.Status != oas.ApprovalStatusRejected {
		t.Fatalf("reject: got %+v, %v, want rejected", r, err)
	}
	_, err = b.approve(b.approver2, rejected.ID, oas.ApproveRequest{})
	if p := problemOf(t, err); p.Status != http.StatusConflict || p.Code.Or("") != "approval-rejected" {
		t.Errorf("approve a rejected approval: got %+v, want 409 approval-rejected", p)
	}

	// Self-approval: the requester's name cannot decide its own request.
	self := checker{t}.queued(b.scaleOut(c, g, 2, ""))
	if _, err := b.srv.Decide(ctx, self.ID, approval.Decision{Approve: true, By: "ci-operator"}); !errors.Is(err, approval.ErrSelfApproval) {
		t.Errorf("self-approval: got %v, want ErrSelfApproval", err)
	}
	operator2, _, err := b.store.Create(ctx, "ci-operator-2", auth.Operator, time.Hour, "test")
	if err != nil {
		t.Fatal(err)
	}
	// Over REST too: the requester's name on an approver token.
	if _, err := b.store.Revoke(ctx, "ci-operator"); err != nil {
		t.Fatal(err)
	}
	sameName, _, err := b.store.Create(ctx, "ci-operator", auth.Approver, time.Hour, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.approve(sameName, self.ID, oas.ApproveRequest{})
	if p := problemOf(t, err); p.Type != TypeForbidden || !strings.Contains(p.Detail.Or(""), "requested") {
		t.Errorf("self-approval over REST: got %+v, want 403 forbidden", p)
	}

	// The operator's role may not approve.
	_, err = b.approve(b.tokens[auth.Viewer], self.ID, oas.ApproveRequest{})
	if p := problemOf(t, err); p.Type != TypeForbidden {
		t.Errorf("viewer approves: got %+v, want 403 forbidden", p)
	}
	_, err = b.approve(operator2, self.ID, oas.ApproveRequest{})
	if p := problemOf(t, err); p.Type != TypeForbidden {
		t.Errorf("operator approves: got %+v, want 403 forbidden", p)
	}

	// Expired: nothing sent; 409 naming the status.
	b.clock.advance(2 * time.Hour)
	_, err = b.approve(b.tokens[auth.Approver], self.ID, oas.ApproveRequest{})
	if p := problemOf(t, err); p.Status != http.StatusConflict || p.Code.Or("") != "approval-expired" {
		t.Errorf("approve an expired approval: got %+v, want 409 approval-expired", p)
	}
	if n := b.sent("IncreaseNodes"); n != 0 {
		t.Errorf("IncreaseNodes sent %d times, want 0", n)
	}

	// Unknown and malformed IDs.
	_, err = b.approve(b.tokens[auth.Approver], "apv-aaaaaaaaaaaaaaaaaaaaaaaaaa", oas.ApproveRequest{})
	if p := problemOf(t, err); p.Status != http.StatusNotFound {
		t.Errorf("unknown approval: got %+v, want 404", p)
	}
	_, err = b.approve(b.tokens[auth.Approver], "apv-../x", oas.ApproveRequest{})
	if p := problemOf(t, err); p.Status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "approvalId" {
		t.Errorf("malformed approval ID: got %+v, want 400 naming approvalId", p)
	}
}

// TestApprovalRace: two approvers approve at once; one wins, the write
// runs once, the other gets a conflict.
func TestApprovalRace(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-race")
	a := checker{t}.queued(b.scaleOut(c, b.groupOf(c, "CORE"), 1, ""))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, tok := range []string{b.tokens[auth.Approver], b.approver2} {
		wg.Go(func() { _, errs[i] = b.approve(tok, a.ID, oas.ApproveRequest{}) })
	}
	wg.Wait()
	var conflicts, oks int
	for _, err := range errs {
		var ps *oas.ProblemStatusCode
		switch {
		case err == nil:
			oks++
		case errors.As(err, &ps) && ps.StatusCode == http.StatusConflict:
			conflicts++
		default:
			t.Errorf("racing approval: %v", err)
		}
	}
	if oks != 1 || conflicts != 1 {
		t.Errorf("racing approvals: got %d ok and %d conflicts, want 1 and 1", oks, conflicts)
	}
	if n := b.sent("IncreaseNodes"); n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want 1", n)
	}
}

// TestIdempotencyKey: the same key and request while pending is the same
// approval; after it ran, the recorded result (replayed) without a second
// send; the same key with another request is a conflict; a bad key is an
// input problem naming the header.
func TestIdempotencyKey(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-key")
	g := b.groupOf(c, "CORE")
	a := checker{t}.queued(b.scaleOut(c, g, 1, "nightly-42"))
	again := checker{t}.queued(b.scaleOut(c, g, 1, "nightly-42"))
	if again.ID != a.ID {
		t.Errorf("same key while pending: got approval %s, want the same %s", again.ID, a.ID)
	}
	if _, err := b.approve(b.tokens[auth.Approver], a.ID, oas.ApproveRequest{}); err != nil {
		t.Fatal(err)
	}
	w := checker{t}.done(b.scaleOut(c, g, 1, "nightly-42"))
	if w.Status != engine.StatusReplayed || w.Operation != "ScaleOut" || w.JournalId.Or(0) == 0 {
		t.Errorf("same key after it ran: got %+v, want status replayed with the journal ID", w)
	}
	if n := b.sent("IncreaseNodes"); n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want 1", n)
	}
	_, err := b.scaleOut(c, g, 3, "nightly-42")
	if p := problemOf(t, err); p.Type != TypeConflict {
		t.Errorf("same key, other request: got %+v, want a conflict problem", p)
	}
	_, err = b.scaleOut(c, g, 1, "no spaces allowed")
	if p := problemOf(t, err); p.Type != TypeInput || len(p.Errors) != 1 || p.Errors[0].Field != headerIdempotencyKey {
		t.Errorf("bad key: got %+v, want an input problem naming %s", p, headerIdempotencyKey)
	}
}

// TestLostResponseRetried: the approver's client gives up while the cloud
// holds its answer; the write goes on (it is not cut by the hang-up), is
// journaled, and a retry of the request with the same key gets the
// recorded result. The cloud saw one IncreaseNodes.
func TestLostResponseRetried(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-lost")
	g := b.groupOf(c, "CORE")
	a := checker{t}.queued(b.scaleOut(c, g, 1, "retry-1"))
	if err := b.emu.AddFault(emulator.FaultRule{Action: "IncreaseNodes", HoldAfterApply: emulator.Duration(time.Second)}); err != nil {
		t.Fatal(err)
	}
	short := b.clientWith(bearer(b.tokens[auth.Approver]), oas.WithClient(&http.Client{Timeout: 200 * time.Millisecond}))
	if _, err := short.ApproveApproval(context.Background(), &oas.ApproveRequest{}, oas.ApproveApprovalParams{ApprovalId: a.ID}); err == nil {
		t.Fatal("the approval answered within 200ms, want the client to give up while the cloud holds the answer")
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := b.approvals.Get(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == approval.Executed {
			break
		}
		if got.Status != approval.Approved || time.Now().After(deadline) {
			t.Fatalf("approval %s after the client hung up: %s, want it to run to executed", a.ID, got.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	w := checker{t}.done(b.scaleOut(c, g, 1, "retry-1"))
	if w.Status != engine.StatusReplayed {
		t.Errorf("retry with the same key: got status %s, want replayed", w.Status)
	}
	if n := b.sent("IncreaseNodes"); n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want 1", n)
	}
}

// TestScaleInApproved releases one node of a TASK group after approval.
func TestScaleInApproved(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-scale-in")
	g, nodes := b.addTaskGroup(c, 2)
	if len(nodes) != 2 {
		t.Fatalf("task group has %d nodes, want 2", len(nodes))
	}
	res, err := b.client(auth.Operator).ScaleIn(context.Background(), &oas.ScaleInRequest{NodeIds: nodes[:1]}, oas.ScaleInParams{ClusterId: c, NodeGroupId: g})
	a := checker{t}.queued(res, err)
	if a.API != "DecreaseNodes" || b.sent("DecreaseNodes") != 0 {
		t.Fatalf("scale-in: got approval of %s with %d DecreaseNodes sent, want a DecreaseNodes approval and nothing sent", a.API, b.sent("DecreaseNodes"))
	}
	out, err := b.approve(b.tokens[auth.Approver], a.ID, oas.ApproveRequest{})
	if err != nil || out.Status != oas.ApprovalStatusExecuted {
		t.Fatalf("approve scale-in: got %+v, %v, want executed", out, err)
	}
	if n := b.sent("DecreaseNodes"); n != 1 {
		t.Errorf("DecreaseNodes sent %d times, want 1", n)
	}
	_, err = b.client(auth.Operator).ScaleIn(context.Background(), &oas.ScaleInRequest{}, oas.ScaleInParams{ClusterId: c, NodeGroupId: g})
	if p := problemOf(t, err); p.Type != TypeInput || len(p.Errors) != 1 || p.Errors[0].Field != "nodeIds" {
		t.Errorf("scale-in without nodes: got %+v, want an input problem naming nodeIds", p)
	}
}

// TestListApprovals pages the queue and filters it by status.
func TestListApprovals(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-list")
	g := b.groupOf(c, "CORE")
	var want []string
	for n := 1; n <= 3; n++ {
		want = append(want, checker{t}.queued(b.scaleOut(c, g, n, "")).ID)
	}
	if _, err := b.client(auth.Approver).RejectApproval(context.Background(), &oas.RejectRequest{}, oas.RejectApprovalParams{ApprovalId: want[0]}); err != nil {
		t.Fatal(err)
	}
	cl := b.client(auth.Viewer)
	var got []string
	p := oas.ListApprovalsParams{Limit: oas.NewOptInt(2)}
	for range 5 {
		page, err := cl.ListApprovals(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Items {
			got = append(got, a.ID)
		}
		next, ok := page.NextCursor.Get()
		if !ok {
			break
		}
		p.Cursor = oas.NewOptString(next)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("approvals over pages of two (-want +got):\n%s", diff)
	}
	page, err := cl.ListApprovals(context.Background(), oas.ListApprovalsParams{Status: []oas.ApprovalStatus{oas.ApprovalStatusPending}})
	if err != nil {
		t.Fatal(err)
	}
	var pending []string
	for _, a := range page.Items {
		pending = append(pending, a.ID)
	}
	if diff := cmp.Diff(want[1:], pending); diff != "" {
		t.Errorf("pending approvals (-want +got):\n%s", diff)
	}
}

// TestApprovalOfAMovedOnTarget queues two scale-outs of one group, both
// read as growing it from its size then; once the first has run, the
// second's impact no longer holds, so approving it sends nothing.
func TestApprovalOfAMovedOnTarget(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-moved")
	g := b.groupOf(c, "CORE")
	first := checker{t}.queued(b.scaleOut(c, g, 1, ""))
	second := checker{t}.queued(b.scaleOut(c, g, 2, ""))
	if _, err := b.approve(b.tokens[auth.Approver], first.ID, oas.ApproveRequest{}); err != nil {
		t.Fatal(err)
	}
	if err := b.eng.WaitNodeGroup(context.Background(), c, g); err != nil {
		t.Fatal(err)
	}
	out, err := b.approve(b.tokens[auth.Approver], second.ID, oas.ApproveRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != oas.ApprovalStatusFailed || !strings.Contains(string(out.Result), "approval-stale") {
		t.Errorf("second approval: got %s %s, want failed as approval-stale", out.Status, out.Result)
	}
	if n := b.sent("IncreaseNodes"); n != 1 {
		t.Errorf("IncreaseNodes sent %d times, want 1 (the first approval's)", n)
	}
}

// TestApprovalsKeepTheirKeys: the same request under two idempotency
// keys is two writes, each with its own approval, and a retry with a key
// finds that key's approval.
func TestApprovalsKeepTheirKeys(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-keys")
	g := b.groupOf(c, "CORE")
	k1 := checker{t}.queued(b.scaleOut(c, g, 1, "nightly-1"))
	k2 := checker{t}.queued(b.scaleOut(c, g, 1, "nightly-2"))
	if k1.ID == k2.ID {
		t.Fatalf("two keys share approval %s, want one each", k1.ID)
	}
	again := checker{t}.queued(b.scaleOut(c, g, 1, "nightly-2"))
	if again.ID != k2.ID {
		t.Errorf("a retry with key nightly-2 got approval %s, want its own %s", again.ID, k2.ID)
	}
	if _, err := b.approve(b.tokens[auth.Approver], k1.ID, oas.ApproveRequest{}); err != nil {
		t.Fatal(err)
	}
	if n := b.sent("IncreaseNodes"); n != 1 {
		t.Errorf("IncreaseNodes sent %d times after one approval, want 1", n)
	}
}

// TestApprovalOfARevokedRequester: a write asked with a token revoked
// before the approval sends nothing.
func TestApprovalOfARevokedRequester(t *testing.T) {
	b := newBed(t, bedOptions{})
	c := b.createCluster("apv-revoked")
	g := b.groupOf(c, "CORE")
	a := checker{t}.queued(b.scaleOut(c, g, 1, ""))
	if _, err := b.store.Revoke(context.Background(), "ci-operator"); err != nil {
		t.Fatal(err)
	}
	out, err := b.approve(b.tokens[auth.Approver], a.ID, oas.ApproveRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != oas.ApprovalStatusFailed || !strings.Contains(string(out.Result), "no longer has a live operator token") {
		t.Errorf("approval of a revoked requester's write: got %s %s, want failed, naming the revoked requester", out.Status, out.Result)
	}
	if n := b.sent("IncreaseNodes"); n != 0 {
		t.Errorf("IncreaseNodes sent %d times, want 0", n)
	}
}
