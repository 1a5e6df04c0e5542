package engine

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/journal"
	"github.com/emrctl/emrctl/internal/provider"
)

// asJSON is v as generic JSON, as a person reads it in the confirmation.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(mustJSON(t, v), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConfirmationShowsTheExactRequest: the request a person confirms is
// the API request that is sent, field for field, and nothing else: the
// DecreaseNodes request of each batch (the interval between batches is in
// the summary, not in a request), an IncreaseNodes request without a term
// on a pay-as-you-go group, and a RemoveAutoScalingPolicy request naming
// the cluster and the group (the policy it removes is in the summary).
func TestConfirmationShowsTheExactRequest(t *testing.T) {
	b := newBed(t)
	id := b.createDev()
	ng := b.addTask(id, 3)
	st, err := b.eng.readGroup(context.Background(), id, ng)
	if err != nil {
		t.Fatal(err)
	}
	n1, n2 := st.nodes[0].ID, st.nodes[1].ID
	if st.group.PaymentType != "PayAsYouGo" {
		t.Fatalf("the TASK group is billed %s, want PayAsYouGo", st.group.PaymentType)
	}
	decrease := func(nodes ...any) map[string]any {
		return map[string]any{"RegionId": "cn-hangzhou", "ClusterId": id, "NodeGroupId": ng, "NodeIds": nodes}
	}

	tests := []struct {
		name string
		// do runs the write with the confirmer.
		do        func(ctx context.Context, y *yes) error
		operation string
		want      any
		// sent are the requests the journal recorded, one per attempt.
		sent []any
	}{
		{
			name: "scale-out of a pay-as-you-go group",
			do: func(ctx context.Context, y *yes) error {
				_, err := b.eng.ScaleOut(ctx, agentCall(y), ScaleOutInput{ClusterID: id, NodeGroupID: ng, Count: 1})
				return err
			},
			operation: opIncreaseNodes,
			want:      map[string]any{"RegionId": "cn-hangzhou", "ClusterId": id, "NodeGroupId": ng, "IncreaseNodeCount": 1.0},
			sent:      []any{map[string]any{"RegionId": "cn-hangzhou", "ClusterId": id, "NodeGroupId": ng, "IncreaseNodeCount": 1.0}},
		},
		{
			name: "scale-in in two batches",
			do: func(ctx context.Context, y *yes) error {
				_, err := b.eng.ScaleIn(ctx, scriptCall(y), ScaleInInput{ClusterID: id, NodeGroupID: ng, NodeIDs: []string{n1, n2}, BatchSize: 1})
				return err
			},
			operation: opDecreaseNodes,
			want:      map[string]any{"requests": []any{decrease(n1), decrease(n2)}},
			sent:      []any{decrease(n1), decrease(n2)},
		},
		{
			name: "removal of an auto-scaling policy",
			do: func(ctx context.Context, y *yes) error {
				if _, _, err := b.eng.PutAutoScalingPolicy(ctx, scriptCall(&yes{}), testPolicy(id, ng)); err != nil {
					return err
				}
				_, _, err := b.eng.RemoveAutoScalingPolicy(ctx, scriptCall(y), id, ng)
				return err
			},
			operation: "RemoveAutoScalingPolicy",
			want:      map[string]any{"clusterId": id, "nodeGroupId": ng},
			sent:      []any{map[string]any{"clusterId": id, "nodeGroupId": ng}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := &yes{}
			if err := tt.do(context.Background(), y); err != nil {
				t.Fatal(err)
			}
			if len(y.asked) != 1 {
				t.Fatalf("confirmations: got %d, want 1", len(y.asked))
			}
			if diff := cmp.Diff(tt.want, asJSON(t, y.asked[0].Request)); diff != "" {
				t.Errorf("confirmed request (-want +got):\n%s", diff)
			}
			var sent []any
			for _, e := range b.entries(tt.operation) {
				if e.Status == journal.StatusSucceeded {
					sent = append([]any{asJSON(t, e.Params)}, sent...) // newest first
				}
			}
			if len(sent) > len(tt.sent) {
				sent = sent[len(sent)-len(tt.sent):]
			}
			if diff := cmp.Diff(tt.sent, sent); diff != "" {
				t.Errorf("journaled requests (-want +got):\n%s", diff)
			}
		})
	}
}

// testPolicy is a one-rule time-triggered policy for a TASK group.
func testPolicy(clusterID, groupID string) provider.ScalingPolicy {
	return provider.ScalingPolicy{ClusterID: clusterID, NodeGroupID: groupID, MaxCapacity: 5, Rules: []provider.ScalingRule{{
		Name: "nightly", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 2,
		Time: &provider.TimeTrigger{LaunchTime: "22:00", StartTime: time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second), RecurrenceType: "DAILY"},
	}}}
}
