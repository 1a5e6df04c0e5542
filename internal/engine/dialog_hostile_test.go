package engine

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/policy/policytest"
	"github.com/emrctl/emrctl/internal/provider"
)

// hostilePolicy is a policy with every kind of rule, so that every string
// field of a rule, tags included, has a place to be set.
func hostilePolicy() *provider.ScalingPolicy {
	return &provider.ScalingPolicy{ID: "asp-1", ClusterID: "c-12345678", NodeGroupID: "ng-12345678", MinCapacity: 0, MaxCapacity: 10, Rules: []provider.ScalingRule{
		{Name: "morning", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 2,
			Time: &provider.TimeTrigger{LaunchTime: "08:00", StartTime: time.Unix(0, 0), RecurrenceType: "DAILY", RecurrenceValue: "1"}},
		{Name: "busy", TriggerType: "METRICS_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 1,
			Metrics: &provider.MetricsTrigger{TimeWindowSeconds: 300, EvaluationCount: 3, CoolDownSeconds: 600, LogicOperator: "And",
				Conditions: []provider.MetricCondition{
					{MetricName: "yarn_resourcemanager_queue_AvailableVCoresPercentage", Statistics: "AVG", Operator: "LT", Threshold: 20,
						Tags: []provider.Tag{{Key: "queue_name", Value: "default"}}},
					{MetricName: "yarn_resourcemanager_queue_PendingContainers", Statistics: "AVG", Operator: "GT", Threshold: 5},
				}},
			AWS: &provider.AWSScalingRule{Description: "when busy", Market: "ON_DEMAND", AdjustmentType: "CHANGE_IN_CAPACITY", Namespace: "AWS/ElasticMapReduce", Unit: "PERCENT"}},
	}}
}

// TestPolicyDiffShowsHostileDataEscaped sets each string field of a rule
// (names, trigger and metric fields, tags, the AWS part) to values that
// try to forge a line or hide text, and renders the confirmation of the
// replacement: the diff shows each value escaped and quoted on its own
// line, and adds no line of its own.
func TestPolicyDiffShowsHostileDataEscaped(t *testing.T) {
	notInDiff := []string{"ID", "ClusterID", "NodeGroupID"} // the target, not the policy
	for _, h := range policytest.Hostile {
		for _, field := range policytest.Fields(hostilePolicy()) {
			if slices.Contains(notInDiff, field) {
				continue
			}
			t.Run(field+"/"+h, func(t *testing.T) {
				cur, next := hostilePolicy(), hostilePolicy()
				policytest.Set(next, field, h)
				diff := policyDiff(cur, next)
				if got, want := strings.Count(diff.String(), "\n"), len(policyText(cur)); got != want {
					t.Errorf("diff has %d line breaks, want %d (one changed rule: a removed and an added line):\n%s", got, want, diff)
				}
				d := policy.Decide(nil, policy.Actor{Kind: policy.Human}, policy.PutAutoScalingPolicy{
					ClusterID: cur.ClusterID, NodeGroupID: cur.NodeGroupID, Role: policy.RoleTask, MaxCapacity: 10,
					Current: snapshot(cur), Rules: policyRules(next.Rules), Diff: diff,
				})
				dialog := strings.Join(NewConfirmation(d, nil).Lines(), "\n")
				for _, p := range policytest.Problems(dialog, []string{h}) {
					t.Errorf("%s\n%s", p, dialog)
				}
			})
		}
	}
}

// TestPolicyFieldsCovered: the policy above fills every string field of a
// scaling policy, so that the test above sets each of them.
func TestPolicyFieldsCovered(t *testing.T) {
	var covered []string
	for _, f := range policytest.Fields(hostilePolicy()) {
		covered = append(covered, policytest.Unindexed(f))
	}
	for _, f := range policytest.TypeFields(reflect.TypeFor[provider.ScalingPolicy]()) {
		if !slices.Contains(covered, f) {
			t.Errorf("field %s of the scaling policy is not filled, so no test sets it", f)
		}
	}
}

// TestManagedScalingDiffShowsHostileDataEscaped does the same for the
// field by field diff of an AWS managed scaling policy.
func TestManagedScalingDiffShowsHostileDataEscaped(t *testing.T) {
	cur := provider.ManagedScaling{MinimumCapacityUnits: 1, MaximumCapacityUnits: 10, UnitType: "Instances"}
	for _, h := range policytest.Hostile {
		t.Run(h, func(t *testing.T) {
			next := cur
			next.UnitType, next.MaximumCapacityUnits = h, 20
			diff := awsPolicyDiff(cur, next)
			want := []string{"maximumCapacityUnits: 10 -> 20", `unitType: "Instances" -> "`}
			for i, line := range strings.Split(diff.String(), "\n") {
				if i >= len(want) || !strings.HasPrefix(line, want[i]) {
					t.Errorf("diff line %d: got %q, want it to start with %q", i, line, want[min(i, len(want)-1)])
				}
			}
			d := policy.Decide(nil, policy.Actor{Kind: policy.Human}, policy.PutAutoScalingPolicy{
				ClusterID: "j-ABCDEFGH1234", NodeGroupID: managedScalingTarget, Role: policy.RoleTask, MaxCapacity: 20,
				Current: &policy.PolicySnapshot{MaxCapacity: 10}, Diff: diff,
			})
			dialog := strings.Join(NewConfirmation(d, nil).Lines(), "\n")
			for _, p := range policytest.Problems(dialog, []string{h}) {
				t.Errorf("%s\n%s", p, dialog)
			}
		})
	}
}
