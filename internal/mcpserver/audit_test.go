package mcpserver

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/journal"
)

// TestEveryToolCallIsAudited calls tools that succeed, fail, do not exist
// or get arguments the schema rejects, and finds each in the audit log with
// the client's identity, the tool, the target and redacted arguments.
func TestEveryToolCallIsAudited(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("audit", 1)
	cs, _ := connect(t, b.server(true), declining)
	calls := []struct {
		tool        string
		args        map[string]any
		wantOutcome string
		wantTarget  string
	}{
		{tool: "get_cluster", args: map[string]any{"clusterId": f.clusterID}, wantOutcome: "ok", wantTarget: f.clusterID},
		{tool: "get_cluster", args: map[string]any{"clusterId": "c-doesnotexist1"}, wantOutcome: "error", wantTarget: "c-doesnotexist1"},
		{tool: "scale_out", args: map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 99}, wantOutcome: "error", wantTarget: f.clusterID + "/" + f.task},
		{tool: "get_cluster", args: map[string]any{"clusterId": f.clusterID, "password": "Sup3rSecretValue!"}, wantOutcome: "error", wantTarget: f.clusterID},
		{tool: "delete_cluster", args: map[string]any{"clusterId": f.clusterID}, wantOutcome: "", wantTarget: f.clusterID},
	}
	for _, c := range calls {
		_, _ = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: c.tool, Arguments: c.args})
	}
	events, err := b.eng.Journal().ListAudit(context.Background(), journal.Filter{Event: journal.EventMCPTool})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != len(calls) {
		t.Fatalf("audited tool calls: got %d, want %d: %+v", len(events), len(calls), events)
	}
	for i, c := range calls {
		ev := events[len(events)-1-i] // newest first
		if ev.Operation != c.tool || ev.Target != c.wantTarget || ev.ActorKind != "agent" || ev.Client != "test-agent-decline/1.0" || ev.Actor != "test-agent-decline" {
			t.Errorf("event %d: got %+v, want tool %s, target %s, agent test-agent-decline 1.0", i, ev, c.tool, c.wantTarget)
		}
		var d auditDetail
		if err := json.Unmarshal([]byte(ev.Detail), &d); err != nil {
			t.Fatalf("event %d detail %q: %v", i, ev.Detail, err)
		}
		if c.wantOutcome != "" && d.Outcome != c.wantOutcome {
			t.Errorf("event %d (%s): outcome %q, want %q (%s)", i, c.tool, d.Outcome, c.wantOutcome, d.Message)
		}
		if c.tool == "delete_cluster" && d.Outcome != "protocol-error" && d.Outcome != "error" {
			t.Errorf("unknown tool: outcome %q, want an error", d.Outcome)
		}
		if strings.Contains(ev.Detail, "Sup3rSecretValue") {
			t.Errorf("event %d: detail holds the secret: %s", i, ev.Detail)
		}
	}
}
