package serve

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	mcpsdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/emrctl/emrctl/internal/auth"
	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/session"
)

// TestMCPBehindTokens serves MCP beside the REST API: the token, not the
// name the client gives itself, is the actor in the journal, and only an
// operator token runs write tools.
func TestMCPBehindTokens(t *testing.T) {
	var viewer, operator, cluster string
	var j *journal.Journal
	s := start(t, []string{"--rest", "--mcp", "--allow-writes"}, func(sess *session.Session) {
		viewer, operator = token(t, sess, auth.Viewer), token(t, sess, auth.Operator)
		cluster, _ = sandboxCluster(t, sess)
		j = sess.Engine.Journal()
	})
	ctx := context.Background()
	rename := &mcpsdk.CallToolParams{Name: "update_cluster_attributes", Arguments: map[string]any{"clusterId": cluster, "name": "renamed-by-agent"}}

	cs, err := mcpClient(ctx, s.base, "appr1", viewer)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cs.CallTool(ctx, rename)
	if err != nil || !res.IsError || !strings.Contains(text(res), "role may not call write tools") {
		t.Errorf("a write tool with a viewer token: got %v %s, want refused for its role", err, text(res))
	}
	cs.Close()

	cs, err = mcpClient(ctx, s.base, "appr1", operator)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if res, err := cs.CallTool(ctx, rename); err != nil || res.IsError {
		t.Fatalf("a write tool with an operator token: got %v %s, want it run", err, text(res))
	}
	entries, err := j.List(ctx, journal.Filter{Operation: "UpdateClusterAttribute"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("journal entries of the rename: %v, %v; want 1", entries, err)
	}
	if e := entries[0]; e.Actor != "test-operator" || !strings.HasPrefix(e.Client, "appr1") {
		t.Errorf("journal actor %q client %q, want the token's name test-operator and the client's own name appr1", e.Actor, e.Client)
	}
}

// text is a tool result's text content.
func text(res *mcpsdk.CallToolResult) string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcpsdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	raw, _ := json.Marshal(res.StructuredContent)
	return b.String() + string(raw)
}
