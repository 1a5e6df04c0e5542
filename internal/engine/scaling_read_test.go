package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// noon keeps the rendered date the same in every time zone.
var noon = time.Date(2100, 1, 1, 12, 0, 0, 0, time.UTC)

func TestRuleSummary(t *testing.T) {
	tests := []struct {
		name string
		rule provider.ScalingRule
		want string
	}{
		{
			name: "weekly schedule",
			rule: provider.ScalingRule{Name: "am", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 5,
				Time: &provider.TimeTrigger{LaunchTime: "09:00", StartTime: noon, RecurrenceType: "WEEKLY", RecurrenceValue: "MON,TUE,WED,THU,FRI"}},
			want: "add 5 nodes at 09:00 every MON,TUE,WED,THU,FRI (from 2100-01-01)",
		},
		{
			name: "daily schedule with an end",
			rule: provider.ScalingRule{TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_IN", Adjustment: 1,
				Time: &provider.TimeTrigger{LaunchTime: "20:30", StartTime: noon, EndTime: noon.AddDate(0, 1, 0), RecurrenceType: "DAILY", ExpireSeconds: 600}},
			want: "remove 1 node at 20:30 every day (from 2100-01-01, until 2100-02-01, may start up to 600 s late)",
		},
		{
			name: "monthly schedule",
			rule: provider.ScalingRule{TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 2, MinAdjust: 1,
				Time: &provider.TimeTrigger{LaunchTime: "00:00", RecurrenceType: "MONTHLY", RecurrenceValue: "1,15"}},
			want: "add 2 nodes (at least 1) at 00:00 on day 1,15 of every month",
		},
		{
			name: "metrics with tags, and",
			rule: provider.ScalingRule{TriggerType: "METRICS_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 3,
				Metrics: &provider.MetricsTrigger{TimeWindowSeconds: 300, EvaluationCount: 3, CoolDownSeconds: 600, LogicOperator: "And",
					Conditions: []provider.MetricCondition{
						{MetricName: "yarn_resourcemanager_queue_AvailableVCoresPercentage", Statistics: "AVG", Operator: "LT", Threshold: 20, Tags: []provider.Tag{{Key: "queue_name", Value: "root"}}},
						{MetricName: "yarn_resourcemanager_queue_PendingContainers", Statistics: "MAX", Operator: "GE", Threshold: 10.5},
					}}},
			want: "add 3 nodes when AVG yarn_resourcemanager_queue_AvailableVCoresPercentage{queue_name=root} < 20 and MAX yarn_resourcemanager_queue_PendingContainers >= 10.5 for 3 x 300 s; cool down 600 s",
		},
		{
			name: "no trigger",
			rule: provider.ScalingRule{TriggerType: "CUSTOM", ActivityType: "SCALE_IN", Adjustment: 2},
			want: "remove 2 nodes (CUSTOM)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := engine.RuleSummary(tt.rule); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// taskGroup adds a TASK group of n nodes through the provider.
func (env *readEnv) taskGroup(clusterID string, n int64) string {
	env.t.Helper()
	count := int(n)
	req, err := env.p.PrepareNodeGroup(clusterID, spec.NodeGroup{
		Role: spec.RoleTask, Name: "task", Count: &count, InstanceTypes: []string{"ecs.g8i.xlarge"},
		VSwitchIDs: []string{"vsw-bp1sandboxzoneh00001"},
		SystemDisk: &spec.SystemDisk{Category: "cloud_essd", Size: 120},
		DataDisks:  []spec.DataDisk{{Category: "cloud_essd", Size: 80, Count: 1}},
	})
	if err != nil {
		env.t.Fatal(err)
	}
	res, err := env.p.CreateNodeGroup(context.Background(), clusterID, req)
	if err != nil {
		env.t.Fatal(err)
	}
	return res.IDs[0]
}

func TestScalingReads(t *testing.T) {
	env := newReadEnv(t)
	id := env.create(example(t, "dev-cluster.yaml"))
	task := env.taskGroup(id, 1)

	none, err := env.eng.GetScalingPolicy(context.Background(), id, task)
	if err != nil {
		t.Fatal(err)
	}
	if none.Exists || len(none.Rules) != 0 || none.Role != "TASK" {
		t.Errorf("before put: got exists=%v rules=%d role=%s, want no policy on a TASK group", none.Exists, len(none.Rules), none.Role)
	}

	err = func() error {
		_, err := env.p.PutAutoScalingPolicy(context.Background(), provider.ScalingPolicy{
			ClusterID: id, NodeGroupID: task, MinCapacity: 1, MaxCapacity: 4,
			Rules: []provider.ScalingRule{
				{Name: "busy", TriggerType: "METRICS_TRIGGER", ActivityType: "SCALE_OUT", Adjustment: 2,
					Metrics: &provider.MetricsTrigger{TimeWindowSeconds: 300, EvaluationCount: 1, CoolDownSeconds: 300,
						Conditions: []provider.MetricCondition{{MetricName: "yarn_resourcemanager_queue_AvailableVCoresPercentage", Statistics: "AVG", Operator: "LT", Threshold: 20}}}},
				{Name: "nightly", TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_IN", Adjustment: 1,
					Time: &provider.TimeTrigger{LaunchTime: "22:00", StartTime: noon, RecurrenceType: "DAILY"}},
			},
		})
		return err
	}()
	if err != nil {
		t.Fatal(err)
	}
	v, err := env.eng.GetScalingPolicy(context.Background(), id, task)
	if err != nil {
		t.Fatal(err)
	}
	var summaries []string
	for _, r := range v.Rules {
		summaries = append(summaries, r.Summary)
	}
	want := []string{
		"add 2 nodes when AVG yarn_resourcemanager_queue_AvailableVCoresPercentage < 20 for 1 x 300 s; cool down 300 s",
		"remove 1 node at 22:00 every day (from 2100-01-01)",
	}
	if diff := cmp.Diff(want, summaries); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
	if !v.Exists || v.MinCapacity != 1 || v.MaxCapacity != 4 {
		t.Errorf("got exists=%v min=%d max=%d, want a policy of 1..4", v.Exists, v.MinCapacity, v.MaxCapacity)
	}

	res, err := env.srv.Inject(emulator.Injection{Kind: "metric-breach", Region: "cn-hangzhou", ClusterID: id, NodeGroupID: task, RuleName: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	var listed []engine.ActivityView
	err = env.eng.ListScalingActivities(context.Background(), id, provider.ActivityFilter{NodeGroupID: task}, 10, func(p []engine.ActivityView) error {
		listed = append(listed, p...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].ID != res.ActivityID || listed[0].Type != "SCALE_OUT" {
		t.Fatalf("activities: got %+v, want the one injected (%s)", listed, res.ActivityID)
	}
	a, err := env.eng.GetScalingActivity(context.Background(), id, res.ActivityID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.NodeIDs) != 2 || a.Cause == "" || a.Result != "added 2 node(s)" {
		t.Errorf("activity: got nodes %v, cause %q, result %q; want 2 nodes, a cause and 'added 2 node(s)'", a.NodeIDs, a.Cause, a.Result)
	}

	t.Run("filters", func(t *testing.T) {
		tests := []struct {
			f    provider.ActivityFilter
			want int
		}{
			{f: provider.ActivityFilter{Type: "SCALE_IN"}, want: 0},
			{f: provider.ActivityFilter{States: []string{"SUCCESSFUL"}}, want: 1},
			{f: provider.ActivityFilter{States: []string{"FAILED"}}, want: 0},
		}
		for _, tt := range tests {
			n := 0
			err := env.eng.ListScalingActivities(context.Background(), id, tt.f, 100, func(p []engine.ActivityView) error { n += len(p); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.want {
				t.Errorf("%+v: got %d activities, want %d", tt.f, n, tt.want)
			}
		}
	})
	t.Run("bad input", func(t *testing.T) {
		var ie *engine.InputError
		err := env.eng.ListScalingActivities(context.Background(), id, provider.ActivityFilter{Type: "GROW"}, 10, func([]engine.ActivityView) error { return nil })
		if !errors.As(err, &ie) {
			t.Errorf("bad type: got %v, want an input error", err)
		}
		if _, err := env.eng.GetScalingActivity(context.Background(), id, "act-1"); !errors.As(err, &ie) {
			t.Errorf("bad ID: got %v, want an input error", err)
		}
		if _, err := env.eng.GetScalingActivity(context.Background(), id, "asa-0000000000000000"); !errors.Is(err, provider.ErrNotFound) {
			t.Errorf("unknown ID: got %v, want not found", err)
		}
	})
}
