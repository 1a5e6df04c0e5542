package mcpserver

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/approval"
)

// approvalStore is an approval queue in the bed's journal.
func (b *bed) approvalStore() *approval.Store {
	b.t.Helper()
	sealer, err := approval.NewSealer(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		b.t.Fatal(err)
	}
	return approval.NewStore(b.eng.Journal().DB(), sealer, time.Hour, nil)
}

// pendingApproval waits for the one pending approval of the queue.
func pendingApproval(t *testing.T, st *approval.Store) *approval.Approval {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(10 * time.Second)
	for {
		got, err := st.List(context.Background(), approval.Filter{Statuses: []approval.Status{approval.Pending}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 1 {
			return &got[0]
		}
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("no pending approval after 10s (got %d)", len(got))
		}
	}
}

// TestWaitForApprover: a client without dialogs, on a server with an
// approval queue, waits for an approver instead of being refused. An
// approval runs the write once and records its result on the approval; a
// rejection runs nothing; a wait that ends withdraws the approval.
func TestWaitForApprover(t *testing.T) {
	tests := []struct {
		name       string
		wait       time.Duration
		decide     *approval.Decision // nil: nobody decides
		wantSent   int
		wantStatus approval.Status
		wantError  string
	}{
		{name: "approved", wait: time.Minute, decide: &approval.Decision{Approve: true, By: "alice"}, wantSent: 1, wantStatus: approval.Executed},
		{name: "rejected", wait: time.Minute, decide: &approval.Decision{By: "alice", Reason: "not now"}, wantStatus: approval.Rejected, wantError: "declined"},
		{name: "nobody decides", wait: 300 * time.Millisecond, wantStatus: approval.Expired, wantError: "withdrawn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBed(t, bedOptions{})
			f := b.createCluster("wait", 0)
			st := b.approvalStore()
			cs, _ := connect(t, b.serverWith(Options{AllowWrites: true, Approvals: st, ApprovalWait: tc.wait, ApprovalPoll: 10 * time.Millisecond}), noElicit)
			mark := b.rec.mark()
			done := make(chan *mcp.CallToolResult, 1)
			go func() {
				res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "scale_out",
					Arguments: map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.core, "count": 1}})
				if err != nil {
					t.Errorf("scale_out: protocol error: %v", err)
				}
				done <- res
			}()
			a := pendingApproval(t, st)
			if a.Via != "mcp" || a.Route != "scale_out" || !strings.HasPrefix(a.RequestedBy, "test-agent-") || a.Question.API != "IncreaseNodes" {
				t.Errorf("approval: got %+v, want an IncreaseNodes approval of scale_out via mcp by the agent", a)
			}
			select {
			case res := <-done:
				t.Fatalf("the call ended before a decision: %s", text(res))
			default:
			}
			if tc.decide != nil {
				if _, _, err := st.Decide(context.Background(), a.ID, *tc.decide); err != nil {
					t.Fatal(err)
				}
			}
			var res *mcp.CallToolResult
			select {
			case res = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the call did not end after the decision")
			}
			if res == nil {
				return
			}
			if tc.wantError == "" && res.IsError || tc.wantError != "" && (!res.IsError || !strings.Contains(text(res), tc.wantError)) {
				t.Errorf("result: got isError=%v %q, want error %q", res.IsError, text(res), tc.wantError)
			}
			if sent := b.rec.since(mark, "IncreaseNodes"); len(sent) != tc.wantSent {
				t.Errorf("IncreaseNodes sent %d times, want %d", len(sent), tc.wantSent)
			}
			got, err := st.Get(context.Background(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.wantStatus {
				t.Errorf("approval status: got %s, want %s", got.Status, tc.wantStatus)
			}
			if tc.wantStatus == approval.Executed && !strings.Contains(string(got.Result), `"status":"sent"`) {
				t.Errorf("approval result: got %s, want the call's result with status sent", got.Result)
			}
		})
	}
}
