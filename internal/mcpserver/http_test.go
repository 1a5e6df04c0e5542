package mcpserver

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// connectHTTP serves srv over streamable HTTP and connects a client.
func connectHTTP(t *testing.T, srv *Server, m clientMode) (*mcp.ClientSession, *elicitLog) {
	t.Helper()
	ts := httptest.NewServer(srv.HTTPHandler())
	t.Cleanup(ts.Close)
	log := &elicitLog{}
	cs, err := newClient(m, log).Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: ts.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs, log
}

// TestStreamableHTTP drives the server over streamable HTTP: reads, a
// confirmation accepted and one declined in the middle of a tool call, and
// a duplicate delivery.
func TestStreamableHTTP(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("http", 2)
	t.Run("read", func(t *testing.T) {
		cs, _ := connectHTTP(t, b.server(false), declining)
		var out ListClustersOutput
		decode(t, call(t, cs, "list_clusters", map[string]any{"states": []string{"active"}}), &out)
		if len(out.Clusters) != 1 || out.Clusters[0].ID != f.clusterID {
			t.Errorf("clusters: got %+v, want %s", out.Clusters, f.clusterID)
		}
		if res := call(t, cs, "list_clusters", map[string]any{"states": []string{"RUNING"}}); !res.IsError || !strings.Contains(text(res), `states: "RUNING" is not a known states`) {
			t.Errorf("a misspelt state: got isError=%v %q, want an input error naming states", res.IsError, text(res))
		}
		if got := names(listTools(t, cs)); len(got) != len(readTools)+len(sparkReadTools) {
			t.Errorf("read-only tools over HTTP: got %v, want %d read tools", got, len(readTools)+len(sparkReadTools))
		}
	})
	tests := []struct {
		name      string
		mode      clientMode
		wantAdded int
	}{
		{name: "accepted", mode: acceptingAll, wantAdded: 21},
		{name: "declined", mode: declining},
		{name: "no elicitation", mode: noElicit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, log := connectHTTP(t, b.server(true), tt.mode)
			before := b.clusterNodes(f.clusterID)
			args := map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 21, "idempotencyKey": "http-" + tt.mode.name}
			res := call(t, cs, "scale_out", args)
			if tt.wantAdded > 0 && res.IsError {
				t.Fatalf("scale_out: got error %q", text(res))
			}
			if tt.wantAdded == 0 && !res.IsError {
				t.Fatalf("scale_out: got success, want a refusal")
			}
			// The same call again, as after a broken stream.
			call(t, cs, "scale_out", args)
			if got := b.clusterNodes(f.clusterID) - before; got != tt.wantAdded {
				t.Errorf("nodes added: got %d, want %d", got, tt.wantAdded)
			}
			if tt.mode.elicit != nil && len(log.all()) == 0 {
				t.Errorf("confirmations shown over HTTP: got 0, want at least 1")
			}
			if tt.mode.elicit == nil && !strings.Contains(text(res), "emrctl scale out "+f.clusterID) {
				t.Errorf("refusal: got %q, want the CLI command", text(res))
			}
		})
	}
}
