package mcpserver

import (
	"strings"
	"testing"
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
