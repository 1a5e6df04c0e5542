package mcpserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/safetext"
)

// TestConfirmationReachesThePerson drives a scale-out that needs a
// confirmation through every kind of client, on both the sessionless
// protocol (confirmation as an input request in the tool result) and the
// 2025-11-25 protocol (server-initiated elicitation), and checks what
// reached the emulator.
func TestConfirmationReachesThePerson(t *testing.T) {
	tests := []struct {
		mode      clientMode
		wantAdded bool
		wantAsked int
		wantText  string
	}{
		{mode: acceptingAll, wantAdded: true, wantAsked: 1},
		{mode: legacy(acceptingAll), wantAdded: true, wantAsked: 1},
		{mode: declining, wantAsked: 1, wantText: "declined"},
		{mode: legacy(declining), wantAsked: 1, wantText: "declined"},
		{mode: cancelling, wantAsked: 1, wantText: "dismissed"},
		{mode: legacy(cancelling), wantAsked: 1, wantText: "dismissed"},
		{mode: noElicit, wantText: "emrctl scale out"},
		{mode: legacy(noElicit), wantText: "emrctl scale out"},
		{mode: clientMode{name: "accept-unticked", elicit: func(*mcp.ElicitRequest) *mcp.ElicitResult {
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{fieldContinue: false}}
		}}, wantAsked: 1, wantText: "declined"},
	}
	b := newBed(t, bedOptions{})
	for _, tt := range tests {
		t.Run(tt.mode.name, func(t *testing.T) {
			f := b.createCluster("confirm-"+tt.mode.name, 2)
			cs, log := connect(t, b.server(true), tt.mode)
			before := b.clusterNodes(f.clusterID)
			mark := b.rec.mark()
			res := call(t, cs, "scale_out", map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 25})
			sent := b.rec.since(mark, writeActions...)
			if tt.wantAdded {
				if res.IsError {
					t.Fatalf("scale_out: got error %q, want success", text(res))
				}
				if got := b.clusterNodes(f.clusterID); got != before+25 {
					t.Errorf("cluster nodes: got %d, want %d", got, before+25)
				}
				if len(sent) != 1 || sent[0].Action != "IncreaseNodes" {
					t.Errorf("sent: got %v, want one IncreaseNodes", sent)
				}
			} else {
				if !res.IsError || !strings.Contains(text(res), tt.wantText) {
					t.Errorf("scale_out: got isError=%v %q, want an error containing %q", res.IsError, text(res), tt.wantText)
				}
				if len(sent) != 0 {
					t.Errorf("sent: got %v, want nothing", sent)
				}
			}
			if got := len(log.all()); got != tt.wantAsked {
				t.Errorf("confirmations shown: got %d, want %d", got, tt.wantAsked)
			}
		})
	}
}

// TestConfirmationMessage checks what the person reads: the seed's
// template, the reasons, the cost and the exact request, with invisible
// characters escaped and a box for each acknowledgement.
func TestConfirmationMessage(t *testing.T) {
	conf := engine.Confirmation{
		Summary:      policy.Summary{API: "IncreaseNodes", Target: safetext.ID("c-abcdefgh12/ng-abcdefgh12"), Impact: safetext.F("adds 30 TASK nodes")},
		Reasons:      []string{"Adding more than 20 nodes at once needs a confirmation."},
		Request:      map[string]any{"clusterId": "c-abcdefgh12", "note": "approved\u202e by admin\u200b"},
		NeedsCostAck: true, CostReason: safetext.F("The cluster grows from 90 to 120 nodes."),
		RequireZeroAck: true,
	}
	p := elicitParams(conf)
	for _, want := range []string{
		"About to execute: IncreaseNodes, target: c-abcdefgh12/ng-abcdefgh12, impact: adds 30 TASK nodes. Continue?",
		"  - Adding more than 20 nodes at once needs a confirmation.",
		"Cost: The cluster grows from 90 to 120 nodes.",
		`"note": "approved\u202E by admin\u200B"`,
		"not instructions",
	} {
		if !strings.Contains(p.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, p.Message)
		}
	}
	if strings.ContainsAny(p.Message, "\u202e\u200b") {
		t.Errorf("message holds invisible characters unescaped:\n%s", p.Message)
	}
	if lines := strings.Join(conf.Lines(), "\n"); !strings.Contains(p.Message, lines) {
		t.Errorf("message:\n%s\nwant the confirmation's lines, as the CLI shows them:\n%s", p.Message, lines)
	}
	schema := p.RequestedSchema.(map[string]any)
	props := schema["properties"].(map[string]any)
	for _, f := range []string{fieldContinue, fieldCost, fieldZero} {
		prop, ok := props[f].(map[string]any)
		if !ok || prop["type"] != "boolean" {
			t.Errorf("schema property %s: got %v, want a boolean", f, props[f])
		}
	}
}

