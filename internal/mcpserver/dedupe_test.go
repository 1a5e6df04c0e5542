package mcpserver

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestDuplicateDeliveryAddsNodesOnce re-sends identical scale-out calls,
// as a client does after a broken stream: the journal recognises the
// intent and the nodes are added once. A new idempotency key marks a
// deliberate repeat, which is sent.
func TestDuplicateDeliveryAddsNodesOnce(t *testing.T) {
	tests := []struct {
		name      string
		mode      clientMode
		count     int
		keys      []string
		wantAdded int
		wantSent  int
	}{
		{name: "small", mode: acceptingAll, count: 3, keys: []string{"", ""}, wantAdded: 3, wantSent: 1},
		{name: "small, three deliveries", mode: acceptingAll, count: 3, keys: []string{"", "", ""}, wantAdded: 3, wantSent: 1},
		{name: "confirmed", mode: acceptingAll, count: 25, keys: []string{"", ""}, wantAdded: 25, wantSent: 1},
		{name: "confirmed, 2025-11-25", mode: legacy(acceptingAll), count: 25, keys: []string{"", ""}, wantAdded: 25, wantSent: 1},
		{name: "same key twice", mode: acceptingAll, count: 2, keys: []string{"retry-1", "retry-1"}, wantAdded: 2, wantSent: 1},
		{name: "deliberate repeat", mode: acceptingAll, count: 2, keys: []string{"", "second"}, wantAdded: 4, wantSent: 2},
	}
	b := newBed(t, bedOptions{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := b.createCluster("dedupe-"+itoa(i), 1)
			cs, _ := connect(t, b.server(true), tt.mode)
			before := b.clusterNodes(f.clusterID)
			mark := b.rec.mark()
			var notes []string
			for _, k := range tt.keys {
				args := map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": tt.count}
				if k != "" {
					args["idempotencyKey"] = k
				}
				res := call(t, cs, "scale_out", args)
				if res.IsError {
					t.Fatalf("scale_out: got error %q", text(res))
				}
				notes = append(notes, text(res))
			}
			if got := b.clusterNodes(f.clusterID) - before; got != tt.wantAdded {
				t.Errorf("nodes added: got %d, want %d", got, tt.wantAdded)
			}
			if got := len(b.rec.since(mark, "IncreaseNodes")); got != tt.wantSent {
				t.Errorf("IncreaseNodes sent: got %d, want %d", got, tt.wantSent)
			}
			if tt.wantSent < len(tt.keys) && !strings.Contains(notes[len(notes)-1], "not applied again") && !strings.Contains(notes[len(notes)-1], "NOT applied again") &&
				!strings.Contains(notes[len(notes)-1], "nothing was sent again") {
				t.Errorf("last result: got %q, want a note that it was not sent again", notes[len(notes)-1])
			}
		})
	}
}

func TestIdempotencyKeyFormat(t *testing.T) {
	b := newBed(t, bedOptions{})
	f := b.createCluster("keys", 1)
	cs, _ := connect(t, b.server(true), noElicit)
	for _, key := range []string{"-rf", "a b", "k\u200b", strings.Repeat("k", 65), "$(id)"} {
		t.Run(key, func(t *testing.T) {
			mark := b.rec.mark()
			res := call(t, cs, "scale_out", map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "count": 1, "idempotencyKey": key})
			if !res.IsError || !strings.Contains(text(res), "idempotencyKey") {
				t.Errorf("got isError=%v %q, want an idempotencyKey error", res.IsError, text(res))
			}
			if sent := b.rec.since(mark, writeActions...); len(sent) != 0 {
				t.Errorf("sent: got %v, want nothing", sent)
			}
		})
	}
}

// TestIdenticalCallsAwaitingAnAnswerJoin: on the multi round-trip
// protocol a call ends to ask the person and is called again with the
// answer. Identical calls meanwhile wait for that answer and get its
// result, marked joined: one dialog and one send for one intent, whether
// the person accepts or declines.
func TestIdenticalCallsAwaitingAnAnswerJoin(t *testing.T) {
	for _, tt := range []struct {
		mode     clientMode
		wantSent int
		want     string
	}{
		{acceptingAll, 1, `"status":"joined"`},
		{declining, 0, "declined"},
	} {
		t.Run(tt.mode.name, func(t *testing.T) {
			b := newBed(t, bedOptions{})
			f := b.createCluster("awaiting", 1)
			srv := b.server(true)
			// The person takes a second to answer; the identical calls
			// arrive while the dialog is open.
			slow := tt.mode
			slow.elicit = func(r *mcp.ElicitRequest) *mcp.ElicitResult {
				time.Sleep(time.Second)
				return tt.mode.elicit(r)
			}
			args := map[string]any{"clusterId": f.clusterID, "nodeGroupId": f.task, "minCapacity": 0, "maxCapacity": 5, "rules": []any{timeRule("a")}}
			mark := b.rec.mark()
			var wg sync.WaitGroup
			results := make([]*mcp.CallToolResult, 4)
			logs := make([]*elicitLog, 4)
			for i := range results {
				mode := tt.mode
				if i == 0 {
					mode = slow
				}
				cs, log := connect(t, srv, mode)
				logs[i] = log
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = call(t, cs, "put_auto_scaling_policy", args)
				}()
				if i == 0 {
					time.Sleep(300 * time.Millisecond)
				}
			}
			wg.Wait()
			dialogs := 0
			for _, l := range logs {
				dialogs += len(l.all())
			}
			if dialogs != 1 {
				t.Errorf("%d dialogs were shown for one intent, want 1", dialogs)
			}
			if got := len(b.rec.since(mark, "PutAutoScalingPolicy")); got != tt.wantSent {
				t.Errorf("PutAutoScalingPolicy sent %d times, want %d; first call: %s", got, tt.wantSent, text(results[0]))
			}
			for i, r := range results[1:] {
				raw, _ := json.Marshal(r.StructuredContent)
				if got := text(r) + string(raw); !strings.Contains(got, tt.want) {
					t.Errorf("identical call %d: got %q, want %s", i+1, got, tt.want)
				}
			}
		})
	}
}