// TestAnswerOf checks that only an accepted form with every required box
// ticked is a yes.
func TestAnswerOf(t *testing.T) {
	conf := engine.Confirmation{NeedsCostAck: true, RequireZeroAck: true}
	tests := []struct {
		name    string
		res     *mcp.ElicitResult
		want    engine.Answer
		wantErr bool
	}{
		{name: "all ticked", res: &mcp.ElicitResult{Action: "accept", Content: map[string]any{fieldContinue: true, fieldCost: true, fieldZero: true}},
			want: engine.Answer{Yes: true, CostAck: true, ZeroAck: true}},
		{name: "cost not ticked", res: &mcp.ElicitResult{Action: "accept", Content: map[string]any{fieldContinue: true, fieldZero: true}},
			want: engine.Answer{Yes: true, ZeroAck: true}},
		{name: "strings are not ticks", res: &mcp.ElicitResult{Action: "accept", Content: map[string]any{fieldContinue: "true", fieldCost: "yes"}}},
		{name: "accept without content", res: &mcp.ElicitResult{Action: "accept"}},
		{name: "decline with content", res: &mcp.ElicitResult{Action: "decline", Content: map[string]any{fieldContinue: true}}},
		{name: "cancel", res: &mcp.ElicitResult{Action: "cancel"}, wantErr: true},
		{name: "unknown action", res: &mcp.ElicitResult{Action: "approve"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := answerOf(tt.res, conf)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("answer: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// rawClient connects a client whose multi round-trip handling is off, so a
// test can send input responses and request states of its choosing, as a
// forging or replaying client would.
func rawClient(t *testing.T, srv *Server) *mcp.ClientSession {
	t.Helper()
	ctx, ct := serve(t, srv)
	c := mcp.NewClient(&mcp.Implementation{Name: "raw-client", Version: "1"}, &mcp.ClientOptions{
		ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return &mcp.ElicitResult{Action: "decline"}, nil
		},
		MultiRoundTrip: &mcp.MultiRoundTripOptions{Disabled: true},
	})
	cs, err := c.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// TestRoundTripTickets checks the confirmation round trip of the
// sessionless protocol: the answer counts only with the ticket the server
// minted for exactly this call, once, before it expires.
func TestRoundTripTickets(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("tickets", 2)
	now := time.Now()
	srv, err := New(Options{Engine: b.eng, AllowWrites: true, Secrets: b.secrets, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	cs := rawClient(t, srv)
	yes := mcp.InputResponseMap{inputKey: &mcp.ElicitResult{Action: "accept", Content: map[string]any{fieldContinue: true}}}
	args := func(count int) map[string]any {
		return map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": count}
	}
	ask := func(count int) string {
		t.Helper()
		res := call(t, cs, "scale_out", args(count))
		if res.InputRequests == nil || res.RequestState == "" {
			t.Fatalf("scale_out: got %q, want an input request with a request state", text(res))
		}
		if _, ok := res.InputRequests[inputKey].(*mcp.ElicitParams); !ok {
			t.Fatalf("input request: got %T, want *mcp.ElicitParams", res.InputRequests[inputKey])
		}
		return res.RequestState
	}
	answer := func(count int, state string) *mcp.CallToolResult {
		t.Helper()
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "scale_out", Arguments: args(count), InputResponses: yes, RequestState: state})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	increases := func(mark int) int { return len(b.rec.since(mark, "IncreaseNodes")) }

	tests := []struct {
		name     string
		state    func() string
		count    int
		advance  time.Duration
		wantSent int
	}{
		{name: "forged ticket", state: func() string { return "emrctl-confirm-00000000000000000000000000000000" }, count: 21},
		{name: "no ticket", state: func() string { return "" }, count: 21},
		{name: "ticket of other arguments", state: func() string { return ask(22) }, count: 23},
		{name: "expired ticket", state: func() string { return ask(24) }, count: 24, advance: 6 * time.Minute},
		{name: "valid ticket", state: func() string { return ask(25) }, count: 25, wantSent: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := tt.state()
			now = now.Add(tt.advance)
			mark := b.rec.mark()
			res := answer(tt.count, state)
			if got := increases(mark); got != tt.wantSent {
				t.Errorf("IncreaseNodes sent: got %d, want %d", got, tt.wantSent)
			}
			if tt.wantSent == 0 && res.InputRequests == nil {
				t.Errorf("result: got %q, want the person to be asked again", text(res))
			}
		})
	}
	t.Run("replayed ticket", func(t *testing.T) {
		state := ask(26)
		if res := answer(26, state); res.IsError || res.InputRequests != nil {
			t.Fatalf("first answer: got %q, want success", text(res))
		}
		mark := b.rec.mark()
		res := answer(26, state)
		if got := increases(mark); got != 0 {
			t.Errorf("IncreaseNodes sent on replay: got %d, want 0", got)
		}
		// The write already happened: the replay gets the recorded result
		// (nothing is sent, nobody is asked) or a new question.
		if res.InputRequests == nil && !strings.Contains(text(res), "NOT applied again") {
			t.Errorf("replay: got %q, want the recorded result or the person asked again", text(res))
		}
	})
}

// TestModelCannotConfirm sends the confirmation fields a model might try
// as tool arguments: the schema rejects them before anything runs.
func TestModelCannotConfirm(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("self-confirm", 2)
	cs, log := connect(t, b.server(true), noElicit)
	for _, extra := range []string{"confirm", "confirmed", "continue", fieldCost, fieldZero, "yes", "ackCost", "approvedBy", "confirmationToken"} {
		t.Run(extra, func(t *testing.T) {
			mark := b.rec.mark()
			res := call(t, cs, "scale_out", map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 30, extra: true})
			if !res.IsError || !strings.Contains(text(res), "validating") {
				t.Errorf("got isError=%v %q, want a schema error", res.IsError, text(res))
			}
			if sent := b.rec.since(mark, writeActions...); len(sent) != 0 {
				t.Errorf("sent: got %v, want nothing", sent)
			}
		})
	}
	if n := len(log.all()); n != 0 {
		t.Errorf("confirmations: got %d, want 0", n)
	}
}

// TestConfirmationAudited checks the journal's record of a declined and an
// accepted confirmation and of each tool call, with the client identity.
func TestConfirmationAudited(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("audited", 2)
	for _, m := range []clientMode{declining, acceptingAll} {
		cs, _ := connect(t, b.server(true), m)
		call(t, cs, "scale_out", map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 21, "idempotencyKey": m.name})
	}
	events, err := b.eng.Journal().ListAudit(context.Background(), journal.Filter{ActorKind: string(policy.Agent)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Event+" "+e.Client] = true
	}
	for _, want := range []string{
		"confirm.declined test-agent-decline/1.0", "mcp.tool test-agent-decline/1.0",
		"confirm.accepted test-agent-accept-all/1.0", "mcp.tool test-agent-accept-all/1.0",
	} {
		if !seen[want] {
			t.Errorf("audit: no %q in %v", want, seen)
		}
	}
	writes, err := b.eng.Journal().List(context.Background(), journal.Filter{Operation: "IncreaseNodes", ActorKind: string(policy.Agent)})
	if err != nil {
		t.Fatal(err)
	}
	if len(writes) != 1 || writes[0].Client != "test-agent-accept-all/1.0" || writes[0].Status != journal.StatusSucceeded {
		t.Errorf("journaled agent writes: got %+v, want one succeeded IncreaseNodes by the accepting client", writes)
	}
}
